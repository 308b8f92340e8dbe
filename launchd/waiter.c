/*
 * Waiters: replies that are sent once a set of jobs has settled (stop,
 * shutdown).  Each settled job adds a snapshot of its final view, so a
 * waiter never holds a job pointer.  A waiter finishes when it has been
 * armed (every job added) and nothing is pending.
 */
#include "config.h"

#include <stdlib.h>

#include "launchd.h"
#include "xmalloc.h"

struct waiter_priv {
	struct waiter	w;
	int		armed;
};

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
	return &p->w;
}

static void
waiter_finish(struct waiter *w)
{
	char	*line = proto_jobs_reply_finish(w->reply, w->id);

	w->reply = NULL;
	w->done(w, line);
	if (w->peer != NULL)
		peer_unref(w->peer);
	free(w);
}

void
waiter_add_job(struct waiter *w, const struct job *j)
{
	struct proto_job	view;

	job_view(j, &view);
	proto_jobs_reply_add(w->reply, &view);
}

void
waiter_add_error(struct waiter *w, const char *label, enum proto_code code,
    const char *message)
{
	proto_jobs_reply_add_error(w->reply, label, code, message);
}

void
waiter_settled(struct waiter *w, const struct job *j)
{
	struct waiter_priv	*p = (struct waiter_priv *)w;

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
	if (w->peer != NULL) {
		peer_send(w->peer, line);
		peer_done(w->peer);
	} else
		free(line);
}
