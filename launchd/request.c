/*
 * Request handlers: one per operation, each given a decoded request
 * (proto/ did the parsing and validation; no cJSON here).
 *
 * An error about a job does not name it in its message ("no such job",
 * "already running (pid 9)"): the LABEL_ERROR's label, or the label of
 * the request, does, and the client prints "launch: LABEL: message"
 * (docs/protocol.md lists the messages).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
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
request_stats(struct peer *p, const struct proto_request *req)
{
	struct proto_stats	s;

	stats_collect(&s);
	peer_send(p, proto_reply_stats(req->id, &s));
}

/* A daemon shutting down takes no new job: 1 after refusing. */
static int
request_refuse_new(struct peer *p, const struct proto_request *req)
{
	if (!server_shutting_down)
		return 0;
	request_error(p, req->id, PROTO_E_INTERNAL, "",
	    "the daemon is shutting down");
	return 1;
}

/* Whether label is free for a new job: 0, or -1 with the code and the
 * message of the refusal.  No label in these messages: the client names
 * the job it asked for ("launch: web: already running (pid 9)"). */
static int
request_label_free(const char *label, enum proto_code *code, char *msg,
    size_t len)
{
	struct job	*j;

	if ((j = job_find(label)) == NULL)
		return 0;
	*code = PROTO_E_ALREADY_RUNNING;
	if (j->state == PROTO_STATE_BACKOFF)
		snprintf(msg, len, "already in backoff (it restarts by its "
		    "policy)");
	else if (job_live(j))
		snprintf(msg, len, "already %s (pid %d)",
		    proto_state_name(j->state), (int)j->pid);
	else {
		*code = PROTO_E_INSTANCE_EXISTS;
		snprintf(msg, len, "exists (%s); start it, remove it, or "
		    "choose another label", proto_state_name(j->state));
	}
	return -1;
}

static void
request_submit(struct peer *p, const struct proto_request *req)
{
	const struct proto_submit	*s = &req->submit;
	struct proto_error		 err;
	struct waiter			*w;
	enum proto_code			 code;
	char				 msg[512];

	if (request_refuse_new(p, req))
		return;
	if (request_label_free(s->label, &code, msg, sizeof msg) == -1) {
		request_error(p, req->id, code, "label", msg);
		return;
	}
	if (req->wait_ready && s->ready_fd == 0) {
		request_error(p, req->id, PROTO_E_INVALID_DATA, "wait_ready",
		    "wait_ready: needs ready_fd (the fd the job reports "
		    "readiness on)");
		return;
	}
	if (capacity_full(msg, sizeof msg)) {
		request_error(p, req->id, PROTO_E_FULL, "", msg);
		return;
	}
	/* The reply comes when exec has succeeded (or the job is ready). */
	p->busy = 1;
	w = waiter_new_single(p, req->id, req->wait_ready ?
	    req->ready_timeout_ms : 0);
	w->want_ready = req->wait_ready;
	job_submit(s, w, req->wait_ready ? JOB_WANT_READY : JOB_WANT_LAUNCHED,
	    &err);
	waiter_arm(w);
}

/*
 * A job file's jobs (or a part of them), each checked and created as
 * submit does, all in this one call: every job is created and started
 * in the same turn of the loop, so that their records can be committed
 * together and their shims forked together, and no exec is waited for
 * before the last is started.  A job refused (its label taken, the
 * daemon full) is a LABEL_ERROR and the others still start.
 */
static void
request_submit_batch(struct peer *p, const struct proto_request *req)
{
	struct proto_error	 err;
	struct waiter		*w;
	enum proto_code		 code;
	char			 msg[512];

	if (request_refuse_new(p, req))
		return;
	p->busy = 1;
	w = waiter_new_batch(p, req->id, req->wait_ready ?
	    req->ready_timeout_ms : 0);
	w->want_ready = req->wait_ready;
	for (size_t i = 0; i < req->njobs; i++) {
		const struct proto_submit *s = &req->jobs[i];

		if (request_label_free(s->label, &code, msg, sizeof msg) ==
		    -1) {
			waiter_add_error(w, s->label, code, msg);
			continue;
		}
		if (capacity_full(msg, sizeof msg)) {
			waiter_add_error(w, s->label, PROTO_E_FULL, msg);
			continue;
		}
		/* Only a job with a ready fd can say it is ready; the
		 * others are ready once running. */
		job_submit(s, w, req->wait_ready && s->ready_fd > 0 ?
		    JOB_WANT_READY : JOB_WANT_LAUNCHED, &err);
	}
	waiter_arm(w);
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
	struct proto_job	 view;
	struct job		**all;
	size_t			 n, k = 0;

	/* Job by job into the peer's output, never one tree for the whole
	 * table (proto-list.c). */
	all = job_all(&n);
	proto_list_begin(peer_out(p), req->id);
	for (size_t i = 0; i < n && !p->dead; i++) {
		if (!request_matches(&req->match, all[i]->spec.label))
			continue;
		job_view(all[i], &view);
		if (req->usage)
			usage_measure(all[i], &view.usage);
		proto_list_add(peer_out(p), &view, k++);
		peer_out_push(p);
	}
	free(all);
	proto_list_end(peer_out(p));
	peer_out_done(p);
}

