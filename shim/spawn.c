/*
 * Starting the job, from the shim.
 *
 * The child starts clean: its own session and process group, every signal
 * disposition reset to the default and the mask empty (glibc reserves
 * signals 32 and 33 and will not reset them), the umask and rlimits of
 * the spec, stdin from /dev/null, stdout and stderr to the job's files or
 * to pipes the shim copies into the rotated logs, the readiness pipe on
 * the spec's ready_fd, and no other descriptor.
 *
 * The environment is not inherited from anyone.  It is exactly:
 *   HOME, USER, LOGNAME, SHELL   from the user's passwd entry,
 *   PATH=/usr/local/bin:/usr/bin:/bin,
 *   LAUNCH_LABEL, LAUNCH_JOB_ID,
 * then the spec's env on top (the client's -e, --env-file and
 * --inherit-env).  argv[0] without a '/' is looked up in the spec's path
 * (the client's PATH) as execvp(3) would, else in the job's PATH.  The
 * working directory is the spec's cwd, else HOME.
 *
 * Exec failure is reported, not guessed: a close-on-exec pipe stays open
 * until exec succeeds; a failing step writes {step, errno} into it first.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "shim.h"

enum spawn_step { STEP_CHDIR, STEP_STDIN, STEP_STDOUT, STEP_STDERR,
    STEP_UMASK, STEP_RLIMIT, STEP_READY, STEP_EXEC };

struct spawn_status {
	int	step;
	int	err;
	int	index;	/* which rlimit */
};

static void __attribute__((noreturn))
spawn_fail(int fd, enum spawn_step step, int err, int index)
{
	struct spawn_status	st = { step, err, index };
	ssize_t			n;

	do
		n = write(fd, &st, sizeof st);
	while (n == -1 && errno == EINTR);
	_exit(127);
}

/* Put fd on target (clearing close-on-exec); -1 on failure. */
static int
spawn_place(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) == -1 ? -1 : 0;
}

/* O_NONBLOCK for the open only: a FIFO with no reader fails at once
 * (ENXIO) instead of holding the job in "starting" for ever. */
static int
spawn_open_into(const char *path, int flags, int target)
{
	int	fd, rc;

	if ((fd = open(path, flags | O_NOCTTY | O_CLOEXEC | O_NONBLOCK,
	    0644)) == -1)
		return -1;
	if (fcntl(fd, F_SETFL, flags & O_APPEND) == -1) {
		close(fd);
		return -1;
	}
	rc = spawn_place(fd, target);
	if (fd != target)
		close(fd);
	return rc;
}

