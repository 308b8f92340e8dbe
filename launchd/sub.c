/*
 * Subscriptions: the registry, their records, and delivery to each
 * subscriber over TCP (the protocol is in proto/event.h).
 *
 * Delivery rules, chosen so that no notification is lost silently and no
 * subscriber can slow the daemon (goxos dialled once, never retried, and
 * a stuck subscriber blocked it):
 * - The daemon connects (non-blocking) to the subscriber, sends HELLO with
 *   the subscription's token and sends nothing else until the first ACK,
 *   which says where the subscriber is.  Then it streams the queue, at
 *   most PROTO_NOTIFY_WINDOW events and SUB_OUT_MAX bytes unacknowledged,
 *   and drops each event from the queue when it is acknowledged.
 * - Every wait has a deadline on the loop (connect and HELLO: 10 s; an
 *   acknowledgement of what was sent: 30 s).  A missed deadline, EOF, an
 *   error, a line that is not an ACK or acks what was never sent closes
 *   the connection; the next attempt comes after 100 ms doubling to 30 s
 *   ("retrying since" the first failure).  A black hole therefore costs
 *   one fd, a bounded buffer and a timer, and nothing else waits for it.
 * - A subscription unreachable for longer than its TTL expires: no more
 *   attempts, no more queueing; `launch subscriptions` shows it.  The
 *   same token registered again revives it, queue and all.
 * - A connected subscriber with nothing to do costs no wakeups (TCP
 *   keepalive notices a vanished peer).
 * - Names are never resolved here (getaddrinfo blocks): the client sends
 *   a numeric address.
 *
 * On disk, under the state directory:
 *   subs/ID.json    the subscription's record (SUB and its token)
 *   subs/ID.queue   its queue journal (subq.c)
 *   subs/last-id    the last id given, so that ids are never reused (a
 *                   subscriber keys what it has seen by daemon and id)
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "sub.h"
#include "xmalloc.h"

#define SUB_MAX			1024
#define SUB_CONNECT_TIMEOUT	10.
#define SUB_OUT_MAX		(256 * 1024)
#define SUB_READ_SIZE		4096
#define SUB_RETRY_MIN		0.1
#define SUB_RETRY_MAX		30.

static TAILQ_HEAD(sub_list, sub) subs = TAILQ_HEAD_INITIALIZER(subs);
static size_t	 sub_total;
static int64_t	 sub_last_id;
static char	 sub_dir[4200];

static void	(*sub_drain_done)(void);
static ev_timer	 sub_drain_timer;

static void	sub_connect(struct sub *);
static void	sub_pump(struct sub *);
static void	sub_drain_check(void);

/* ---- records ---- */

static void
sub_save(struct sub *s)
{
	char	*rec, name[64];

	rec = proto_sub_encode(&s->cfg, 1);
	snprintf(name, sizeof name, "%lld.json", (long long)s->cfg.id);
	if (file_replace(sub_dir, name, rec, strlen(rec)) == -1)
		log_warnx("%s/%s: %s", sub_dir, name, file_strerror(errno));
	free(rec);
}

static void
sub_save_last_id(void)
{
	char	text[32];

	snprintf(text, sizeof text, "%lld\n", (long long)sub_last_id);
	if (file_replace(sub_dir, "last-id", text, strlen(text)) == -1)
		log_warnx("%s/last-id: %s", sub_dir, file_strerror(errno));
}

static void
sub_set_state(struct sub *s, enum proto_sub_state state, int64_t since)
{
	int	changed = s->cfg.state != state;

	s->cfg.state = state;
	s->cfg.since_ms = since;
	if (changed && state != PROTO_SUB_CONNECTING)
		sub_save(s);
}

static void
sub_set_error(struct sub *s, const char *msg)
{
	free(s->cfg.last_error);
	s->cfg.last_error = msg != NULL ? xstrdup(msg) : NULL;
}

