/*
 * The state directory: $LAUNCH_STATE_DIR, else $XDG_STATE_HOME/launch,
 * else ~/.local/state/launch (or `launch serve --state-dir`).
 *
 *   lock            flock(2)ed by the daemon that uses the directory
 *   jobs/journal    the daemon's records of its jobs (journal.c)
 *   jobs/ID.status  a shim's end, when no daemon acknowledged it
 *   logs/ID/        stdout.log, stderr.log and their rotations .1 .. .N
 *
 * Group commit: state_save only marks a job's record dirty.  Before the
 * loop waits again (an ev_prepare watcher), state_commit writes every
 * dirty record and every forgotten id in one append to the journal;
 * then, and only then, the shims of jobs started in that turn are
 * forked (their records name their sockets: a crash right after the
 * fork still finds them) and the shims whose ends were written are
 * acknowledged (proc.c).  Replies that promise durability (the
 * waiters' replies: submit, stop, start, restart, remove) wait for the
 * writer thread's fdatasync of that append (state_reply_durable); no
 * other reply waits for the disk.
 *
 * A write that fails (a full disk) is logged and the daemon goes on:
 * the job keeps running, and its record is written again with the next
 * successful append, or sooner: while records are unsaved, a timer
 * (every STATE_RETRY_SECONDS, only while there are some) and the
 * shutdown try them again, so that a job's end seen on a full disk is
 * not reported by the next daemon as a job lost.  Shims whose ends are
 * not written yet are not acknowledged: they wait, holding the end.
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
#include "journal.h"
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
static ev_timer	 state_retry_timer;
static ev_prepare state_prepare;
static int	 state_committing;

/* Records to write at the end of this turn (NULL: dropped since). */
static struct job **state_dirty;
static size_t	 state_ndirty, state_dirty_cap;
/* Ids forgotten this turn (or not yet written: a full disk). */
static int64_t	*state_forgets;
static size_t	 state_nforgets;
/* The size of a snapshot: each job's last record. */
static size_t	 state_live_bytes;

/* Replies waiting for the journal to be durable. */
struct state_reply {
	struct peer		*peer;
	char			*line;
	uint64_t		 seq;		/* 0: this turn's append */
	TAILQ_ENTRY(state_reply) entry;
};
static TAILQ_HEAD(, state_reply) state_replies =
    TAILQ_HEAD_INITIALIZER(state_replies);
static uint64_t	 state_synced_seq;

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

	if (journal_open(state_jobs, err, errlen) == -1)
		return SERVER_EXIT_FAILURE;

	/* Jobs recorded under another boot id did not survive a reboot. */
	if ((boot = file_read("/proc/sys/kernel/random/boot_id", &len)) !=
	    NULL) {
		boot[strcspn(boot, "\n")] = '\0';
		snprintf(state_boot, sizeof state_boot, "%s", boot);
		free(boot);
	}
	return SERVER_EXIT_OK;
}

static void	state_replies_commit(void);
static int	state_compact(int now);

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

static void
state_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	state_save_unsaved();
}

/* The retry timer runs while, and only while, records are unsaved. */
static void
state_retry_arm(void)
{
	if (state_unsaved + state_nforgets > 0 &&
	    !ev_is_active(&state_retry_timer)) {
		ev_timer_init(&state_retry_timer, state_retry_cb,
		    STATE_RETRY_SECONDS, STATE_RETRY_SECONDS);
		ev_timer_start(server_loop, &state_retry_timer);
	} else if (state_unsaved + state_nforgets == 0)
		ev_timer_stop(server_loop, &state_retry_timer);
}

static void
state_add_dirty(struct job *j)
{
	if (j->dirty)
		return;
	if (state_ndirty == state_dirty_cap) {
		state_dirty_cap = state_dirty_cap ? 2 * state_dirty_cap : 64;
		state_dirty = xreallocarray(state_dirty, state_dirty_cap,
		    sizeof *state_dirty);
	}
	state_dirty[state_ndirty] = j;
	j->dirty = ++state_ndirty;
}

int
state_has_unsaved(void)
{
	return state_unsaved > 0;
}

int
state_save(struct job *j)
{
	state_add_dirty(j);
	return 0;
}