/* execvp(3)'s search, over an explicit PATH; returns the errno. */
static int
spawn_exec_search(const char *file, char *const argv[], const char *path)
{
	char	 buf[4096];
	int	 eacces = 0;

	if (strchr(file, '/') != NULL) {
		execv(file, argv);
		return errno;
	}
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

static void
spawn_environment(const struct shim_child *c, const struct passwd *pw)
{
	char	id[32];

	clearenv();
	if (pw != NULL) {
		setenv("HOME", pw->pw_dir, 1);
		setenv("USER", pw->pw_name, 1);
		setenv("LOGNAME", pw->pw_name, 1);
		setenv("SHELL", pw->pw_shell, 1);
	}
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
	setenv("LAUNCH_LABEL", c->spec->label, 1);
	snprintf(id, sizeof id, "%lld", c->id);
	setenv("LAUNCH_JOB_ID", id, 1);
	for (size_t i = 0; i < c->spec->env.n; i++) {
		char *kv = c->spec->env.v[i], *eq = strchr(kv, '=');
		*eq = '\0';
		setenv(kv, eq + 1, 1);
		*eq = '=';
	}
}

static void __attribute__((noreturn))
spawn_child(const struct shim_child *c, int status, int out, int err,
    int ready)
{
	const struct proto_submit	*s = c->spec;
	/* Looked up here, in the child that execs, not in the shim: what
	 * NSS allocates would stay in the shim's private memory for the
	 * job's whole life (docs/bench.md, row 5). */
	const struct passwd		*pw = getpwuid(getuid());
	const char			*cwd, *path;

	setsid();
	child_reset_signals();

	if (s->umask >= 0)
		umask((mode_t)s->umask);
	for (size_t i = 0; i < s->nrlimits; i++) {
		struct rlimit rl;
		rl.rlim_cur = s->rlimits[i].soft < 0 ? RLIM_INFINITY :
		    (rlim_t)s->rlimits[i].soft;
		rl.rlim_max = s->rlimits[i].hard < 0 ? RLIM_INFINITY :
		    (rlim_t)s->rlimits[i].hard;
		if (setrlimit(s->rlimits[i].resource, &rl) == -1)
			spawn_fail(status, STEP_RLIMIT, errno, (int)i);
	}
	cwd = s->cwd != NULL ? s->cwd : pw != NULL ? pw->pw_dir : "/";
	if (chdir(cwd) == -1)
		spawn_fail(status, STEP_CHDIR, errno, 0);

	/* Keep the status pipe clear of every target descriptor. */
	if (status <= 2 || status == s->ready_fd) {
		int moved = fcntl(status, F_DUPFD_CLOEXEC,
		    s->ready_fd > 2 ? s->ready_fd + 1 : 3);
		if (moved == -1)
			spawn_fail(status, STEP_READY, errno, 0);
		status = moved;
	}
	if (ready != -1 && spawn_place(ready, s->ready_fd) == -1)
		spawn_fail(status, STEP_READY, errno, 0);
	if (spawn_open_into("/dev/null", O_RDONLY, 0) == -1)
		spawn_fail(status, STEP_STDIN, errno, 0);
	if (s->stdout_path != NULL ?
	    spawn_open_into(s->stdout_path, O_WRONLY | O_CREAT | O_APPEND, 1) :
	    spawn_place(out, 1))
		spawn_fail(status, STEP_STDOUT, errno, 0);
	if (s->stderr_path != NULL ?
	    spawn_open_into(s->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 2) :
	    spawn_place(err, 2))
		spawn_fail(status, STEP_STDERR, errno, 0);
	/* Every fd the shim holds is close-on-exec; this closes the rest,
	 * sparing the status pipe until exec. */
	for (int fd = 3; fd < status; fd++)
		if (fd != s->ready_fd)
			close(fd);
	close_range((unsigned)status + 1, ~0U, 0);

	spawn_environment(c, pw);
	path = s->path != NULL ? s->path : getenv("PATH");
	spawn_fail(status, STEP_EXEC,
	    spawn_exec_search(s->argv.v[0], s->argv.v, path), 0);
}

static void
spawn_explain(struct shim_child *c, const struct spawn_status *st)
{
	const struct proto_submit	*s = c->spec;
	const char			*what = "";

	switch (st->step) {
	case STEP_EXEC:
		snprintf(c->error, sizeof c->error, "%s: %s", s->argv.v[0],
		    strerror(st->err));
		return;
	case STEP_RLIMIT: {
		const struct proto_rlimit *r = &s->rlimits[st->index];
		snprintf(c->error, sizeof c->error, "rlimit %s=%lld:%lld: %s",
		    proto_rlimit_name(r->resource), (long long)r->soft,
		    (long long)r->hard, strerror(st->err));
		return;
	}
	case STEP_CHDIR:
		what = s->cwd != NULL ? s->cwd : "HOME";
		snprintf(c->error, sizeof c->error, "chdir %s: %s", what,
		    strerror(st->err));
		return;
	case STEP_STDOUT:
	case STEP_STDERR:
		what = st->step == STEP_STDOUT ? s->stdout_path : s->stderr_path;
		snprintf(c->error, sizeof c->error, "open %s %s: %s",
		    st->step == STEP_STDOUT ? "stdout" : "stderr",
		    what != NULL ? what : "(log)", st->err == ENXIO ?
		    "a FIFO with no reader (or a socket)" : strerror(st->err));
		return;
	default:
		snprintf(c->error, sizeof c->error, "%s: %s",
		    st->step == STEP_READY ? "ready fd" : "setting up",
		    strerror(st->err));
	}
}

int
shim_spawn(struct shim_child *c)
{
	const struct proto_submit	*s = c->spec;
	struct spawn_status		 st;
	int				 status[2], out[2] = { -1, -1 };
	int				 err[2] = { -1, -1 }, ready[2] = { -1, -1 };
	ssize_t				 n;

	c->out = c->err = c->ready = -1;
	if (pipe2(status, O_CLOEXEC) == -1 ||
	    (s->stdout_path == NULL && pipe2(out, O_CLOEXEC) == -1) ||
	    (s->stderr_path == NULL && pipe2(err, O_CLOEXEC) == -1) ||
	    (s->ready_fd > 0 && pipe2(ready, O_CLOEXEC) == -1)) {
		snprintf(c->error, sizeof c->error, "pipe: %s",
		    strerror(errno));
		return -1;
	}
	if ((c->pid = fork()) == -1) {
		snprintf(c->error, sizeof c->error, "fork: %s",
		    strerror(errno));
		return -1;
	}
	if (c->pid == 0)
		spawn_child(c, status[1], out[1], err[1], ready[1]);
	close(status[1]);
	if (out[1] != -1)
		close(out[1]);
	if (err[1] != -1)
		close(err[1]);
	if (ready[1] != -1)
		close(ready[1]);
	/* The shim has nothing else to do until exec is settled. */
	do
		n = read(status[0], &st, sizeof st);
	while (n == -1 && errno == EINTR);
	close(status[0]);
	if (n == (ssize_t)sizeof st) {
		spawn_explain(c, &st);
		return -1;
	}
	c->out = out[0];
	c->err = err[0];
	c->ready = ready[0];
	if (c->out != -1)
		fcntl(c->out, F_SETFL, O_NONBLOCK);
	if (c->err != -1)
		fcntl(c->err, F_SETFL, O_NONBLOCK);
	if (c->ready != -1)
		fcntl(c->ready, F_SETFL, O_NONBLOCK);
	return 0;
}

