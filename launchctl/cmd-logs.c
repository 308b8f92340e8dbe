/*
 * launch logs [-f] [-n N] [--stderr] LABEL
 *
 * The daemon only says where a job's output goes (the job view's "logs");
 * the client reads the files itself, so a large log never goes through
 * the daemon's socket and following one costs the daemon nothing.
 *
 * A log FILE is rotated by renaming: FILE.1 is the newest old part, then
 * FILE.2, and so on, and a new FILE is created (with a single file kept,
 * FILE is deleted instead).  The last N lines are taken from FILE.k ...
 * FILE.1 FILE read as one stream, backwards in blocks, so a huge log
 * costs one block of memory.  -f then follows FILE as `tail -F` does,
 * woken by inotify(7) on its directory: appended bytes are printed as
 * they come, and when FILE is renamed away the old file is read to its
 * end through the descriptor held before the new FILE is read from its
 * start.  A follow ends with ^C or SIGTERM (exit 0), or with exit 1 when
 * the log directory is removed (`launch remove`).
 *
 * With -H HOST the whole command runs on HOST (remote_exec), where the
 * files are, and its output is relayed.
 *
 * A docker job has no files: its container's log comes from the engine
 * (docker-logs.c), with -n, -f and --stderr meaning the same.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "xmalloc.h"

#define LOGS_BLOCK	65536
#define LOGS_DEFAULT	10

enum {
	OPT_STDERR = 256
};

/* One file of the stream being tailed: FILE, FILE.1, ... */
struct logs_part {
	char	*name;		/* NULL: FILE itself */
	int	 fd;		/* -1: FILE does not exist */
	dev_t	 dev;
	ino_t	 ino;
	off_t	 start;		/* where its share of the tail begins */
};

/* Print one chunk now: whoever reads a followed log wants it at once. */
static int
logs_write(const char *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n || fflush(stdout) == EOF) {
		fprintf(stderr, "launch: stdout: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Copy fd from its offset to its end to stdout; 0 or -1. */
static int
logs_copy(int fd, const char *path)
{
	char	buf[LOGS_BLOCK];
	ssize_t	n;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "launch: %s: %s\n", path,
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (logs_write(buf, (size_t)n) == -1)
			return -1;
	}
}

/* Open path for reading; a missing file is *fd -1, not an error.  A
 * FIFO (or any non-regular file) put there is refused without blocking:
 * its writer would hold `launch logs` for ever and it cannot be tailed. */
static int
logs_open(const char *path, int *fd)
{
	struct stat	st;

	if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(*fd, &st) == -1 || fcntl(*fd, F_SETFL, O_RDONLY) == -1)
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		fprintf(stderr, "launch: %s: not a regular file: refused\n",
		    path);
	else
		return 0;
	close(*fd);
	*fd = -1;
	return -1;
}

/*
 * Find where the last want lines begin in part p, of size bytes,
 * counting on from *count lines already found in newer parts.  The
 * stream's final newline ends its last line rather than starting an
 * empty one, hence *seen_last.  1 when the start is in this part, 0 when
 * it lies in older parts, -1 on error.
 */
static int
logs_scan(struct logs_part *p, const char *path, off_t size, long long want,
    long long *count, int *seen_last, char *buf)
{
	off_t	pos;
	ssize_t	n;
	size_t	blk;

	p->start = 0;
	for (pos = size; pos > 0;) {
		blk = pos < LOGS_BLOCK ? (size_t)pos : LOGS_BLOCK;
		pos -= (off_t)blk;
		while ((n = pread(p->fd, buf, blk, pos)) == -1 &&
		    errno == EINTR)
			;
		if (n == -1) {
			fprintf(stderr, "launch: %s: %s\n", path,
			    strerror(errno));
			return -1;
		}
		/* Short only if truncated meanwhile: count what is there. */
		for (size_t i = (size_t)n; i-- > 0;) {
			if (!*seen_last) {
				*seen_last = 1;
				if (buf[i] == '\n')
					continue;
			}
			if (buf[i] == '\n' && ++*count == want) {
				p->start = pos + (off_t)i + 1;
				return 1;
			}
		}
	}
	return 0;
}

