/*
 * The daemon's socket, lock, signals and event loop.
 *
 * One daemon per socket: the lock file (socket path + ".lock") is held
 * with flock(2) for the daemon's life and holds its pid.  A daemon that
 * gets the lock owns the socket path, so any socket already there is stale
 * (its daemon died) and is replaced; a daemon that cannot get the lock
 * reports the holder's pid and exits SERVER_EXIT_RUNNING.  A socket
 * that something still listens on is not stale even so: launch.socket
 * (systemd) holds one there with no daemon behind it until a client
 * comes, and replacing it would leave systemd's socket unreachable; that
 * too is SERVER_EXIT_RUNNING.
 *
 * Under socket activation (activate.c) the socket comes from systemd,
 * which owns its path: the daemon serves it, and never unlinks it.
 *
 * Jobs run under shims (proc.c, shim/shim.c) that outlive the daemon;
 * the daemon reaps the shims it started and ignores their statuses (the
 * shims report through their status files).  At start, job_recover loads
 * the state directory and reattaches to the shims still running.
 *
 * SIGTERM and SIGINT shut down as `launch shutdown` does (stop every job,
 * then exit 0).  SIGHUP is ignored: closing the terminal of a foreground
 * daemon must not take the jobs down.
 *
 * EMFILE/ENFILE on accept pauses accepting for a second (a timer) rather
 * than spinning on a listening socket that stays readable.  The pause is
 * logged once as a warning (with -v each retry too), and its end once:
 * a daemon out of fds for hours must not fill its log a line a second.
 * Clients that connect meanwhile wait in the listen backlog and are
 * served once accept works again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "launchd.h"
#include "log.h"
#include "server.h"
#include "sockpath.h"

struct ev_loop	*server_loop;
int		 server_shutting_down;

static struct sockpath	 server_path;
static int		 server_listen_fd = -1;
static int		 server_activated;	/* the socket is systemd's */
static ev_io		 server_accept_io;
static ev_timer		 server_accept_pause;
static unsigned		 server_accept_retries;	/* 0: not paused */
static int64_t		 server_accept_paused_ms;
static ev_timer		 server_exit_timer;
static ev_child		 server_child;
static ev_signal	 server_sigterm, server_sigint;

int64_t
server_now_ms(void)
{
	return clock_real_ms();
}

void
server_exit(void)
{
	ev_break(server_loop, EVBREAK_ALL);
}

void
server_close_listener(void)
{
	if (server_listen_fd == -1)
		return;
	ev_io_stop(server_loop, &server_accept_io);
	ev_timer_stop(server_loop, &server_accept_pause);
	if (!server_activated)
		unlink(server_path.path);
	close(server_listen_fd);
	server_listen_fd = -1;
}

void
server_exit_deadline(void)
{
	ev_timer_set(&server_exit_timer, 5., 0.);
	ev_timer_start(server_loop, &server_exit_timer);
}

static void
server_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	/* A bounded batch per wakeup keeps a connection storm fair. */
	for (int i = 0; i < 64; i++) {
		int rc = peer_accept_one(w->fd);

		/* accept(2) takes the fd before it looks for a client, so
		 * EAGAIN too says there are fds again. */
		if ((rc == 0 || errno == EAGAIN) && server_accept_retries > 0) {
			log_info("accepting clients again after %.1fs without "
			    "file descriptors", (double)(server_now_ms() -
			    server_accept_paused_ms) / 1000.);
			server_accept_retries = 0;
		}
		if (rc == 0)
			continue;
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;
		if (errno == EMFILE || errno == ENFILE) {
			if (server_accept_retries++ == 0) {
				server_accept_paused_ms = server_now_ms();
				log_warnx("out of file descriptors (%s); "
				    "pausing accept, retrying every 1s (%zu "
				    "clients)", strerror(errno), peer_count());
			} else
				log_debug("accept: still out of file "
				    "descriptors (retry %u)",
				    server_accept_retries - 1);
			ev_io_stop(loop, w);
			ev_timer_set(&server_accept_pause, 1., 0.);
			ev_timer_start(loop, &server_accept_pause);
			return;
		}
		log_warn("accept");
		return;
	}
}

static void
server_accept_resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_io_start(loop, &server_accept_io);
}

/*
 * A batch of 1000 specs, its reply, a list of 10,000 jobs: each is
 * thousands of small allocations, freed once answered, which glibc keeps
 * in the heap, where they count in the daemon's RSS for good (6 KiB per
 * job of a start of 1000, docs/bench.md row 5).  At the next turn of
 * the loop after such a request or reply (its buffers freed by then,
 * unless the peer reads slowly), malloc_trim gives the free pages back:
 * about a millisecond.  One timer, armed only then: an idle daemon still
 * makes no wakeups.
 */
static ev_timer		 server_trim_timer;

static void
server_trim_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	malloc_trim(0);
}

void
server_trim_soon(void)
{
	ev_timer_stop(server_loop, &server_trim_timer);
	ev_timer_set(&server_trim_timer, 0., 0.);
	ev_timer_start(server_loop, &server_trim_timer);
}

static void
server_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	/* A shim we started has exited; it said why in its status file. */
}

static void
server_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	log_info("got %s", proto_signal_name(w->signum));
	request_shutdown_all(NULL, -1, PROTO_STOP_TIMEOUT_MS);
}

static void
server_exit_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

