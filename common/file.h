/*
 * Whole small files: read one, or replace one atomically (write NAME.new,
 * fsync, rename over NAME, fsync the directory), as runit and s6 write
 * their status files.  A reader sees the old file or the new one, never a
 * mix.  Both return -1 with errno set.
 *
 * Hostile paths: what launch opens under its state directory must be
 * its own.  Opens never follow a final symlink (ELOOP) nor block on a
 * FIFO; the *_own calls also refuse a non-regular file (EINVAL), one of
 * another uid (EPERM) and, for writes, one with another hard link
 * (EMLINK), so a planted name can redirect neither a read nor a write.
 * A replace never writes through what is at NAME.new: it removes it and
 * creates a fresh file (O_EXCL).  file_strerror spells these refusals
 * out; use it for errors from these calls.
 */
#ifndef LAUNCH_FILE_H
#define LAUNCH_FILE_H

#include <stddef.h>

#define FILE_READ_MAX	(16 * 1024 * 1024)

/* Read path whole (at most FILE_READ_MAX bytes; EFBIG beyond) into a
 * NUL-terminated malloc'd buffer.  A non-regular file is EINVAL. */
char	*file_read(const char *path, size_t *len);
/* The same, and the file must be owned by our uid (EPERM). */
char	*file_read_own(const char *path, size_t *len);
/* open(2) path with flags (O_CREAT makes it 0600), refusing a symlink,
 * a non-regular file, another uid's file or one with other hard links. */
int	 file_open_own(const char *path, int flags);
/* path is a directory (with create, made 0700 if missing) owned by our
 * uid and not writable by group or others: else ENOTDIR or EPERM. */
int	 file_dir_own(const char *path, int create);
/* strerror(e), with the refusals above in words. */
const char *file_strerror(int e);
/* Atomically replace dir/name with data. */
/* The same; with sync 0 nothing is fsynced (file_sync does it later):
 * atomic for processes, not yet durable across a power cut. */
int	 file_replace_sync(const char *dir, const char *name,
	    const char *data, size_t len, int sync);
void	 file_sync(const char *dir, const char *name);
int	 file_replace(const char *dir, const char *name, const char *data,
	    size_t len);
/* mkdir -p with mode for each created component. */
int	 file_mkdirs(const char *path, int mode);
/* name is dir/NAME.new, a file_replace that a crash cut short (its
 * writer is gone: the caller knows no one else writes NAME): unlink it.
 * 1 if removed, 0 if name is not such a file, -1 on error. */
int	 file_remove_stale_new(const char *dir, const char *name,
	    const char *suffix);
/* rm -r of a directory of plain files (no recursion below one level). */
int	 file_remove_dir(const char *path);

#endif
