/*
 * The state directory: $LAUNCH_STATE_DIR, else $XDG_STATE_HOME/launch,
 * else ~/.local/state/launch (or `launch serve --state-dir`).
 *
 *   lock            flock(2)ed by the daemon that uses the directory
 *   jobs/ID.json    the daemon's record of job ID (proto_state)
 *   jobs/ID.status  its shim's record (proto_shim_status)
 *   logs/ID/        stdout.log, stderr.log and their rotations .1 .. .N
 *
 * Every record is replaced atomically (file_replace).  A record that does
 * not decode is reported and skipped; the rest load and the daemon
 * serves.  A write that fails (a full disk) is logged and the daemon goes
 * on: the job keeps running, and its record is written again at its next
 * change, or sooner: while records are unsaved, each successful write,
 * a timer (every STATE_RETRY_SECONDS, only while there are some) and the
 * shutdown try them again, so that a job's end seen on a full disk is
 * not reported by the next daemon as a job lost.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "server.h"
#include "statedir.h"
#include "xmalloc.h"

static char	 state_path[4096];
static char	 state_jobs[4200];
static char	 state_boot[40];
static int64_t	 state_logsize = 10 * 1024 * 1024;
static int	 state_logfiles = 5;
static size_t	 state_unsaved;		/* jobs with j->unsaved */
static int	 state_retrying;
static ev_timer	 state_retry_timer;

#define STATE_RETRY_SECONDS	10.

const char *
state_dir(void)
{
	return state_path;
}

const char *
state_boot_id(void)
{
	return state_boot;
}

int64_t
state_log_size(void)
{
	return state_logsize;
}

int
state_log_files(void)
{
	return state_logfiles;
}

/* Room is left for the names below the directory. */
static int
state_resolve(const char *opt, char *err, size_t errlen)
{
	return statedir_resolve(opt, state_path, sizeof state_path - 64, err,
	    errlen);
}

int
state_open(const char *dir, int64_t log_size, int log_files, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		 path[4200], pidbuf[32], *boot;
	size_t		 len;
	ssize_t		 n;
	int		 fd;

	if (state_resolve(dir, err, errlen) == -1)
		return SERVER_EXIT_FAILURE;
	if (log_size > 0)
		state_logsize = log_size;
	if (log_files > 0)
		state_logfiles = log_files;
	snprintf(state_jobs, sizeof state_jobs, "%s/jobs", state_path);
	/* Checked before anything is made in it: a directory another user
	 * made (or can write to) is refused as the socket's is. */
	if (file_mkdirs(state_path, 0700) == -1) {
		snprintf(err, errlen, "state directory %s: %s", state_path,
		    strerror(errno));
		return SERVER_EXIT_FAILURE;
	}
	if (lstat(state_path, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "state directory %s must be a directory "
		    "owned by uid %u and not writable by others (it is %s "
		    "owned by uid %u, mode %04o): refusing", state_path,
		    (unsigned)getuid(), S_ISLNK(st.st_mode) ? "a symlink" :
		    S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
		    (unsigned)st.st_uid, (unsigned)st.st_mode & 07777);
		return SERVER_EXIT_FAILURE;
	}
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", state_path,
		    i == 0 ? "jobs" : "logs");
		if (file_dir_own(path, 1) == -1) {
			snprintf(err, errlen, "%s: %s", path,
			    file_strerror(errno));
			return SERVER_EXIT_FAILURE;
		}
	}

	/* One daemon per state directory, as per socket. */
	snprintf(path, sizeof path, "%s/lock", state_path);
	if ((fd = file_open_own(path, O_RDWR | O_CREAT)) == -1) {
		snprintf(err, errlen, "%s: %s", path, file_strerror(errno));
		return SERVER_EXIT_FAILURE;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = pread(fd, pidbuf, sizeof pidbuf - 1, 0);
		pidbuf[n > 0 ? n : 0] = '\0';
		pidbuf[strcspn(pidbuf, "\n")] = '\0';
		snprintf(err, errlen, "a daemon (pid %s) is already using the "
		    "state directory %s", *pidbuf ? pidbuf : "unknown",
		    state_path);
		close(fd);
		return SERVER_EXIT_RUNNING;
	}
	snprintf(pidbuf, sizeof pidbuf, "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, pidbuf, strlen(pidbuf), 0) == -1)
		log_warn("writing pid to %s", path);

	/* Jobs recorded under another boot id did not survive a reboot. */
	if ((boot = file_read("/proc/sys/kernel/random/boot_id", &len)) !=
	    NULL) {
		boot[strcspn(boot, "\n")] = '\0';
		snprintf(state_boot, sizeof state_boot, "%s", boot);
		free(boot);
	}
	return SERVER_EXIT_OK;
}

static void
state_mark_unsaved(struct job *j, int unsaved)
{
	if (j->unsaved == unsaved)
		return;
	j->unsaved = unsaved;
	if (unsaved)
		state_unsaved++;
	else
		state_unsaved--;
}