/* Take the lock, or report who holds it. */
static int
server_lock(void)
{
	char	 lockpath[SOCKPATH_MAX + 8], pidbuf[32];
	ssize_t	 n;
	int	 fd;

	snprintf(lockpath, sizeof lockpath, "%s.lock", server_path.path);
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		log_warn("lock file %s", lockpath);
		return SERVER_EXIT_FAILURE;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			log_warn("flock %s", lockpath);
			return SERVER_EXIT_FAILURE;
		}
		n = pread(fd, pidbuf, sizeof pidbuf - 1, 0);
		pidbuf[n > 0 ? n : 0] = '\0';
		pidbuf[strcspn(pidbuf, "\n")] = '\0';
		fprintf(stderr, "launch: a daemon (pid %s) is already serving "
		    "%s\n", *pidbuf ? pidbuf : "unknown", server_path.path);
		return SERVER_EXIT_RUNNING;
	}
	snprintf(pidbuf, sizeof pidbuf, "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, pidbuf, strlen(pidbuf), 0) == -1)
		log_warn("writing pid to %s", lockpath);
	/* fd stays open (and locked) until the daemon exits. */
	return SERVER_EXIT_OK;
}

/* Does something listen on the socket at our path?  (We hold the lock,
 * so it is no daemon of ours.)  A non-blocking connect: a listener with
 * a full backlog counts too. */
static int
server_socket_live(void)
{
	struct sockaddr_un	sun;
	struct stat		st;
	int			fd, rc;

	if (lstat(server_path.path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return 0;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, server_path.path, strlen(server_path.path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	rc = rc == 0 || errno == EAGAIN;
	close(fd);
	return rc;
}

static int
server_listen(void)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd;

	if (lstat(server_path.path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("%s exists and is not a socket: refusing to "
			    "replace it", server_path.path);
			return -1;
		}
		/* We hold the lock, so no daemon is behind it. */
		log_info("replacing stale socket %s", server_path.path);
		if (unlink(server_path.path) == -1) {
			log_warn("unlink %s", server_path.path);
			return -1;
		}
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, server_path.path, strlen(server_path.path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("socket");
		return -1;
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		log_warn("bind %s", server_path.path);
		close(fd);
		return -1;
	}
	umask(old);
	if (listen(fd, SOMAXCONN) == -1) {
		log_warn("listen %s", server_path.path);
		close(fd);
		return -1;
	}
	return fd;
}

int
server_run(const struct server_options *opt)
{
	char	err[512];
	int	rc, fd;

	log_init(opt->level);
	if (sockpath_resolve(&server_path, opt->socket, err, sizeof err) == -1 ||
	    sockpath_check_dir(&server_path, 1, err, sizeof err) == -1 ||
	    activate_socket(server_path.path, &fd, err, sizeof err) == -1) {
		fprintf(stderr, "launch: %s\n", err);
		return SERVER_EXIT_FAILURE;
	}
	server_activated = fd != -1;
	if ((rc = server_lock()) != SERVER_EXIT_OK)
		return rc;
	if (!server_activated && server_socket_live()) {
		fprintf(stderr, "launch: something listens on %s but holds no "
		    "lock (launch.socket, systemd's?): refusing to replace it; "
		    "connect a client to start its daemon, or stop it first\n",
		    server_path.path);
		return SERVER_EXIT_RUNNING;
	}
	if ((rc = state_open(opt->state.dir,
	    opt->state.log_size, opt->state.log_files, err, sizeof err)) != SERVER_EXIT_OK) {
		fprintf(stderr, "launch: %s\n", err);
		return rc;
	}
	job_set_history(opt->history);
	capacity_set_max(opt->max_jobs);
	if (server_activated) {
		server_listen_fd = fd;
		log_info("serving the socket passed by systemd (LISTEN_FDS)");
	} else if ((server_listen_fd = server_listen()) == -1)
		return SERVER_EXIT_FAILURE;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	proc_init();
	docker_init();

	server_loop = ev_default_loop(EVFLAG_AUTO);
	if (server_loop == NULL)
		fatalx("cannot initialise libev");
	ev_io_init(&server_accept_io, server_accept_cb, server_listen_fd,
	    EV_READ);
	ev_io_start(server_loop, &server_accept_io);
	ev_init(&server_accept_pause, server_accept_resume_cb);
	ev_child_init(&server_child, server_child_cb, 0, 0);
	ev_child_start(server_loop, &server_child);
	ev_signal_init(&server_sigterm, server_signal_cb, SIGTERM);
	ev_signal_start(server_loop, &server_sigterm);
	ev_signal_init(&server_sigint, server_signal_cb, SIGINT);
	ev_signal_start(server_loop, &server_sigint);
	ev_init(&server_exit_timer, server_exit_timer_cb);
	ev_init(&server_trim_timer, server_trim_cb);

	log_info("launch %s serving %s (pid %d), state in %s",
	    PACKAGE_VERSION, server_path.path, (int)getpid(), state_dir());
	event_set_stats_interval(opt->stats_interval);
	if (event_init(state_dir()) == -1 || sub_init(state_dir()) == -1)
		return SERVER_EXIT_FAILURE;
	job_recover();
	state_start();
	event_stats_update();
	ev_run(server_loop, 0);

	state_close();
	server_close_listener();
	peer_close_all();
	sub_close_all();
	log_info("exited");
	return SERVER_EXIT_OK;
}
