/*
 * The receiver's side of notification connections (see event.h): one
 * per daemon that delivers to us, each non-blocking on the event loop.
 *
 * Until its HELLO a connection is pending: it must send one carrying our
 * token within RECEIVER_HELLO_TIMEOUT, or it is rejected with a line on
 * stderr.  The token is compared in constant time.  At most
 * RECEIVER_PENDING_MAX connections are pending at once: a new one beyond
 * that evicts the oldest, so a flood of idle connections cannot lock a
 * daemon out (a daemon sends its HELLO as soon as it connects).
 *
 * After the HELLO, the first ACK says the last seq handled for (daemon,
 * subscription), from the state file (receiver-state.c).  Then, for each
 * read, every complete EVENT line is handled in order: one whose seq is
 * not above the last handled is a duplicate (delivery is at least once)
 * and is skipped; any other is printed, given to --exec, and becomes the
 * last handled.  Then stdout is flushed, the state saved, and one ACK
 * sent: printed, then saved, then acknowledged, so at-least-once
 * delivery prints each event exactly once even across a crash of the
 * receiver (only a crash between printing a batch and saving it prints
 * that batch again).  With --exec the state is saved after each event's
 * command instead: a command with effects should not run twice, and an
 * fsync is little next to a fork and exec.  If stdout fails, nothing
 * more is handled or acknowledged.
 *
 * A line longer than PROTO_NOTIFY_LINE_MAX, or one that does not decode,
 * closes the connection (the daemon will connect again and resend).
 * Blank lines and a trailing "\r" are ignored, as on the local socket.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "subscribe.h"
#include "xmalloc.h"

#define RECEIVER_HELLO_TIMEOUT	10.
#define RECEIVER_PENDING_MAX	64
#define RECEIVER_CONNS_MAX	1024
#define RECEIVER_READ_SIZE	65536

struct receiver_conn {
	TAILQ_ENTRY(receiver_conn) entry;
	struct receiver	*r;
	int		 fd;
	int		 refs;
	int		 dead;
	int		 hello;		/* a good HELLO was read */
	ev_io		 rd, wr;
	ev_timer	 hello_timer;
	struct buf	 in, out;
	size_t		 scanned;	/* bytes of in known to hold no \n */
	char		 peer[SUBSCRIBE_ADDR_MAX];
	char		*daemon, *host;
	int64_t		 subscription;
	size_t		 seen;		/* index in r->state.st.seen */
	int64_t		 printed, duplicates;
	char		 bad[600];	/* why a line ends the connection */
};

static TAILQ_HEAD(, receiver_conn) conns = TAILQ_HEAD_INITIALIZER(conns);
static size_t	conns_open, conns_pending;

static void
conn_unref(struct receiver_conn *c)
{
	if (--c->refs > 0)
		return;
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->daemon);
	free(c->host);
	free(c);
}

static void
conn_close(struct receiver_conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	ev_io_stop(c->r->loop, &c->rd);
	ev_io_stop(c->r->loop, &c->wr);
	ev_timer_stop(c->r->loop, &c->hello_timer);
	close(c->fd);
	c->fd = -1;
	TAILQ_REMOVE(&conns, c, entry);
	conns_open--;
	if (!c->hello)
		conns_pending--;
	conn_unref(c);
}

/*
 * A line about a connection on stderr.  Part of it may come from the
 * peer (a field name in a decoding error, the HELLO's host) before or
 * without a good token: control bytes are shown as '?' so that no one
 * can write to our terminal.
 */
static void __attribute__((format(printf, 1, 2)))
conn_logf(const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "launch: %s\n", line);
}

/* Close a connection that has not sent its HELLO, saying why. */
static void __attribute__((format(printf, 2, 3)))
conn_reject(struct receiver_conn *c, const char *fmt, ...)
{
	char	why[800];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	conn_logf("rejected a connection from %s: %s", c->peer, why);
	conn_close(c);
}

/* Close a daemon's connection; quiet for an ordinary end. */
static void __attribute__((format(printf, 3, 4)))
conn_end(struct receiver_conn *c, int error, const char *fmt, ...)
{
	char	why[800];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (error || !c->r->ctx->quiet)
		conn_logf("connection from %s (host %s, subscription %lld) "
		    "ended: %s (printed %lld, duplicates %lld)", c->peer,
		    c->host, (long long)c->subscription, why,
		    (long long)c->printed, (long long)c->duplicates);
	conn_close(c);
}