static int
state_write(const struct job *j)
{
	struct proto_record	 st;
	char			 name[64], *line;
	int			 rc;

	memset(&st, 0, sizeof st);
	job_view(j, &st.job);
	st.shim = j->shim;
	st.user_stopped = j->user_stopped;
	st.backoff = j->backoff;
	st.fresh = j->fresh && !j->launched;
	st.exec = j->exec;
	st.qmp = j->qmp;
	line = proto_record_encode(&st);
	snprintf(name, sizeof name, "%lld.json", (long long)j->id);
	rc = file_replace(state_jobs, name, line, strlen(line));
	if (rc == -1)
		log_warnx("%s: saving state to %s/%s: %s", j->spec.label,
		    state_jobs, name, file_strerror(errno));
	free(line);
	return rc;
}

static void
state_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	state_save_unsaved();
}

/* The retry timer runs while, and only while, records are unsaved. */
static void
state_retry_arm(void)
{
	if (state_unsaved > 0 && !ev_is_active(&state_retry_timer)) {
		ev_timer_init(&state_retry_timer, state_retry_cb,
		    STATE_RETRY_SECONDS, STATE_RETRY_SECONDS);
		ev_timer_start(server_loop, &state_retry_timer);
	} else if (state_unsaved == 0)
		ev_timer_stop(server_loop, &state_retry_timer);
}

int
state_save(struct job *j)
{
	int	rc = state_write(j);

	state_mark_unsaved(j, rc == -1);
	if (rc == 0 && state_unsaved > 0)
		state_save_unsaved();	/* there is room again */
	else
		state_retry_arm();
	return rc;
}

void
state_save_unsaved(void)
{
	struct job	**all;
	size_t		  n;

	if (state_retrying)
		return;
	state_retrying = 1;
	all = job_all(&n);
	for (size_t i = 0; i < n && state_unsaved > 0; i++) {
		if (!all[i]->unsaved)
			continue;
		if (state_write(all[i]) == -1)
			break;	/* still no room: one warning, not one per job */
		state_mark_unsaved(all[i], 0);
		log_info("%s: its record is saved again", all[i]->spec.label);
	}
	free(all);
	state_retrying = 0;
	state_retry_arm();
}

void
state_forget(struct job *j)
{
	char	path[4300];

	state_mark_unsaved(j, 0);

	snprintf(path, sizeof path, "%s/%lld.json", state_jobs,
	    (long long)j->id);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("unlink %s", path);
	snprintf(path, sizeof path, "%s/%lld.status", state_jobs,
	    (long long)j->id);
	unlink(path);
	snprintf(path, sizeof path, "%s/logs/%lld", state_path,
	    (long long)j->id);
	if (file_remove_dir(path) == -1)
		log_warn("removing %s", path);
}

int
state_read_status(const struct job *j, struct proto_shim_status *st)
{
	struct proto_error	 err;
	char			 path[4300], *text;
	size_t			 len;
	int			 rc;

	snprintf(path, sizeof path, "%s/%lld.status", state_jobs,
	    (long long)j->id);
	if ((text = file_read_own(path, &len)) == NULL) {
		if (errno != ENOENT)
			log_warnx("%s: reading %s: %s", j->spec.label, path,
			    file_strerror(errno));
		return -1;
	}
	rc = proto_shim_status_decode(text, len, st, &err);
	if (rc == -1)
		log_warnx("%s: %s is garbled (%s); ignored", j->spec.label,
		    path, err.message);
	free(text);
	return rc;
}

void
state_log_path(const struct job *j, const char *stream, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/logs/%lld/%s.log", state_path,
	    (long long)j->id, stream);
}

static int
state_id_of(const char *name, long long *id)
{
	char	*end;

	if (name[0] < '0' || name[0] > '9')
		return -1;
	*id = strtoll(name, &end, 10);
	return strcmp(end, ".json") == 0 ? 0 : -1;
}

static int
state_cmp_ids(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

void
state_load(void (*fn)(struct proto_record *))
{
	struct proto_record	 st;
	struct proto_error	 err;
	struct dirent		*e;
	DIR			*d;
	long long		*ids = NULL, id;
	size_t			 n = 0, len;
	char			 path[4300], *text;

	if ((d = opendir(state_jobs)) == NULL) {
		log_warn("opendir %s", state_jobs);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		/* The daemon is the only writer of records (it holds the
		 * lock); the shims' .status.new are theirs to finish. */
		switch (file_remove_stale_new(state_jobs, e->d_name,
		    ".json")) {
		case 1:
			log_info("%s/%s: removed (a write cut short)",
			    state_jobs, e->d_name);
			continue;
		case -1:
			log_warn("removing %s/%s", state_jobs, e->d_name);
			continue;
		}
		if (state_id_of(e->d_name, &id) == -1)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = id;
	}
	closedir(d);
	if (n > 0)
		qsort(ids, n, sizeof *ids, state_cmp_ids);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%lld.json", state_jobs, ids[i]);
		if ((text = file_read_own(path, &len)) == NULL) {
			log_warnx("reading %s: %s; skipped", path,
			    file_strerror(errno));
			continue;
		}
		if (proto_record_decode(text, len, &st, &err) == -1) {
			log_warnx("%s is garbled (%s: %s); skipped", path,
			    err.field[0] ? err.field : "file", err.message);
			free(text);
			continue;
		}
		free(text);
		if (st.job.id != ids[i]) {
			log_warnx("%s holds job id %lld; skipped", path,
			    (long long)st.job.id);
			proto_record_free(&st);
			continue;
		}
		fn(&st);
		proto_record_free(&st);
	}
	free(ids);
}
