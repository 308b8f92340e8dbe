/*
 * Waiters: replies sent once jobs have done something (see job.c).
 *
 * A list waiter (stop, start, restart, remove, shutdown) collects a
 * snapshot of each job as it settles, and answers {"jobs", "errors"} when
 * it has been armed (every job added) and nothing is pending.  A job that
 * could not be launched also adds a launch_failure error for its label.
 *
 * A single waiter (submit) answers {"job": JOB}, or launch_failure when
 * the job could not start, or, with --wait-ready, ended before it was
 * ready, or was not ready in time.  A timed-out waiter answers at once
 * and stays registered with its job, silent, until the job settles it:
 * so it never needs a job pointer.
 *
 * A batch waiter (submit_batch) is a list waiter whose jobs were just
 * submitted: one that started is in "jobs", one that did not is only a
 * LABEL_ERROR (a fresh job that failed to launch is gone: listing it
 * would name a job that does not exist), as is one that ended before it
 * was ready.  At its timeout it answers at once, each job still pending
 * (found through the jobs' waits: still no job pointer) as not ready,
 * and stays registered, silent, as a single waiter does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "launchd.h"
#include "xmalloc.h"

struct waiter_priv {
	struct waiter	w;
	int		armed;
	int		answered;	/* single: reply already sent */
};

static void
waiter_batch_timeout(struct waiter_priv *p, double seconds)
{
	struct waiter	 *w = &p->w;
	struct job	**all;
	size_t		  n;
	char		  msg[128];

	snprintf(msg, sizeof msg, "not ready after %.1fs; the job is still "
	    "starting", seconds);
	all = job_all(&n);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < all[i]->nwaits; k++) {
			if (all[i]->waits[k].waiter != w)
				continue;
			proto_jobs_reply_add_error(w->reply,
			    all[i]->spec.label, PROTO_E_LAUNCH_FAILURE, msg);
			break;
		}
	}
	free(all);
	p->answered = 1;
	/* What settles later is dropped: the reply is gone. */
	w->done(w, proto_jobs_reply_finish(w->reply, w->id));
	w->reply = NULL;
}

static void
waiter_timeout_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct waiter_priv	*p = t->data;
	struct proto_error	 err;

	if (p->w.batch) {
		waiter_batch_timeout(p, t->repeat > 0 ? t->repeat : 0.);
		return;
	}
	proto_error_set(&err, PROTO_E_LAUNCH_FAILURE, "ready_timeout_ms",
	    "not ready after %.1fs; the job is still starting",
	    t->repeat > 0 ? t->repeat : 0.);
	p->answered = 1;
	p->w.done(&p->w, proto_reply_error(p->w.id, &err));
}

struct waiter *
waiter_new(struct peer *peer, int64_t id,
    void (*done)(struct waiter *, char *))
{
	struct waiter_priv	*p = xcalloc(1, sizeof *p);

	p->w.peer = peer;
	if (peer != NULL)
		peer_ref(peer);
	p->w.id = id;
	p->w.reply = proto_jobs_reply_new();
	p->w.done = done != NULL ? done : waiter_reply_to_peer;
	ev_init(&p->w.timeout, waiter_timeout_cb);
	p->w.timeout.data = p;
	return &p->w;
}

/* A ready timeout of timeout_ms (0: none).  repeat holds the value for
 * the message; the timer never fires twice because the callback does not
 * restart it. */
static void
waiter_set_timeout(struct waiter *w, int64_t timeout_ms)
{
	if (timeout_ms <= 0)
		return;
	ev_timer_set(&w->timeout, (double)timeout_ms / 1000.,
	    (double)timeout_ms / 1000.);
	ev_timer_start(server_loop, &w->timeout);
}

struct waiter *
waiter_new_single(struct peer *peer, int64_t id, int64_t timeout_ms)
{
	struct waiter	*w = waiter_new(peer, id, NULL);

	w->single = 1;
	waiter_set_timeout(w, timeout_ms);
	return w;
}

struct waiter *
waiter_new_batch(struct peer *peer, int64_t id, int64_t timeout_ms)
{
	struct waiter	*w = waiter_new(peer, id, NULL);

	w->batch = 1;
	waiter_set_timeout(w, timeout_ms);
	return w;
}

static void
waiter_finish(struct waiter *w)
{
	struct waiter_priv	*p = (struct waiter_priv *)w;
	char			*line;

	ev_timer_stop(server_loop, &w->timeout);
	if (w->single) {
		line = w->single_line;
		w->single_line = NULL;
		proto_jobs_reply_free(w->reply);
	} else if (w->reply != NULL)
		line = proto_jobs_reply_finish(w->reply, w->id);
	else
		line = NULL;	/* a batch that timed out: answered */
	w->reply = NULL;
	if (!p->answered && line != NULL)
		w->done(w, line);
	else
		free(line);
	if (w->peer != NULL)
		peer_unref(w->peer);
	free(w->single_line);
	free(w);
}

void
waiter_add_job(struct waiter *w, const struct job *j)
{
	struct proto_job	view;
	struct proto_error	err;

	if (w->batch) {
		if (w->reply == NULL)
			return;		/* answered at the timeout */
		if (j->launch_failed)
			proto_jobs_reply_add_error(w->reply, j->spec.label,
			    j->fail_code, j->error != NULL ?
			    j->error : "launch failed");
		else if (!job_live(j) && w->want_ready &&
		    j->spec.ready_fd > 0 && j->ready_ms == 0)
			proto_jobs_reply_add_error(w->reply, j->spec.label,
			    PROTO_E_LAUNCH_FAILURE,
			    "ended before it was ready");
		else {
			job_view(j, &view);
			proto_jobs_reply_add(w->reply, &view);
		}
		return;
	}
	job_view(j, &view);
	if (!w->single) {
		proto_jobs_reply_add(w->reply, &view);
		if (j->launch_failed)
			proto_jobs_reply_add_error(w->reply, j->spec.label,
			    j->fail_code, j->error != NULL ?
			    j->error : "launch failed");
		return;
	}
	free(w->single_line);
	if (j->launch_failed) {
		proto_error_set(&err, j->fail_code, j->fail_field, "%s",
		    j->error != NULL ? j->error : "launch failed");
		w->single_line = proto_reply_error(w->id, &err);
	} else if (!job_live(j) && w->want_ready && j->ready_ms == 0) {
		proto_error_set(&err, PROTO_E_LAUNCH_FAILURE, "ready_fd",
		    "ended before it was ready");
		w->single_line = proto_reply_error(w->id, &err);
	} else
		w->single_line = proto_reply_job(w->id, &view);
}

void
waiter_add_error(struct waiter *w, const char *label, enum proto_code code,
    const char *message)
{
	if (w->reply != NULL)
		proto_jobs_reply_add_error(w->reply, label, code, message);
}

void
waiter_settled(struct waiter *w, const struct job *j)
{
	struct waiter_priv	*p = (struct waiter_priv *)w;

	if (w->settled != NULL) {
		w->settled(w, j);
		return;
	}
	waiter_add_job(w, j);
	if (--w->pending == 0 && p->armed)
		waiter_finish(w);
}

void
waiter_arm(struct waiter *w)
{
	struct waiter_priv	*p = (struct waiter_priv *)w;

	p->armed = 1;
	if (w->pending == 0)
		waiter_finish(w);
}

void
waiter_reply_to_peer(struct waiter *w, char *line)
{
	/* What it reports is on disk before the client hears of it. */
	if (w->peer != NULL)
		state_reply_durable(w->peer, line);
	else
		free(line);
}
