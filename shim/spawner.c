/*
 * The spawner: the small process every shim is forked from.
 *
 * Why: a shim forked by the daemon copies the daemon's page tables and
 * its table of N shim sockets, and the child then closes them all and
 * execs launch-shim: a start cost that grows with the number of jobs
 * (14 ms at 10,000, docs/bench.md).  The daemon instead execs this once
 * at start-up (`launch-shim --spawner ...`, fd 3 its socket to the
 * daemon) and hands it each job; it holds four descriptors and a few
 * pages, so a fork costs the same at any N, and a shim is a fork without
 * an exec: its pages stay shared with the spawner's and its siblings'
 * until written (as s6-svscan spawns s6-supervise, and runsvdir runsv).
 *
 * Each request brings the shim's listening socket (the daemon is already
 * connected to it) and a memfd with the job's record (spawner.h).  The
 * child becomes the shim (shim.c: shim_run) with the socket on fd 3; the
 * spawner answers with its pid, or the fork's errno, and forgets it:
 * SIGCHLD is ignored, so the kernel reaps the shims, and a shim outlives
 * the spawner as it outlives the daemon (each calls setsid).
 *
 * The spawner exits when the daemon's end of the socket closes (the
 * daemon exited, or was killed); a new daemon starts a new one.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"
#include "spawner.h"

/* One request, its two descriptors in fds; 1, 0 at EOF, -1 to skip. */
static int
spawner_receive(struct spawn_request *req, int fds[2])
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct iovec	 iov = { req, sizeof *req };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	ssize_t		 n;

	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof ctl.buf;
	do
		n = recvmsg(SPAWNER_FD, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n == 0 || errno != EAGAIN ? 0 : -1;
	fds[0] = fds[1] = -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
			memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
	if (n != (ssize_t)sizeof *req || fds[0] == -1) {
		fprintf(stderr, "launch spawner: a malformed request; "
		    "ignored\n");
		if (fds[0] != -1) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	return 1;
}

int
spawner_main(int argc, char **argv)
{
	struct spawn_request	req;
	struct spawn_reply	rep;
	struct shim_start	start;
	int			fds[2], r;
	pid_t			pid;

	if (argc != 5) {
		fprintf(stderr, "launch shim: internal; started by the "
		    "daemon\n");
		return 2;
	}
	memset(&start, 0, sizeof start);
	start.state_dir = argv[2];
	start.log_size = (off_t)strtoll(argv[3], NULL, 10);
	start.log_files = atoi(argv[4]);
	/* The kernel reaps the shims; a terminal's ^C is the daemon's to
	 * handle (it closes our socket, and then we go). */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	while ((r = spawner_receive(&req, fds)) != 0) {
		if (r == -1)
			continue;
		memset(&rep, 0, sizeof rep);
		rep.id = req.id;
		if ((pid = fork()) == 0) {
			/* The listening socket takes the spawner's fd 3. */
			if (dup2(fds[0], SPAWNER_FD) == -1)
				_exit(127);
			close(fds[0]);
			start.id = req.id;
			start.record_fd = fds[1];
			shim_run(&start);
		}
		if (pid == -1)
			rep.err = errno;
		else
			rep.pid = (int32_t)pid;
		close(fds[0]);
		close(fds[1]);
		/* Blocking: the daemon reads these at once; if it is gone,
		 * the next receive sees the end. */
		if (send(SPAWNER_FD, &rep, sizeof rep, MSG_NOSIGNAL) == -1 &&
		    errno != EINTR)
			break;
	}
	return 0;
}
