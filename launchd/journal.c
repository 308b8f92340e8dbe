/*
 * The job journal: STATE/jobs/journal, one line per change of a job's
 * record (proto_record), or a forget line when a job is removed; the
 * last line of an id wins (proto.h, "On-disk formats").
 *
 * Why a journal, not a file per job: on the ext4 this was measured on,
 * replacing a file costs an inode (create, rename, and the freed inode
 * that ext4 without a journal walks past), about 210 us, three times per
 * start; appending a line costs about 2 us.  Writes are grouped by
 * state.c: everything that changed in one turn of the loop is one
 * write(2) (journal_append), and the loop never waits for the disk.
 *
 * Durability is a second step, off the loop: a writer thread fdatasyncs
 * the journal when asked (journal_sync) and says so through an ev_async;
 * while it syncs, later writes pile up and the next sync covers them
 * all (group commit).  A write is safe from a SIGKILL of the daemon as
 * soon as write(2) returns (it is in the page cache); a power cut can
 * lose what was not yet synced (docs/design.md, "What a crash can
 * lose").
 *
 * A write cut short (a full disk) is cut back to the last whole line
 * (ftruncate), so that no torn line is left for the next write to be
 * glued to.  A torn last line (a crash mid-write) is ignored at load.
 *
 * Compaction: the journal is rewritten as one line per job (a snapshot)
 * at start-up, and when it has grown past JOURNAL_COMPACT_MIN and four
 * times the size of a snapshot.  The snapshot is written to
 * journal.new by the loop (a write, no sync); the thread syncs it,
 * renames it over the journal and syncs the directory.  Until the
 * rename is done every append goes to both files, so that whichever is
 * the journal after a crash holds everything.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "journal.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define JOURNAL_COMPACT_MIN	(1024 * 1024)

static char		 journal_dir[4200];
static char		 journal_path[4300];
static char		 journal_new_path[4300];
static int		 journal_fd = -1;
static int		 journal_dirfd = -1;
static off_t		 journal_size;		/* of whole lines */
static uint64_t		 journal_seq;		/* appends written */

/* Compaction under way: the new file, appended to with the old. */
static int		 compact_fd = -1;
static off_t		 compact_size;
static int		 compact_failed;

/* The writer thread: what it is asked, what it has done. */
static pthread_t	 writer;
static pthread_mutex_t	 writer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 writer_cv = PTHREAD_COND_INITIALIZER;
static int		 writer_fd = -1;	/* what a sync syncs */
static uint64_t		 writer_want;		/* sync up to this seq */
static uint64_t		 writer_done;		/* synced up to this */
static int		 writer_compact_fd = -1;
static int		 writer_compact_rc;	/* 1 done, -1 failed */
static int		 writer_compact_errno;
static int		 writer_quit;
static int		 writer_running;
static ev_async		 writer_async;
static void		(*journal_synced_cb)(uint64_t);

static void *
journal_writer_main(void *arg)
{
	uint64_t	want;
	int		fd, cfd, rc, e;

	pthread_mutex_lock(&writer_mu);
	for (;;) {
		while (!writer_quit && writer_compact_fd == -1 &&
		    writer_want <= writer_done)
			pthread_cond_wait(&writer_cv, &writer_mu);
		if (writer_quit)
			break;
		if ((cfd = writer_compact_fd) != -1) {
			pthread_mutex_unlock(&writer_mu);
			rc = 1;
			e = 0;
			if (fdatasync(cfd) == -1 ||
			    rename(journal_new_path, journal_path) == -1 ||
			    fsync(journal_dirfd) == -1) {
				rc = -1;
				e = errno;
			}
			pthread_mutex_lock(&writer_mu);
			writer_compact_fd = -1;
			writer_compact_rc = rc;
			writer_compact_errno = e;
			if (rc == 1)
				writer_fd = cfd;
			ev_async_send(server_loop, &writer_async);
			continue;
		}
		want = writer_want;
		fd = writer_fd;
		pthread_mutex_unlock(&writer_mu);
		if (fdatasync(fd) == -1)
			log_warn("syncing %s", journal_path);
		pthread_mutex_lock(&writer_mu);
		if (want > writer_done)
			writer_done = want;
		ev_async_send(server_loop, &writer_async);
	}
	pthread_mutex_unlock(&writer_mu);
	return NULL;
}

