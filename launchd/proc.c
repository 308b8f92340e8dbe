/*
 * The process driver: each job runs under its own shim (shim/shim.c),
 * which outlives the daemon.  This file starts shims, talks to them over
 * their control sockets, and reattaches to them after a restart.
 *
 * Starting: the daemon creates the shim's listening socket itself (an
 * abstract Unix socket with a random name, recorded in the job's record)
 * and connects to it at once, so there is no window in which the shim is
 * not yet listening.  The job's record is written to the journal at the
 * end of the loop's turn (state.c); then, for every job started in that
 * turn, the socket and a memfd with the record go to the spawner
 * (shim/spawner.c), a small process exec'd once, which forks the shim:
 * a fork from a process with four descriptors, whatever the number of
 * jobs, and no exec.  The spawner answers with the shim's pid or the
 * fork's errno.  No descriptor of the daemon's reaches a shim or a job.
 * If the spawner dies, the next start starts another; shims do not
 * depend on it.
 *
 * Reattaching: connect to the recorded name and check with SO_PEERCRED
 * that the listener is of our uid.  (SO_PEERCRED reports whoever called
 * listen(), which is a daemon, so it cannot name the shim; the name is
 * random, and only our uid passes.)  Pids are never used to find or
 * signal anything: stops go through the shim, which signals only its own
 * unreaped child's group.  So a stale record whose pid now belongs to a
 * stranger can neither be adopted nor signalled.
 *
 * The shim sends its status ("status JSON") on every change and on every
 * new connection.  Its end (an exit, or a launch failure) is
 * acknowledged ("ack") once it is written to the journal: the shim
 * keeps it until then, and writes jobs/ID.status only when it gets no
 * ack (shim.c).  When the connection closes before the shim reported an
 * end, one read of that file tells whether the job ended (the shim
 * wrote why) or was lost (the shim died).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "launchd.h"
#include "libexec.h"
#include "log.h"
#include "spawner.h"
#include "xmalloc.h"

static struct rlimit	proc_nofile;	/* the limit shims and jobs get */
static char		proc_shim[PATH_MAX];	/* "": launch shim */

/* The spawner: its socket (-1: none running), pid and reply watcher. */
static int		proc_spawner = -1;
static pid_t		proc_spawner_pid;
static ev_io		proc_spawner_io;

/* Jobs whose shims are forked once this turn's records are written
 * (NULL: gone since). */
static struct job	**proc_spawns;
static size_t		  proc_nspawns, proc_spawns_cap;

/* Jobs whose records are written, for the spawner (NULL: gone). */
static struct job	**proc_sendq;
static size_t		  proc_nsendq, proc_sendq_head;

/* Control connections owed an "ack" once this turn is written. */
static int		 *proc_acks;
static size_t		  proc_nacks;

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

static void	proc_spawn_cancel(struct job *);

