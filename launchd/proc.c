/*
 * The process driver: each job runs under its own shim (shim/shim.c),
 * which outlives the daemon.  This file starts shims, talks to them over
 * their control sockets, and reattaches to them after a restart.
 *
 * Starting: the daemon creates the shim's listening socket itself (an
 * abstract Unix socket with a random name, recorded in the job's state
 * file before the fork), passes it as fd 3, and connects at once, so
 * there is no window in which the shim is not yet listening.
 *
 * Reattaching: connect to the recorded name and check with SO_PEERCRED
 * that the listener is of our uid.  (SO_PEERCRED reports whoever called
 * listen(), which is a daemon, so it cannot name the shim; the name is
 * random, and only our uid passes.)  Pids are never used to find or
 * signal anything: stops go through the shim, which signals only its own
 * unreaped child's group.  So a stale record whose pid now belongs to a
 * stranger can neither be adopted nor signalled.
 *
 * The shim sends its status record ("status JSON") on every change and
 * on every new connection.  When the connection closes before the shim
 * reported an end, one read of its status file tells whether the job
 * ended (the shim wrote why) or was lost (the shim died).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launchd.h"
#include "libexec.h"
#include "log.h"
#include "xmalloc.h"

static struct rlimit	proc_nofile;	/* the limit shims and jobs get */
static char		proc_shim[PATH_MAX];	/* "": launch shim */

/* launch-shim next to our binary, else installed; else our own `launch
 * shim` mode (see shim/main.c for why a program of its own). */
static void
proc_find_shim(void)
{
	if (libexec_find("launch-shim", proc_shim, sizeof proc_shim, NULL,
	    0) == 0) {
		log_debug("shim: %s", proc_shim);
		return;
	}
	log_info("no launch-shim program: jobs run under `launch shim`");
	proc_shim[0] = '\0';
}

void
proc_init(void)
{
	struct rlimit	raised;

	/* Keep the limit we were given for children, and raise our own so
	 * that many clients and jobs do not run the daemon out of fds. */
	if (getrlimit(RLIMIT_NOFILE, &proc_nofile) == -1)
		fatal("getrlimit");
	raised = proc_nofile;
	raised.rlim_cur = raised.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &raised) == -1)
		log_warn("cannot raise the open file limit");
	proc_find_shim();
}

static socklen_t
proc_sockaddr(const char *name, struct sockaddr_un *sun)
{
	size_t	len = strlen(name);

	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	/* Abstract namespace: a leading NUL, no file. */
	memcpy(sun->sun_path + 1, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static void
proc_disconnect(struct job *j)
{
	if (j->ctl == -1)
		return;
	ev_io_stop(server_loop, &j->ctl_io);
	close(j->ctl);
	j->ctl = -1;
	buf_free(&j->ctl_in);
}

static void
proc_ctl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct job	*j = w->data;
	ssize_t		 n;
	char		*nl;

	n = read(j->ctl, buf_reserve(&j->ctl_in, 4096), 4096);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		/* Nothing new: fed for lines already buffered (below). */
		if (buf_used(&j->ctl_in) == 0)
			buf_free(&j->ctl_in);
	} else if (n <= 0 || buf_used(&j->ctl_in) > 65536) {
		proc_disconnect(j);
		job_shim_gone(j);
		return;
	} else
		j->ctl_in.len += (size_t)n;
	while (j->ctl != -1 && (nl = memchr(buf_head(&j->ctl_in), '\n',
	    buf_used(&j->ctl_in))) != NULL) {
		char				*line = buf_head(&j->ctl_in);
		size_t				 len = (size_t)(nl - line);
		struct proto_shim_status	 st;
		struct proto_error		 err;

		if (len > 7 && strncmp(line, "status ", 7) == 0 &&
		    proto_shim_status_decode(line + 7, len - 7, &st, &err) ==
		    0) {
			buf_consume(&j->ctl_in, len + 1);
			/* A shim speaks a few times in its job's life: no
			 * 4 kB buffer kept per job in between (it was 4 of
			 * the daemon's 5 kB per job: docs/bench.md). */
			if (buf_used(&j->ctl_in) == 0)
				buf_free(&j->ctl_in);
			/* One read can hold several reports ("launched" and
			 * "ready" at once): the next comes on the next loop
			 * turn, as the job may be gone after this one (a
			 * failed first launch frees it, and stopping its
			 * watcher then drops the fed event). */
			else if (memchr(buf_head(&j->ctl_in), '\n',
			    buf_used(&j->ctl_in)) != NULL)
				ev_feed_event(loop, &j->ctl_io, EV_READ);
			job_shim_status(j, &st, 0);
			free(st.error);
			return;
		}
		log_warnx("%s: bad message from the shim", j->spec.label);
		buf_consume(&j->ctl_in, len + 1);
	}
}

static int
proc_connect(struct job *j)
{
	struct sockaddr_un	sun;
	struct ucred		cred;
	socklen_t		len = sizeof cred, alen;
	int			fd;

	alen = proc_sockaddr(j->shim.sock, &sun);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, alen) == -1) {
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != getuid()) {
		log_warnx("%s: the socket %s is not held by uid %u; not "
		    "adopting", j->spec.label, j->shim.sock,
		    (unsigned)getuid());
		close(fd);
		return -1;
	}
	j->ctl = fd;
	ev_io_init(&j->ctl_io, proc_ctl_cb, fd, EV_READ);
	j->ctl_io.data = j;
	ev_io_start(server_loop, &j->ctl_io);
	return 0;
}

