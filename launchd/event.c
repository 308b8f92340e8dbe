/*
 * Events: what the job table reports (exits, starts, readiness, restart
 * delays, state changes), encoded once and handed to every subscription
 * (sub.c) and every local `events` stream.
 *
 * Local streams (`launch events`) are peers that asked for op "events":
 * they get the reply, then one EVENT line per event, numbered per stream.
 * A stream is memory only (it ends with its connection) and must not
 * grow without bound: while more than STREAM_OUT_MAX bytes wait for the
 * client to read them, its events are counted instead of sent, and a
 * "dropped" event with the count comes first when it has caught up.
 *
 * "stats" events come from a timer that runs only while a subscription
 * or a stream asks for them (an idle daemon with none wakes for
 * nothing); the timer checks at each tick whether anyone still does.
 *
 * The daemon's instance id (state directory, file daemon-id, made once)
 * goes into every HELLO, so that a subscriber keys what it has seen by
 * daemon and subscription.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "event.h"
#include "file.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define STREAM_OUT_MAX	(1024 * 1024)

struct stream {
	struct peer		*peer;
	struct proto_strv	 match;		/* empty: every label */
	unsigned		 cls;	/* classes */
	int64_t			 seq;
	int64_t			 dropping;
	TAILQ_ENTRY(stream)	 entry;
};

static TAILQ_HEAD(, stream) streams = TAILQ_HEAD_INITIALIZER(streams);
static ev_timer	stats_timer;
static double	stats_interval = 30.;
static char	event_hostname[256] = "localhost";
static char	event_instance[40];

const char *
event_host(void)
{
	return event_hostname;
}

const char *
event_daemon_id(void)
{
	return event_instance;
}

int
event_init(const char *dir)
{
	unsigned char	 r[16];
	char		*text, path[4400];
	size_t		 len;

	if (gethostname(event_hostname, sizeof event_hostname - 1) == -1)
		snprintf(event_hostname, sizeof event_hostname, "localhost");
	snprintf(path, sizeof path, "%s/daemon-id", dir);
	if ((text = file_read_own(path, &len)) != NULL && len >= 32) {
		snprintf(event_instance, sizeof event_instance, "%.32s", text);
		free(text);
		return 0;
	}
	free(text);
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		log_warn("getrandom");
		return -1;
	}
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(event_instance + 2 * i, 3, "%02x", r[i]);
	if (file_replace(dir, "daemon-id", event_instance,
	    strlen(event_instance)) == -1) {
		log_warnx("%s: %s", path, file_strerror(errno));
		return -1;
	}
	return 0;
}

char *
event_dropped_body(int64_t count)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = PROTO_EV_DROPPED;
	ev.time_ms = server_now_ms();
	ev.host = event_hostname;
	ev.count = count;
	return proto_event_body(&ev);
}

/* ---- local streams ---- */

static void
stream_send(struct stream *st, const char *body)
{
	char	*line;

	line = proto_event_line(body, ++st->seq);
	peer_send(st->peer, line);	/* may close the peer: last */
}

static void
stream_offer(struct stream *st, const struct proto_event *ev,
    const char *body)
{
	int	 hit = st->match.n == 0 || ev->label == NULL;
	char	*line;

	if (!proto_event_in_class(st->cls, ev))
		return;
	for (size_t i = 0; !hit && i < st->match.n; i++)
		hit = proto_glob_match(st->match.v[i], ev->label);
	if (!hit)
		return;
	if (buf_used(&st->peer->out) > STREAM_OUT_MAX) {
		st->dropping++;
		return;
	}
	if (st->dropping > 0) {
		char	*dbody = event_dropped_body(st->dropping);

		st->dropping = 0;
		line = proto_event_line(dbody, ++st->seq);
		free(dbody);
		/* Queued only: the send below flushes both. */
		buf_add(&st->peer->out, line, strlen(line));
		free(line);
	}
	stream_send(st, body);
}

