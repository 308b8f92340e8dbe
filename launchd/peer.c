/*
 * Peers: the daemon's client connections.
 *
 * Every peer is non-blocking and owned by the event loop, so one client
 * can never delay another:
 * - A half-written request just sits in that peer's input buffer.
 * - Garbage gets an error reply per line; the connection stays usable.
 *   A line over PROTO_LINE_MAX gets invalid_payload and the peer is
 *   closed once the reply is flushed.
 * - Replies queue in the peer's output buffer and are written as the
 *   socket accepts them.  A peer that does not read its replies stops
 *   being read once PEER_OUT_HIGH bytes are queued (backpressure), and is
 *   read again when it drains.  A list is encoded into that buffer job
 *   by job (peer_out, peer_out_push, peer_out_done), never built whole
 *   elsewhere first.
 * - Requests of one peer are handled one at a time: while a reply is
 *   pending (submit waits for exec, stop for the jobs to end) the peer is
 *   not read, so replies come in request order.
 * - At most PEER_LINES_PER_READ requests are handled per turn of the
 *   loop, so a flood of pipelined requests yields to other peers: the
 *   rest wait for a zero timer (`more`), which runs after the next poll.
 *   Feeding the read watcher instead would run it again in the same
 *   turn (libev invokes what is fed while it invokes), and one 64 KiB
 *   read holds about 2300 pings: tests/integration/pipelined_flood.sh.
 *   Such a peer is not read while `more` is set, so its input buffer
 *   holds one read at most.
 *
 * A peer streaming events (op "events", event.c) takes no more requests;
 * it is read only to notice EOF, and written as events come.
 *
 * A peer whose `wait` is pending (wait.c) is still read, so that a client
 * that goes away is noticed before the jobs end, which may be never: a
 * full close (POLLHUP) cancels the wait.  A half-close (`socat` after its
 * input ends) does not: reading stops (eof), the wait's reply and those
 * to the requests buffered behind it are sent, then the peer is closed.
 * A half-closed peer is still watched for a full close, which `launch
 * bridge` makes when its ssh session is gone: its fd sits in an epoll
 * set with no event asked for, which reports EPOLLHUP alone (always
 * reported, and raised on a Unix socket only by a full close), so the
 * loop is not woken by the end of input that stays readable forever.
 * What a client sends meanwhile (at most a line's worth is read) waits
 * for the reply.
 *
 * SO_PEERCRED is checked on every accept: a peer of another uid gets
 * permission_denied and is closed.
 *
 * Closing after an error (an over-long line, a refused uid) lingers: the
 * reply is flushed, the write side shut down, and input is read and
 * discarded until EOF or PEER_LINGER_MAX bytes.  Closing at once would
 * make a client that is still writing fail with EPIPE before it could
 * read why it was dropped.
 */
#include "config.h"

#include <sys/epoll.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define PEER_READ_SIZE		65536
#define PEER_LINES_PER_READ	64
#define PEER_LINGER_MAX		(4 * 1024 * 1024)
#define PEER_PUSH_SIZE		(64 * 1024)

static TAILQ_HEAD(, peer) peers = TAILQ_HEAD_INITIALIZER(peers);
static size_t	 peers_open;
static unsigned	 peer_serial;
static int	 peer_hup_fd = -1;	/* the epoll set of half-closed peers */
static ev_io	 peer_hup_io;

static void	peer_process(struct peer *);
static void	peer_update_read(struct peer *);
static void	peer_linger(struct peer *);

size_t
peer_count(void)
{
	return peers_open;
}

void
peer_ref(struct peer *p)
{
	p->refs++;
}

void
peer_unref(struct peer *p)
{
	if (--p->refs > 0)
		return;
	buf_free(&p->in);
	buf_free(&p->out);
	free(p);
}

