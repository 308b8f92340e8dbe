/*
 * Events and subscriptions: what the daemon tells subscribers, over TCP
 * (`launch subscribe`) and over its own socket (`launch events`).
 * Shares PROTO_VERSION with proto.h: bump it on any change here too.
 *
 * EVENT, one JSON object per line:
 *   "seq": int >= 1          per subscription (or per `events` stream),
 *                            consecutive, never reused
 *   "time": RFC3339 ms UTC   when it happened
 *   "host": str              the daemon's host name
 *   "event": "exit"|"start"|"ready"|"backoff"|"state"|"dropped"
 *            |"capacity"|"stats"
 * job events ("dropped", "capacity" and "stats" have none of these) add
 *   "label", "id": int, "kind": "process"|"qemu"|"docker",
 *   "pid": int|null, "restarts": int
 * "exit" adds
 *   "reason": "exited"      it exited of its own accord (any code)
 *            |"signaled"    a signal it was not sent by a stop killed it
 *            |"stopped"     a stop, restart, remove or shutdown ended it
 *            |"launch_failure"  it could not be started
 *            |"lost"        its shim vanished, or the machine restarted
 *   "exit_code": int|null, "signal": "SIGKILL"|null,
 *   "ok": bool               true only for exit 0 of its own accord,
 *   "error": str|null
 * "backoff" adds "delay_ms": int (the restart comes after that long);
 * "state" adds "from", "to": job states;
 * "dropped" adds "count": int, the events that did not fit in the queue
 *   here (they were matched but never queued); it matches every filter.
 * Events of the daemon itself (version 6) have no label and match every
 * label filter:
 * "capacity" adds "status": "ready"|"full", "jobs_active": int,
 *   "max_jobs": int: the daemon became full or ready again (only with
 *   `launch serve --max-jobs`);
 * "stats" adds "stats": STATS (proto.h), sent every `launch serve
 *   --stats-interval` seconds (30) to those that ask for class "stats".
 *
 * Classes ("events" of a subscription or stream; several may be joined
 * by commas, "failures,stats"): "failures" (default) is every exit that
 * is not ok, stops included; "exits" is every exit; "all" is every event
 * but "stats"; "stats" is the stats events.  "dropped" is in every
 * class.
 *
 * SUB, a subscription's view (`launch subscriptions`):
 *   "id": int, "addr": "IP:PORT" ("[v6]:PORT"), "match": [glob,...],
 *   "events": classes, "ttl_ms": int (0: never expires),
 *   "queue_max": int, "created_at": time,
 *   "state": "connecting"|"connected"|"retrying"|"expired",
 *   "since": time (of the state; for retrying, of the first failure),
 *   "queued": int (not yet acknowledged), "dropped": int (in all),
 *   "delivered": int (acknowledged in all), "next_seq": int,
 *   "last_error": str|null
 * The token is never shown.
 *
 * THE NOTIFICATION CONNECTION (TCP, the daemon connects to the
 * subscriber's address; lines at most PROTO_NOTIFY_LINE_MAX bytes):
 *   daemon -> subscriber, first: HELLO {"v": PROTO_VERSION,
 *       "token": str, "daemon": str (this daemon's instance id), "host",
 *       "subscription": int}
 *     The subscriber closes a connection whose first line is not a HELLO
 *     with its token.
 *   subscriber -> daemon: ACK {"ack": int}: every seq up to this one is
 *     handled (cumulative).  The first ACK answers the HELLO with the last
 *     seq the subscriber has handled for this (daemon, subscription), 0 if
 *     none; the daemon sends nothing before it.  One beyond the daemon's
 *     last seq (its journal lost its tail) is taken as true: numbering
 *     goes on after it.
 *   daemon -> subscriber: EVENT lines in seq order, from the first one
 *     not acknowledged, at most PROTO_NOTIFY_WINDOW unacknowledged.
 * Delivery is at least once: after a reconnection unacknowledged events
 * are sent again, and the subscriber drops any seq it has handled.  A
 * connection that sends anything but ACK lines, acks a seq not sent, or
 * lets PROTO_NOTIFY_ACK_TIMEOUT_MS pass without acking what it was sent,
 * is closed and retried later, with backoff.
 */
