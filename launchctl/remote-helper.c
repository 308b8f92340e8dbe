/*
 * The ssh transport as launch sees it: the launch-ssh helper (ssh/main.c
 * has the contract), run as a child per connection.  launch itself links
 * no ssh library (docs/design.md, "Processes and what each links").
 *
 * - A bridge (remote_client_open): launch-ssh gets one end of a
 *   socketpair as its stdin and stdout and --ready; launch reads its
 *   "ready ADDRESS" line, then speaks the ordinary protocol on its end,
 *   exactly as on the local socket (client.c).  Closing that end ends
 *   the session (launch-ssh drops it at once); the helper is reaped
 *   there (remote_client_end), and its exit code is the command's when
 *   the remote ended before a reply (client.c, client_remote_gone).
 * - A command run there whole (remote_exec, for logs): launch-ssh gets
 *   /dev/null and launch's own stdout, writes the output itself, and
 *   its exit code is launch's.
 * - launch-ssh prints every ssh error itself, as "launch: SPEC: why"
 *   (stderr is shared), so the messages and codes are the same as when
 *   the transport was inside launch.  The helper is looked for next to
 *   the launch binary, then in $(pkglibexecdir) (common/libexec.c);
 *   missing, it is "launch: SPEC: no ssh helper: PATHS: why", exit 5.
 * - The child starts clean: signals at their defaults and none blocked,
 *   every fd but 0, 1 and 2 closed (launch's own are close-on-exec
 *   anyway; a receiver's or a hook's must not reach it either), and
 *   SIGTERM when launch dies (PR_SET_PDEATHSIG), so that no helper
 *   outlives the command that needed it.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "launch.h"
#include "libexec.h"
#include "xmalloc.h"

/* The shell-quoted remote command line: LAUNCH_REMOTE (default "launch",
 * taken as is, so it may carry a path or arguments), then [-S SOCKET]
 * and args, each quoted. */
static char *
remote_command(const struct cmd_ctx *ctx, const char *const *args)
{
	const char	*remote = getenv("LAUNCH_REMOTE");
	const char	*sock[] = { "-S", ctx->socket, NULL };
	struct buf	 b;
	char		*s;

	memset(&b, 0, sizeof b);
	if (remote == NULL || *remote == '\0')
		remote = "launch";
	buf_add(&b, remote, strlen(remote));
	for (int part = ctx->socket != NULL ? 0 : 1; part < 2; part++)
		for (const char *const *a = part == 0 ? sock : args;
		    *a != NULL; a++) {
			buf_add(&b, " '", 2);
			for (const char *p = *a; *p != '\0'; p++)
				if (*p == '\'')
					buf_add(&b, "'\\''", 4);
				else
					buf_add(&b, p, 1);
			buf_add(&b, "'", 1);
		}
	buf_add(&b, "", 1);
	s = xstrdup(buf_head(&b));
	buf_free(&b);
	return s;
}

/* In the child: become launch-ssh with io as stdin and stdout (-1:
 * /dev/null and ours).  Never returns. */
static void __attribute__((noreturn))
remote_helper_exec(const char *host, const char *path, char *const argv[],
    int io, pid_t parent)
{
	int			in;

	child_reset_signals();
	/* launch gone before this line: no signal will come. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(EXIT_PROTOCOL);
	in = io != -1 ? io : open("/dev/null", O_RDONLY);
	/* F_SETFD: a dup2 onto itself (launch started without fds 0 or
	 * 1) would leave the socket's close-on-exec. */
	if (in == -1 || dup2(in, STDIN_FILENO) == -1 ||
	    fcntl(STDIN_FILENO, F_SETFD, 0) == -1 || (io != -1 &&
	    (dup2(io, STDOUT_FILENO) == -1 ||
	    fcntl(STDOUT_FILENO, F_SETFD, 0) == -1))) {
		fprintf(stderr, "launch: %s: cannot start %s: %s\n", host,
		    path, strerror(errno));
		_exit(EXIT_PROTOCOL);
	}
	close_range(STDERR_FILENO + 1, ~0U, 0);
	execv(path, argv);
	fprintf(stderr, "launch: %s: cannot run %s: %s\n", host, path,
	    strerror(errno));
	_exit(EXIT_PROTOCOL);
}

/* Start launch-ssh for ctx->host running args there: its pid, or -1
 * after printing why (*rc: the exit code). */
