/*
 * The floor for bench/supervise.py: the least work any supervisor of N
 * processes must do, with nothing else (no state, no protocol, no logs).
 *
 *   floor [--shim] [--signal NAME] [--hold] N PROGRAM [ARG...]
 *
 * Start: N times fork(2) and execv(2) PROGRAM ARG... (an absolute path:
 * no search), each child with a close-on-exec pipe whose end of file
 * says that its exec has succeeded; the clock stops when every pipe has
 * said so.  All N are forked first and waited for afterwards, so the
 * children's execs overlap the parent's forks, as they may in any
 * supervisor on two cores.
 *
 * --shim: each child execs this program again as a minimal shim, which
 * forks and execs PROGRAM, waits for that exec the same way, reports it
 * up, and stays as PROGRAM's parent: one more fork, one more exec and
 * one more process per job, the shape of launch's jobs (daemon -> shim
 * -> job) with nothing in the shim but forwarding SIGTERM and reaping.
 *
 * Stop: kill(2) each child with the signal (SIGTERM unless --signal),
 * then waitpid(2) each; the clock stops when all are reaped.  With
 * --shim the signal (SIGTERM only) goes to the shims, which pass it on,
 * reap their child and exit.
 *
 * Output, on stdout, one JSON object per line:
 *   {"n": N, "variant": "plain"|"shim", "start_s": S, "pids": [...]}
 *   {"stop_s": S}
 * With --hold the second waits for a line (or end of file) on stdin, so
 * that the caller can look at the N processes in between; a caller that
 * dies closes stdin, and the children are stopped all the same.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_REPORT_FD	3	/* the shim's pipe up to the parent */

static double
floor_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn))
floor_die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* In a child: exec argv; on failure tell the parent through fd why. */
static void __attribute__((noreturn))
floor_exec(char **argv, int fd)
{
	int	e;

	execv(argv[0], argv);
	e = errno;
	if (write(fd, &e, sizeof e) == -1)
		_exit(127);
	_exit(127);
}

/* Read fd to its end; 0 if nothing came (the exec succeeded). */
static int
floor_wait_exec(int fd)
{
	ssize_t	n;
	int	e = 0;

	do
		n = read(fd, &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n > 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * The minimal shim: started with FLOOR_REPORT_FD open for writing to the
 * top parent.  Runs argv as its child, reports the exec, forwards
 * SIGTERM, and exits once the child is reaped.
 */
static int
floor_shim(char **argv)
{
	sigset_t	mask, old;
	pid_t		pid;
	int		p[2], sig, status;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	if (fcntl(FLOOR_REPORT_FD, F_SETFD, FD_CLOEXEC) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1)
		floor_die("shim");
	if ((pid = fork()) == -1)
		floor_die("fork");
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		floor_exec(argv, p[1]);
	}
	close(p[1]);
	if (floor_wait_exec(p[0]) == -1) {
		status = errno;
		if (write(FLOOR_REPORT_FD, &status, sizeof status) == -1)
			return 127;
		return 127;
	}
	close(FLOOR_REPORT_FD);
	for (;;) {
		if (sigwait(&mask, &sig) != 0)
			continue;
		if (sig == SIGTERM)
			kill(pid, SIGTERM);
		else if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
	}
}

static void
floor_usage(void)
{
	fprintf(stderr, "usage: floor [--shim] [--signal TERM|KILL] [--hold] "
	    "N PROGRAM [ARG...]\n(--shim stops with SIGTERM only)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct rlimit	 rl;
	char		 self[4096], **child_argv;
	pid_t		*pids;
	int		*fds, shim = 0, hold = 0, sig = SIGTERM, i, n, p[2];
	double		 t0, start, stop;
	ssize_t		 len;

	if (argc >= 2 && strcmp(argv[1], "--be-shim") == 0)
		return floor_shim(argv + 2);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--shim") == 0)
			shim = 1;
		else if (strcmp(argv[i], "--hold") == 0)
			hold = 1;
		else if (strcmp(argv[i], "--signal") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "TERM") == 0)
				sig = SIGTERM;
			else if (strcmp(argv[i], "KILL") == 0)
				sig = SIGKILL;
			else
				floor_usage();
		} else
			floor_usage();
	}
	/* A shim killed outright would orphan its child, not stop it. */
	if (argc - i < 2 || (n = atoi(argv[i])) < 1 ||
	    argv[i + 1][0] != '/' || (shim && sig == SIGKILL))
		floor_usage();

	/* A caller gone (its end of stdout closed) must not kill us before
	 * we have stopped the children: write errors are ignored, and the
	 * end of stdin (--hold) stops them. */
	signal(SIGPIPE, SIG_IGN);
	/* One pipe per child is open until all have exec'd. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) == -1)
		floor_die("/proc/self/exe");
	self[len] = '\0';
	if (shim) {
		/* self --be-shim PROGRAM ARG... */
		child_argv = calloc((size_t)(argc - i) + 2, sizeof *child_argv);
		if (child_argv == NULL)
			floor_die("calloc");
		child_argv[0] = self;
		child_argv[1] = "--be-shim";
		memcpy(child_argv + 2, argv + i + 1,
		    (size_t)(argc - i - 1) * sizeof *child_argv);
	} else
		child_argv = argv + i + 1;
	pids = calloc((size_t)n, sizeof *pids);
	fds = calloc((size_t)n, sizeof *fds);
	if (pids == NULL || fds == NULL)
		floor_die("calloc");

	t0 = floor_now();
	for (i = 0; i < n; i++) {
		if (pipe2(p, O_CLOEXEC) == -1)
			floor_die("pipe2");
		if ((pids[i] = fork()) == -1)
			floor_die("fork");
		if (pids[i] == 0) {
			if (shim) {
				/* Kept across the exec: the shim closes it
				 * once PROGRAM has exec'd. */
				if (dup2(p[1], FLOOR_REPORT_FD) == -1)
					_exit(127);
				floor_exec(child_argv, FLOOR_REPORT_FD);
			}
			floor_exec(child_argv, p[1]);
		}
		close(p[1]);
		fds[i] = p[0];
	}
	for (i = 0; i < n; i++)
		if (floor_wait_exec(fds[i]) == -1)
			floor_die("exec");
	start = floor_now() - t0;

	printf("{\"n\": %d, \"variant\": \"%s\", \"start_s\": %.6f, "
	    "\"pids\": [", n, shim ? "shim" : "plain", start);
	for (i = 0; i < n; i++)
		printf("%s%d", i > 0 ? ", " : "", (int)pids[i]);
	printf("]}\n");
	fflush(stdout);
	if (hold) {
		char	line[64];

		if (fgets(line, sizeof line, stdin) == NULL && ferror(stdin))
			floor_die("stdin");
	}

	t0 = floor_now();
	for (i = 0; i < n; i++)
		kill(pids[i], sig);
	for (i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) == -1 && errno == EINTR)
			;
	stop = floor_now() - t0;
	printf("{\"stop_s\": %.6f}\n", stop);
	free(pids);
	free(fds);
	if (shim)
		free(child_argv);
	return 0;
}
