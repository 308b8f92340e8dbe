#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpath.h"

int
sockpath_resolve(struct sockpath *sp, const char *opt, char *err,
    size_t errlen)
{
	const char	*dir;
	int		 n;

	memset(sp, 0, sizeof *sp);
	if (opt == NULL || *opt == '\0')
		opt = getenv("LAUNCH_SOCKET");
	if (opt != NULL && *opt != '\0') {
		n = snprintf(sp->path, sizeof sp->path, "%s", opt);
	} else if ((dir = getenv("XDG_RUNTIME_DIR")) != NULL && *dir == '/') {
		sp->is_default = 1;
		n = snprintf(sp->path, sizeof sp->path, "%s/launch/sock", dir);
	} else {
		sp->is_default = 1;
		n = snprintf(sp->path, sizeof sp->path, "/tmp/launch-%u/sock",
		    (unsigned)getuid());
	}
	if (n < 0 || (size_t)n >= sizeof sp->path) {
		snprintf(err, errlen, "socket path too long (%d bytes, at most "
		    "%zu): %.40s...", n, sizeof sp->path - 1, sp->path);
		return -1;
	}
	if (sp->path[n - 1] == '/') {
		snprintf(err, errlen, "socket path %s names a directory",
		    sp->path);
		return -1;
	}
	return 0;
}

int
sockpath_check_dir(const struct sockpath *sp, int create, char *err,
    size_t errlen)
{
	char		 dir[SOCKPATH_MAX];
	char		*slash;
	struct stat	 st;

	snprintf(dir, sizeof dir, "%s", sp->path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';

	if (create && sp->is_default && mkdir(dir, 0700) == -1 &&
	    errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		snprintf(err, errlen, "socket directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "socket directory %s is not a directory"
		    " (a symlink is refused)", dir);
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errlen, "socket directory %s is owned by uid %u,"
		    " not %u: refusing", dir, (unsigned)st.st_uid,
		    (unsigned)getuid());
		return -1;
	}
	if (sp->is_default && (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "socket directory %s has mode %04o, "
		    "expected 0700: refusing", dir, st.st_mode & 07777);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		snprintf(err, errlen, "socket directory %s is writable by "
		    "group or others (mode %04o): refusing", dir,
		    st.st_mode & 07777);
		return -1;
	}
	return 0;
}
