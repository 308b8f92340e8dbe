/*
 * Whole small files: read one, or replace one atomically (write NAME.new,
 * fsync, rename over NAME, fsync the directory), as runit and s6 write
 * their status files.  A reader sees the old file or the new one, never a
 * mix.  Both return -1 with errno set.
 */
#ifndef LAUNCH_FILE_H
#define LAUNCH_FILE_H

#include <stddef.h>

#define FILE_READ_MAX	(16 * 1024 * 1024)

/* Read path whole (at most FILE_READ_MAX bytes; EFBIG beyond) into a
 * NUL-terminated malloc'd buffer. */
char	*file_read(const char *path, size_t *len);
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
/* rm -r of a directory of plain files (no recursion below one level). */
int	 file_remove_dir(const char *path);

#endif