static void __attribute__((noreturn))
proc_exec_shim(struct job *j, int listen_fd)
{
	char		 id[32], size[32], files[16];
	struct sigaction sa;
	sigset_t	 empty;

	if (dup2(listen_fd, 3) == -1)
		_exit(127);
	close_range(4, ~0U, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, &empty, NULL);
	setrlimit(RLIMIT_NOFILE, &proc_nofile);
	snprintf(id, sizeof id, "%lld", (long long)j->id);
	snprintf(size, sizeof size, "%lld", (long long)state_log_size());
	snprintf(files, sizeof files, "%d", state_log_files());
	if (proc_shim[0] != '\0')
		execl(proc_shim, "launch-shim", state_dir(), id, size, files,
		    (char *)NULL);
	execl("/proc/self/exe", "launch", "shim", state_dir(), id, size,
	    files, (char *)NULL);
	_exit(127);
}

int
proc_start(struct job *j, char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	socklen_t		 alen;
	unsigned char		 rnd[12];
	pid_t			 pid;
	int			 lfd;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		snprintf(why, whylen, "getrandom: %s", strerror(errno));
		return -1;
	}
	snprintf(j->shim.sock, sizeof j->shim.sock, "launch-shim-");
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(j->shim.sock + strlen(j->shim.sock), 3, "%02x",
		    rnd[i]);
	snprintf(j->shim.boot_id, sizeof j->shim.boot_id, "%s",
	    state_boot_id());
	alen = proc_sockaddr(j->shim.sock, &sun);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sun, alen) == -1 ||
	    listen(lfd, 4) == -1) {
		snprintf(why, whylen, "shim socket: %s", strerror(errno));
		if (lfd != -1)
			close(lfd);
		return -1;
	}
	/* The record names the socket before the shim exists, so a crash
	 * right after the fork still finds it.  No record, no job: a job
	 * the daemon could lose track of is not started. */
	j->shim.pid = 0;
	if (state_save(j) == -1) {
		snprintf(why, whylen, "cannot save its record: %s",
		    strerror(errno));
		close(lfd);
		return -1;
	}
	/* Connected before the fork (the socket listens already; the
	 * shim accepts what waits in its backlog): once a shim runs, no
	 * failure is left that would have to kill it, and a shim killed
	 * after it forked the job would leave the job unsupervised. */
	if (proc_connect(j) == -1) {
		snprintf(why, whylen, "connecting to the shim's socket: %s",
		    strerror(errno));
		close(lfd);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "cannot start the shim: fork: %s",
		    strerror(errno));
		proc_disconnect(j);
		close(lfd);
		return -1;
	}
	if (pid == 0)
		proc_exec_shim(j, lfd);
	j->shim.pid = pid;
	close(lfd);
	return 0;
}

void
proc_stop(struct job *j, int sig, int64_t timeout_ms)
{
	char	line[64];
	int	n;

	if (j->ctl == -1)
		return;
	n = snprintf(line, sizeof line, "stop %d %lld\n", sig,
	    (long long)timeout_ms);
	if (send(j->ctl, line, (size_t)n, MSG_NOSIGNAL) != n)
		log_warn("%s: sending stop to the shim", j->spec.label);
}

int
proc_adopt(struct job *j)
{
	if (j->shim.sock[0] == '\0' || proc_connect(j) == -1)
		return -1;
	return 0;	/* the shim tells its status on accept */
}

void
proc_cleanup(struct job *j)
{
	proc_disconnect(j);
}

/* ---- what the shim reports: events for the job table ---- */

void
job_shim_status(struct job *j, const struct proto_shim_status *st, int eof)
{
	if (st->error != NULL && !j->launched) {
		job_set_error(j, st->error);
		job_event(j, JOB_EV_LAUNCH_FAILED);
		return;
	}
	if (st->pid > 0 && !j->launched && job_live(j)) {
		j->pid = (pid_t)st->pid;
		j->started_ms = st->started_ms;
		j->shim.pid = st->shim_pid;
		job_event(j, JOB_EV_LAUNCHED);
	}
	if (st->ready_ms > 0 && j->ready_ms == 0 && job_live(j)) {
		j->ready_ms = st->ready_ms;
		job_event(j, JOB_EV_READY);
	}
	if (st->stopping && j->state == PROTO_STATE_RUNNING)
		job_set_state(j, PROTO_STATE_STOPPING);
	if (st->wstatus >= 0 && st->ended_ms > 0 && job_live(j)) {
		j->ended_ms = st->ended_ms;
		if (WIFSIGNALED(st->wstatus)) {
			j->exit_code = -1;
			j->signal = WTERMSIG(st->wstatus);
			log_info("%s: killed by %s", j->spec.label,
			    proto_signal_name(j->signal));
		} else {
			j->exit_code = WEXITSTATUS(st->wstatus);
			j->signal = 0;
			log_info("%s: exited with code %d", j->spec.label,
			    j->exit_code);
		}
		job_event(j, JOB_EV_EXIT);
		return;
	}
	if (eof && job_live(j)) {
		if (!j->launched && st->pid == 0) {
			job_set_error(j, "the shim ended before starting the "
			    "job");
			job_event(j, JOB_EV_LAUNCH_FAILED);
		} else
			job_event(j, JOB_EV_LOST);
	}
}

/* The shim is gone (or never answered): its status file has the last
 * word, if it left one. */
void
job_shim_gone(struct job *j)
{
	struct proto_shim_status	st;

	if (state_read_status(j, &st) == -1) {
		memset(&st, 0, sizeof st);
		st.wstatus = -1;
	}
	job_shim_status(j, &st, 1);
	free(st.error);
}

const struct driver proc_driver = {
	.kind = PROTO_KIND_PROCESS,
	.shim = 1,
	.start = proc_start,
	.stop = proc_stop,
	.adopt = proc_adopt,
	.cleanup = proc_cleanup,
};