void
event_stream_open(struct peer *p, const struct proto_request *req)
{
	struct stream	*st = xcalloc(1, sizeof *st);

	st->peer = p;
	proto_strv_copy(&st->match, &req->match);
	st->cls = (unsigned)req->events;
	p->stream = st;
	p->busy = 1;		/* no more requests on this connection */
	peer_ref(p);
	TAILQ_INSERT_TAIL(&streams, st, entry);
	log_debug("peer %u: streaming events", p->serial);
	peer_send(p, proto_reply_streaming(req->id));
	event_stats_update();
}

void
event_stream_gone(struct peer *p)
{
	struct stream	*st = p->stream;

	if (st == NULL)
		return;
	p->stream = NULL;
	TAILQ_REMOVE(&streams, st, entry);
	proto_strv_free(&st->match);
	free(st);
	peer_unref(p);
	event_stats_update();
}

/* ---- stats ---- */

static void
stats_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct proto_event	ev;

	(void)loop;
	(void)w;
	(void)revents;
	memset(&ev, 0, sizeof ev);
	ev.type = PROTO_EV_STATS;
	stats_collect(&ev.stats);
	event_emit(&ev);
	event_stats_update();
}

void
event_set_stats_interval(double seconds)
{
	stats_interval = seconds;
}

void
event_stats_update(void)
{
	struct stream	*st;
	int		 want = sub_want_stats();

	TAILQ_FOREACH(st, &streams, entry)
		want |= (st->cls & PROTO_EVENTS_STATS) != 0;
	if (want && !ev_is_active(&stats_timer)) {
		ev_timer_init(&stats_timer, stats_timer_cb, stats_interval,
		    stats_interval);
		ev_timer_start(server_loop, &stats_timer);
	} else if (!want && ev_is_active(&stats_timer))
		ev_timer_stop(server_loop, &stats_timer);
}

/* ---- emitting ---- */

void
event_emit(struct proto_event *ev)
{
	struct stream	*st, *next;
	char		*body;

	/* Nobody to hear it: not even encoded (a start of 10,000 jobs is
	 * 30,000 events). */
	if (TAILQ_EMPTY(&streams) && !sub_any())
		return;
	if (ev->time_ms == 0)
		ev->time_ms = server_now_ms();
	ev->host = event_hostname;
	body = proto_event_body(ev);
	sub_offer(ev, body);
	for (st = TAILQ_FIRST(&streams); st != NULL; st = next) {
		next = TAILQ_NEXT(st, entry);
		stream_offer(st, ev, body);
	}
	free(body);
}

static void
event_of_job(const struct job *j, enum proto_ev_type type,
    struct proto_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->label = j->spec.label;
	ev->job_id = j->id;
	ev->kind = j->driver->kind;
	ev->pid = j->pid;
	ev->restarts = j->restarts;
	ev->exit_code = -1;
}

void
event_job(const struct job *j, int type, int64_t arg)
{
	struct proto_event	ev;

	event_of_job(j, (enum proto_ev_type)type, &ev);
	switch (type) {
	case PROTO_EV_START:
		ev.time_ms = j->started_ms;
		break;
	case PROTO_EV_READY:
		ev.time_ms = j->ready_ms;
		break;
	case PROTO_EV_BACKOFF:
		ev.delay_ms = arg;
		break;
	case PROTO_EV_STATE:
		ev.from = (enum proto_state)arg;
		ev.to = j->state;
		break;
	default:
		break;
	}
	event_emit(&ev);
}

void
event_job_exit(const struct job *j, int reason)
{
	struct proto_event	ev;

	event_of_job(j, PROTO_EV_EXIT, &ev);
	ev.time_ms = j->ended_ms;
	ev.reason = (enum proto_reason)reason;
	if (reason != PROTO_REASON_LOST &&
	    reason != PROTO_REASON_LAUNCH_FAILURE) {
		ev.exit_code = j->exit_code;
		ev.signal = j->signal;
	}
	ev.ok = reason == PROTO_REASON_EXITED && j->exit_code == 0 &&
	    j->error == NULL;
	ev.error = j->error;
	event_emit(&ev);
}
