/*
 * Target "receiver": the bytes a daemon (or anyone who can connect)
 * sends to `launch subscribe --serve`, through the receiver's own
 * connection code (subscribe/receiver-conn.c: framing, HELLO and its
 * token, the (daemon, subscription) table, EVENT lines, printing, ACKs)
 * on a real socketpair and a real libev loop.
 *
 * Input: the first byte seeds how the rest is cut into writes (0: one
 * write; else lengths from a small PRNG, 1 to 16 * byte + 1 bytes), so
 * a line split anywhere, even inside a UTF-8 sequence or "\r\n", is
 * covered.  After each write the loop runs once (the receiver reads at
 * most 64 KiB, so each write is read whole); the ACKs it sends are read
 * and dropped.  Then the writing side is shut down, so the connection
 * ends as when a daemon goes away, and everything is freed.
 *
 * The receiver's token is FUZZ_TOKEN (the seeds' HELLOs carry it), its
 * state is in memory (no --state file), and its stdout, where events
 * are printed, is /dev/null for the duration of each input.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "subscribe.h"

#define FUZZ_TOKEN	"0123456789abcdef0123456789abcdef"

static struct ev_loop	*fuzz_loop;

/* Write all of data (the receiver reads between writes); -1 once the
 * receiver has closed its end. */
static int
receiver_feed(int fd, const uint8_t *data, size_t len)
{
	char	ack[4096];
	ssize_t	n;

	while (len > 0) {
		n = send(fd, data, len, MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
		ev_run(fuzz_loop, EVRUN_NOWAIT);
		while (read(fd, ack, sizeof ack) > 0)
			;
	}
	return 0;
}

static void
receiver_drive(struct receiver *r, const uint8_t *data, size_t size)
{
	uint32_t	x = size > 0 ? data[0] : 0;
	size_t		max = 16 * (size_t)x + 1, len;
	int		sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1)
		abort();
	receiver_conn_accept(r, sv[0], "fuzz");
	if (size > 0) {
		data++;
		size--;
	}
	while (size > 0) {
		len = size;
		if (x != 0) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			len = 1 + x % max;
			if (len > size)
				len = size;
		}
		if (receiver_feed(sv[1], data, len) == -1)
			break;
		data += len;
		size -= len;
	}
	shutdown(sv[1], SHUT_WR);
	ev_run(fuzz_loop, EVRUN_NOWAIT);
	receiver_conn_close_all();
	close(sv[1]);
}

int
fuzz_receiver(const uint8_t *data, size_t size)
{
	static struct cmd_ctx		ctx = { .quiet = 1 };
	static struct subscribe_opts	opt;
	struct receiver			r;
	int				null, saved;

	if (fuzz_loop == NULL &&
	    (fuzz_loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		abort();
	memset(&r, 0, sizeof r);
	r.loop = fuzz_loop;
	r.ctx = &ctx;
	r.opt = &opt;
	receiver_state_set_token(&r.state, FUZZ_TOKEN);

	fflush(stdout);
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
	    (saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(null, STDOUT_FILENO) == -1)
		abort();
	close(null);
	receiver_drive(&r, data, size);
	fflush(stdout);
	clearerr(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	receiver_state_free(&r.state);
	return 0;
}