static void
journal_compact_done(int rc, int e)
{
	if (rc == 1) {
		close(journal_fd);
		journal_fd = compact_fd;
		journal_size = compact_size;
		log_debug("journal compacted: %lld bytes",
		    (long long)journal_size);
	} else {
		log_warnx("compacting %s: %s; the journal goes on",
		    journal_path, strerror(e));
		close(compact_fd);
		unlink(journal_new_path);
		compact_failed = 1;
	}
	compact_fd = -1;
}

static void
journal_async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	uint64_t	done;
	int		crc, e;

	pthread_mutex_lock(&writer_mu);
	done = writer_done;
	crc = writer_compact_rc;
	e = writer_compact_errno;
	writer_compact_rc = 0;
	pthread_mutex_unlock(&writer_mu);
	if (crc != 0)
		journal_compact_done(crc, e);
	if (journal_synced_cb != NULL)
		journal_synced_cb(done);
}

/* Write all of data at the end of fd, whose whole lines end at *size;
 * a short write is cut back.  0, or -1 with errno. */
static int
journal_write_at_end(int fd, off_t *size, const char *data, size_t len)
{
	size_t	off = 0;
	ssize_t	n;
	int	saved;

	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? ENOSPC : errno;
			if (off > 0 && ftruncate(fd, *size) == -1)
				log_warn("cutting %s back to its last line",
				    journal_path);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	*size += (off_t)len;
	return 0;
}

int
journal_append(const char *data, size_t len)
{
	if (journal_write_at_end(journal_fd, &journal_size, data, len) == -1)
		return -1;
	if (compact_fd != -1 &&
	    journal_write_at_end(compact_fd, &compact_size, data, len) == -1) {
		/* The new file is behind: it must not replace the old. */
		log_warn("writing %s", journal_new_path);
		pthread_mutex_lock(&writer_mu);
		if (writer_compact_fd == compact_fd) {
			writer_compact_fd = -1;
			pthread_mutex_unlock(&writer_mu);
			journal_compact_done(-1, errno);
		} else
			pthread_mutex_unlock(&writer_mu);
	}
	journal_seq++;
	return 0;
}

uint64_t
journal_written(void)
{
	return journal_seq;
}

void
journal_sync(uint64_t seq)
{
	if (!writer_running) {
		if (fdatasync(journal_fd) == -1)
			log_warn("syncing %s", journal_path);
		if (journal_synced_cb != NULL)
			journal_synced_cb(seq);
		return;
	}
	pthread_mutex_lock(&writer_mu);
	if (seq > writer_want) {
		writer_want = seq;
		pthread_cond_signal(&writer_cv);
	}
	pthread_mutex_unlock(&writer_mu);
}

int
journal_wants_compaction(size_t snapshot_size)
{
	if (compact_fd != -1 || journal_size < JOURNAL_COMPACT_MIN)
		return 0;
	if (compact_failed) {
		/* Tried and failed (a full disk?): not at every turn. */
		if (journal_size < 2 * JOURNAL_COMPACT_MIN)
			return 0;
		compact_failed = 0;
	}
	return (size_t)journal_size > 4 * snapshot_size;
}