static void
proc_disconnect(struct job *j)
{
	proc_spawn_cancel(j);
	if (j->ctl == -1)
		return;
	ev_io_stop(server_loop, &j->ctl_io);
	if (j->ctl_owed) {
		/* Its shim waits for the ack of its end: the fd is closed
		 * after this turn's write (proc_committed). */
		proc_acks = xreallocarray(proc_acks, proc_nacks + 1,
		    sizeof *proc_acks);
		proc_acks[proc_nacks++] = j->ctl;
		j->ctl_owed = 0;
	} else
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
		j->ctl_owed = 0;
		proc_disconnect(j);
		if (j->spawning) {
			/* The spawner's answer says why (a failed fork). */
			j->ctl_eof = 1;
			return;
		}
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
			/* An end: the shim waits for our ack, sent once it
			 * is written (the fd outlives the job's cleanup,
			 * which this end brings). */
			if (st.ended_ms > 0 || st.error != NULL) {
				j->ctl_owed = 1;
				if (!job_live(j)) {
					/* Nothing left to change. */
					free(st.error);
					proc_disconnect(j);
					return;
				}
			}
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

/* ---- the spawner ---- */

static void	proc_spawner_cb(struct ev_loop *, ev_io *, int);
static void	proc_sendq_flush(void);

static void
proc_spawner_close(void)
{
	if (proc_spawner == -1)
		return;
	ev_io_stop(server_loop, &proc_spawner_io);
	close(proc_spawner);
	proc_spawner = -1;
}

/* Exec the spawner: 0, or -1 with why. */
static int
proc_spawner_start(char *why, size_t whylen)
{
	char		 size[32], files[16];
	pid_t		 pid;
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(why, whylen, "cannot start the shim: socketpair: %s",
		    strerror(errno));
		return -1;
	}
	snprintf(size, sizeof size, "%lld", (long long)state_log_size());
	snprintf(files, sizeof files, "%d", state_log_files());
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "cannot start the shim: fork: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* Once per daemon (and after a spawner's death): the one
		 * place a descriptor table of the daemon's is closed. */
		if (dup2(sv[1], SPAWNER_FD) == -1)
			_exit(127);
		close_range(SPAWNER_FD + 1, ~0U, 0);
		child_reset_signals();
		setrlimit(RLIMIT_NOFILE, &proc_nofile);
		if (proc_shim[0] != '\0')
			execl(proc_shim, "launch-shim", SPAWNER_ARG,
			    state_dir(), size, files, (char *)NULL);
		execl("/proc/self/exe", "launch", "shim", SPAWNER_ARG,
		    state_dir(), size, files, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	proc_spawner = sv[0];
	proc_spawner_pid = pid;
	fcntl(proc_spawner, F_SETFL, O_NONBLOCK);
	ev_io_init(&proc_spawner_io, proc_spawner_cb, proc_spawner, EV_READ);
	ev_io_start(server_loop, &proc_spawner_io);
	log_debug("spawner started, pid %d", (int)pid);
	return 0;
}

/* The jobs handed to the spawner and not yet answered, in the order it
 * answers them (it serves one request at a time): a reply is for the
 * head.  NULL: the job went away meanwhile (proc_spawn_drop). */
static struct job	**proc_asked;
static size_t		  proc_nasked, proc_asked_head;

static void
proc_asked_push(struct job *j)
{
	if (proc_asked_head == proc_nasked)
		proc_asked_head = proc_nasked = 0;
	proc_asked = xreallocarray(proc_asked, proc_nasked + 1,
	    sizeof *proc_asked);
	proc_asked[proc_nasked++] = j;
	j->spawning = 1;
}

void
proc_spawn_drop(struct job *j)
{
	for (size_t i = proc_asked_head; i < proc_nasked; i++)
		if (proc_asked[i] == j)
			proc_asked[i] = NULL;
	j->spawning = 0;
}

static void
proc_spawn_answered(struct job *j, const struct spawn_reply *rep)
{
	char	why[256];

	j->spawning = 0;
	if (rep->pid > 0) {
		if (j->shim.pid == 0)
			j->shim.pid = rep->pid;
		if (j->ctl_eof) {
			j->ctl_eof = 0;
			job_shim_gone(j);
		}
		return;
	}
	j->ctl_eof = 0;
	snprintf(why, sizeof why, "cannot start the shim: fork: %s",
	    strerror(rep->err));
	log_warnx("%s: cannot start: %s", j->spec.label, why);
	proc_disconnect(j);
	if (job_live(j) && !j->launched) {
		job_set_error(j, why);
		job_event(j, JOB_EV_LAUNCH_FAILED);
	}
}

/* The spawner is gone: the spawns it did not answer failed. */
static void
proc_spawner_lost(void)
{
	struct spawn_reply	 rep;
	struct job		**all;
	size_t			  n;

	log_warnx("the spawner (pid %d) went away; the next start starts "
	    "another", (int)proc_spawner_pid);
	proc_spawner_close();
	/* Taken first: answering may start or drop other jobs. */
	all = proc_asked;
	n = proc_nasked;
	for (size_t i = 0; i < proc_asked_head; i++)
		all[i] = NULL;
	proc_asked = NULL;
	proc_nasked = proc_asked_head = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i] == NULL)
			continue;
		rep.id = all[i]->id;
		rep.pid = 0;
		rep.err = ECHILD;
		proc_spawn_answered(all[i], &rep);
	}
	free(all);
}

