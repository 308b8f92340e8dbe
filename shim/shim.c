/*
 * The shim: the small per-job parent that outlives the daemon (as
 * podman's conmon and s6-supervise do).  Internal.  The spawner
 * (spawner.c) forks it for each job, with fd 3 a listening Unix socket
 * (abstract, random name) that the daemon created and is already
 * connected to, and the job's record in a memfd.
 *
 * It starts the job as its child, and then, whether or not a daemon is
 * connected:
 * - reaps the job and keeps its wait status (the pid cannot be reused
 *   while unreaped, so nobody can signal a stranger through it);
 * - is a child subreaper, so the job's orphaned descendants come back to
 *   it, and the job ends only when its main process is reaped AND its
 *   process group is empty;
 * - copies the job's stdout and stderr into STATE_DIR/logs/ID/ (made at
 *   the first output: a job that prints nothing costs no inode),
 *   rotating by size, so output keeps flowing while the daemon is down;
 *   a write error (a full disk) drops output, never blocks the job;
 * - holds the read end of the readiness pipe (--ready-fd), so a job that
 *   reports readiness while the daemon is down does not die of SIGPIPE;
 * - runs stop escalation itself (signal, timeout, SIGKILL), so a stop
 *   completes even if the daemon dies mid-way; for a VM (the record has
 *   "exec" and "qmp") the signal is QMP system_powerdown and the timeout
 *   is followed by QMP quit, then SIGKILL (qmp.c);
 * - when the main process exits on its own, stops what it left in its
 *   group with the same escalation (as systemd does), so a restart never
 *   overlaps leftovers.
 *
 * The control socket carries one-line messages: the daemon sends "stop
 * SIGNUM TIMEOUT_MS" and "ack"; the shim sends "status JSON"
 * (proto_shim_status) at every change and to every new connection.
 *
 * The end (an exit status, or a launch failure) is never lost, without
 * an fsync per job: the shim tells the daemon and waits for its "ack",
 * which the daemon sends once the end is written to its journal
 * (launchd/journal.c).  Only when no daemon is connected, or the
 * connection breaks before the ack, does the shim write its status to
 * STATE_DIR/jobs/ID.status (replaced atomically, not fsynced: the file
 * is read only in the boot that wrote it), for the next daemon; then it
 * exits.  What it says while the job runs (pid, ready, stopping) is
 * only told: a daemon that connects later is told at once, and a shim
 * that dies takes its job's supervision with it anyway.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "file.h"
#include "proto.h"
#include "shim.h"
#include "spawner.h"
#include "xmalloc.h"

#define SHIM_LISTEN_FD		SPAWNER_FD
#define SHIM_KILL_GRACE_MS	5000
#define SHIM_QUIT_GRACE_MS	3000	/* after QMP quit, then SIGKILL */
#define SHIM_CHUNK		65536

struct shim_log {
	const char *dir;	/* made at the first write */
	char	*path;
	int	 fd;		/* -1: not open */
	off_t	 size;
	int	 pipe;		/* read end from the job, -1 when closed */
	int	 failing;	/* a write failed; reported once */
};

struct shim {
	const char		*state_dir;
	char			 jobs_dir[4096];
	char			 status_name[64];
	long long		 id;
	off_t			 log_size;
	int			 log_files;
	struct proto_submit	 spec;
	char			*qmp;		/* a VM: stop through QMP */
	int			 quit_sent;

	int			 ctl;		/* connection to the daemon */
	struct buf		 ctl_in;
	int			 sigfd;
	int			 ready;		/* readiness pipe, -1: none */
	struct shim_log		 out, err;

	pid_t			 pid;
	int			 reaped;
	int			 stop_sig;
	int			 killed;
	int64_t			 deadline;	/* monotonic ms; 0: none */
	struct proto_shim_status st;
	int			 final;		/* the end is told: waiting
						 * for the daemon's ack */
};



/* Send the status to the daemon, if one is connected. */
static void
shim_tell(struct shim *s)
{
	char	*line, *msg;

	if (s->ctl == -1)
		return;
	line = proto_shim_status_encode(&s->st);
	xasprintf(&msg, "status %s", line);
	free(line);
	if (send(s->ctl, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) == -1) {
		close(s->ctl);
		s->ctl = -1;
	}
	free(msg);
}

/* For the next daemon: the end, when no daemon acknowledged it. */
static void
shim_write_status(struct shim *s)
{
	char	*line = proto_shim_status_encode(&s->st);

	if (file_replace_sync(s->jobs_dir, s->status_name, line, strlen(line),
	    0) == -1)
		fprintf(stderr, "launch shim %lld: writing status: %s\n", s->id,
		    strerror(errno));
	free(line);
}

