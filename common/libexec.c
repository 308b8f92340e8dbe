#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"

/* path = dir/name if it fits, and whether it is executable: 0, or -1
 * with errno. */
static int
libexec_try(const char *dir, size_t dirlen, const char *name, char *path,
    size_t len, char *tried, size_t triedlen)
{
	size_t	used;
	int	n;

	n = snprintf(path, len, "%.*s/%s", (int)dirlen, dir, name);
	if (tried != NULL) {
		used = strlen(tried);
		snprintf(tried + used, triedlen - used, "%s%.*s/%s",
		    used > 0 ? ", " : "", (int)dirlen, dir, name);
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return access(path, X_OK);
}

int
libexec_find(const char *name, char *path, size_t len, char *tried,
    size_t triedlen)
{
	char	 self[PATH_MAX], *slash;
	ssize_t	 n;

	if (tried != NULL && triedlen > 0)
		tried[0] = '\0';
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL &&
		    libexec_try(self, (size_t)(slash - self), name, path, len,
		    tried, triedlen) == 0)
			return 0;
	}
	/* errno: why the installed one is not there. */
	return libexec_try(PKGLIBEXECDIR, strlen(PKGLIBEXECDIR), name, path,
	    len, tried, triedlen);
}