/* "1.2.3.4:9000" or "[::1]:9000" (validated by proto) to a sockaddr. */
static int
sub_sockaddr(struct sub *s)
{
	char	 host[64];
	char	*colon;
	int	 port;

	memset(&s->sa, 0, sizeof s->sa);
	snprintf(host, sizeof host, "%s", s->cfg.addr[0] == '[' ?
	    s->cfg.addr + 1 : s->cfg.addr);
	if ((colon = strrchr(host, ':')) == NULL)
		return -1;
	*colon = '\0';
	port = atoi(colon + 1);
	if (s->cfg.addr[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->sa;
		if (colon > host && colon[-1] == ']')
			colon[-1] = '\0';
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -1;
		s->salen = sizeof *sin6;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&s->sa;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		s->salen = sizeof *sin;
	}
	return 0;
}

/* ---- the connection ---- */

static void
sub_disconnect(struct sub *s)
{
	ev_io_stop(server_loop, &s->rd);
	ev_io_stop(server_loop, &s->wr);
	ev_timer_stop(server_loop, &s->timer);
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->in);
	buf_free(&s->out);
	s->hello_acked = 0;
}

static void
sub_expire(struct sub *s)
{
	char	msg[160];

	snprintf(msg, sizeof msg, "expired: unreachable for longer than its "
	    "TTL (%llds)", (long long)(s->cfg.ttl_ms / 1000));
	log_warnx("subscription %lld (%s): %s", (long long)s->cfg.id,
	    s->cfg.addr, msg);
	sub_disconnect(s);
	sub_set_error(s, msg);
	sub_set_state(s, PROTO_SUB_EXPIRED, server_now_ms());
}

/* Close the connection and plan the next attempt. */
static void
sub_fail(struct sub *s, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;
	double	delay = SUB_RETRY_MIN;
	int64_t	now = server_now_ms();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->backoff == 0 || s->cfg.state == PROTO_SUB_CONNECTED)
		log_info("subscription %lld (%s): %s", (long long)s->cfg.id,
		    s->cfg.addr, msg);
	sub_disconnect(s);
	sub_drain_check();
	sub_set_error(s, msg);
	if (s->down_since == 0)
		s->down_since = now;
	sub_set_state(s, PROTO_SUB_RETRYING, s->down_since);
	for (int i = 0; i < s->backoff && delay < SUB_RETRY_MAX; i++)
		delay *= 2;
	if (delay > SUB_RETRY_MAX)
		delay = SUB_RETRY_MAX;
	s->backoff++;
	if (s->cfg.ttl_ms > 0) {
		int64_t left = s->down_since + s->cfg.ttl_ms - now;
		if (left <= 0) {
			sub_expire(s);
			return;
		}
		if ((double)left / 1000. < delay)
			delay = (double)left / 1000.;
	}
	ev_timer_set(&s->timer, delay, 0.);
	ev_timer_start(server_loop, &s->timer);
}

/* Write what the socket takes; -1 if the connection failed. */
static int
sub_flush(struct sub *s)
{
	if (buf_send(&s->out, s->fd) == -1) {
		sub_fail(s, "send: %s", strerror(errno));
		return -1;
	}
	if (buf_used(&s->out) > 0)
		ev_io_start(server_loop, &s->wr);
	else
		ev_io_stop(server_loop, &s->wr);
	return 0;
}

/* Send what the window allows, and watch for its acknowledgement. */
static void
sub_pump(struct sub *s)
{
	struct subq	*q = &s->q;
	size_t		 i;

	if (s->fd == -1 || !s->hello_acked)
		return;
	for (i = subq_find(q, s->sent); i < q->n; i++) {
		const struct subq_item *it = subq_at(q, i);
		if (it->seq - q->acked > PROTO_NOTIFY_WINDOW ||
		    buf_used(&s->out) >= SUB_OUT_MAX)
			break;
		buf_add(&s->out, it->line, it->len);
		s->sent = it->seq;
	}
	if (sub_flush(s) == -1)
		return;
	if (s->sent > q->acked && !ev_is_active(&s->timer)) {
		ev_timer_set(&s->timer, PROTO_NOTIFY_ACK_TIMEOUT_MS / 1000.,
		    0.);
		ev_timer_start(server_loop, &s->timer);
	}
}