static void
request_status(struct peer *p, const struct proto_request *req)
{
	struct proto_job	 view;
	struct job		*j;

	if ((j = job_find(req->label)) == NULL) {
		request_error(p, req->id, PROTO_E_UNKNOWN_LABEL, "label",
		    "no such job");
		return;
	}
	job_view(j, &view);
	usage_measure(j, &view.usage);
	peer_send(p, proto_reply_job(req->id, &view));
}

enum request_action { ACT_STOP, ACT_START, ACT_RESTART, ACT_REMOVE };

struct job **
request_match(const struct proto_strv *match, size_t *np,
    void (*unknown)(void *, const char *, const char *), void *arg)
{
	struct job	**all;
	size_t		  n, k = 0, found;
	unsigned	  mark = ++request_mark;

	all = job_all(&n);
	for (size_t m = 0; match != NULL && m < match->n; m++) {
		found = 0;
		for (size_t i = 0; i < n; i++) {
			struct job *j = all[i];
			if (proto_is_glob(match->v[m]) ?
			    !proto_glob_match(match->v[m], j->spec.label) :
			    strcmp(match->v[m], j->spec.label) != 0)
				continue;
			found++;
			j->mark = mark;
		}
		/* The error's label names it: the message does not. */
		if (found == 0)
			unknown(arg, match->v[m], proto_is_glob(match->v[m]) ?
			    "no job matches" : "no such job");
	}
	/* The marked ones, in label order, each once. */
	for (size_t i = 0; i < n; i++) {
		if (match != NULL && all[i]->mark != mark)
			continue;
		all[i]->mark = 0;
		all[k++] = all[i];
	}
	*np = k;
	return all;
}

static void
request_unknown(void *w, const char *name, const char *message)
{
	waiter_add_error(w, name, PROTO_E_UNKNOWN_LABEL, message);
}

/* Apply the action to every job matched by match (every job if match is
 * NULL), each once; names that match nothing become unknown_label. */
static void
request_each(struct waiter *w, const struct proto_strv *match,
    enum request_action action, const struct proto_request *req)
{
	struct job	**jobs;
	size_t		  n;
	char		  msg[512];

	/* First match, then act: an action may remove a job from the
	 * table. */
	jobs = request_match(match, &n, request_unknown, w);
	for (size_t i = 0; i < n; i++) {
		struct job *j = jobs[i];
		switch (action) {
		case ACT_STOP:
			job_stop(j, req->signal, req->timeout_ms, w);
			break;
		case ACT_START:
		case ACT_RESTART:
			/* Starting an ended job adds one. */
			if (!job_live(j) && j->state != PROTO_STATE_BACKOFF &&
			    capacity_full(msg, sizeof msg)) {
				waiter_add_error(w, j->spec.label,
				    PROTO_E_FULL, msg);
				break;
			}
			if (action == ACT_START)
				job_start(j, w);
			else
				job_restart(j, req->signal, req->timeout_ms,
				    w);
			break;
		case ACT_REMOVE:
			job_remove(j, req->timeout_ms, w);
			break;
		}
	}
	free(jobs);
}

static void
request_jobs(struct peer *p, const struct proto_request *req,
    enum request_action action)
{
	struct waiter	*w;

	if (server_shutting_down && action != ACT_STOP &&
	    action != ACT_REMOVE) {
		request_error(p, req->id, PROTO_E_INTERNAL, "",
		    "the daemon is shutting down");
		return;
	}
	w = waiter_new(p, req->id, NULL);
	p->busy = 1;
	request_each(w, &req->match, action, req);
	waiter_arm(w);
}

static void
request_stop(struct peer *p, const struct proto_request *req)
{
	request_jobs(p, req, ACT_STOP);
}

static void
request_start(struct peer *p, const struct proto_request *req)
{
	request_jobs(p, req, ACT_START);
}

static void
request_restart(struct peer *p, const struct proto_request *req)
{
	request_jobs(p, req, ACT_RESTART);
}