static void
peer_close(struct peer *p)
{
	if (p->dead)
		return;
	log_debug("peer %u: closed", p->serial);
	p->dead = 1;
	ev_io_stop(server_loop, &p->rd);
	ev_io_stop(server_loop, &p->wr);
	ev_timer_stop(server_loop, &p->more);
	if (p->hup_watched &&
	    epoll_ctl(peer_hup_fd, EPOLL_CTL_DEL, p->fd, NULL) == -1)
		log_warn("peer %u: epoll_ctl DEL", p->serial);
	p->hup_watched = 0;
	close(p->fd);
	p->fd = -1;
	TAILQ_REMOVE(&peers, p, entry);
	peers_open--;
	if (p->stream != NULL)
		event_stream_gone(p);
	if (p->wait != NULL)
		wait_peer_gone(p);
	if (p->exit_after_flush)
		server_exit();
	peer_unref(p);
}

void
peer_close_all(void)
{
	struct peer	*p;

	while ((p = TAILQ_FIRST(&peers)) != NULL) {
		p->exit_after_flush = 0;
		peer_close(p);
	}
}

/* Write what the socket takes; 0 when the output is empty. */
static int
peer_flush(struct peer *p)
{
	int	rc = buf_send(&p->out, p->fd);

	if (rc == -1) {
		log_debug("peer %u: write: %s", p->serial, strerror(errno));
		peer_close(p);
	}
	return rc;
}

static void
peer_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer	*p = w->data;
	int		 rc;

	peer_ref(p);
	rc = peer_flush(p);
	if (rc == 0 && !p->dead) {
		ev_io_stop(loop, &p->wr);
		if (p->exit_after_flush)
			peer_close(p);
		else if (p->close_after_flush)
			peer_linger(p);
		else
			peer_process(p);	/* backpressure released */
	}
	peer_unref(p);
}

void
peer_send(struct peer *p, char *line)
{
	if (!p->dead)
		buf_add(&p->out, line, strlen(line));
	free(line);
	peer_out_done(p);
}

struct buf *
peer_out(struct peer *p)
{
	return &p->out;
}

/*
 * Part of a reply is in the output buffer (a list, job by job): once
 * PEER_PUSH_SIZE bytes are queued, send what the socket takes now, so
 * that the client reads while the rest is encoded and the buffer stays
 * small.  When the socket is full the rest waits for the write watcher,
 * as any reply does; the backpressure rule (no request read while
 * PEER_OUT_HIGH bytes are queued) applies between replies, so a peer
 * holds at most that much plus the reply in hand.
 */
void
peer_out_push(struct peer *p)
{
	if (p->dead || ev_is_active(&p->wr) ||
	    buf_used(&p->out) < PEER_PUSH_SIZE)
		return;
	peer_ref(p);
	if (peer_flush(p) == 1)
		ev_io_start(server_loop, &p->wr);
	peer_unref(p);
}

/* The reply in the output buffer is whole: send it (peer_send's end). */
void
peer_out_done(struct peer *p)
{
	if (p->dead) {
		buf_free(&p->out);
		return;
	}
	if (buf_used(&p->out) > PEER_BIG)
		server_trim_soon();
	peer_ref(p);
	if (peer_flush(p) == 1)
		ev_io_start(server_loop, &p->wr);
	else if (!p->dead && p->exit_after_flush)
		peer_close(p);
	else if (!p->dead && p->close_after_flush)
		peer_linger(p);
	peer_unref(p);
}

/* The pending reply was sent: read and handle the next request. */
void
peer_done(struct peer *p)
{
	p->busy = 0;
	if (!p->dead)
		peer_process(p);
}

/* As peer_done, but the next request is handled from the loop: for a
 * reply sent from inside a job's callback (wait.c). */
void
peer_done_soon(struct peer *p)
{
	p->busy = 0;
	if (!p->dead)
		ev_feed_event(server_loop, &p->rd, EV_CUSTOM);
}

/* The error reply is out: stop writing, discard input until EOF. */
static void
peer_linger(struct peer *p)
{
	if (p->lingering)
		return;
	p->lingering = 1;
	shutdown(p->fd, SHUT_WR);
	buf_free(&p->in);
	p->scanned = 0;
	peer_update_read(p);
}