static void	shim_accept(struct shim *);
static void	shim_ctl_read(struct shim *);

/*
 * The end: tell it, and stay until the daemon says it is in its journal
 * ("ack").  With no daemon to tell, or when the connection breaks first,
 * the status file keeps it for the next one.  A new daemon that connects
 * meanwhile is told on accept and acknowledges in turn.
 */
static void __attribute__((noreturn))
shim_conclude(struct shim *s)
{
	struct pollfd	pfd[2];

	s->final = 1;
	shim_tell(s);
	for (;;) {
		if (s->ctl == -1) {
			shim_write_status(s);
			exit(s->st.error != NULL ? 1 : 0);
		}
		pfd[0] = (struct pollfd){ SHIM_LISTEN_FD, POLLIN, 0 };
		pfd[1] = (struct pollfd){ s->ctl, POLLIN, 0 };
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			s->ctl = -1;
			continue;
		}
		if (pfd[0].revents & POLLIN)
			shim_accept(s);
		if (pfd[1].revents != 0 && s->ctl != -1)
			shim_ctl_read(s);
	}
}

/* ---- logs ---- */

static void
shim_log_rotate(struct shim *s, struct shim_log *l)
{
	char	from[4200], to[4200];

	close(l->fd);
	l->fd = -1;
	for (int i = s->log_files - 1; i >= 1; i--) {
		snprintf(to, sizeof to, "%s.%d", l->path, i);
		if (i == 1)
			snprintf(from, sizeof from, "%s", l->path);
		else
			snprintf(from, sizeof from, "%s.%d", l->path, i - 1);
		rename(from, to);
	}
	if (s->log_files <= 1)
		unlink(l->path);
}

static void
shim_log_write(struct shim *s, struct shim_log *l, const char *data, size_t n)
{
	struct stat	st;
	ssize_t		w;
	size_t		room;

	while (n > 0) {
		if (l->fd != -1 && s->log_size > 0 && l->size >= s->log_size)
			shim_log_rotate(s, l);
		if (l->fd == -1) {
			/* The directory is made at the first output, and
			 * checked at every open: O_NOFOLLOW guards only the
			 * file's own name, not a directory planted as a
			 * symlink since the start (hostile_paths.sh). */
			if (file_dir_own(l->dir, 1) == -1)
				goto fail;
			l->fd = file_open_own(l->path, O_WRONLY | O_CREAT |
			    O_APPEND);
			if (l->fd == -1)
				goto fail;
			l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
			continue;
		}
		/* Never past the limit: a burst is split across files. */
		room = n;
		if (s->log_size > 0 && (off_t)room > s->log_size - l->size)
			room = (size_t)(s->log_size - l->size);
		w = write(l->fd, data, room);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			goto fail;
		l->size += w;
		data += w;
		n -= (size_t)w;
	}
	l->failing = 0;
	return;
fail:
	/* Drop the output rather than block the job; say so once. */
	if (!l->failing)
		fprintf(stderr, "launch shim %lld: %s: %s; dropping output\n",
		    s->id, l->path, file_strerror(errno));
	l->failing = 1;
}

/* Move what the pipe has into the log; 1 if there may be more, 0 at
 * EOF, 2 when the pipe is empty for now. */
static int
shim_log_pump(struct shim *s, struct shim_log *l)
{
	char	buf[SHIM_CHUNK];
	ssize_t	n;

	n = read(l->pipe, buf, sizeof buf);
	if (n == -1 && errno == EINTR)
		return 1;
	if (n == -1 && errno == EAGAIN)
		return 2;
	if (n <= 0) {
		close(l->pipe);
		l->pipe = -1;
		return 0;
	}
	shim_log_write(s, l, buf, (size_t)n);
	return 1;
}

/* ---- the job ---- */

static void
shim_signal_group(struct shim *s, int sig)
{
	if (kill(-s->pid, sig) == -1 && !s->reaped)
		kill(s->pid, sig);
}

static int
shim_group_alive(struct shim *s)
{
	return kill(-s->pid, 0) == 0;
}

static void
shim_stop(struct shim *s, int sig, int64_t timeout_ms)
{
	if (s->st.stopping)
		return;
	s->st.stopping = 1;
	s->stop_sig = sig;
	if (s->qmp != NULL && !s->reaped) {
		/* A VM: the ACPI power button, and qemu exits when the
		 * guest has powered off.  No QMP: the signal instead. */
		if (shim_qmp(s->qmp, "system_powerdown") == -1)
			shim_signal_group(s, sig);
	} else {
		shim_signal_group(s, sig);
		shim_signal_group(s, SIGCONT);
	}
	s->deadline = clock_mono_ms() + timeout_ms;
	shim_tell(s);
}

