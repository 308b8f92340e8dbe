/*
 * The `wait` request: answer once every job it matched has ended for
 * good, or at its timeout.
 *
 * Decisions (also in proto.h and docs/protocol.md):
 * - The jobs are those the request matches when it arrives (a snapshot):
 *   a job submitted later is not waited for, even if a glob would match
 *   it.  A name that matches nothing is an unknown_label LABEL_ERROR, as
 *   for stop; the others are still waited for.
 * - Ended means job_finished: exited or failed, with no restart coming.
 *   A job in backoff has not ended (its policy will run it again), nor
 *   has one that `launch restart` stopped (it is waited for through its
 *   next run).  A job already ended counts at once, as it ended.
 * - Succeeded: exited with code 0 (and no error).  Any other end is a
 *   failure, and so is a job removed while waited on: it is reported
 *   with its last state and the error "removed while waited on", since
 *   what it would have done is unknown.
 * - The timeout is the daemon's (the waiter's ev_timer), so `launch -H
 *   host wait -t 5` behaves as a local one with no timer in the client.
 *
 * Lifetime.  The wait is a waiter registered (JOB_WANT_FINISHED) with
 * each job still pending; its settled hook is wait_settled.  A pending
 * item keeps its job's pointer: a job is never destroyed while waiters
 * are registered with it (job_destroy settles them first, which is how
 * a removal is seen).  The reply is sent as soon as the last job ends,
 * from inside that job's callback (so that a shutdown's clients get it
 * before the daemon exits), but the peer's next request is read from
 * the loop (peer_done_soon), not while the job table is in the middle
 * of a change.
 *
 * The peer is read while its wait is pending (peer.c), so a client that
 * goes away (^C) is noticed at once: wait_peer_gone drops every
 * registration and frees the wait.  A peer can also close while the
 * wait is sending it a progress line (peer_send failing); the wait then
 * only marks itself cancelled, and the sender frees it on its way out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define WAIT_REMOVED	"removed while waited on"

struct wait_item {
	struct job		*job;		/* while pending, else NULL */
	struct proto_wait_job	 end;		/* label; the rest once ended */
	int			 ended;
	int			 succeeded;
};

struct wait {
	struct waiter		  w;		/* first: what the jobs hold */
	struct wait_item	 *items;	/* in label order */
	size_t			  nitems;
	size_t			  ended;
	struct proto_label_error *errors;
	size_t			  nerrors;
	int			  progress;
	int64_t			  start_ms;	/* monotonic */
	int			  sending;	/* inside peer_send */
	int			  cancelled;	/* the peer closed meanwhile */
};

static void
wait_free(struct wait *wt)
{
	ev_timer_stop(server_loop, &wt->w.timeout);
	for (size_t i = 0; i < wt->nitems; i++) {
		if (wt->items[i].job != NULL)
			job_drop_wait(wt->items[i].job, &wt->w);
		proto_wait_job_free(&wt->items[i].end);
	}
	free(wt->items);
	for (size_t i = 0; i < wt->nerrors; i++) {
		free(wt->errors[i].label);
		free(wt->errors[i].message);
	}
	free(wt->errors);
	if (wt->w.peer != NULL) {
		if (wt->w.peer->wait == wt)
			wt->w.peer->wait = NULL;
		peer_unref(wt->w.peer);
	}
	free(wt);
}

/* Send line; -1 when the peer closed meanwhile: the caller frees the
 * wait and touches nothing else. */
static int
wait_send(struct wait *wt, char *line)
{
	wt->sending++;
	peer_send(wt->w.peer, line);
	wt->sending--;
	return wt->cancelled ? -1 : 0;
}

/* The progress line of it, the k-th job to end. */
static int
wait_send_progress(struct wait *wt, const struct wait_item *it, size_t k)
{
	struct proto_wait_progress	p;

	if (!wt->progress)
		return 0;
	p.job = it->end;
	p.succeeded = it->succeeded;
	p.ended = (int64_t)k;
	p.total = (int64_t)wt->nitems;
	return wait_send(wt, proto_wait_progress_line(wt->w.id, &p));
}

/* Record how j ended (removed: it is being destroyed mid-wait). */
static void
wait_item_end(struct wait *wt, struct wait_item *it, const struct job *j,
    int removed)
{
	struct proto_wait_job	*e = &it->end;

	e->state = j->state;
	e->exit_code = j->exit_code;
	e->signal = j->signal;
	free(e->error);
	e->error = removed ? xstrdup(WAIT_REMOVED) :
	    j->error != NULL ? xstrdup(j->error) : NULL;
	it->succeeded = !removed && j->state == PROTO_STATE_EXITED &&
	    j->exit_code == 0 && j->error == NULL;
	it->ended = 1;
	wt->ended++;
}

