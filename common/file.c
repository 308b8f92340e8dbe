#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "xmalloc.h"

/* Refuse what fstat shows is not a plain file of ours (see file.h);
 * the fstat is left in *st for the caller. */
static int
file_check_own(int fd, int own, int single, struct stat *st)
{
	if (fstat(fd, st) == -1)
		return -1;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if (own && st->st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	if (single && st->st_nlink != 1) {
		errno = EMLINK;
		return -1;
	}
	return 0;
}

/* Read to the end, not to st_size: a /proc file says 0 bytes (the boot
 * id read as "" and a reboot went unnoticed). */
static char *
file_read_flags(const char *path, size_t *lenp, int own)
{
	struct stat	 st;
	char		*data = NULL;
	size_t		 len = 0, cap;
	ssize_t		 n;
	int		 fd, saved;

	/* O_NONBLOCK: a FIFO planted here must not block the open. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return NULL;
	if (file_check_own(fd, own, 0, &st) == -1)
		goto fail;
	cap = (size_t)st.st_size + 1 < 4096 ? 4096 : (size_t)st.st_size + 1;
	for (;;) {
		if (len > FILE_READ_MAX) {
			errno = EFBIG;
			goto fail;
		}
		if (len + 1 >= cap)
			cap *= 2;
		data = xreallocarray(data, cap, 1);
		n = read(fd, data + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	data[len] = '\0';
	*lenp = len;
	return data;
fail:
	saved = errno;
	free(data);
	close(fd);
	errno = saved;
	return NULL;
}

char *
file_read(const char *path, size_t *lenp)
{
	return file_read_flags(path, lenp, 0);
}

char *
file_read_own(const char *path, size_t *lenp)
{
	return file_read_flags(path, lenp, 1);
}

int
file_open_own(const char *path, int flags)
{
	struct stat	st;
	int		fd, fl, saved;

	if ((fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY, 0600)) == -1) {
		/* A FIFO without a reader, or a socket, opened to write. */
		if (errno == ENXIO)
			errno = EINVAL;
		return -1;
	}
	if (file_check_own(fd, 1, 1, &st) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
file_dir_own(const char *path, int create)
{
	struct stat	st;

	if (create && mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	if (lstat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

const char *
file_strerror(int e)
{
	switch (e) {
	case ELOOP:
		return "a symbolic link: refused";
	case EINVAL:
		return "not a regular file: refused";
	case EPERM:
		return "owned by another user or writable by others: refused";
	case EMLINK:
		return "has more than one hard link: refused";
	case ENOTDIR:
		return "not a directory (a symbolic link is refused)";
	default:
		return strerror(e);
	}
}

static int
file_write_all(int fd, const char *data, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_replace(const char *dir, const char *name, const char *data, size_t len)
{
	return file_replace_sync(dir, name, data, len, 1);
}

void
file_sync(const char *dir, const char *name)
{
	char	path[4096];
	int	fd;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) <
	    (int)sizeof path &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) != -1) {
		fsync(fd);
		close(fd);
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

int
file_replace_sync(const char *dir, const char *name, const char *data,
    size_t len, int sync)
{
	char	path[4096], tmp[4096];
	int	fd, dfd, saved;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    (int)sizeof path || snprintf(tmp, sizeof tmp, "%s/%s.new", dir,
	    name) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* A fresh file: whatever is at tmp (a stale one, or a symlink, hard
	 * link or FIFO planted there) is removed, never written through. */
	if (unlink(tmp) == -1 && errno != ENOENT)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return -1;
	if (file_write_all(fd, data, len) == -1 || (sync && fsync(fd) == -1)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	/* The rename itself must survive a crash too. */
	if (sync && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int
file_mkdirs(const char *path, int mode)
{
	char	buf[4096], *p;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, (mode_t)mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

int
file_remove_stale_new(const char *dir, const char *name, const char *suffix)
{
	char	path[4096];
	size_t	n = strlen(name), sn = strlen(suffix) + sizeof ".new" - 1;

	if (n <= sn || strncmp(name + n - sn, suffix, sn - 4) != 0 ||
	    strcmp(name + n - 4, ".new") != 0)
		return 0;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return unlink(path) == -1 && errno != ENOENT ? -1 : 1;
}

int
file_remove_dir(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	int		 dfd;

	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
	return rmdir(path);
}