static void
peer_update_read(struct peer *p)
{
	int	want = !p->dead && (p->lingering || p->stream != NULL ||
	    (p->wait != NULL && !p->eof && !p->close_after_flush &&
	    buf_used(&p->in) <= PROTO_LINE_MAX) ||
	    (!p->busy && !p->close_after_flush &&
	    buf_used(&p->out) < PEER_OUT_HIGH && !ev_is_active(&p->more)));

	if (want && !ev_is_active(&p->rd))
		ev_io_start(server_loop, &p->rd);
	else if (!want && ev_is_active(&p->rd))
		ev_io_stop(server_loop, &p->rd);
}

/* Handle complete lines from the input buffer, as far as allowed. */
static void
peer_process(struct peer *p)
{
	struct proto_error	 err;
	char			*line, *nl;
	size_t			 len;
	int			 handled = 0;

	peer_ref(p);
	while (!p->dead && !p->busy && !p->close_after_flush &&
	    buf_used(&p->out) < PEER_OUT_HIGH &&
	    handled < PEER_LINES_PER_READ) {
		line = buf_head(&p->in);
		nl = buf_used(&p->in) > p->scanned ? memchr(line + p->scanned,
		    '\n', buf_used(&p->in) - p->scanned) : NULL;
		if (nl == NULL) {
			p->scanned = buf_used(&p->in);
			if (p->scanned > PROTO_LINE_MAX) {
				log_warnx("peer %u: request line over %d "
				    "bytes; closing", p->serial,
				    PROTO_LINE_MAX);
				proto_error_set(&err, PROTO_E_INVALID_PAYLOAD,
				    "", "request line exceeds %d bytes",
				    PROTO_LINE_MAX);
				p->close_after_flush = 1;
				peer_send(p, proto_reply_error(-1, &err));
			}
			break;
		}
		len = (size_t)(nl - line);
		p->scanned = 0;
		if (len > PROTO_LINE_MAX) {
			proto_error_set(&err, PROTO_E_INVALID_PAYLOAD, "",
			    "request line exceeds %d bytes", PROTO_LINE_MAX);
			p->close_after_flush = 1;
			peer_send(p, proto_reply_error(-1, &err));
			break;
		}
		if (len > 0 && line[len - 1] == '\r')
			len--;
		/* Handlers may queue output: consume the line first, but
		 * keep it alive in a copy for the duration of the call. */
		if (len > 0) {
			char *copy = xmemdupz(line, len);
			buf_consume(&p->in, (size_t)(nl - line) + 1);
			request_handle(p, copy, len);
			free(copy);
			if (len > PEER_BIG)
				server_trim_soon();
			handled++;
		} else
			buf_consume(&p->in, (size_t)(nl - line) + 1);
	}
	if (!p->dead && handled == PEER_LINES_PER_READ && !p->busy) {
		if (!ev_is_active(&p->more)) {
			ev_timer_set(&p->more, 0., 0.);
			ev_timer_start(server_loop, &p->more);
		}
	} else if (!p->dead && p->eof && !p->busy) {
		/* Its input ended mid-wait, and all of it is answered. */
		if (buf_used(&p->out) > 0)
			p->close_after_flush = 1;
		else
			peer_close(p);
	}
	if (!p->dead)
		peer_update_read(p);
	peer_unref(p);
}

/* The next turn of the loop after PEER_LINES_PER_READ requests. */
static void
peer_more_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	peer_process(w->data);
}

/* Half-closed peers that have closed since. */
static void
peer_hup_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct epoll_event	ev[16];
	int			n;

	if ((n = epoll_wait(peer_hup_fd, ev, 16, 0)) == -1) {
		if (errno != EINTR)
			log_warn("epoll_wait");
		return;
	}
	/* Closing one peer never closes another. */
	for (int i = 0; i < n; i++)
		peer_close(ev[i].data.ptr);
}