static void
shim_reap(struct shim *s)
{
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == s->pid && !s->reaped) {
			s->reaped = 1;
			s->st.wstatus = status;
		}
	}
}

static void __attribute__((noreturn))
shim_finish(struct shim *s)
{
	/* Whatever the job wrote last is still in the pipes.  Up to what
	 * is there now: a process that left the job's group may hold the
	 * pipe open for ever (issue 18 is about following those). */
	while (s->out.pipe != -1 && shim_log_pump(s, &s->out) == 1)
		;
	while (s->err.pipe != -1 && shim_log_pump(s, &s->err) == 1)
		;
	s->st.ended_ms = clock_real_ms();
	shim_conclude(s);
}

static void
shim_ctl_command(struct shim *s, const char *line)
{
	int		sig;
	long long	timeout;

	if (strcmp(line, "ack") == 0) {
		/* The daemon has the end in its journal. */
		if (s->final)
			exit(s->st.error != NULL ? 1 : 0);
	} else if (sscanf(line, "stop %d %lld", &sig, &timeout) == 2 &&
	    sig > 0 && sig < NSIG && timeout >= 0 && !s->final)
		shim_stop(s, sig, timeout);
}

static void
shim_ctl_read(struct shim *s)
{
	ssize_t	 n;
	char	*nl;

	n = read(s->ctl, buf_reserve(&s->ctl_in, 4096), 4096);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || buf_used(&s->ctl_in) + (size_t)n > 65536) {
		close(s->ctl);
		s->ctl = -1;
		buf_free(&s->ctl_in);
		return;
	}
	s->ctl_in.len += (size_t)n;
	while ((nl = memchr(buf_head(&s->ctl_in), '\n',
	    buf_used(&s->ctl_in))) != NULL) {
		*nl = '\0';
		shim_ctl_command(s, buf_head(&s->ctl_in));
		buf_consume(&s->ctl_in, (size_t)(nl - buf_head(&s->ctl_in)) + 1);
	}
}

static void
shim_accept(struct shim *s)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;
	int		fd;

	fd = accept4(SHIM_LISTEN_FD, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != getuid()) {
		close(fd);
		return;
	}
	/* A new daemon replaces the old one, and is told the status at
	 * once: it may have changed before anyone was connected. */
	if (s->ctl != -1)
		close(s->ctl);
	buf_free(&s->ctl_in);
	s->ctl = fd;
	shim_tell(s);
}

static void
shim_ready_read(struct shim *s)
{
	char	buf[256];
	ssize_t	n;

	n = read(s->ready, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && memchr(buf, '\n', (size_t)n) == NULL)
		return;
	close(s->ready);
	s->ready = -1;
	if (n > 0) {
		s->st.ready_ms = clock_real_ms();
		shim_tell(s);
	}
}

