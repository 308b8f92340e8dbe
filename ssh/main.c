/*
 * launch-ssh: launch's ssh transport, a program of its own.
 *
 * Why a program: libssh2 brings OpenSSL (and, through the distribution's
 * build, more) into every process that links it, about 4 ms of loading
 * for each `launch list` that never leaves the machine.  So `launch`
 * links no ssh library; for `-H HOST` it runs this helper as a child
 * and talks through it, as git runs its transport helpers and OpenSSH
 * its ProxyCommand.  It is installed in $(pkglibexecdir) and looked for
 * next to the launch binary first (common/libexec.c), like launch-shim.
 *
 * Layout: main.c (this contract), ssh.c (resolve the spec through
 * ~/.ssh/config, connect, handshake, authenticate, exec), ssh-hostkey.c
 * (known_hosts: the host key check and --accept-new-host), relay.c (the
 * open channel to stdin, stdout and stderr).  It links libssh2, libc
 * and launch's libcommon (sshconfig.c, buf.c, hostlines.c); nothing of
 * the protocol, libev or cJSON.
 *
 * The contract with launch (launchctl/remote.c is the other side):
 *
 *	launch-ssh [-v] [--accept-new-host] [--ready] [--] SPEC COMMAND
 *
 * - SPEC is the -H target as the user wrote it ([user@]host[:port] or a
 *   ~/.ssh/config alias); every message names it.  COMMAND is the remote
 *   command line, already quoted for the remote shell (launch builds it
 *   from LAUNCH_REMOTE and its arguments), run on one exec channel.
 *   -v says more about authentication; --accept-new-host appends an
 *   unknown host key to ~/.ssh/known_hosts instead of refusing it.
 * - stdin goes to the remote command's stdin, and its end to the
 *   channel's EOF; the remote's stdout comes out on stdout, byte for
 *   byte.  launch gives one end of a socketpair as both (bridge: the
 *   protocol's JSON lines), or /dev/null and its own stdout (`logs`).
 * - With --ready, once the command runs and before any of its output,
 *   one line on stdout: "ready ADDRESS\n", ADDRESS being this side's
 *   numeric IP address of the TCP connection (what `launch subscribe
 *   -H` registers as "where the remote sees us"), or "-" if unknown.
 *   No line means no connection: launch then reads the end of stdout
 *   and takes the exit code.
 * - stderr: every message, as launch printed it before this helper
 *   existed: "launch: SPEC: why" for our own failures, and the remote's
 *   stderr line by line as "launch: SPEC: ..." (a line that already
 *   names SPEC is kept as is).  launch passes its stderr on unchanged,
 *   so what the user reads does not depend on the helper.
 * - Exit code: the remote command's exit status once it has ended, or
 *   launch's own codes (common/exits.h) after printing why: 2 a bad
 *   SPEC or ~/.ssh/config, 3 the host cannot be reached (resolve,
 *   connect, handshake, or the connection broke), 5 it refused us (host
 *   key, authentication, the command).  launch passes the code on as its
 *   own, so both mean what README's table says.
 * - When the reader of stdout goes away (launch closed its socket, or a
 *   `logs | head` pipe closed), the session is dropped at once without
 *   waiting for the remote command, and launch-ssh dies of SIGPIPE as a
 *   program writing there would.  A helper whose parent dies is sent
 *   SIGTERM (launch sets PR_SET_PDEATHSIG).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exits.h"
#include "ssh.h"

static void
ssh_usage(FILE *f)
{
	fprintf(f, "usage: launch-ssh [-v] [--accept-new-host] [--ready] "
	    "[--] SPEC COMMAND\n"
	    "launch's ssh transport (run by launch for -H; see "
	    "docs/remote.md): runs\nCOMMAND on SPEC and relays stdin, stdout "
	    "and stderr; exits with its status.\n");
}

/* "ready ADDRESS\n" on stdout (see the contract above). */
static int
ssh_ready(const struct ssh_link *l)
{
	const struct sockaddr_storage	*ss = &l->local;
	char				 addr[INET6_ADDRSTRLEN] = "-",
					 line[sizeof addr + 8];
	size_t				 n;

	if (l->locallen > 0 && ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    addr, sizeof addr);
	else if (l->locallen > 0 && ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr, addr,
		    sizeof addr);
	n = (size_t)snprintf(line, sizeof line, "ready %s\n", addr);
	return write(STDOUT_FILENO, line, n) == (ssize_t)n ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "accept-new-host", no_argument, NULL, 'a' },
		{ "ready", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ssh_link	l;
	int		ch, verbose = 0, accept_new = 0, ready = 0, rc;

	while ((ch = getopt_long(argc, argv, "+v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		case 'a':
			accept_new = 1;
			break;
		case 'r':
			ready = 1;
			break;
		case 'h':
			ssh_usage(stdout);
			return 0;
		case 'V':
			printf("launch-ssh %s\n", PACKAGE_VERSION);
			return 0;
		default:
			ssh_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		ssh_usage(stderr);
		return EXIT_USAGE;
	}
	/* Write errors are handled where they happen (relay.c). */
	signal(SIGPIPE, SIG_IGN);
	if ((rc = ssh_link_open(&l, argv[optind], argv[optind + 1],
	    accept_new, verbose)) != 0)
		return rc;
	if (ready && ssh_ready(&l) == -1)
		rc = SSH_RELAY_GONE;
	else
		rc = ssh_link_relay(&l);
	ssh_link_close(&l);
	if (rc == SSH_RELAY_GONE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		return EXIT_PROTOCOL;
	}
	return rc;
}
