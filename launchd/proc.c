/*
 * The process driver: fork and exec a job's command.
 *
 * The child starts clean: its own session and process group, every signal
 * disposition reset to the default and the mask empty, the daemon's
 * RLIMIT_NOFILE soft limit (raised in server.c) put back, stdin from
 * /dev/null, stdout and stderr to the job's files (or /dev/null), and no
 * other descriptor open.
 *
 * Exec failure is reported, not guessed: the child holds the write end of
 * a close-on-exec pipe.  A successful exec closes it (EOF: launched); a
 * failing step writes {step, errno} first (launch_failure, with the errno
 * text).  The pipe is read from the event loop, so a slow exec (a binary
 * on a stalled network filesystem) delays no one.  If SIGCHLD arrives
 * before the pipe was read, the pipe is drained first (proc_reaped), so the
 * job is always launched or failed before its exit is handled.
 *
 * argv[0] without a '/' is looked up in the request's "path" (the
 * client's PATH) as execvp(3) would, else in the child's PATH.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

enum proc_step { STEP_CHDIR, STEP_STDIN, STEP_STDOUT, STEP_STDERR,
    STEP_EXEC };

struct proc_status {
	int	step;
	int	err;
};

static struct rlimit	proc_nofile;	/* the limit children get */

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
}

static void __attribute__((noreturn))
proc_child_fail(int fd, enum proc_step step, int err)
{
	struct proc_status	st = { step, err };
	ssize_t			n;

	do
		n = write(fd, &st, sizeof st);
	while (n == -1 && errno == EINTR);
	_exit(127);
}