/* Write what the socket takes: 0 all written, 1 more to write, -1 the
 * connection is closed. */
static int
conn_flush(struct receiver_conn *c)
{
	int	rc = buf_send(&c->out, c->fd);

	if (rc == -1)
		conn_end(c, 0, "%s", strerror(errno));
	return rc;
}

void
receiver_stop(struct receiver *r)
{
	r->stopping = 1;
	ev_break(r->loop, EVBREAK_ALL);
}

int
receiver_flush_stdout(struct receiver *r)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return 0;
	if (!r->stdout_failed) {
		fprintf(stderr, "launch: stdout: %s\n", strerror(errno));
		r->stdout_failed = 1;
		receiver_stop(r);
	}
	return -1;
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct receiver_conn	*c = w->data;

	if (conn_flush(c) == 0)
		ev_io_stop(loop, &c->wr);
}

static void
conn_ack(struct receiver_conn *c)
{
	char	*line = proto_ack_encode(c->r->state.st.seen[c->seen].seq);

	buf_add(&c->out, line, strlen(line));
	free(line);
	if (conn_flush(c) == 1 && !ev_is_active(&c->wr))
		ev_io_start(c->r->loop, &c->wr);
}

static int
conn_token_equal(const char *theirs, const char *ours)
{
	size_t		n = strlen(ours);
	unsigned char	diff = 0;

	/* The length is not the secret; the digits are. */
	if (strlen(theirs) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(theirs[i] ^ ours[i]);
	return diff == 0;
}

static void
conn_hello(struct receiver_conn *c, const char *line, size_t len)
{
	struct proto_hello	h;
	struct proto_error	err;
	ssize_t			i;

	if (proto_hello_decode(line, len, &h, &err) == -1) {
		conn_reject(c, "not a HELLO: %s", err.message);
		return;
	}
	if (!conn_token_equal(h.token, c->r->state.st.token)) {
		proto_hello_free(&h);
		conn_reject(c, "wrong token");
		return;
	}
	if ((i = receiver_state_lookup(&c->r->state, h.daemon,
	    h.subscription)) == -1) {
		proto_hello_free(&h);
		conn_reject(c, "already %d (daemon, subscription) pairs",
		    PROTO_RECEIVER_SEEN_MAX);
		return;
	}
	c->hello = 1;
	conns_pending--;
	ev_timer_stop(c->r->loop, &c->hello_timer);
	c->seen = (size_t)i;
	c->daemon = h.daemon;
	c->host = h.host;
	c->subscription = h.subscription;
	h.daemon = h.host = NULL;
	proto_hello_free(&h);
	if (!c->r->ctx->quiet)
		conn_logf("connected: host %s (daemon %s), subscription "
		    "%lld, from %s; last seq handled %lld", c->host,
		    c->daemon, (long long)c->subscription, c->peer,
		    (long long)c->r->state.st.seen[c->seen].seq);
	conn_ack(c);
}

/* Handle one EVENT line (NUL-terminated): 0, or -1 when it is bad (why
 * in c->bad) or stdout failed. */
static int
conn_event(struct receiver_conn *c, const char *line, size_t len)
{
	struct receiver		*r = c->r;
	struct proto_event	 ev;
	struct proto_error	 err;
	char			 text[8192];

	if (proto_event_decode(line, len, &ev, &err) == -1) {
		snprintf(c->bad, sizeof c->bad, "bad EVENT: %s", err.message);
		return -1;
	}
	if (ev.seq <= r->state.st.seen[c->seen].seq) {
		c->duplicates++;
		if (r->ctx->verbose)
			conn_logf("host %s, subscription %lld: seq %lld "
			    "again, skipped", c->host,
			    (long long)c->subscription, (long long)ev.seq);
		proto_event_free(&ev);
		return 0;
	}
	if (r->opt->json) {
		fwrite(line, 1, len, stdout);
		putchar('\n');
	} else {
		proto_event_format(&ev, text, sizeof text);
		puts(text);
	}
	if (r->opt->exec != NULL) {
		if (receiver_flush_stdout(r) == -1) {
			proto_event_free(&ev);
			return -1;
		}
		hook_run(r->opt->exec, &ev, line);
	}
	r->state.st.seen[c->seen].seq = ev.seq;
	c->printed++;
	if (r->opt->exec != NULL)
		receiver_save(r);
	proto_event_free(&ev);
	return 0;
}

/* Handle the complete lines in c->in, then print, save and ack. */
static void
conn_process(struct receiver_conn *c)
{
	struct receiver	*r = c->r;
	char		*line, *nl, *copy;
	size_t		 len;
	int		 events = 0;

	while (!c->dead && !r->stopping && !r->signaled &&
	    c->bad[0] == '\0') {
		line = buf_head(&c->in);
		nl = buf_used(&c->in) > c->scanned ? memchr(line + c->scanned,
		    '\n', buf_used(&c->in) - c->scanned) : NULL;
		len = nl != NULL ? (size_t)(nl - line) : buf_used(&c->in);
		if (len > PROTO_NOTIFY_LINE_MAX && !c->hello) {
			conn_reject(c, "a line over %d bytes",
			    PROTO_NOTIFY_LINE_MAX);
			return;
		}
		if (len > PROTO_NOTIFY_LINE_MAX) {
			snprintf(c->bad, sizeof c->bad, "a line over %d bytes",
			    PROTO_NOTIFY_LINE_MAX);
			break;
		}
		if (nl == NULL) {
			c->scanned = len;
			break;
		}
		c->scanned = 0;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		copy = xmemdupz(line, len);
		buf_consume(&c->in, (size_t)(nl - line) + 1);
		if (len == 0)
			;
		else if (!c->hello)
			conn_hello(c, copy, len);
		else if (conn_event(c, copy, len) == 0)
			events++;
		free(copy);
	}
	/* Events before a bad line count: print, save and ack them. */
	if (events > 0 && !r->stopping && receiver_flush_stdout(r) == 0) {
		if (r->opt->exec == NULL)
			receiver_save(r);
		if (!c->dead)
			conn_ack(c);
	}
	if (!c->dead && c->bad[0] != '\0')
		conn_end(c, 1, "%s", c->bad);
}

static void
conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct receiver_conn	*c = w->data;
	ssize_t			 n;

	n = read(c->fd, buf_reserve(&c->in, RECEIVER_READ_SIZE),
	    RECEIVER_READ_SIZE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (!c->hello)
			conn_reject(c, "it closed without a HELLO%s%s",
			    n == -1 ? ": " : "", n == -1 ? strerror(errno) :
			    "");
		else
			conn_end(c, 0, "%s", n == -1 ? strerror(errno) :
			    "the daemon closed it");
		return;
	}
	c->in.len += (size_t)n;
	c->refs++;
	conn_process(c);
	conn_unref(c);
}