static void
proc_spawner_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct spawn_reply	 rep;
	struct job		*j;
	ssize_t			 n;

	if (revents & EV_WRITE) {
		proc_sendq_flush();
		if (proc_spawner == -1)
			return;
	}
	for (;;) {
		n = recv(proc_spawner, &rep, sizeof rep, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n != (ssize_t)sizeof rep) {
			proc_spawner_lost();
			return;
		}
		if (proc_asked_head == proc_nasked) {
			log_warnx("the spawner answered a request never made");
			continue;
		}
		j = proc_asked[proc_asked_head++];
		if (j != NULL && j->id == rep.id)
			proc_spawn_answered(j, &rep);
	}
}

/* Hand one job to the spawner: 0, 1 when its queue is full (try again
 * when it is writable), or -1 with why. */
static int
proc_spawn_send(struct job *j, char *why, size_t whylen)
{
	struct spawn_request	 req;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct iovec		 iov = { &req, sizeof req };
	struct msghdr		 msg;
	struct cmsghdr		*c;
	char			*line;
	size_t			 len;
	ssize_t			 n;
	int			 fds[2];

	if (proc_spawner == -1 && proc_spawner_start(why, whylen) == -1)
		return -1;
	if (j->spawn_mfd == -1) {
		if ((j->spawn_mfd = memfd_create("launch-record",
		    MFD_CLOEXEC)) == -1) {
			snprintf(why, whylen, "cannot start the shim: "
			    "memfd_create: %s", strerror(errno));
			return -1;
		}
		line = state_record_line(j);
		len = strlen(line);
		n = write(j->spawn_mfd, line, len);
		free(line);
		if (n != (ssize_t)len) {
			snprintf(why, whylen, "cannot start the shim: writing "
			    "its record: %s", n == -1 ? strerror(errno) :
			    "short write");
			return -1;
		}
	}
	memset(&req, 0, sizeof req);
	req.id = j->id;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof ctl.buf;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	fds[0] = j->spawn_fd;
	fds[1] = j->spawn_mfd;
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	do
		n = sendmsg(proc_spawner, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return 1;	/* it forks as fast as it can */
	if (n != (ssize_t)sizeof req) {
		int e = n == -1 ? errno : EPIPE;
		proc_spawner_lost();
		snprintf(why, whylen, "cannot start the shim: the spawner: "
		    "%s", strerror(e));
		return -1;
	}
	/* A previous run's end, written when no daemon listened, is in the
	 * journal now: it must not pass for this run's. */
	if (j->status_file) {
		state_remove_status(j);
		j->status_file = 0;
	}
	close(j->spawn_fd);
	close(j->spawn_mfd);
	j->spawn_fd = j->spawn_mfd = -1;
	proc_asked_push(j);
	return 0;
}

static void
proc_spawn_fail(struct job *j, const char *why)
{
	log_warnx("%s: cannot start: %s", j->spec.label, why);
	proc_disconnect(j);
	job_set_error(j, why);
	job_event(j, JOB_EV_LAUNCH_FAILED);
}

/* Send what waits for the spawner, as far as its queue takes. */
static void
proc_sendq_flush(void)
{
	char	why[512];
	int	r;

	while (proc_sendq_head < proc_nsendq) {
		struct job *j = proc_sendq[proc_sendq_head];
		if (j == NULL) {
			proc_sendq_head++;
			continue;
		}
		if ((r = proc_spawn_send(j, why, sizeof why)) == 1) {
			ev_io_stop(server_loop, &proc_spawner_io);
			ev_io_set(&proc_spawner_io, proc_spawner,
			    EV_READ | EV_WRITE);
			ev_io_start(server_loop, &proc_spawner_io);
			return;
		}
		proc_sendq[proc_sendq_head++] = NULL;
		j->spawn_queued = 0;
		if (r == -1)
			proc_spawn_fail(j, why);
	}
	proc_nsendq = proc_sendq_head = 0;
	if (proc_spawner != -1 && (proc_spawner_io.events & EV_WRITE)) {
		ev_io_stop(server_loop, &proc_spawner_io);
		ev_io_set(&proc_spawner_io, proc_spawner, EV_READ);
		ev_io_start(server_loop, &proc_spawner_io);
	}
}

static void
proc_spawn_cancel(struct job *j)
{
	if (j->spawn_fd == -1)
		return;
	for (size_t i = 0; i < proc_nspawns; i++)
		if (proc_spawns[i] == j)
			proc_spawns[i] = NULL;
	if (j->spawn_queued)
		for (size_t i = proc_sendq_head; i < proc_nsendq; i++)
			if (proc_sendq[i] == j)
				proc_sendq[i] = NULL;
	j->spawn_queued = 0;
	close(j->spawn_fd);
	j->spawn_fd = -1;
	if (j->spawn_mfd != -1) {
		close(j->spawn_mfd);
		j->spawn_mfd = -1;
	}
}

int
proc_commit_pending(void)
{
	return proc_nspawns > 0 || proc_nacks > 0;
}

/*
 * This turn's records are written (ok), or could not be (why): the
 * shims of the jobs started in it are forked, or their launches fail;
 * the ends heard are acknowledged, or wait for a later write.
 */
void
proc_committed(int ok, const char *failure)
{
	struct job	**spawns = proc_spawns;
	size_t		  n = proc_nspawns;
	char		  why[512];

	/* An end is acknowledged only once every record is written: one
	 * that a full disk kept out may be the end the shim is holding. */
	if (ok && !state_has_unsaved()) {
		for (size_t i = 0; i < proc_nacks; i++) {
			if (send(proc_acks[i], "ack\n", 4, MSG_NOSIGNAL |
			    MSG_DONTWAIT) != 4)
				log_debug("a shim went before its ack");
			close(proc_acks[i]);
		}
		proc_nacks = 0;
	}
	proc_spawns = NULL;
	proc_nspawns = proc_spawns_cap = 0;
	for (size_t i = 0; i < n; i++) {
		struct job *j = spawns[i];
		if (j == NULL)
			continue;
		if (ok) {
			proc_sendq = xreallocarray(proc_sendq, proc_nsendq + 1,
			    sizeof *proc_sendq);
			proc_sendq[proc_nsendq++] = j;
			j->spawn_queued = 1;
			continue;
		}
		snprintf(why, sizeof why, "cannot save its record: %s",
		    failure);
		proc_spawn_fail(j, why);
	}
	free(spawns);
	proc_sendq_flush();
}

int
proc_start(struct job *j, char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	socklen_t		 alen;
	unsigned char		 rnd[12];
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
	/* Connected before the shim exists (the socket listens already;
	 * the shim accepts what waits in its backlog): once a shim runs, no
	 * failure is left that would have to kill it, and a shim killed
	 * after it forked the job would leave the job unsupervised. */
	j->shim.pid = 0;
	if (proc_connect(j) == -1) {
		snprintf(why, whylen, "connecting to the shim's socket: %s",
		    strerror(errno));
		close(lfd);
		return -1;
	}
	/* The record names the socket before the shim exists, so a crash
	 * right after the fork still finds it: the fork waits for the
	 * record's write at the end of this turn (proc_committed). */
	j->spawn_fd = lfd;
	state_save(j);
	if (proc_nspawns == proc_spawns_cap) {
		proc_spawns_cap = proc_spawns_cap ? 2 * proc_spawns_cap : 64;
		proc_spawns = xreallocarray(proc_spawns, proc_spawns_cap,
		    sizeof *proc_spawns);
	}
	proc_spawns[proc_nspawns++] = j;
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

	j->status_file = 1;
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
