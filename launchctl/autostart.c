/*
 * LAUNCH_AUTOSTART=1: the client starts `launch serve` itself when no
 * daemon answers at the local socket, as tmux starts its server.  The
 * default way to get a daemon on demand is systemd's socket activation
 * (contrib/systemd, docs/startup.md); this is the way without systemd.
 *
 * Which commands: those whose entry has CMD_AUTOSTART, the ones that
 * create or start something (submit, start, restart, and subscribe
 * without --serve), since they cannot do what was asked without a
 * daemon.  Not the others: ping's job is to say whether a daemon answers;
 * list, status, wait, logs, events, stats and subscriptions have nothing
 * to show from a daemon just started, stop and remove nothing to stop
 * (jobs a crashed daemon left running come back with the next daemon),
 * and shutdown would start one only to stop it: exit 3 says "no
 * daemon", as before.  subscribe --serve is a long-lived receiver that
 * also unsubscribes on its way out; a daemon started for it would be a
 * surprise, so cmd-subscribe.c turns this off for it.  Never through -H
 * (or for `launch bridge`): a remote's daemon is the remote's business
 * (its own launch.socket).
 *
 * LAUNCH_AUTOSTART: "1" on; unset, "" or "0" off; anything else is a
 * usage error (exit 2) for those commands, so that "yes" or "true" is not
 * silently taken for "no".
 *
 * How: under a lock (flock(2) on SOCKET.autostart.lock, next to the
 * socket in its checked 0700 directory; not the daemon's own
 * SOCKET.lock, which the daemon must take itself), look again: another
 * client may have started one meanwhile.  If none answers yet, start
 * `launch serve -S SOCKET --state-dir DIR` (this very binary,
 * /proc/self/exe) detached: forked twice, so it is not the client's
 * child, in a session of its own, stdin /dev/null, stdout and stderr
 * appended to DIR/serve.log, no other fd.  Then wait until it answers a
 * ping, or is gone (exit 3, naming serve.log and its last line), or
 * AUTOSTART_WAIT_MS passed (exit 3 too).  The lock is dropped only then,
 * so N clients at once start one daemon and the others find it
 * answering.  Waiting for the lock has a deadline of its own.
 *
 * The daemon keeps the client's environment and working directory, so a
 * relative -S or LAUNCH_STATE_DIR keeps its meaning.  It runs until
 * `launch shutdown` or SIGTERM, as a daemon started by hand; serve.log
 * is appended to and never rotated (the daemon logs at info level: a
 * line or two per job start and end).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "launch.h"
#include "sockpath.h"
#include "statedir.h"

#define AUTOSTART_WAIT_MS	10000	/* for the daemon to answer */
#define AUTOSTART_LOCK_MS	20000	/* for another client's start */
#define AUTOSTART_POLL_NS	10000000	/* 10 ms */

int
autostart_enabled(struct cmd_ctx *ctx)
{
	const char	*v = getenv("LAUNCH_AUTOSTART");

	ctx->autostart = 0;
	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "1") != 0) {
		fprintf(stderr, "launch: LAUNCH_AUTOSTART=%s: expected 1 (start "
		    "a daemon when none answers) or 0\n", v);
		return EXIT_USAGE;
	}
	ctx->autostart = 1;
	return 0;
}

static void
autostart_pause(void)
{
	struct timespec	ts = { 0, AUTOSTART_POLL_NS };

	nanosleep(&ts, NULL);
}

/* A daemon answers a ping at sp: connected, and a reply line came before
 * the deadline.  Quiet: failures here only mean "not yet". */
static int
autostart_answers(const struct sockpath *sp, int64_t deadline)
{
	struct proto_request	 req;
	struct client		 c;
	struct timeval		 tv;
	int64_t			 left;
	char			*line;
	int			 ok;

	if (client_connect(&c, sp) == -1)
		return 0;
	left = deadline - clock_mono_ms();
	if (left < 1)
		left = 1;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	proto_request_init(&req, PROTO_OP_PING);
	req.id = 1;
	line = proto_request_encode(&req);
	ok = setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
	    client_write_fd(c.fd, line, strlen(line)) == 0 &&
	    client_read_line(&c) >= 0;
	free(line);
	proto_request_free(&req);
	client_close(&c);
	return ok;
}

/* The daemon we started has exited (or is a zombie nobody reaped yet). */
static int
autostart_gone(pid_t pid)
{
	char	 path[64], buf[512], *paren;
	ssize_t	 n;
	int	 fd;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold anything, ')' too. */
	return (paren = strrchr(buf, ')')) != NULL && paren[1] == ' ' &&
	    (paren[2] == 'Z' || paren[2] == 'X');
}

/* The last line of the log (what a daemon that failed said last). */
static void
autostart_last_line(const char *log, char *out, size_t len)
{
	char	 buf[2048], *line;
	off_t	 size;
	ssize_t	 n;
	size_t	 m;
	int	 fd;

	snprintf(out, len, "(nothing logged)");
	if ((fd = file_open_own(log, O_RDONLY)) == -1)
		return;
	size = lseek(fd, 0, SEEK_END);
	n = size > 0 ? pread(fd, buf, sizeof buf - 1, size >
	    (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0) : 0;
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n == 0)
		return;
	line = (line = strrchr(buf, '\n')) != NULL ? line + 1 : buf;
	if ((m = strlen(line)) >= len)
		m = len - 1;
	memcpy(out, line, m);
	out[m] = '\0';
}