/* Every job has ended, or the time is up: reply, and free the wait. */
static void
wait_answer(struct wait *wt)
{
	struct proto_wait	 r;
	struct peer		*p = wt->w.peer;
	size_t			 ns = 0, nf = 0, nl = 0;
	char			*line;

	memset(&r, 0, sizeof r);
	r.succeeded = xcalloc(wt->nitems + 1, sizeof *r.succeeded);
	r.failed = xcalloc(wt->nitems + 1, sizeof *r.failed);
	r.left = xcalloc(wt->nitems + 1, sizeof *r.left);
	/* Shallow copies: the items own the strings. */
	for (size_t i = 0; i < wt->nitems; i++) {
		const struct wait_item *it = &wt->items[i];
		if (!it->ended)
			r.left[nl++] = it->end;
		else if (it->succeeded)
			r.succeeded[ns++] = it->end;
		else
			r.failed[nf++] = it->end;
	}
	r.nsucceeded = ns;
	r.nfailed = nf;
	r.nleft = nl;
	r.timed_out = nl > 0;
	r.elapsed_ms = clock_mono_ms() - wt->start_ms;
	log_debug("peer %u: wait #%lld: %zu succeeded, %zu failed, %zu left "
	    "after %lld ms", p->serial, (long long)wt->w.id, ns, nf, nl,
	    (long long)r.elapsed_ms);
	line = proto_reply_wait(wt->w.id, &r, wt->errors, wt->nerrors);
	free(r.succeeded);
	free(r.failed);
	free(r.left);
	peer_ref(p);
	wait_free(wt);
	peer_send(p, line);
	peer_done_soon(p);
	peer_unref(p);
}

static void
wait_timeout_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	wait_answer(t->data);
}

static struct wait_item *
wait_find(struct wait *wt, const char *label)
{
	size_t	lo = 0, hi = wt->nitems, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(label, wt->items[mid].end.label)) == 0)
			return &wt->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A job we wait for has ended for good, or is being removed. */
static void
wait_settled(struct waiter *w, const struct job *j)
{
	struct wait		*wt = (struct wait *)w;
	struct wait_item	*it;

	/* The job has already dropped its registration. */
	w->pending--;
	if ((it = wait_find(wt, j->spec.label)) == NULL || it->job != j) {
		log_warnx("%s: settled a wait that does not wait for it",
		    j->spec.label);
		return;
	}
	it->job = NULL;
	wait_item_end(wt, it, j, j->removing || !job_finished(j));
	if (wait_send_progress(wt, it, wt->ended) == -1) {
		wait_free(wt);
		return;
	}
	if (wt->ended == wt->nitems)
		wait_answer(wt);
}

static void
wait_unknown(void *arg, const char *name, const char *message)
{
	struct wait			*wt = arg;
	struct proto_label_error	*e;

	wt->errors = xreallocarray(wt->errors, wt->nerrors + 1,
	    sizeof *wt->errors);
	e = &wt->errors[wt->nerrors++];
	e->label = xstrdup(name);
	e->code = PROTO_E_UNKNOWN_LABEL;
	e->message = xstrdup(message);
}

void
wait_request(struct peer *p, const struct proto_request *req)
{
	struct wait	 *wt = xcalloc(1, sizeof *wt);
	struct job	**jobs;
	size_t		  n, k = 0;

	wt->w.peer = p;
	peer_ref(p);
	wt->w.id = req->id;
	wt->w.settled = wait_settled;
	ev_init(&wt->w.timeout, wait_timeout_cb);
	wt->w.timeout.data = wt;
	wt->progress = req->progress;
	wt->start_ms = clock_mono_ms();

	jobs = request_match(&req->match, &n, wait_unknown, wt);
	wt->items = xcalloc(n + 1, sizeof *wt->items);
	wt->nitems = n;
	for (size_t i = 0; i < n; i++) {
		struct wait_item *it = &wt->items[i];
		proto_wait_job_set(&it->end, jobs[i]->spec.label,
		    jobs[i]->state, -1, 0, NULL);
		if (job_finished(jobs[i]))
			wait_item_end(wt, it, jobs[i], 0);
		else {
			it->job = jobs[i];
			job_add_wait(jobs[i], &wt->w, JOB_WANT_FINISHED, 0);
		}
	}
	free(jobs);
	log_debug("peer %u: wait #%lld: %zu jobs, %zu ended, timeout %lld ms",
	    p->serial, (long long)req->id, wt->nitems, wt->ended,
	    (long long)req->timeout_ms);
	p->busy = 1;
	p->wait = wt;
	/* Those that had already ended are reported first. */
	for (size_t i = 0; i < wt->nitems; i++) {
		if (wt->items[i].ended &&
		    wait_send_progress(wt, &wt->items[i], ++k) == -1) {
			wait_free(wt);
			return;
		}
	}
	if (wt->ended == wt->nitems)
		wait_answer(wt);
	else if (req->timeout_ms >= 0) {
		ev_timer_set(&wt->w.timeout, (double)req->timeout_ms / 1000.,
		    0.);
		ev_timer_start(server_loop, &wt->w.timeout);
	}
}

void
wait_peer_gone(struct peer *p)
{
	struct wait	*wt = p->wait;

	p->wait = NULL;
	log_debug("peer %u: wait #%lld cancelled: the client went away "
	    "(%zu of %zu jobs ended)", p->serial, (long long)wt->w.id,
	    wt->ended, wt->nitems);
	if (wt->sending)
		wt->cancelled = 1;
	else
		wait_free(wt);
}