static pid_t
remote_helper_spawn(const struct cmd_ctx *ctx, const char *const *args,
    int io, int *rc)
{
	char	 path[PATH_MAX], tried[2 * PATH_MAX + 8], *command;
	char	*argv[8];
	size_t	 n = 0;
	pid_t	 pid, parent = getpid();

	if (libexec_find("launch-ssh", path, sizeof path, tried,
	    sizeof tried) == -1) {
		fprintf(stderr, "launch: %s: no ssh helper: %s: %s\n",
		    ctx->host, tried, strerror(errno));
		*rc = EXIT_PROTOCOL;
		return -1;
	}
	command = remote_command(ctx, args);
	argv[n++] = "launch-ssh";
	if (ctx->verbose)
		argv[n++] = "-v";
	if (ctx->accept_new_host)
		argv[n++] = "--accept-new-host";
	if (io != -1)
		argv[n++] = "--ready";
	argv[n++] = "--";
	argv[n++] = (char *)ctx->host;
	argv[n++] = command;
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0)
		remote_helper_exec(ctx->host, path, argv, io, parent);
	free(command);
	if (pid == -1) {
		fprintf(stderr, "launch: %s: cannot fork: %s\n", ctx->host,
		    strerror(errno));
		*rc = EXIT_PROTOCOL;
	}
	return pid;
}

/* Wait for launch-ssh; its wait status. */
static int
remote_helper_reap(pid_t pid)
{
	int	st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return W_EXITCODE(EXIT_PROTOCOL, 0);
	return st;
}

/* launch-ssh's wait status as our exit code.  Killed by SIGPIPE, its
 * stdout's reader was gone: with pass_sigpipe (its stdout was ours) we
 * die of it too, as launch did when it relayed the output itself;
 * otherwise (launch closed the socket) that was expected. */
static int
remote_helper_code(const char *host, int st, int pass_sigpipe)
{
	const char	*name;
	int		 sig;

	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	sig = WTERMSIG(st);
	if (sig == SIGPIPE && pass_sigpipe) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	if (sig != SIGPIPE) {
		name = proto_signal_name(sig);
		fprintf(stderr, "launch: %s: launch-ssh was killed by %s\n",
		    host, name != NULL ? name : "a signal");
	}
	return EXIT_PROTOCOL;
}

int
remote_client_end(struct client *c)
{
	int	st;

	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	if (c->helper <= 0)
		return 0;
	st = remote_helper_reap(c->helper);
	c->helper = 0;
	return remote_helper_code(c->path, st, 0);
}

int
remote_client_open(struct client *c, const struct cmd_ctx *ctx)
{
	static const char *const bridge[] = { "bridge", NULL };
	const char		*line;
	ssize_t			 len;
	int			 sv[2], rc = 0;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->next_id = 1;
	snprintf(c->path, sizeof c->path, "%s", ctx->host);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		fprintf(stderr, "launch: %s: socketpair: %s\n", ctx->host,
		    strerror(errno));
		return EXIT_PROTOCOL;
	}
	c->helper = remote_helper_spawn(ctx, bridge, sv[1], &rc);
	close(sv[1]);
	c->fd = sv[0];
	if (c->helper == -1) {
		c->helper = 0;
		client_close(c);
		return rc;
	}
	/* "ready ADDRESS", or nothing when it could not connect (it has
	 * said why, and its exit code says how). */
	if ((len = client_read_line(c)) == -1) {
		if ((rc = remote_client_end(c)) == 0) {
			fprintf(stderr, "launch: %s: launch-ssh ended without "
			    "a connection\n", ctx->host);
			rc = EXIT_PROTOCOL;
		}
		client_close(c);
		return rc;
	}
	line = buf_head(&c->in);
	if (len < 7 || strncmp(line, "ready ", 6) != 0 ||
	    (size_t)len - 6 >= sizeof c->local) {
		fprintf(stderr, "launch: %s: launch-ssh said \"%.*s\" instead "
		    "of \"ready ADDRESS\"\n", ctx->host, (int)(len < 80 ? len :
		    80), line);
		client_close(c);
		return EXIT_PROTOCOL;
	}
	if (len != 7 || line[6] != '-')
		memcpy(c->local, line + 6, (size_t)len - 6);
	buf_consume(&c->in, (size_t)len + 1);
	return 0;
}

int
remote_local_address(const struct client *c, char *buf, size_t len)
{
	if (c->helper <= 0 || c->local[0] == '\0' ||
	    strlen(c->local) >= len)
		return -1;
	memcpy(buf, c->local, strlen(c->local) + 1);
	return 0;
}

int
remote_exec(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	**args = xcalloc((size_t)argc + 1, sizeof *args);
	pid_t		  pid;
	int		  rc = 0;

	for (int i = 0; i < argc; i++)
		args[i] = argv[i];
	pid = remote_helper_spawn(ctx, args, -1, &rc);
	free(args);
	if (pid == -1)
		return rc;
	return remote_helper_code(ctx->host, remote_helper_reap(pid), 1);
}