static void
conn_hello_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	conn_reject(w->data, "no HELLO within %.0f s", RECEIVER_HELLO_TIMEOUT);
}

void
receiver_conn_accept(struct receiver *r, int fd, const char *peer)
{
	struct receiver_conn	*c, *old;

	c = xcalloc(1, sizeof *c);
	c->r = r;
	c->fd = fd;
	c->refs = 1;
	snprintf(c->peer, sizeof c->peer, "%s", peer);
	if (conns_open >= RECEIVER_CONNS_MAX) {
		conn_logf("rejected a connection from %s: already %d "
		    "connections", c->peer, RECEIVER_CONNS_MAX);
		close(fd);
		free(c);
		return;
	}
	if (conns_pending >= RECEIVER_PENDING_MAX) {
		TAILQ_FOREACH(old, &conns, entry)
			if (!old->hello)
				break;
		if (old != NULL)
			conn_reject(old, "the oldest of %d connections "
			    "waiting for a HELLO", RECEIVER_PENDING_MAX);
	}
	ev_io_init(&c->rd, conn_read_cb, fd, EV_READ);
	ev_io_init(&c->wr, conn_write_cb, fd, EV_WRITE);
	ev_timer_init(&c->hello_timer, conn_hello_timeout_cb,
	    RECEIVER_HELLO_TIMEOUT, 0.);
	c->rd.data = c->wr.data = c->hello_timer.data = c;
	ev_io_start(r->loop, &c->rd);
	ev_timer_start(r->loop, &c->hello_timer);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	conns_open++;
	conns_pending++;
}

void
receiver_conn_close_all(void)
{
	struct receiver_conn	*c;

	while ((c = TAILQ_FIRST(&conns)) != NULL)
		conn_close(c);
}