/* In the grandchild: become the daemon.  Never returns. */
static void __attribute__((noreturn))
autostart_exec(const struct sockpath *sp, const char *state, int logfd)
{
	char		*argv[] = { "launch", "serve", "-S", (char *)sp->path,
	    "--state-dir", (char *)state, NULL };
	sigset_t	 none;
	int		 null;

	/* A daemon started by hand starts with a clean slate: so this one. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(logfd, STDOUT_FILENO) == -1 ||
	    dup2(logfd, STDERR_FILENO) == -1)
		_exit(127);
	/* Whatever the client inherited stays with the client. */
	close_range(STDERR_FILENO + 1, ~0U, 0);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "launch: cannot run /proc/self/exe serve: %s\n",
	    strerror(errno));
	_exit(127);
}

/* Start the daemon detached; its pid, or -1 with errno. */
static pid_t
autostart_spawn(const struct sockpath *sp, const char *state, int logfd)
{
	pid_t	 child, daemon = -1;
	ssize_t	 n;
	int	 p[2], saved;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((child = fork()) == -1) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	if (child == 0) {
		close(p[0]);
		if (setsid() == -1)
			_exit(1);
		/* Not a session leader: it never gets a terminal. */
		if ((daemon = fork()) == 0)
			autostart_exec(sp, state, logfd);
		saved = daemon == -1 ? errno : 0;
		if (write(p[1], &daemon, sizeof daemon) != sizeof daemon ||
		    write(p[1], &saved, sizeof saved) != sizeof saved)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	do
		n = read(p[0], &daemon, sizeof daemon);
	while (n == -1 && errno == EINTR);
	if (n != sizeof daemon || read(p[0], &saved, sizeof saved) !=
	    sizeof saved)
		daemon = -1, saved = ECHILD;
	close(p[0]);
	while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
		;
	if (daemon == -1)
		errno = saved;
	return daemon;
}

/* Holding the lock: start a daemon and wait for it.  0, or an exit code
 * after printing why. */
static int
autostart_start(const struct cmd_ctx *ctx, const struct sockpath *sp,
    const char *state)
{
	char	 log[4200], last[1024];
	int64_t	 deadline = clock_mono_ms() + AUTOSTART_WAIT_MS;
	pid_t	 pid;
	int	 fd;

	snprintf(log, sizeof log, "%s/serve.log", state);
	if ((fd = file_open_own(log, O_WRONLY | O_APPEND | O_CREAT)) == -1) {
		fprintf(stderr, "launch: cannot start a daemon: %s: %s\n", log,
		    file_strerror(errno));
		return EXIT_NODAEMON;
	}
	pid = autostart_spawn(sp, state, fd);
	close(fd);
	if (pid == -1) {
		fprintf(stderr, "launch: cannot start a daemon: fork: %s\n",
		    strerror(errno));
		return EXIT_NODAEMON;
	}
	for (;;) {
		if (autostart_answers(sp, deadline)) {
			if (ctx->verbose)
				fprintf(stderr, "launch: started a daemon "
				    "(pid %d) on %s, logging to %s\n",
				    (int)pid, sp->path, log);
			return 0;
		}
		if (autostart_gone(pid)) {
			autostart_last_line(log, last, sizeof last);
			fprintf(stderr, "launch: the daemon started for %s "
			    "exited (see %s): %s\n", sp->path, log, last);
			return EXIT_NODAEMON;
		}
		if (clock_mono_ms() >= deadline) {
			autostart_last_line(log, last, sizeof last);
			fprintf(stderr, "launch: the daemon started for %s "
			    "(pid %d) did not answer within %ds (see %s): %s\n",
			    sp->path, (int)pid, AUTOSTART_WAIT_MS / 1000, log,
			    last);
			return EXIT_NODAEMON;
		}
		autostart_pause();
	}
}

int
autostart_daemon(const struct cmd_ctx *ctx, const struct sockpath *sp)
{
	char	 state[4096], lock[SOCKPATH_MAX + 32], err[512];
	int64_t	 deadline = clock_mono_ms() + AUTOSTART_LOCK_MS;
	int	 fd, rc;

	if (sockpath_check_dir(sp, 1, err, sizeof err) == -1 ||
	    statedir_resolve(NULL, state, sizeof state - 64, err,
	    sizeof err) == -1) {
		fprintf(stderr, "launch: cannot start a daemon: %s\n", err);
		return EXIT_NODAEMON;
	}
	/* Nothing is written where serve would refuse to be. */
	if (file_mkdirs(state, 0700) == -1 || file_dir_own(state, 0) == -1) {
		fprintf(stderr, "launch: cannot start a daemon: state "
		    "directory %s: %s\n", state, file_strerror(errno));
		return EXIT_NODAEMON;
	}
	snprintf(lock, sizeof lock, "%s.autostart.lock", sp->path);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		fprintf(stderr, "launch: cannot start a daemon: %s: %s\n",
		    lock, strerror(errno));
		return EXIT_NODAEMON;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fprintf(stderr, "launch: cannot start a daemon: flock "
			    "%s: %s\n", lock, strerror(errno));
			close(fd);
			return EXIT_NODAEMON;
		}
		if (clock_mono_ms() >= deadline) {
			fprintf(stderr, "launch: cannot start a daemon: %s is "
			    "still locked after %ds (another client starting "
			    "one)\n", lock, AUTOSTART_LOCK_MS / 1000);
			close(fd);
			return EXIT_NODAEMON;
		}
		autostart_pause();
	}
	/* Another client may have started one while we waited. */
	rc = autostart_answers(sp, clock_mono_ms() + AUTOSTART_WAIT_MS) ? 0 :
	    autostart_start(ctx, sp, state);
	close(fd);	/* and the lock with it */
	return rc;
}