static void
sub_on_ack(struct sub *s, int64_t seq)
{
	struct subq	*q = &s->q;
	int64_t		 last = q->next_seq - 1;

	if (!s->hello_acked) {
		if (seq > last) {
			/* It has seen more than the journal remembers (a
			 * power cut lost the journal's tail): what we hold
			 * is older, so it has it; go on after its seq. */
			log_warnx("subscription %lld: the subscriber has seen "
			    "seq %lld, the journal ends at %lld; numbering "
			    "goes on from %lld", (long long)s->cfg.id,
			    (long long)seq, (long long)last,
			    (long long)seq + 1);
			q->next_seq = seq + 1;
		}
		s->hello_acked = 1;
		s->backoff = 0;
		s->down_since = 0;
		sub_set_error(s, NULL);
		ev_timer_stop(server_loop, &s->timer);
		subq_ack(q, seq, s->cfg.queue_max);
		s->sent = q->acked;
		sub_set_state(s, PROTO_SUB_CONNECTED, server_now_ms());
		log_info("subscription %lld: connected to %s, %zu queued",
		    (long long)s->cfg.id, s->cfg.addr, q->n);
		return;
	}
	if (seq > s->sent) {
		sub_fail(s, "acknowledged seq %lld, which was never sent",
		    (long long)seq);
		return;
	}
	if (seq > q->acked) {
		subq_ack(q, seq, s->cfg.queue_max);
		/* Progress: the deadline starts again. */
		ev_timer_stop(server_loop, &s->timer);
		sub_drain_check();
	}
}

static void
sub_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sub		*s = w->data;
	struct proto_error	 err;
	ssize_t			 n;
	char			*at, *line, *nl;
	int64_t			 seq;

	at = buf_reserve(&s->in, SUB_READ_SIZE);
	n = read(s->fd, at, SUB_READ_SIZE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		sub_fail(s, n == 0 ? "the subscriber closed the connection" :
		    "read: %s", strerror(errno));
		return;
	}
	s->in.len += (size_t)n;
	while ((nl = memchr(buf_head(&s->in), '\n', buf_used(&s->in)))
	    != NULL) {
		line = buf_head(&s->in);
		size_t len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (proto_ack_decode(line, len, &seq, &err) == -1) {
			sub_fail(s, "the subscriber sent something other than "
			    "an ACK: %s", err.message);
			return;
		}
		buf_consume(&s->in, (size_t)(nl - line) + 1);
		sub_on_ack(s, seq);
		if (s->fd == -1)
			return;
	}
	if (buf_used(&s->in) > PROTO_NOTIFY_LINE_MAX) {
		sub_fail(s, "the subscriber sent a line over %d bytes",
		    PROTO_NOTIFY_LINE_MAX);
		return;
	}
	sub_pump(s);
}

static void
sub_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sub	*s = w->data;

	if (sub_flush(s) == 0)
		sub_pump(s);
}

/* The non-blocking connect finished, one way or the other. */
static void
sub_connected_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sub		*s = w->data;
	struct proto_hello	 h;
	int			 error = 0, one = 1;
	socklen_t		 len = sizeof error;
	char			*line;

	ev_io_stop(loop, w);
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		error = errno;
	if (error != 0) {
		sub_fail(s, "connect: %s", strerror(error));
		return;
	}
	(void)setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)setsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	ev_io_init(&s->wr, sub_write_cb, s->fd, EV_WRITE);
	ev_io_init(&s->rd, sub_read_cb, s->fd, EV_READ);
	s->wr.data = s->rd.data = s;
	ev_io_start(loop, &s->rd);
	h.token = s->cfg.token;
	h.daemon = (char *)event_daemon_id();
	h.host = (char *)event_host();
	h.subscription = s->cfg.id;
	line = proto_hello_encode(&h);
	buf_add(&s->out, line, strlen(line));
	free(line);
	(void)sub_flush(s);
}