/* Write the snapshot to a fresh journal.new; its fd, or -1. */
static int
journal_new_file(const char *data, size_t len, off_t *size)
{
	int	fd, saved;

	/* Whatever is there (left by a crash, or planted) is removed, never
	 * written through. */
	if (unlink(journal_new_path) == -1 && errno != ENOENT)
		return -1;
	fd = open(journal_new_path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return -1;
	*size = 0;
	if (journal_write_at_end(fd, size, data, len) == -1) {
		saved = errno;
		close(fd);
		unlink(journal_new_path);
		errno = saved;
		return -1;
	}
	return fd;
}

int
journal_compact(const char *data, size_t len, int now)
{
	off_t	size;
	int	fd;

	if (compact_fd != -1)
		return 0;
	if ((fd = journal_new_file(data, len, &size)) == -1) {
		log_warn("compacting %s: writing %s", journal_path,
		    journal_new_path);
		compact_failed = 1;
		return -1;
	}
	if (now || !writer_running) {
		if (fdatasync(fd) == -1 ||
		    rename(journal_new_path, journal_path) == -1 ||
		    fsync(journal_dirfd) == -1) {
			log_warn("compacting %s", journal_path);
			close(fd);
			unlink(journal_new_path);
			compact_failed = 1;
			return -1;
		}
		close(journal_fd);
		journal_fd = fd;
		journal_size = size;
		pthread_mutex_lock(&writer_mu);
		writer_fd = fd;
		pthread_mutex_unlock(&writer_mu);
		return 0;
	}
	compact_fd = fd;
	compact_size = size;
	pthread_mutex_lock(&writer_mu);
	writer_compact_fd = fd;
	pthread_cond_signal(&writer_cv);
	pthread_mutex_unlock(&writer_mu);
	return 0;
}

int
journal_open(const char *jobs_dir, char *err, size_t errlen)
{
	struct stat	st;

	snprintf(journal_dir, sizeof journal_dir, "%s", jobs_dir);
	snprintf(journal_path, sizeof journal_path, "%s/journal", jobs_dir);
	snprintf(journal_new_path, sizeof journal_new_path, "%s/journal.new",
	    jobs_dir);
	if ((journal_fd = file_open_own(journal_path, O_RDWR | O_CREAT |
	    O_APPEND)) == -1) {
		snprintf(err, errlen, "%s: %s", journal_path,
		    file_strerror(errno));
		return -1;
	}
	if ((journal_dirfd = open(jobs_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", jobs_dir, strerror(errno));
		return -1;
	}
	if (fstat(journal_fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", journal_path, strerror(errno));
		return -1;
	}
	journal_size = st.st_size;
	writer_fd = journal_fd;
	return 0;
}

void
journal_start(void (*synced)(uint64_t))
{
	int	e;

	journal_synced_cb = synced;
	ev_async_init(&writer_async, journal_async_cb);
	ev_async_start(server_loop, &writer_async);
	/* The thread holds no lock the loop waits on for long: only the
	 * few words above.  It blocks no signal of the loop's: libev's
	 * handlers run in whichever thread the kernel picks and forward to
	 * the loop; the thread's mask is the loop's at creation (all
	 * blocked below, restored after). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&writer, NULL, journal_writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		errno = e;
		log_warn("no journal writer thread; syncing in the loop");
		return;
	}
	writer_running = 1;
}

void
journal_close(void)
{
	if (writer_running) {
		pthread_mutex_lock(&writer_mu);
		writer_quit = 1;
		pthread_cond_signal(&writer_cv);
		pthread_mutex_unlock(&writer_mu);
		pthread_join(writer, NULL);
		writer_running = 0;
		ev_async_stop(server_loop, &writer_async);
	}
	if (compact_fd != -1) {
		/* Not renamed: the old journal has everything. */
		close(compact_fd);
		unlink(journal_new_path);
		compact_fd = -1;
	}
	if (journal_fd != -1) {
		if (fdatasync(journal_fd) == -1)
			log_warn("syncing %s", journal_path);
		close(journal_fd);
		journal_fd = -1;
	}
	if (journal_dirfd != -1) {
		close(journal_dirfd);
		journal_dirfd = -1;
	}
}

/* ---- loading ---- */

struct journal_entry {
	int64_t			id;
	int			forgotten;
	struct proto_record	rec;
};

static int
journal_cmp_id(const void *a, const void *b)
{
	int64_t	x = ((const struct journal_entry *)a)->id;
	int64_t	y = ((const struct journal_entry *)b)->id;

	return (x > y) - (x < y);
}

static void	*journal_tree;

static void
journal_put(int64_t id, struct proto_record *rec)
{
	struct journal_entry	*e = xcalloc(1, sizeof *e), **found;

	e->id = id;
	found = tsearch(e, &journal_tree, journal_cmp_id);
	if (found == NULL)
		fatalx("out of memory loading the journal");
	if (*found != e) {
		free(e);
		e = *found;
		if (!e->forgotten)
			proto_record_free(&e->rec);
	}
	if (rec != NULL) {
		e->rec = *rec;
		e->forgotten = 0;
	} else {
		memset(&e->rec, 0, sizeof e->rec);
		e->forgotten = 1;
	}
}

/* Records of versions before the journal: jobs/ID.json. */
static void
journal_load_files(void)
{
	struct proto_record	 st;
	struct proto_error	 err;
	struct dirent		*e;
	DIR			*d;
	char			 path[4600], *text, *end;
	size_t			 len;
	long long		 id;

	if ((d = opendir(journal_dir)) == NULL) {
		log_warn("opendir %s", journal_dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		switch (file_remove_stale_new(journal_dir, e->d_name,
		    ".json")) {
		case 1:
			log_info("%s/%s: removed (a write cut short)",
			    journal_dir, e->d_name);
			continue;
		case -1:
			log_warn("removing %s/%s", journal_dir, e->d_name);
			continue;
		}
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		id = strtoll(e->d_name, &end, 10);
		if (strcmp(end, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", journal_dir, e->d_name);
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
		if (st.job.id != id) {
			log_warnx("%s holds job id %lld; skipped", path,
			    (long long)st.job.id);
			proto_record_free(&st);
			continue;
		}
		journal_put(id, &st);
	}
	closedir(d);
}

/* The files of earlier versions, now in the journal. */
void
journal_forget_files(void)
{
	struct dirent	*e;
	DIR		*d;
	char		 path[4600], *end;

	if ((d = opendir(journal_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		(void)strtoll(e->d_name, &end, 10);
		if (strcmp(end, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", journal_dir, e->d_name);
		if (unlink(path) == -1)
			log_warn("unlink %s", path);
	}
	closedir(d);
}

static void
journal_load_lines(void)
{
	struct proto_record	 st;
	struct proto_error	 err;
	char			*text, *line, *nl;
	size_t			 len, lineno = 0;
	int64_t			 forget;

	if ((text = file_read_own(journal_path, &len)) == NULL) {
		log_warnx("reading %s: %s", journal_path,
		    file_strerror(errno));
		return;
	}
	for (line = text; line < text + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL) {
			log_warnx("%s:%zu: a line cut short (a write the daemon "
			    "did not finish); ignored", journal_path, lineno);
			break;
		}
		if (proto_journal_line_decode(line, (size_t)(nl - line), &st,
		    &forget, &err) == -1) {
			log_warnx("%s:%zu is garbled (%s: %s); skipped",
			    journal_path, lineno,
			    err.field[0] ? err.field : "line", err.message);
			continue;
		}
		if (forget > 0)
			journal_put(forget, NULL);
		else
			journal_put(st.job.id, &st);
	}
	free(text);
}

static void	(*journal_load_fn)(struct proto_record *);

static void
journal_load_one(const void *node, VISIT which, void *arg)
{
	struct journal_entry	*e = *(struct journal_entry *const *)node;

	if (which != postorder && which != leaf)
		return;
	if (!e->forgotten)
		journal_load_fn(&e->rec);
}

static void
journal_free_entry(void *p)
{
	struct journal_entry	*e = p;

	if (!e->forgotten)
		proto_record_free(&e->rec);
	free(e);
}

void
journal_load(void (*fn)(struct proto_record *))
{
	int	had_files;

	journal_load_files();
	had_files = journal_tree != NULL;
	journal_load_lines();
	journal_load_fn = fn;
	twalk_r(journal_tree, journal_load_one, NULL);
	tdestroy(journal_tree, journal_free_entry);
	journal_tree = NULL;
	/* The caller compacts next; the old files go once that is done. */
	if (had_files)
		log_info("records of jobs/ID.json folded into the journal");
}