/* The job goes away (freed): out of this turn's writes. */
void
state_drop(struct job *j)
{
	if (j->dirty) {
		state_dirty[j->dirty - 1] = NULL;
		j->dirty = 0;
	}
	state_mark_unsaved(j, 0);
	state_live_bytes -= j->record_len;
	j->record_len = 0;
}

char *
state_record_line(const struct job *j)
{
	struct proto_record	 st;

	memset(&st, 0, sizeof st);
	job_view(j, &st.job);
	st.shim = j->shim;
	st.user_stopped = j->user_stopped;
	st.backoff = j->backoff;
	st.fresh = j->fresh && !j->launched;
	st.exec = j->exec;
	st.qmp = j->qmp;
	return proto_record_encode(&st);
}

static void
state_add_line(struct buf *b, char *line)
{
	size_t	len = strlen(line);

	/* The encoders end their lines with a newline already. */
	memcpy(buf_reserve(b, len + 1), line, len);
	b->len += len;
	if (len == 0 || line[len - 1] != '\n')
		b->data[b->len++] = '\n';
	free(line);
}

/* The unsaved jobs join this turn's writes (a retry). */
static void
state_dirty_unsaved(void)
{
	struct job	**all;
	size_t		  n;

	if (state_unsaved == 0)
		return;
	all = job_all(&n);
	for (size_t i = 0; i < n; i++)
		if (all[i]->unsaved)
			state_add_dirty(all[i]);
	free(all);
}

/*
 * Write this turn's changes: one append.  Then the spawns and acks that
 * waited for it (proc.c), which may change more (a launch that fails):
 * written in the same way, a few rounds at most.
 */
static void
state_commit(void)
{
	struct buf	 b;
	int		 rc, rounds = 0;
	static int	 warned;

	if (state_committing)
		return;
	state_committing = 1;
	memset(&b, 0, sizeof b);
	while ((state_ndirty > 0 || state_nforgets > 0 ||
	    proc_commit_pending()) && rounds++ < 8) {
		/* Records a full disk kept out go with the next write. */
		if (state_ndirty > 0 && state_unsaved > 0)
			state_dirty_unsaved();
		buf_consume(&b, buf_used(&b));
		for (size_t i = 0; i < state_ndirty; i++) {
			struct job *j = state_dirty[i];
			size_t before = buf_used(&b);
			if (j == NULL)
				continue;
			state_add_line(&b, state_record_line(j));
			/* For the size of a snapshot (compaction). */
			state_live_bytes += buf_used(&b) - before;
			state_live_bytes -= j->record_len;
			j->record_len = buf_used(&b) - before;
		}
		for (size_t i = 0; i < state_nforgets; i++)
			state_add_line(&b, proto_forget_encode(
			    state_forgets[i]));
		rc = buf_used(&b) == 0 ? 0 :
		    journal_append(buf_head(&b), buf_used(&b));
		if (rc == -1) {
			if (!warned)
				log_warnx("saving job records to %s/journal: "
				    "%s", state_jobs, strerror(errno));
			warned = 1;
			for (size_t i = 0; i < state_ndirty; i++)
				if (state_dirty[i] != NULL) {
					state_mark_unsaved(state_dirty[i], 1);
					state_dirty[i]->dirty = 0;
				}
			state_ndirty = 0;
			state_retry_arm();
			proc_committed(0, strerror(errno));
			break;
		}
		warned = 0;
		/* What was written, per job, for the next snapshot's size. */
		for (size_t i = 0; i < state_ndirty; i++) {
			struct job *j = state_dirty[i];
			if (j == NULL)
				continue;
			j->dirty = 0;
			if (j->unsaved) {
				state_mark_unsaved(j, 0);
				log_info("%s: its record is saved again",
				    j->spec.label);
			}
		}
		state_ndirty = 0;
		state_nforgets = 0;
		state_retry_arm();
		proc_committed(1, NULL);
	}
	buf_free(&b);
	state_committing = 0;
	if (journal_wants_compaction(state_live_bytes))
		state_compact(0);
	state_replies_commit();
}

static void
state_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	state_commit();
}

void
state_save_unsaved(void)
{
	state_dirty_unsaved();
	state_commit();
}

