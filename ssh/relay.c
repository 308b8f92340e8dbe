/*
 * The open channel, relayed (launch-ssh's second half, after ssh.c has
 * opened it): libssh2 in non-blocking mode and one poll(2) over the ssh
 * socket, our stdin and our stdout, so that neither direction waits for
 * the other.  A bridge's requests and replies cross here in both
 * directions at once (`wait` sends progress lines while a request may
 * still be arriving).
 *
 * - stdin -> the channel: a read's bytes are written to the channel
 *   before the next read (the channel's window is the only buffer, so a
 *   fast writer is slowed down, not queued in memory); stdin's end is
 *   sent as the channel's EOF, so the remote command sees its stdin end.
 * - the channel's stdout -> stdout, with blocking writes: a slow reader
 *   slows the remote down through the channel's window.
 * - the channel's stderr -> stderr, line by line, as "launch: SPEC: ..."
 *   (common/hostlines.c), so the remote's messages name their host.
 * - stdout is polled for errors too: a socket or pipe whose reader has
 *   closed it (POLLHUP, POLLERR) means launch is gone, or has what it
 *   wanted, and the session is dropped without waiting for the remote,
 *   as closing an ssh connection does.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "exits.h"
#include "hostlines.h"
#include "ssh.h"

#define RELAY_CHUNK	65536

/* 0, or -1 when the reader is gone (or another write error). */
static int
relay_write(int fd, const char *s, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Everything the channel has for us now: 1 if anything came, 0 if
 * nothing, -1 with *gone set when stdout's reader is gone, -1 on a
 * broken session. */
static int
relay_from_channel(struct ssh_link *l, struct buf *errline, int *gone)
{
	char	buf[RELAY_CHUNK];
	ssize_t	n;
	int	busy = 0;

	while ((n = libssh2_channel_read(l->channel, buf, sizeof buf)) > 0) {
		busy = 1;
		if (relay_write(STDOUT_FILENO, buf, (size_t)n) == -1) {
			*gone = 1;
			return -1;
		}
	}
	if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
		return -1;
	while ((n = libssh2_channel_read_stderr(l->channel, buf,
	    sizeof buf)) > 0) {
		busy = 1;
		buf_add(errline, buf, (size_t)n);
		hostlines_print(stderr, l->spec, errline, HOSTLINES_ERR, 0);
	}
	if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
		return -1;
	return busy;
}

/* Pending stdin bytes to the channel, then its EOF once stdin ended: 1
 * if anything went, 0 if the channel takes nothing now, -1 on a broken
 * session. */
static int
relay_to_channel(struct ssh_link *l, struct buf *in, int in_open,
    int *eof_sent)
{
	ssize_t	n;

	if (buf_used(in) > 0) {
		n = libssh2_channel_write(l->channel, buf_head(in),
		    buf_used(in));
		if (n == LIBSSH2_ERROR_EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		buf_consume(in, (size_t)n);
		return n > 0;
	}
	if (in_open || *eof_sent)
		return 0;
	n = libssh2_channel_send_eof(l->channel);
	if (n == LIBSSH2_ERROR_EAGAIN)
		return 0;
	if (n < 0)
		return -1;
	*eof_sent = 1;
	return 1;
}

static int
relay_broken(struct ssh_link *l)
{
	char	*msg = NULL;

	libssh2_session_last_error(l->session, &msg, NULL, 0);
	fprintf(stderr, "launch: %s: the ssh connection broke: %s\n", l->spec,
	    msg != NULL && *msg != '\0' ? msg : "unknown error");
	return EXIT_NODAEMON;
}

int
ssh_link_relay(struct ssh_link *l)
{
	struct buf	 in, errline;
	struct pollfd	 pfd[3];
	ssize_t		 n;
	int		 in_open = 1, eof_sent = 0, gone = 0, rc = 0, r, w = 0,
			 dir;

	memset(&in, 0, sizeof in);
	memset(&errline, 0, sizeof errline);
	libssh2_session_set_blocking(l->session, 0);
	for (;;) {
		if ((r = relay_from_channel(l, &errline, &gone)) == -1 ||
		    (w = relay_to_channel(l, &in, in_open, &eof_sent)) == -1) {
			rc = gone ? SSH_RELAY_GONE : relay_broken(l);
			goto out;
		}
		if (libssh2_channel_eof(l->channel))
			break;
		if (r || w)
			continue;
		dir = libssh2_session_block_directions(l->session);
		pfd[0].fd = l->sock;
		pfd[0].events = ((dir & LIBSSH2_SESSION_BLOCK_INBOUND) ?
		    POLLIN : 0) | ((dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) ?
		    POLLOUT : 0);
		if (pfd[0].events == 0)
			pfd[0].events = POLLIN;
		/* stdin is read only when what it gave has gone out. */
		pfd[1].fd = in_open && buf_used(&in) == 0 ? STDIN_FILENO : -1;
		pfd[1].events = POLLIN;
		pfd[2].fd = STDOUT_FILENO;
		pfd[2].events = 0;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			rc = relay_broken(l);
			goto out;
		}
		if (pfd[2].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			rc = SSH_RELAY_GONE;
			goto out;
		}
		if (pfd[1].revents != 0) {
			n = read(STDIN_FILENO, buf_reserve(&in, RELAY_CHUNK),
			    RELAY_CHUNK);
			if (n > 0)
				in.len += (size_t)n;
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				in_open = 0;
		}
	}
	/* The remote's end: its exit status. */
	libssh2_session_set_blocking(l->session, 1);
	libssh2_session_set_timeout(l->session, SSH_SETUP_MS);
	if (!eof_sent)
		libssh2_channel_send_eof(l->channel);
	libssh2_channel_close(l->channel);
	libssh2_channel_wait_closed(l->channel);
	rc = libssh2_channel_get_exit_status(l->channel);
out:
	hostlines_print(stderr, l->spec, &errline, HOSTLINES_ERR, 1);
	buf_free(&errline);
	buf_free(&in);
	return rc;
}
