/*
 * launch bridge: relay stdin to this machine's daemon socket and the
 * daemon's replies to stdout, byte for byte, until either side ends.
 * It is what `launch -H HOST` runs on HOST through an ssh exec channel
 * (libssh2 1.10 cannot forward a Unix socket), so the protocol is the
 * same end to end and every check of the local socket applies: the
 * daemon serves only its own uid, and the bridge talks only to a daemon
 * of its own uid (client_open_local).
 *
 * The end of stdin is passed on as a half-close (shutdown SHUT_WR): the
 * daemon still sends the replies it owes, then closes, and the bridge
 * exits 0.  When stdout breaks (sshd closed the session: the client is
 * gone) the bridge exits at once, without waiting for a reply nobody
 * will read: its full close tells the daemon to drop a pending `wait`.
 * With no daemon it exits 3 with the usual message, which the ssh
 * client relays.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"

#define BRIDGE_BUF	65536
/* The protocol version as text, for the help's example. */
#define BRIDGE_STR(x)	BRIDGE_STR1(x)
#define BRIDGE_STR1(x)	#x

static int
bridge_relay(int sock)
{
	struct pollfd	pfd[3];
	char		buf[BRIDGE_BUF];
	ssize_t		n;
	int		in_open = 1;

	for (;;) {
		pfd[0].fd = in_open ? STDIN_FILENO : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = sock;
		pfd[1].events = POLLIN;
		/* No event asked: only POLLERR or POLLHUP, when stdout's
		 * reader is gone. */
		pfd[2].fd = STDOUT_FILENO;
		pfd[2].events = 0;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "launch: bridge: poll: %s\n",
			    strerror(errno));
			return EXIT_PROTOCOL;
		}
		if (pfd[2].revents & (POLLERR | POLLHUP | POLLNVAL))
			return 0;	/* nobody listens any more */
		if (pfd[1].revents != 0) {
			n = read(sock, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				return 0;	/* the daemon is done */
			if (client_write_fd(STDOUT_FILENO, buf, (size_t)n) ==
			    -1)
				return 0;	/* nobody listens any more */
		}
		if (in_open && pfd[0].revents != 0) {
			n = read(STDIN_FILENO, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_open = 0;
				shutdown(sock, SHUT_WR);
				continue;
			}
			if (client_write_fd(sock, buf, (size_t)n) == -1) {
				fprintf(stderr, "launch: bridge: writing to "
				    "the daemon: %s\n", strerror(errno));
				return EXIT_PROTOCOL;
			}
		}
	}
}

static int
cmd_bridge_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct client	c;
	int		rc;

	if (argc != 1) {
		cmd_usage_error(&cmd_bridge_entry, "unexpected argument "
		    "\"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((rc = client_open_local(&c, ctx)) != 0)
		return rc;
	rc = bridge_relay(c.fd);
	client_close(&c);
	return rc;
}

const struct cmd_entry cmd_bridge_entry = {
	.name = "bridge",
	.usage = "",
	.summary = "relay stdin/stdout to the local daemon (what -H runs)",
	.help =
	    "Connects to this machine's daemon and relays the protocol between\n"
	    "it and stdin/stdout.  `launch -H HOST` runs it on HOST through ssh;\n"
	    "it is also a debugging client:\n"
	    "\n"
	    "Example:\n"
	    "  echo '{\"v\":" BRIDGE_STR(PROTO_VERSION) ",\"id\":1,"
	    "\"op\":\"ping\"}' | launch bridge\n",
	.exec = cmd_bridge_exec,
	.where = CMD_LOCAL,
};
