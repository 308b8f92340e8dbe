/*
 * Subscriptions, inside the daemon: sub.c (registry, persistence and the
 * notification connection) and subq.c (each one's queue and journal).
 * See sub.c for the delivery rules and subq.c for the journal.
 */
#ifndef LAUNCH_SUB_H
#define LAUNCH_SUB_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <ev.h>

#include "buf.h"
#include "event.h"

struct subq_item {
	int64_t	 seq;
	char	*line;		/* the EVENT line, with its "\n" */
	size_t	 len;
};

/* A subscription's queue: the events not yet acknowledged, in seq order,
 * mirrored in an append-only journal (subs/ID.queue). */
struct subq {
	struct subq_item	*v;		/* v[head .. head + n) */
	size_t			 head, n, cap;
	int64_t			 next_seq;	/* the next event's seq */
	int64_t			 acked;		/* all <= acked delivered */
	int64_t			 delivered;	/* acknowledged in all */
	int64_t			 dropping;	/* not queued, unreported */
	int64_t			 dropped;	/* not queued, in all */
	int			 fd;		/* the journal; -1: none */
	char			*dir;
	char			 name[64];	/* ID.queue */
	size_t			 records;	/* lines in the journal */
	int			 broken;	/* a journal write failed */
	size_t			 unjournaled;	/* the last n: subq_journal */
	int64_t			 retried_ms;	/* broken: the last rewrite */
};

/* Load (or create) the queue of subscription id in dir: 0 or -1. */
int	 subq_open(struct subq *, const char *dir, int64_t id);
void	 subq_close(struct subq *);
/* Remove the journal too. */
void	 subq_destroy(struct subq *);
/* Queue an event (its body, without seq): 1, or 0 when the queue holds
 * max events already (then it is counted as dropped). */
int	 subq_push(struct subq *, const char *body, int64_t max);
/* Append the events queued by subq_push to the journal. */
void	 subq_journal(struct subq *);
/* Everything up to seq is delivered.  Room made for a pending "dropped"
 * report is filled with one. */
void	 subq_ack(struct subq *, int64_t seq, int64_t max);
/* Queue the pending "dropped" report if there is room (after loading). */
void	 subq_report_drops(struct subq *, int64_t max);
static inline const struct subq_item *
subq_at(const struct subq *q, size_t i)
{
	return &q->v[q->head + i];
}
/* The index of the first item with seq > after (n if none). */
size_t	 subq_find(const struct subq *, int64_t after);

struct sub {
	struct proto_sub	 cfg;		/* id, addr, token, ... state */
	struct subq		 q;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
	int			 fd;		/* -1: not connected */
	ev_io			 rd, wr;
	ev_timer		 timer;		/* connect, ack or retry */
	struct buf		 in, out;
	int			 hello_acked;	/* first ACK received */
	int64_t			 sent;		/* highest seq written */
	int			 backoff;	/* failed attempts in a row */
	int64_t			 down_since;	/* first failure; 0: none */
	TAILQ_ENTRY(sub)	 entry;
};

#endif