static void
shim_loop(struct shim *s)
{
	struct pollfd	pfd[6];
	int		n, timeout;

	for (;;) {
		if (s->reaped && !shim_group_alive(s))
			shim_finish(s);
		if (s->reaped && !s->st.stopping)
			shim_stop(s, SIGTERM, PROTO_STOP_TIMEOUT_MS);
		timeout = -1;
		if (s->deadline > 0) {
			int64_t left = s->deadline - clock_mono_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		n = 0;
		pfd[n++] = (struct pollfd){ SHIM_LISTEN_FD, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ s->sigfd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ s->ctl, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ s->out.pipe, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ s->err.pipe, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ s->ready, POLLIN, 0 };
		if (poll(pfd, (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			exit(1);
		}
		if (pfd[0].revents & POLLIN)
			shim_accept(s);
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(s->sigfd, &si, sizeof si) == sizeof si &&
			    si.ssi_signo == SIGTERM)
				shim_stop(s, SIGTERM, PROTO_STOP_TIMEOUT_MS);
			shim_reap(s);
		}
		if (pfd[2].revents != 0 && s->ctl != -1)
			shim_ctl_read(s);
		if (pfd[3].revents != 0 && s->out.pipe != -1)
			shim_log_pump(s, &s->out);
		if (pfd[4].revents != 0 && s->err.pipe != -1)
			shim_log_pump(s, &s->err);
		if (pfd[5].revents != 0 && s->ready != -1)
			shim_ready_read(s);
		if (s->deadline > 0 && clock_mono_ms() >= s->deadline) {
			if (s->qmp != NULL && !s->quit_sent && !s->reaped) {
				/* The guest ignored the button: quit. */
				s->quit_sent = 1;
				shim_qmp(s->qmp, "quit");
				s->deadline = clock_mono_ms() +
				    SHIM_QUIT_GRACE_MS;
			} else if (!s->killed) {
				s->killed = 1;
				shim_signal_group(s, SIGKILL);
				s->deadline = clock_mono_ms() +
				    SHIM_KILL_GRACE_MS;
			} else {
				/* Unkillable (uninterruptible sleep):
				 * report once the main process is gone. */
				s->deadline = 0;
				if (s->reaped)
					shim_finish(s);
			}
		}
	}
}

static void
shim_log_init(struct shim *s, struct shim_log *l, const char *dir,
    const char *name)
{
	l->dir = dir;
	xasprintf(&l->path, "%s/%s.log", dir, name);
	l->fd = -1;
	l->pipe = -1;
}

static void __attribute__((noreturn))
shim_fail(struct shim *s, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->st.error = xstrdup(msg);
	s->st.ended_ms = clock_real_ms();
	shim_conclude(s);
}

/* The job's record, from the memfd the daemon filled: one allocation of
 * its size (every page a shim dirties is its own for the job's life). */
static char *
shim_read_record(int fd, size_t *len)
{
	struct stat	 st;
	char		*text;
	size_t		 off = 0;
	ssize_t		 n;

	if (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    st.st_size > FILE_READ_MAX) {
		if (errno == 0)
			errno = EINVAL;
		close(fd);
		return NULL;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = pread(fd, text + off, (size_t)st.st_size - off,
		    (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(text);
			close(fd);
			errno = n == 0 ? EIO : errno;
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	text[off] = '\0';
	*len = off;
	return text;
}

void
shim_run(const struct shim_start *a)
{
	static struct shim	 s;
	struct proto_record	 state;
	struct proto_error	 err;
	struct shim_child	 child;
	static char		 logdir[4200];
	char			*text;
	size_t			 len;
	sigset_t		 mask;

	memset(&s, 0, sizeof s);
	s.state_dir = a->state_dir;
	s.id = a->id;
	s.log_size = a->log_size;
	s.log_files = a->log_files;
	s.ctl = s.ready = -1;
	s.st.wstatus = -1;
	s.st.shim_pid = getpid();
	snprintf(s.jobs_dir, sizeof s.jobs_dir, "%s/jobs", s.state_dir);
	snprintf(s.status_name, sizeof s.status_name, "%lld.status", s.id);

	/* The spawner ignores SIGCHLD (the kernel reaps shims); we reap. */
	signal(SIGCHLD, SIG_DFL);
	/* Our own session: the daemon's terminal is not ours. */
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* The daemon connected before handing us over: take it now, so
	 * that even a failure below is told, not only written down. */
	fcntl(SHIM_LISTEN_FD, F_SETFL, O_NONBLOCK);
	shim_accept(&s);
	if ((s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		shim_fail(&s, "signalfd: %s", strerror(errno));
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if ((text = shim_read_record(a->record_fd, &len)) == NULL)
		shim_fail(&s, "reading the job's record: %s",
		    strerror(errno != 0 ? errno : EIO));
	if (proto_record_decode(text, len, &state, &err) == -1)
		shim_fail(&s, "the job's record: %s", err.message);
	free(text);
	proto_submit_copy(&s.spec, &state.job.spec);
	if (state.exec.n > 0) {
		/* A VM: run its command line, not the (empty) argv. */
		proto_strv_free(&s.spec.argv);
		proto_strv_copy(&s.spec.argv, &state.exec);
	}
	if (state.qmp != NULL)
		s.qmp = xstrdup(state.qmp);
	proto_record_free(&state);

	snprintf(logdir, sizeof logdir, "%s/logs/%lld", s.state_dir, s.id);
	/* Made at the first output; but one that is there and not ours (a
	 * symlink, another uid's) fails the launch now, clearly. */
	if (file_dir_own(logdir, 0) == -1 && errno != ENOENT)
		shim_fail(&s, "log directory %s: %s", logdir,
		    file_strerror(errno));
	shim_log_init(&s, &s.out, logdir, "stdout");
	shim_log_init(&s, &s.err, logdir, "stderr");

	memset(&child, 0, sizeof child);
	child.spec = &s.spec;
	child.id = s.id;
	if (shim_spawn(&child) == -1)
		shim_fail(&s, "%s", child.error);
	s.pid = child.pid;
	s.out.pipe = child.out;
	s.err.pipe = child.err;
	s.ready = child.ready;
	s.st.pid = child.pid;
	s.st.started_ms = clock_real_ms();
	shim_tell(&s);
	shim_loop(&s);
	exit(0);
}

int
shim_main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], SPAWNER_ARG) == 0)
		return spawner_main(argc, argv);
	fprintf(stderr, "launch shim: internal; started by the daemon\n");
	return 2;
}