/* Watch a half-closed peer for a full close (see the top). */
static void
peer_hup_watch(struct peer *p)
{
	struct epoll_event	ev;

	if (peer_hup_fd == -1) {
		if ((peer_hup_fd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
			log_warn("epoll_create1");
			return;
		}
		ev_io_init(&peer_hup_io, peer_hup_cb, peer_hup_fd, EV_READ);
		ev_io_start(server_loop, &peer_hup_io);
	}
	memset(&ev, 0, sizeof ev);
	ev.events = 0;
	ev.data.ptr = p;
	if (epoll_ctl(peer_hup_fd, EPOLL_CTL_ADD, p->fd, &ev) == -1)
		log_warn("peer %u: epoll_ctl ADD", p->serial);
	else
		p->hup_watched = 1;
}

/* The other end has closed, not just shut down its writing. */
static int
peer_hung_up(const struct peer *p)
{
	struct pollfd	pfd;

	pfd.fd = p->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) != 0;
}

static void
peer_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer	*p = w->data;
	ssize_t		 n;
	char		*at;

	if (revents & EV_CUSTOM) {
		/* Our own nudge: more buffered lines, no new bytes. */
		peer_process(p);
		return;
	}
	if (p->lingering || p->stream != NULL) {
		/* Nothing more is read from these but EOF. */
		char	discard[PEER_READ_SIZE];

		n = read(p->fd, discard, sizeof discard);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		p->lingered += n > 0 ? (size_t)n : 0;
		if (n <= 0 || p->lingered > PEER_LINGER_MAX)
			peer_close(p);
		return;
	}
	at = buf_reserve(&p->in, PEER_READ_SIZE);
	n = read(p->fd, at, PEER_READ_SIZE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0 && p->wait != NULL) {
		if (peer_hung_up(p))
			peer_close(p);		/* gone: cancels the wait */
		else {
			/* Half-closed mid-wait: the reply is still owed,
			 * and those to what is buffered (peer_process). */
			log_debug("peer %u: input ended mid-wait",
			    p->serial);
			p->eof = 1;
			peer_update_read(p);
			peer_hup_watch(p);
		}
		return;
	}
	if (n == 0 && buf_used(&p->out) > 0 && !p->close_after_flush) {
		/* Half-closed (`socat` after its input ends): the replies
		 * already made are still owed. */
		p->close_after_flush = 1;
		peer_update_read(p);
		return;
	}
	if (n <= 0) {
		if (n == -1)
			log_debug("peer %u: read: %s", p->serial,
			    strerror(errno));
		peer_close(p);
		return;
	}
	p->in.len += (size_t)n;
	peer_process(p);
}

/* Accept one connection; -1 with errno when accept(2) failed. */
int
peer_accept_one(int listen_fd)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	struct peer	*p;
	int		 fd;

	fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("SO_PEERCRED");
		close(fd);
		return 0;
	}
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->refs = 1;
	p->serial = ++peer_serial;
	ev_io_init(&p->rd, peer_read_cb, fd, EV_READ);
	ev_io_init(&p->wr, peer_write_cb, fd, EV_WRITE);
	ev_timer_init(&p->more, peer_more_cb, 0., 0.);
	p->rd.data = p->wr.data = p->more.data = p;
	ev_io_start(server_loop, &p->rd);
	TAILQ_INSERT_TAIL(&peers, p, entry);
	peers_open++;
	log_debug("peer %u: connected, pid %d", p->serial, (int)cred.pid);
	if (cred.uid != getuid()) {
		struct proto_error err;

		log_warnx("refused a client of uid %u (pid %d)",
		    (unsigned)cred.uid, (int)cred.pid);
		proto_error_set(&err, PROTO_E_PERMISSION_DENIED, "",
		    "uid %u may not use the daemon of uid %u",
		    (unsigned)cred.uid, (unsigned)getuid());
		p->close_after_flush = 1;
		peer_send(p, proto_reply_error(-1, &err));
	}
	return 0;
}