static void
request_remove(struct peer *p, const struct proto_request *req)
{
	request_jobs(p, req, ACT_REMOVE);
}

/* The shutdown reply, held while subscribers get the last events. */
static struct peer	*shutdown_peer;
static char		*shutdown_line;

static void
request_shutdown_finish(void)
{
	struct peer	*p = shutdown_peer;

	log_info("exiting");
	/* The socket goes before the reply, so that a client that saw the
	 * reply never finds a socket with no daemon behind it. */
	server_close_listener();
	if (p != NULL && !p->dead) {
		p->exit_after_flush = 1;
		server_exit_deadline();
		peer_send(p, shutdown_line);
	} else {
		free(shutdown_line);
		server_exit();
	}
	shutdown_line = NULL;
	if (p != NULL)
		peer_unref(p);
}

static void
request_shutdown_done(struct waiter *w, char *line)
{
	log_info("all jobs stopped");
	/* Records a full disk kept from being written: a last try. */
	state_save_unsaved();
	shutdown_peer = w->peer;
	if (shutdown_peer != NULL)
		peer_ref(shutdown_peer);
	shutdown_line = line;
	/* Connected subscribers get a moment to acknowledge the stops; what
	 * they do not is still queued on disk for the next daemon. */
	sub_drain(SUB_DRAIN_SECONDS, request_shutdown_finish);
}

void
request_shutdown_all(struct peer *p, int64_t id, int64_t timeout_ms)
{
	struct proto_request	 req;
	struct waiter		*w;

	if (server_shutting_down && p == NULL)
		return;
	log_info("shutting down: stopping %zu jobs", job_count());
	server_shutting_down = 1;
	w = waiter_new(p, id, request_shutdown_done);
	if (p != NULL)
		p->busy = 1;
	proto_request_init(&req, PROTO_OP_SHUTDOWN);
	req.timeout_ms = timeout_ms;
	request_each(w, NULL, ACT_STOP, &req);
	waiter_arm(w);
}

static void
request_shutdown(struct peer *p, const struct proto_request *req)
{
	request_shutdown_all(p, req->id, req->timeout_ms);
}

static void
request_subscribe(struct peer *p, const struct proto_request *req)
{
	struct proto_sub	view;
	struct proto_error	err;

	if (sub_register(req->sub, &view, &err) == -1) {
		peer_send(p, proto_reply_error(req->id, &err));
		return;
	}
	event_stats_update();
	peer_send(p, proto_reply_subs(req->id, req->op, &view, 1));
	proto_sub_free(&view);
}

static void
request_unsubscribe(struct peer *p, const struct proto_request *req)
{
	struct proto_sub	view;
	struct proto_error	err;

	if (sub_unregister(req->sub_id, &view, &err) == -1) {
		peer_send(p, proto_reply_error(req->id, &err));
		return;
	}
	event_stats_update();
	peer_send(p, proto_reply_subs(req->id, req->op, &view, 1));
	proto_sub_free(&view);
}

static void
request_subscriptions(struct peer *p, const struct proto_request *req)
{
	struct proto_sub	*v;
	size_t			 n;

	v = sub_views(&n);
	peer_send(p, proto_reply_subs(req->id, req->op, v, n));
	for (size_t i = 0; i < n; i++)
		proto_sub_free(&v[i]);
	free(v);
}

static void
request_events(struct peer *p, const struct proto_request *req)
{
	event_stream_open(p, req);
}

typedef void (*request_handler)(struct peer *, const struct proto_request *);

static const request_handler request_handlers[PROTO_OP__COUNT] = {
	[PROTO_OP_PING] = request_ping,
	[PROTO_OP_SUBMIT] = request_submit,
	[PROTO_OP_LIST] = request_list,
	[PROTO_OP_STATUS] = request_status,
	[PROTO_OP_STOP] = request_stop,
	[PROTO_OP_SHUTDOWN] = request_shutdown,
	[PROTO_OP_START] = request_start,
	[PROTO_OP_RESTART] = request_restart,
	[PROTO_OP_REMOVE] = request_remove,
	[PROTO_OP_SUBSCRIBE] = request_subscribe,
	[PROTO_OP_UNSUBSCRIBE] = request_unsubscribe,
	[PROTO_OP_SUBSCRIPTIONS] = request_subscriptions,
	[PROTO_OP_EVENTS] = request_events,
	[PROTO_OP_STATS] = request_stats,
	[PROTO_OP_WAIT] = wait_request,
	[PROTO_OP_SUBMIT_BATCH] = request_submit_batch,
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
