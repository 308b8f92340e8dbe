/*
 * `launch shim`: the small per-job parent that outlives the daemon (as
 * podman's conmon and s6-supervise do).  Internal; started by the daemon
 * as `launch shim STATE_DIR ID LOG_SIZE LOG_FILES` with fd 3 a listening
 * Unix socket (abstract, random name) that the daemon already created.
 *
 * It reads the job's spec from STATE_DIR/jobs/ID.json, starts the job as
 * its child, and then, whether or not a daemon is connected:
 * - reaps the job and keeps its wait status (the pid cannot be reused
 *   while unreaped, so nobody can signal a stranger through it);
 * - is a child subreaper, so the job's orphaned descendants come back to
 *   it, and the job ends only when its main process is reaped AND its
 *   process group is empty;
 * - copies the job's stdout and stderr into STATE_DIR/logs/ID/, rotating
 *   by size, so output keeps flowing while the daemon is down; a write
 *   error (a full disk) drops output, never blocks the job;
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
 * Its only record is STATE_DIR/jobs/ID.status (proto_shim_status),
 * replaced atomically at every change.  The control socket carries two
 * one-line messages: the daemon sends "stop SIGNUM TIMEOUT_MS", the shim
 * sends "status JSON" (the same record) on every change and to every new
 * connection.  A daemon that restarts reconnects to the socket, whose
 * name is in the job's state file, and reads the file only for what it
 * could not hear; the shim accepts only its own uid.
 *
 * Cost: one process per job (its private memory is what the benchmark
 * reports), one extra exec per start, and one fsync'd file per change.
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
#include "xmalloc.h"

#define SHIM_LISTEN_FD		3
#define SHIM_KILL_GRACE_MS	5000
#define SHIM_QUIT_GRACE_MS	3000	/* after QMP quit, then SIGKILL */
#define SHIM_CHUNK		65536

struct shim_log {
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

/* Record the status and tell the daemon.  The daemon believes what it is
 * told; the file is for a daemon that was not there to hear it (and a
 * full disk that refuses the file does not mislead a listening one). */
static void
shim_publish(struct shim *s)
{
	char	*line = proto_shim_status_encode(&s->st);
	int	 final = s->st.ended_ms > 0 || s->st.error != NULL;

	/* Told first, then written, then made durable: no file system wait
	 * (ext4 stalls a rename behind another process's fsync) is on the
	 * path of the news.  The file is written before the shim exits, and
	 * the daemon reads it only after the shim's connection closes or
	 * when the daemon itself restarts.  Except the last status: once
	 * told the job ended, the daemon may remove it and delete its files
	 * at once, and a file written after that would outlive the job; so
	 * the last one is written (not yet made durable) before it is told. */
	if (!final)
		shim_tell(s);
	if (file_replace_sync(s->jobs_dir, s->status_name, line, strlen(line),
	    0) == -1)
		fprintf(stderr, "launch shim %lld: writing status: %s\n", s->id,
		    strerror(errno));
	if (final)
		shim_tell(s);
	sched_yield();	/* let the daemon run on this CPU: see above */
	free(line);
	file_sync(s->jobs_dir, s->status_name);
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

/* Move what the pipe has into the log; 0 at EOF. */
static int
shim_log_pump(struct shim *s, struct shim_log *l)
{
	char	buf[SHIM_CHUNK];
	ssize_t	n;

	n = read(l->pipe, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 1;
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
	shim_publish(s);
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

static void
shim_finish(struct shim *s)
{
	/* Whatever the job wrote last is still in the pipes. */
	while (s->out.pipe != -1 && shim_log_pump(s, &s->out))
		;
	while (s->err.pipe != -1 && shim_log_pump(s, &s->err))
		;
	s->st.ended_ms = clock_real_ms();
	shim_publish(s);
	exit(0);
}

static void
shim_ctl_command(struct shim *s, const char *line)
{
	int		sig;
	long long	timeout;

	if (sscanf(line, "stop %d %lld", &sig, &timeout) == 2 && sig > 0 &&
	    sig < NSIG && timeout >= 0)
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
		shim_publish(s);
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
	/* The daemon learns of it from the status file, when the control
	 * connection closes. */
	shim_publish(s);
	exit(1);
}

int
shim_main(int argc, char **argv)
{
	struct shim		 s;
	struct proto_record	 state;
	struct proto_error	 err;
	struct shim_child	 child;
	char			 path[4200], logdir[4200], *text;
	size_t			 len;
	sigset_t		 mask;

	if (argc != 5) {
		fprintf(stderr, "launch shim: internal; started by the "
		    "daemon\n");
		return 2;
	}
	memset(&s, 0, sizeof s);
	s.state_dir = argv[1];
	s.id = strtoll(argv[2], NULL, 10);
	s.log_size = (off_t)strtoll(argv[3], NULL, 10);
	s.log_files = atoi(argv[4]);
	s.ctl = s.ready = -1;
	s.st.wstatus = -1;
	s.st.shim_pid = getpid();
	snprintf(s.jobs_dir, sizeof s.jobs_dir, "%s/jobs", s.state_dir);
	snprintf(s.status_name, sizeof s.status_name, "%lld.status", s.id);

	/* Our own session: the daemon's terminal is not ours. */
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		shim_fail(&s, "signalfd: %s", strerror(errno));
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	snprintf(path, sizeof path, "%s/%lld.json", s.jobs_dir, s.id);
	if ((text = file_read_own(path, &len)) == NULL)
		shim_fail(&s, "reading %s: %s", path, file_strerror(errno));
	if (proto_record_decode(text, len, &state, &err) == -1)
		shim_fail(&s, "%s: %s", path, err.message);
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
	if (file_dir_own(logdir, 1) == -1)
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
	shim_publish(&s);
	shim_loop(&s);
	return 0;
}