#ifndef LAUNCH_PROTO_EVENT_H
#define LAUNCH_PROTO_EVENT_H

#include <stdint.h>

#include "proto.h"

#define PROTO_NOTIFY_LINE_MAX		65536
#define PROTO_NOTIFY_WINDOW		1024
#define PROTO_NOTIFY_ACK_TIMEOUT_MS	30000
#define PROTO_NOTIFY_PORT		9000
#define PROTO_TOKEN_MIN			32	/* hex digits */
#define PROTO_TOKEN_MAX			128
#define PROTO_QUEUE_MAX_DEFAULT		10000
#define PROTO_QUEUE_MAX_LIMIT		1000000
#define PROTO_TTL_DEFAULT_MS		(24 * 3600 * 1000LL)
#define PROTO_SUB_MATCH_MAX		64

enum proto_ev_type {
	PROTO_EV_EXIT,
	PROTO_EV_START,
	PROTO_EV_READY,
	PROTO_EV_BACKOFF,
	PROTO_EV_STATE,
	PROTO_EV_DROPPED,
	PROTO_EV_CAPACITY,
	PROTO_EV_STATS,
	PROTO_EV__COUNT
};

enum proto_reason {
	PROTO_REASON_EXITED,
	PROTO_REASON_SIGNALED,
	PROTO_REASON_STOPPED,
	PROTO_REASON_LAUNCH_FAILURE,
	PROTO_REASON_LOST,
	PROTO_REASON__COUNT
};

/* Classes, as bits: a subscription's "events" is a set of them. */
enum proto_events {
	PROTO_EVENTS_FAILURES = 1 << 0,
	PROTO_EVENTS_EXITS = 1 << 1,
	PROTO_EVENTS_ALL = 1 << 2,
	PROTO_EVENTS_STATS = 1 << 3,
};
#define PROTO_EVENTS__COUNT	4	/* classes */

enum proto_sub_state {
	PROTO_SUB_CONNECTING,
	PROTO_SUB_CONNECTED,
	PROTO_SUB_RETRYING,
	PROTO_SUB_EXPIRED,
	PROTO_SUB__COUNT
};

struct proto_event {
	int64_t			 seq;		/* 0: not numbered */
	int64_t			 time_ms;
	char			*host;
	enum proto_ev_type	 type;
	/* job events */
	char			*label;
	int64_t			 job_id;
	enum proto_kind		 kind;
	int64_t			 pid;		/* 0: none */
	int64_t			 restarts;
	/* exit */
	enum proto_reason	 reason;
	int			 exit_code;	/* -1: none */
	int			 signal;	/* 0: none */
	int			 ok;
	char			*error;
	/* backoff */
	int64_t			 delay_ms;
	/* state */
	enum proto_state	 from, to;
	/* dropped */
	int64_t			 count;
	/* capacity */
	int			 full;
	int64_t			 jobs_active;
	int64_t			 max_jobs;
	/* stats */
	struct proto_stats	 stats;
};

struct proto_sub {
	int64_t			 id;
	char			*addr;
	char			*token;		/* requests, records; not views */
	struct proto_strv	 match;
	unsigned		 events;	/* enum proto_events bits */
	int64_t			 ttl_ms;
	int64_t			 queue_max;
	int64_t			 created_ms;
	enum proto_sub_state	 state;
	int64_t			 since_ms;
	int64_t			 queued;
	int64_t			 dropped;
	int64_t			 delivered;
	int64_t			 next_seq;
	char			*last_error;
};

const char	*proto_ev_type_name(enum proto_ev_type);
int		 proto_ev_type_parse(const char *);
const char	*proto_reason_name(enum proto_reason);
int		 proto_reason_parse(const char *);
/* Classes: the name of one ("failures"; NULL for none or several), a
 * set's text ("failures,stats") in buf, and a set from its text: the
 * bits, or -1 (an unknown, repeated or empty name). */
const char	*proto_events_name(unsigned);
void		 proto_events_format(unsigned, char *buf, size_t len);
int		 proto_events_parse(const char *);
const char	*proto_sub_state_name(enum proto_sub_state);
int		 proto_sub_state_parse(const char *);