void
state_forget(struct job *j)
{
	char	path[4300];

	state_drop(j);
	state_forgets = xreallocarray(state_forgets, state_nforgets + 1,
	    sizeof *state_forgets);
	state_forgets[state_nforgets++] = j->id;

	snprintf(path, sizeof path, "%s/%lld.status", state_jobs,
	    (long long)j->id);
	unlink(path);
	snprintf(path, sizeof path, "%s/logs/%lld", state_path,
	    (long long)j->id);
	if (file_remove_dir(path) == -1)
		log_warn("removing %s", path);
}

void
state_remove_status(const struct job *j)
{
	char	path[4300];

	snprintf(path, sizeof path, "%s/%lld.status", state_jobs,
	    (long long)j->id);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("unlink %s", path);
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

void
state_load(void (*fn)(struct proto_record *))
{
	journal_load(fn);
}

/* Durable replies: sent once the journal is synced past their turn. */
void
state_reply_durable(struct peer *p, char *line)
{
	struct state_reply	*r = xcalloc(1, sizeof *r);

	peer_ref(p);
	r->peer = p;
	r->line = line;
	TAILQ_INSERT_TAIL(&state_replies, r, entry);
}

static void
state_replies_send(uint64_t upto)
{
	struct state_reply	*r, *next;

	for (r = TAILQ_FIRST(&state_replies); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->seq == 0 || r->seq > upto)
			continue;
		TAILQ_REMOVE(&state_replies, r, entry);
		if (!r->peer->dead) {
			peer_send(r->peer, r->line);
			peer_done(r->peer);
		} else
			free(r->line);
		peer_unref(r->peer);
		free(r);
	}
}

/* End of a turn: this turn's replies wait for what it wrote. */
static void
state_replies_commit(void)
{
	struct state_reply	*r;
	uint64_t		 seq = journal_written();
	int			 wait = 0;

	TAILQ_FOREACH(r, &state_replies, entry) {
		if (r->seq != 0)
			continue;
		if (seq <= state_synced_seq)
			r->seq = 1;	/* nothing written since: at once */
		else {
			r->seq = seq;
			wait = 1;
		}
	}
	state_replies_send(state_synced_seq > 0 ? state_synced_seq : 1);
	if (wait)
		journal_sync(seq);
}

static void
state_synced(uint64_t seq)
{
	if (seq > state_synced_seq)
		state_synced_seq = seq;
	state_replies_send(state_synced_seq);
}

/* The journal rewritten as one line per job: 0, or -1. */
static int
state_compact(int now)
{
	struct job	**all;
	struct buf	  b;
	size_t		  n;
	int		  rc;

	memset(&b, 0, sizeof b);
	all = job_all(&n);
	state_live_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		size_t before = buf_used(&b);
		/* A record a full disk kept out is in the snapshot, but
		 * stays unsaved until the snapshot is in place. */
		state_add_line(&b, state_record_line(all[i]));
		all[i]->record_len = buf_used(&b) - before;
		state_live_bytes += all[i]->record_len;
	}
	free(all);
	rc = journal_compact(buf_head(&b) != NULL ? buf_head(&b) : "",
	    buf_used(&b), now);
	buf_free(&b);
	return rc;
}

/*
 * After recovery: the journal is rewritten as a snapshot of every job
 * (which also folds in the records of versions before the journal),
 * then the writer thread and the per-turn commit start.
 */
void
state_start(void)
{
	if (state_compact(1) == 0) {
		journal_forget_files();
		for (size_t i = 0; i < state_ndirty; i++)
			if (state_dirty[i] != NULL)
				state_dirty[i]->dirty = 0;
		state_ndirty = 0;
		state_nforgets = 0;
	}
	journal_start(state_synced);
	ev_prepare_init(&state_prepare, state_prepare_cb);
	ev_prepare_start(server_loop, &state_prepare);
	state_commit();
}

/* At exit: the last changes written and synced. */
void
state_close(void)
{
	state_commit();
	ev_prepare_stop(server_loop, &state_prepare);
	journal_close();
	state_synced_seq = UINT64_MAX;
	state_replies_send(UINT64_MAX);
}
