#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "statedir.h"

int
statedir_resolve(const char *opt, char *path, size_t len, char *err,
    size_t errlen)
{
	const char	*env;
	int		 n;

	if (opt == NULL || *opt == '\0')
		opt = getenv("LAUNCH_STATE_DIR");
	if (opt != NULL && *opt != '\0')
		n = snprintf(path, len, "%s", opt);
	else if ((env = getenv("XDG_STATE_HOME")) != NULL && *env == '/')
		n = snprintf(path, len, "%s/launch", env);
	else if ((env = getenv("HOME")) != NULL && *env == '/')
		n = snprintf(path, len, "%s/.local/state/launch", env);
	else {
		snprintf(err, errlen, "no state directory: set HOME, "
		    "XDG_STATE_HOME or LAUNCH_STATE_DIR");
		return -1;
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "state directory path too long");
		return -1;
	}
	return 0;
}