static void
sub_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sub	*s = w->data;

	if (s->fd == -1)
		sub_connect(s);
	else if (!s->hello_acked)
		sub_fail(s, "no answer to HELLO within %.0fs",
		    SUB_CONNECT_TIMEOUT);
	else
		sub_fail(s, "nothing acknowledged for %ds",
		    PROTO_NOTIFY_ACK_TIMEOUT_MS / 1000);
}

static void
sub_connect(struct sub *s)
{
	int	fd;

	sub_disconnect(s);
	if (s->cfg.state == PROTO_SUB_EXPIRED)
		return;
	fd = socket(s->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		sub_fail(s, "socket: %s", strerror(errno));
		return;
	}
	s->fd = fd;
	ev_io_init(&s->wr, sub_connected_cb, fd, EV_WRITE);
	s->wr.data = s;
	ev_timer_set(&s->timer, SUB_CONNECT_TIMEOUT, 0.);
	ev_timer_start(server_loop, &s->timer);
	if (connect(fd, (struct sockaddr *)&s->sa, s->salen) == -1 &&
	    errno != EINPROGRESS) {
		sub_fail(s, "connect: %s", strerror(errno));
		return;
	}
	/* Done or not, the writable event says how it went. */
	ev_io_start(server_loop, &s->wr);
}

/* ---- the registry ---- */

static struct sub *
sub_new(const struct proto_sub *cfg)
{
	struct sub	*s = xcalloc(1, sizeof *s);

	proto_sub_copy(&s->cfg, cfg);
	s->fd = -1;
	ev_init(&s->timer, sub_timer_cb);
	s->timer.data = s;
	ev_init(&s->rd, NULL);
	ev_init(&s->wr, NULL);
	if (subq_open(&s->q, sub_dir, cfg->id) == -1 ||
	    sub_sockaddr(s) == -1) {
		subq_close(&s->q);
		proto_sub_free(&s->cfg);
		free(s);
		return NULL;
	}
	subq_report_drops(&s->q, s->cfg.queue_max);
	/* In id order, for `launch subscriptions`. */
	struct sub *after = TAILQ_LAST(&subs, sub_list);
	while (after != NULL && after->cfg.id > s->cfg.id)
		after = TAILQ_PREV(after, sub_list, entry);
	if (after == NULL)
		TAILQ_INSERT_HEAD(&subs, s, entry);
	else
		TAILQ_INSERT_AFTER(&subs, after, s, entry);
	sub_total++;
	if (cfg->id > sub_last_id)
		sub_last_id = cfg->id;
	return s;
}

static void
sub_free(struct sub *s, int forget)
{
	char	path[4400];

	sub_disconnect(s);
	TAILQ_REMOVE(&subs, s, entry);
	sub_total--;
	if (forget) {
		subq_destroy(&s->q);
		snprintf(path, sizeof path, "%s/%lld.json", sub_dir,
		    (long long)s->cfg.id);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("%s", path);
	} else
		subq_close(&s->q);
	proto_sub_free(&s->cfg);
	free(s);
}

static void
sub_view(const struct sub *s, struct proto_sub *v)
{
	proto_sub_copy(v, &s->cfg);
	free(v->token);
	v->token = NULL;
	v->queued = (int64_t)s->q.n;
	v->dropped = s->q.dropped;
	v->delivered = s->q.delivered;
	v->next_seq = s->q.next_seq;
}

static void
sub_load_one(const char *name)
{
	struct proto_sub	 cfg;
	struct proto_error	 err;
	struct sub		*s;
	char			 path[4400], *text;
	size_t			 len;

	snprintf(path, sizeof path, "%s/%s", sub_dir, name);
	if ((text = file_read_own(path, &len)) == NULL) {
		log_warnx("%s: %s; skipped", path, file_strerror(errno));
		return;
	}
	if (proto_sub_decode(text, len, &cfg, &err) == -1) {
		log_warnx("%s: skipped: %s", path, err.message);
		free(text);
		return;
	}
	free(text);
	if (cfg.token == NULL) {
		log_warnx("%s: skipped: no token", path);
		proto_sub_free(&cfg);
		return;
	}
	if ((s = sub_new(&cfg)) == NULL) {
		log_warnx("%s: skipped", path);
		proto_sub_free(&cfg);
		return;
	}
	proto_sub_free(&cfg);
	if (s->cfg.state == PROTO_SUB_EXPIRED)
		return;
	if (s->cfg.state == PROTO_SUB_RETRYING)
		s->down_since = s->cfg.since_ms;
	if (s->cfg.state == PROTO_SUB_CONNECTED)
		s->cfg.state = PROTO_SUB_CONNECTING;
	sub_connect(s);
}

