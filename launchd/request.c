/*
 * Request handlers: one per operation, each given a decoded request
 * (proto/ did the parsing and validation; no cJSON here).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

static unsigned	request_mark;

static void
request_error(struct peer *p, int64_t id, enum proto_code code,
    const char *field, const char *message)
{
	struct proto_error	err;

	proto_error_set(&err, code, field, "%s", message);
	peer_send(p, proto_reply_error(id, &err));
}

static void
request_ping(struct peer *p, const struct proto_request *req)
{
	struct proto_ping	ping;

	ping.pid = getpid();
	ping.version = (char *)PACKAGE_VERSION;
	ping.proto = PROTO_VERSION;
	ping.jobs = (int64_t)job_count();
	peer_send(p, proto_reply_ping(req->id, &ping));
}

static void
request_submit(struct peer *p, const struct proto_request *req)
{
	const struct proto_submit	*s = &req->submit;
	struct proto_error		 err;
	struct job			*j;
	char				 msg[512];

	if (server_shutting_down) {
		request_error(p, req->id, PROTO_E_INTERNAL, "",
		    "the daemon is shutting down");
		return;
	}
	if ((j = job_find(s->label)) != NULL) {
		if (job_live(j)) {
			snprintf(msg, sizeof msg, "%s is already %s (pid %d)",
			    s->label, proto_state_name(j->state), (int)j->pid);
			request_error(p, req->id, PROTO_E_ALREADY_RUNNING,
			    "label", msg);
		} else {
			snprintf(msg, sizeof msg, "%s exists (%s); remove it "
			    "or choose another label", s->label,
			    proto_state_name(j->state));
			request_error(p, req->id, PROTO_E_INSTANCE_EXISTS,
			    "label", msg);
		}
		return;
	}
	if (job_submit(s, p, req->id, &err) == -1) {
		peer_send(p, proto_reply_error(req->id, &err));
		return;
	}
	p->busy = 1;	/* the reply comes when exec has succeeded */
}

static int
request_matches(const struct proto_strv *match, const char *label)
{
	if (match->n == 0)
		return 1;
	for (size_t i = 0; i < match->n; i++)
		if (proto_glob_match(match->v[i], label))
			return 1;
	return 0;
}

static void
request_list(struct peer *p, const struct proto_request *req)
{
	struct proto_jobs_reply	*reply = proto_jobs_reply_new();
	struct proto_job	 view;
	struct job		**all;
	size_t			 n;

	all = job_all(&n);
	for (size_t i = 0; i < n; i++) {
		if (!request_matches(&req->match, all[i]->spec.label))
			continue;
		job_view(all[i], &view);
		proto_jobs_reply_add(reply, &view);
	}
	free(all);
	peer_send(p, proto_jobs_reply_finish(reply, req->id));
}

static void
request_status(struct peer *p, const struct proto_request *req)
{
	struct proto_job	 view;
	struct job		*j;
	char			 msg[300];

	if ((j = job_find(req->label)) == NULL) {
		snprintf(msg, sizeof msg, "%s: no such job", req->label);
		request_error(p, req->id, PROTO_E_UNKNOWN_LABEL, "label", msg);
		return;
	}
	job_view(j, &view);
	peer_send(p, proto_reply_job(req->id, &view));
}

/* Stop every job matched by match (all jobs if match is NULL). */
static void
request_stop_jobs(struct waiter *w, const struct proto_strv *match,
    int sig, int64_t timeout_ms)
{
	struct job	**all;
	size_t		  n, found;
	char		  msg[1100];
	unsigned	  mark = ++request_mark;

	all = job_all(&n);
	for (size_t m = 0; match == NULL || m < match->n; m++) {
		found = 0;
		for (size_t i = 0; i < n; i++) {
			struct job *j = all[i];
			if (match != NULL && (proto_is_glob(match->v[m]) ?
			    !proto_glob_match(match->v[m], j->spec.label) :
			    strcmp(match->v[m], j->spec.label) != 0))
				continue;
			found++;
			if (j->mark == mark)
				continue;	/* named twice */
			j->mark = mark;
			job_stop(j, sig, (ev_tstamp)timeout_ms / 1000., w);
		}
		if (match == NULL)
			break;
		if (found == 0) {
			snprintf(msg, sizeof msg, proto_is_glob(match->v[m]) ?
			    "no job matches %s" : "%s: no such job",
			    match->v[m]);
			waiter_add_error(w, match->v[m],
			    PROTO_E_UNKNOWN_LABEL, msg);
		}
	}
	free(all);
}

static void
request_stop(struct peer *p, const struct proto_request *req)
{
	struct waiter	*w = waiter_new(p, req->id, NULL);

	p->busy = 1;
	request_stop_jobs(w, &req->match, req->signal, req->timeout_ms);
	waiter_arm(w);
}

static void
request_shutdown_done(struct waiter *w, char *line)
{
	log_info("all jobs stopped; exiting");
	/* The socket goes before the reply, so that a client that saw the
	 * reply never finds a socket with no daemon behind it. */
	server_close_listener();
	if (w->peer != NULL && !w->peer->dead) {
		w->peer->exit_after_flush = 1;
		server_exit_deadline();
		peer_send(w->peer, line);
	} else {
		free(line);
		server_exit();
	}
}

void
request_shutdown_all(struct peer *p, int64_t id, int64_t timeout_ms)
{
	struct waiter	*w;

	if (server_shutting_down && p == NULL)
		return;
	log_info("shutting down: stopping %zu jobs", job_count());
	server_shutting_down = 1;
	w = waiter_new(p, id, request_shutdown_done);
	if (p != NULL)
		p->busy = 1;
	request_stop_jobs(w, NULL, SIGTERM, timeout_ms);
	waiter_arm(w);
}

static void
request_shutdown(struct peer *p, const struct proto_request *req)
{
	request_shutdown_all(p, req->id, req->timeout_ms);
}

typedef void (*request_handler)(struct peer *, const struct proto_request *);

static const request_handler request_handlers[PROTO_OP__COUNT] = {
	[PROTO_OP_PING] = request_ping,
	[PROTO_OP_SUBMIT] = request_submit,
	[PROTO_OP_LIST] = request_list,
	[PROTO_OP_STATUS] = request_status,
	[PROTO_OP_STOP] = request_stop,
	[PROTO_OP_SHUTDOWN] = request_shutdown,
};

void
request_handle(struct peer *p, const char *line, size_t len)
{
	struct proto_request	req;
	struct proto_error	err;

	if (proto_request_decode(line, len, &req, &err) == -1) {
		log_debug("peer %u: bad request: %s: %s", p->serial,
		    proto_code_name(err.code), err.message);
		peer_send(p, proto_reply_error(req.id, &err));
		return;
	}
	log_debug("peer %u: %s #%lld", p->serial, proto_op_name(req.op),
	    (long long)req.id);
	request_handlers[req.op](p, &req);
	proto_request_free(&req);
}