/* Is st a file we already hold?  Then FILE was rotated between our
 * opening it and its older parts. */
static int
logs_held(const struct logs_part *parts, size_t n, const struct stat *st)
{
	for (size_t i = 0; i < n; i++)
		if (parts[i].fd != -1 && parts[i].dev == st->st_dev &&
		    parts[i].ino == st->st_ino)
			return 1;
	return 0;
}

/*
 * Print the last want lines of path and its rotated parts.  *cur is left
 * open on path (at its end) for following, or -1 if it does not exist.
 */
static int
logs_tail(const char *path, long long want, int *cur)
{
	struct logs_part	*parts = NULL, *p;
	struct stat		 st;
	size_t			 nparts = 0, k;
	long long		 count = 0;
	char			*buf, *name;
	int			 fd, seen_last = 0, found = 0, rc = -1;

	*cur = -1;
	if (logs_open(path, &fd) == -1)
		return -1;
	if (want == 0) {
		if (fd != -1 && lseek(fd, 0, SEEK_END) == -1) {
			fprintf(stderr, "launch: %s: %s\n", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		*cur = fd;
		return 0;
	}
	buf = xmalloc(LOGS_BLOCK);
	for (k = 0; !found; k++) {
		name = NULL;
		if (k > 0) {
			xasprintf(&name, "%s.%zu", path, k);
			if (logs_open(name, &fd) == -1) {
				free(name);
				goto out;
			}
			if (fd == -1) {
				free(name);
				break;
			}
		}
		if (fd != -1) {
			if (fstat(fd, &st) == -1) {
				fprintf(stderr, "launch: %s: %s\n",
				    name != NULL ? name : path,
				    strerror(errno));
				close(fd);
				free(name);
				goto out;
			}
			if (logs_held(parts, nparts, &st)) {
				close(fd);
				free(name);
				break;
			}
		}
		parts = xreallocarray(parts, nparts + 1, sizeof *parts);
		p = &parts[nparts++];
		p->name = name;
		p->fd = fd;
		p->start = 0;
		if (fd == -1)
			continue;	/* no FILE: on to FILE.1 */
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		found = logs_scan(p, name != NULL ? name : path, st.st_size,
		    want, &count, &seen_last, buf);
		if (found == -1)
			goto out;
	}
	/* Oldest first; FILE, read last, stays open at its end. */
	for (k = nparts; k-- > 0;) {
		p = &parts[k];
		if (p->fd == -1)
			continue;
		if (lseek(p->fd, p->start, SEEK_SET) == -1) {
			fprintf(stderr, "launch: %s: %s\n",
			    p->name != NULL ? p->name : path, strerror(errno));
			goto out;
		}
		if (logs_copy(p->fd, p->name != NULL ? p->name : path) == -1)
			goto out;
	}
	rc = 0;
out:
	for (k = 0; k < nparts; k++) {
		if (k == 0 && rc == 0)
			*cur = parts[k].fd;
		else if (parts[k].fd != -1)
			close(parts[k].fd);
		free(parts[k].name);
	}
	free(parts);
	free(buf);
	return rc;
}

/* Print what was appended to cur since the last time; a file shorter
 * than our offset was truncated, so start it over. */
static int
logs_drain(int cur, const char *path)
{
	struct stat	st;
	off_t		off;

	if (fstat(cur, &st) == -1 ||
	    (off = lseek(cur, 0, SEEK_CUR)) == -1) {
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size < off) {
		fprintf(stderr, "launch: %s: file truncated\n", path);
		if (lseek(cur, 0, SEEK_SET) == -1) {
			fprintf(stderr, "launch: %s: %s\n", path,
			    strerror(errno));
			return -1;
		}
	}
	return logs_copy(cur, path);
}

/*
 * Has path become another file than *cur (rotated and created anew, or
 * created at last)?  Then finish the old one and open the new: 1.  0 if
 * not, -1 on error.  A FILE renamed away and not yet created again is
 * still read through *cur; a deleted one is closed, since nobody can
 * write to it for us to read, and since the open file would keep the
 * directory's removal (`launch remove`) from being reported: the file
 * pins the directory's dentry, which delays IN_DELETE_SELF.
 */
static int
logs_reopen(const char *path, int *cur)
{
	struct stat	st, old;
	int		missing;

	missing = stat(path, &st) == -1;
	if (missing && errno != ENOENT) {
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (*cur != -1) {
		if (fstat(*cur, &old) == -1) {
			fprintf(stderr, "launch: %s: %s\n", path,
			    strerror(errno));
			return -1;
		}
		if (missing && old.st_nlink > 0)
			return 0;
		if (!missing && old.st_dev == st.st_dev &&
		    old.st_ino == st.st_ino)
			return 0;
		if (logs_drain(*cur, path) == -1)
			return -1;
		close(*cur);
		*cur = -1;
	}
	if (missing)
		return 0;
	if (logs_open(path, cur) == -1)
		return -1;
	return *cur != -1;
}

/*
 * Watch path's directory: rotation is a rename, so watching the file
 * itself would lose it at the first rotation.  Set up before the file is
 * first opened, so that no change falls between reading and watching.
 */
static int
logs_watch(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 ifd;

	if ((ifd = inotify_init1(IN_CLOEXEC)) == -1) {
		fprintf(stderr, "launch: inotify_init1: %s\n", strerror(errno));
		return -1;
	}
	if (slash == NULL)
		dir = xstrdup(".");
	else
		dir = xstrndup(path, slash == path ? 1 :
		    (size_t)(slash - path));
	if (inotify_add_watch(ifd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO |
	    IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR) == -1) {
		fprintf(stderr, "launch: %s: %s\n", dir, strerror(errno));
		free(dir);
		close(ifd);
		return -1;
	}
	free(dir);
	return ifd;
}

/*
 * Read inotify events until one concerns FILE or FILE.1 (where the
 * last bytes written before a rotation may land).  Returns 1 for such an
 * event, 0 once the directory is gone, -1 on error.
 */
static int
logs_wait(int ifd, const char *base, const char *base1)
{
	char			 buf[sizeof (struct inotify_event) +
	    NAME_MAX + 1]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t			 n;
	int			 wake = 0, gone = 0;

	while (!wake && !gone) {
		/* The only place -f blocks. */
		n = read(ifd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "launch: inotify: %s\n",
			    n == 0 ? "end of file" : strerror(errno));
			return -1;
		}
		for (char *p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & (IN_DELETE_SELF | IN_IGNORED))
				gone = 1;
			else if (ev->mask & IN_Q_OVERFLOW)
				wake = 1;
			else if (ev->len > 0 && (strcmp(ev->name, base) == 0 ||
			    strcmp(ev->name, base1) == 0))
				wake = 1;
		}
	}
	return gone ? 0 : 1;
}

static int
logs_follow(int ifd, const char *path, int *cur)
{
	const char	*slash = strrchr(path, '/');
	const char	*base = slash != NULL ? slash + 1 : path;
	char		*base1;
	int		 rc = -1, r;

	xasprintf(&base1, "%s.1", base);
	for (;;) {
		if (*cur != -1 && logs_drain(*cur, path) == -1)
			goto out;
		if ((r = logs_reopen(path, cur)) == -1)
			goto out;
		if (r == 1)
			continue;	/* the new FILE, from its start */
		if ((r = logs_wait(ifd, base, base1)) == -1)
			goto out;
		if (r == 0) {
			if (*cur != -1 && logs_drain(*cur, path) == -1)
				goto out;
			fprintf(stderr, "launch: %s: the log directory was "
			    "removed\n", path);
			goto out;
		}
	}
out:
	free(base1);
	return rc;
}

/*
 * ^C or SIGTERM ends a follow, which is how it is meant to end: exit 0.
 * Exiting here rather than setting a flag: a flag checked before the
 * blocking read(2) would miss a signal that arrives just before it.
 * Output is flushed after each chunk, so nothing written is held back.
 */
static void
logs_signal(int sig)
{
	_exit(0);
}

static int
logs_parse_lines(const char *s, long long *n)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*n = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static int
cmd_logs_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'n' },
		{ "stderr", no_argument, NULL, OPT_STDERR },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_logs_entry;
	struct proto_reply	 rep;
	struct sigaction	 sa;
	const char		*log;
	char			*path;
	long long		 lines = LOGS_DEFAULT;
	int			 ch, rc, follow = 0, err = 0, ifd = -1, cur;

	/* The files are on the daemon's machine: read them there. */
	if (ctx->host != NULL)
		return remote_exec(ctx, argc, argv);

	while ((ch = getopt_long(argc, argv, "fn:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			follow = 1;
			break;
		case 'n':
			if (logs_parse_lines(optarg, &lines) == -1) {
				cmd_usage_error(e, "-n %s: expected a number "
				    "of lines >= 0", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_STDERR:
			err = 1;
			break;
		default:
			cmd_usage_error(e, "bad option");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cmd_usage_error(e, "expected one LABEL");
		return EXIT_USAGE;
	}
	if ((rc = client_status(ctx, argv[optind], &rep)) != 0)
		return rc;
	if (follow) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = logs_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (rep.jobs[0].kind == PROTO_KIND_DOCKER) {
		/* The engine has a container's log (docker-logs.c). */
		if (rep.jobs[0].container == NULL) {
			fprintf(stderr, "launch: %s: no container (it never "
			    "started)\n", argv[optind]);
			rc = EXIT_NO;
		} else
			rc = docker_logs(argv[optind], rep.jobs[0].container,
			    lines, follow, err);
		proto_reply_free(&rep);
		return rc;
	}
	log = err ? rep.jobs[0].stderr_log : rep.jobs[0].stdout_log;
	if (log == NULL) {
		fprintf(stderr, "launch: %s: no log\n", argv[optind]);
		proto_reply_free(&rep);
		return EXIT_NO;
	}
	path = xstrdup(log);
	proto_reply_free(&rep);

	if (follow) {
		if ((ifd = logs_watch(path)) == -1) {
			free(path);
			return EXIT_NO;
		}
	}
	rc = logs_tail(path, lines, &cur) == -1 ? EXIT_NO : 0;
	if (rc == 0 && follow && logs_follow(ifd, path, &cur) == -1)
		rc = EXIT_NO;
	if (cur != -1)
		close(cur);
	if (ifd != -1)
		close(ifd);
	free(path);
	return rc;
}

const struct cmd_entry cmd_logs_entry = {
	.name = "logs",
	.usage = "[-f] [-n N] [--stderr] LABEL",
	.summary = "print (and follow) a job's output",
	.help =
	    "Prints the last N lines of the job's stdout log (or stderr log),\n"
	    "continuing into the rotated parts FILE.1, FILE.2, ... when FILE\n"
	    "itself is shorter.  A log the job has not written yet prints\n"
	    "nothing.  The files are read directly, so this works for jobs\n"
	    "given --stdout/--stderr too.\n"
	    "\n"
	    "With -f, keeps printing what the job writes, across rotations,\n"
	    "until interrupted (^C or SIGTERM: exit 0), as `tail -F` does; a\n"
	    "log that does not exist yet is waited for.  If the log directory\n"
	    "is removed (`launch remove`), it ends with exit 1.\n"
	    "\n"
	    "A docker job's log is its container's, read from the engine at\n"
	    "$DOCKER_HOST (unix:// only; default /var/run/docker.sock) as\n"
	    "this command sees it: both streams, each to its own descriptor\n"
	    "(--stderr: stderr only); -n counts lines of both; -f ends when\n"
	    "the container stops.\n"
	    "\n"
	    "Options:\n"
	    "  -f, --follow     follow the log as it grows\n"
	    "  -n, --lines N    the last N lines (default 10; 0 with -f: only\n"
	    "                   new output)\n"
	    "  --stderr         the stderr log instead of the stdout log\n"
	    "\n"
	    "Example:\n  launch logs -f -n 100 web\n",
	.exec = cmd_logs_exec,
};