int
sub_init(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*text, path[4400];
	size_t		 len;

	snprintf(sub_dir, sizeof sub_dir, "%s/subs", dir);
	if (file_dir_own(sub_dir, 1) == -1) {
		log_warnx("%s: %s", sub_dir, file_strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/last-id", sub_dir);
	if ((text = file_read_own(path, &len)) != NULL) {
		sub_last_id = strtoll(text, NULL, 10);
		free(text);
	}
	if ((d = opendir(sub_dir)) == NULL) {
		log_warn("%s", sub_dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		/* Records, the queues' rewrites, last-id: all ours. */
		if (file_remove_stale_new(sub_dir, de->d_name, "") == 1) {
			log_info("%s/%s: removed (a write cut short)",
			    sub_dir, de->d_name);
			continue;
		}
		if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0)
			sub_load_one(de->d_name);
	}
	closedir(d);
	if (sub_total > 0)
		log_info("%zu subscriptions loaded", sub_total);
	return 0;
}

static int
sub_matches(const struct sub *s, const struct proto_event *ev)
{
	if (!proto_event_in_class(s->cfg.events, ev))
		return 0;
	if (ev->label == NULL)
		return 1;	/* the daemon's own: no label to filter */
	for (size_t i = 0; i < s->cfg.match.n; i++)
		if (proto_glob_match(s->cfg.match.v[i], ev->label))
			return 1;
	return 0;
}

void
sub_offer(const struct proto_event *ev, const char *body)
{
	struct sub	*s;

	TAILQ_FOREACH(s, &subs, entry) {
		if (s->cfg.state == PROTO_SUB_EXPIRED || !sub_matches(s, ev))
			continue;
		if (subq_push(&s->q, body, s->cfg.queue_max) == 1)
			sub_pump(s);
	}
	/* Sent first, journaled now: see subq.c. */
	TAILQ_FOREACH(s, &subs, entry)
		if (s->q.unjournaled > 0)
			subq_journal(&s->q);
}

/* Is any subscription there to be offered events? */
int
sub_any(void)
{
	return !TAILQ_EMPTY(&subs);
}

int
sub_register(const struct proto_sub *req, struct proto_sub *view,
    struct proto_error *err)
{
	struct sub		*s;
	struct proto_sub	 cfg;
	char			 classes[64];

	TAILQ_FOREACH(s, &subs, entry)
		if (strcmp(s->cfg.token, req->token) == 0)
			break;
	if (s != NULL) {
		/* The subscriber again: update, and try it now. */
		int moved = strcmp(s->cfg.addr, req->addr) != 0;
		char *old = s->cfg.addr;
		s->cfg.addr = xstrdup(req->addr);
		if (moved && sub_sockaddr(s) == -1) {
			free(s->cfg.addr);
			s->cfg.addr = old;
			proto_error_set(err, PROTO_E_INVALID_DATA, "addr",
			    "addr: not usable");
			return -1;
		}
		free(old);
		proto_strv_free(&s->cfg.match);
		proto_strv_copy(&s->cfg.match, &req->match);
		s->cfg.events = req->events;
		s->cfg.ttl_ms = req->ttl_ms;
		s->cfg.queue_max = req->queue_max;
		if (s->cfg.state == PROTO_SUB_EXPIRED) {
			/* Revived: its TTL counts from now, not from the
			 * first failure before it expired. */
			s->cfg.state = PROTO_SUB_CONNECTING;
			s->cfg.since_ms = server_now_ms();
			s->down_since = 0;
			sub_set_error(s, NULL);
		}
		sub_save(s);
		log_info("subscription %lld: registered again (%s)",
		    (long long)s->cfg.id, s->cfg.addr);
		if (moved || !s->hello_acked) {
			s->backoff = 0;
			sub_connect(s);
		}
		sub_view(s, view);
		return 0;
	}
	if (sub_total >= SUB_MAX) {
		proto_error_set(err, PROTO_E_FULL, "", "the daemon has %d "
		    "subscriptions already; unsubscribe some", SUB_MAX);
		return -1;
	}
	proto_sub_copy(&cfg, req);
	cfg.id = sub_last_id + 1;
	cfg.created_ms = cfg.since_ms = server_now_ms();
	cfg.state = PROTO_SUB_CONNECTING;
	if ((s = sub_new(&cfg)) == NULL) {
		proto_sub_free(&cfg);
		proto_error_set(err, PROTO_E_INTERNAL, "", "cannot create the "
		    "subscription's queue under %s", sub_dir);
		return -1;
	}
	proto_sub_free(&cfg);
	sub_save_last_id();
	sub_save(s);
	proto_events_format(s->cfg.events, classes, sizeof classes);
	log_info("subscription %lld: %s, events %s", (long long)s->cfg.id,
	    s->cfg.addr, classes);
	sub_connect(s);
	sub_view(s, view);
	return 0;
}

int
sub_unregister(int64_t id, struct proto_sub *view, struct proto_error *err)
{
	struct sub	*s;

	TAILQ_FOREACH(s, &subs, entry)
		if (s->cfg.id == id)
			break;
	if (s == NULL) {
		proto_error_set(err, PROTO_E_UNKNOWN_LABEL, "subscription",
		    "subscription %lld: no such subscription", (long long)id);
		return -1;
	}
	sub_view(s, view);
	log_info("subscription %lld: removed (%zu events were queued)",
	    (long long)id, s->q.n);
	sub_free(s, 1);
	return 0;
}

int
sub_want_stats(void)
{
	struct sub	*s;

	TAILQ_FOREACH(s, &subs, entry)
		if (s->cfg.state != PROTO_SUB_EXPIRED &&
		    (s->cfg.events & PROTO_EVENTS_STATS))
			return 1;
	return 0;
}

struct proto_sub *
sub_views(size_t *n)
{
	struct proto_sub	*v = xcalloc(sub_total + 1, sizeof *v);
	struct sub		*s;
	size_t			 i = 0;

	TAILQ_FOREACH(s, &subs, entry)
		sub_view(s, &v[i++]);
	*n = i;
	return v;
}

size_t
sub_unacked(void)
{
	struct sub	*s;
	size_t		 busy = 0;

	TAILQ_FOREACH(s, &subs, entry)
		if (s->hello_acked && s->q.n > 0)
			busy++;
	return busy;
}

static void
sub_drain_fire(void)
{
	void	(*done)(void) = sub_drain_done;

	sub_drain_done = NULL;
	ev_timer_stop(server_loop, &sub_drain_timer);
	if (done != NULL)
		done();
}

static void
sub_drain_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_info("%zu subscribers have not acknowledged everything; their "
	    "events stay queued", sub_unacked());
	sub_drain_fire();
}

static void
sub_drain_check(void)
{
	if (sub_drain_done != NULL && sub_unacked() == 0)
		sub_drain_fire();
}

void
sub_drain(double seconds, void (*done)(void))
{
	sub_drain_done = done;
	if (sub_unacked() == 0) {
		sub_drain_fire();
		return;
	}
	ev_timer_init(&sub_drain_timer, sub_drain_timer_cb, seconds, 0.);
	ev_timer_start(server_loop, &sub_drain_timer);
}

void
sub_close_all(void)
{
	struct sub	*s;

	while ((s = TAILQ_FIRST(&subs)) != NULL)
		sub_free(s, 0);
}