static int
proc_open_into(const char *path, int flags, int target)
{
	int	fd;

	if ((fd = open(path, flags | O_NOCTTY | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (fd != target) {
		if (dup2(fd, target) == -1)
			return -1;
		close(fd);
	} else if (fcntl(fd, F_SETFD, 0) == -1)
		return -1;
	return 0;
}

/* execvp(3)'s search, over an explicit PATH. */
static int
proc_exec_search(const char *file, char *const argv[], const char *path)
{
	char	 buf[4096];
	int	 eacces = 0;

	if (strchr(file, '/') != NULL) {
		execv(file, argv);
		return errno;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char	*colon = strchrnul(p, ':');
		size_t		 dirlen = (size_t)(colon - p);

		if (dirlen == 0)
			snprintf(buf, sizeof buf, "%s", file);
		else if (snprintf(buf, sizeof buf, "%.*s/%s", (int)dirlen, p,
		    file) >= (int)sizeof buf)
			goto next;
		execv(buf, argv);
		if (errno == EACCES)
			eacces = 1;
		else if (errno != ENOENT && errno != ENOTDIR &&
		    errno != ENAMETOOLONG && errno != ELOOP)
			return errno;
next:
		if (*colon == '\0')
			break;
		p = colon;
	}
	return eacces ? EACCES : ENOENT;
}

static void __attribute__((noreturn))
proc_child(struct job *j, int status_fd, const sigset_t *empty)
{
	const struct proto_submit	*s = &j->spec;
	const char			*path;
	struct sigaction		 sa;

	setsid();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* KILL, STOP fail: fine */
	sigprocmask(SIG_SETMASK, empty, NULL);
	setrlimit(RLIMIT_NOFILE, &proc_nofile);

	if (s->cwd != NULL && chdir(s->cwd) == -1)
		proc_child_fail(status_fd, STEP_CHDIR, errno);
	if (proc_open_into("/dev/null", O_RDONLY, 0) == -1)
		proc_child_fail(status_fd, STEP_STDIN, errno);
	if (proc_open_into(s->stdout_path ? s->stdout_path : "/dev/null",
	    O_WRONLY | O_CREAT | O_APPEND, 1) == -1)
		proc_child_fail(status_fd, STEP_STDOUT, errno);
	if (proc_open_into(s->stderr_path ? s->stderr_path : "/dev/null",
	    O_WRONLY | O_CREAT | O_APPEND, 2) == -1)
		proc_child_fail(status_fd, STEP_STDERR, errno);
	/* Every daemon fd is close-on-exec already; this is the belt to
	 * those braces, sparing only the status pipe. */
	if (status_fd > 3)
		close_range(3, (unsigned)status_fd - 1, 0);
	close_range((unsigned)status_fd + 1, ~0U, 0);

	for (size_t i = 0; i < s->env.n; i++) {
		char *eq = strchr(s->env.v[i], '=');
		*eq = '\0';
		setenv(s->env.v[i], eq + 1, 1);
		*eq = '=';
	}
	path = s->path != NULL ? s->path : getenv("PATH");
	proc_child_fail(status_fd, STEP_EXEC,
	    proc_exec_search(s->argv.v[0], s->argv.v, path));
}

static void
proc_close_status(struct job *j)
{
	if (j->status_fd == -1)
		return;
	ev_io_stop(server_loop, &j->status_io);
	close(j->status_fd);
	j->status_fd = -1;
}

/* Read the exec status: 0 not yet known, 1 launched, 2 failed (and the
 * job is gone). */
static int
proc_read_status(struct job *j)
{
	static const char *const steps[] = {
		[STEP_CHDIR] = "chdir", [STEP_STDIN] = "open stdin",
		[STEP_STDOUT] = "open stdout", [STEP_STDERR] = "open stderr",
		[STEP_EXEC] = "exec",
	};
	const char		*what;
	struct proc_status	 st;
	ssize_t			 n;

	do
		n = read(j->status_fd, &st, sizeof st);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return 0;
	proc_close_status(j);
	if (n == 0) {
		job_event(j, JOB_EV_LAUNCHED);
		return 1;
	}
	if (n != (ssize_t)sizeof st || st.step < 0 || st.step > STEP_EXEC) {
		xasprintf(&j->error, "the child died before exec");
	} else {
		switch (st.step) {
		case STEP_EXEC:
			what = j->spec.argv.v[0];
			break;
		case STEP_CHDIR:
			what = j->spec.cwd;
			break;
		case STEP_STDOUT:
			what = j->spec.stdout_path;
			break;
		case STEP_STDERR:
			what = j->spec.stderr_path;
			break;
		default:
			what = "/dev/null";
			break;
		}
		if (st.step == STEP_EXEC)
			xasprintf(&j->error, "%s: %s", what,
			    strerror(st.err));
		else
			xasprintf(&j->error, "%s %s: %s", steps[st.step], what,
			    strerror(st.err));
	}
	job_event(j, JOB_EV_LAUNCH_FAILED);
	return 2;
}

static void
proc_status_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	proc_read_status(w->data);
}

static int
proc_start(struct job *j, struct proto_error *err)
{
	int		fds[2];
	pid_t		pid;
	sigset_t	empty;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1) {
		proto_error_set(err, PROTO_E_LAUNCH_FAILURE, "",
		    "pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&empty);
	if ((pid = fork()) == -1) {
		proto_error_set(err, PROTO_E_LAUNCH_FAILURE, "",
		    "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/* The write end must block: it is written once, then exit. */
		fcntl(fds[1], F_SETFL, 0);
		proc_child(j, fds[1], &empty);
	}
	close(fds[1]);
	j->pid = pid;
	j->status_fd = fds[0];
	ev_io_init(&j->status_io, proc_status_cb, fds[0], EV_READ);
	j->status_io.data = j;
	ev_io_start(server_loop, &j->status_io);
	return 0;
}

static int
proc_signal(struct job *j, int sig)
{
	if (j->pid <= 0)
		return -1;
	/* The child called setsid(), so its pid is its process group. */
	if (kill(-j->pid, sig) == 0)
		return 0;
	return kill(j->pid, sig) == 0 ? 0 : -1;
}

static int
proc_alive(struct job *j)
{
	return j->pid > 0 && kill(-j->pid, 0) == 0;
}

static void
proc_cleanup(struct job *j)
{
	proc_close_status(j);
}

/* The main process was reaped: settle the exec status first. */
static void
proc_reaped(struct job *j, int wstatus)
{
	/* The child is gone, so the pipe holds its status or EOF now. */
	if (j->status_fd != -1 && proc_read_status(j) == 2)
		return;
	job_exited(j, wstatus);
}

const struct driver proc_driver = {
	.kind = PROTO_KIND_PROCESS,
	.start = proc_start,
	.signal = proc_signal,
	.alive = proc_alive,
	.reaped = proc_reaped,
	.cleanup = proc_cleanup,
};