/* Is ev in the class?  (Labels are matched by the caller.) */
int	 proto_event_in_class(unsigned classes, const struct proto_event *);
/* The event without "seq", as one JSON object, no newline. */
char	*proto_event_body(const struct proto_event *);
/* {"seq": seq, ...body} and a newline. */
char	*proto_event_line(const char *body, int64_t seq);
int	 proto_event_decode(const char *line, size_t len,
	    struct proto_event *, struct proto_error *);
void	 proto_event_free(struct proto_event *);
/* One human-readable line, no newline:
 * "2026-11-21T10:00:00.123Z box web: exited with code 3 (pid 12)". */
void	 proto_event_format(const struct proto_event *, char *buf,
	    size_t len);

/* "IP:PORT" or "[IPv6]:PORT", numeric only: 1, or 0 with why. */
int	 proto_addr_valid(const char *, char *why, size_t whylen);
/* 32..128 hex digits. */
int	 proto_token_valid(const char *);

void	 proto_sub_init(struct proto_sub *);
void	 proto_sub_free(struct proto_sub *);
void	 proto_sub_copy(struct proto_sub *, const struct proto_sub *);
/* The view (no token) or, with secret, the record the daemon keeps in
 * subs/ID.json (with the token). */
char	*proto_sub_encode(const struct proto_sub *, int secret);
int	 proto_sub_decode(const char *, size_t, struct proto_sub *,
	    struct proto_error *);

/* Notification connection lines (see above); each ends in "\n". */
struct proto_hello {
	char	*token;
	char	*daemon;
	char	*host;
	int64_t	 subscription;
};
char	*proto_hello_encode(const struct proto_hello *);
int	 proto_hello_decode(const char *, size_t, struct proto_hello *,
	    struct proto_error *);
void	 proto_hello_free(struct proto_hello *);
char	*proto_ack_encode(int64_t seq);
int	 proto_ack_decode(const char *, size_t, int64_t *seq,
	    struct proto_error *);

/*
 * A subscription's queue journal, subs/ID.queue (on disk only): one line
 * per record, appended:
 *   EVENT                    queued (numbered)
 *   {"ack": N, ...}          everything up to N is delivered; a
 *                            compacted journal starts with one carrying
 *                            "next_seq", "delivered", "dropping", "dropped"
 *   {"dropping": D, "dropped": T}   D matched events not queued yet (to be
 *                            reported by a "dropped" event), T in all
 */
struct proto_journal {
	int		 is_event;
	struct proto_event ev;
	int64_t		 ack;		/* -1: absent */
	int64_t		 next_seq;	/* -1: absent */
	int64_t		 delivered;	/* -1: absent */
	int64_t		 dropping;	/* -1: absent */
	int64_t		 dropped;	/* -1: absent */
};
int	 proto_journal_decode(const char *, size_t, struct proto_journal *,
	    struct proto_error *);
char	*proto_journal_ack(int64_t ack, int64_t next_seq, int64_t delivered,
	    int64_t dropping, int64_t dropped);
char	*proto_journal_drops(int64_t dropping, int64_t dropped);

/*
 * A `launch subscribe --serve` receiver's state file (on disk only, on
 * the subscriber's side; versioned by its own "v", not PROTO_VERSION):
 *   {"v": PROTO_RECEIVER_VERSION, "token": str,
 *    "seen": {"DAEMON/SUBSCRIPTION": seq, ...}}
 * "seen" holds, per (daemon instance id, subscription id) of a HELLO, the
 * last seq the receiver has handled.
 */
#define PROTO_RECEIVER_VERSION	1
#define PROTO_RECEIVER_SEEN_MAX	4096
#define PROTO_TTL_MAX_MS	315360000000LL	/* ten years */

struct proto_seen {
	char	*key;		/* "DAEMON/SUBSCRIPTION" */
	int64_t	 seq;
};

struct proto_receiver_state {
	char			*token;
	struct proto_seen	*seen;
	size_t			 nseen;
};

char	*proto_receiver_encode(const struct proto_receiver_state *);
int	 proto_receiver_decode(const char *, size_t,
	    struct proto_receiver_state *, struct proto_error *);
void	 proto_receiver_free(struct proto_receiver_state *);

#endif
