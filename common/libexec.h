/*
 * launch's helper programs (launch-shim, launch-ssh): small programs of
 * their own, so that no process maps libraries it does not use.  They
 * are looked for next to the running binary first (the build tree, or
 * a private install in one directory), then in $(pkglibexecdir), where
 * `make install` puts them.
 */
#ifndef LAUNCH_LIBEXEC_H
#define LAUNCH_LIBEXEC_H

#include <stddef.h>

/* The helper called name (e.g. "launch-ssh"), as an executable path in
 * path: 0, or -1 with errno when neither place has it.  tried, when not
 * NULL, receives the paths looked at, ", "-separated, for a message. */
int	libexec_find(const char *name, char *path, size_t len, char *tried,
	    size_t triedlen);

#endif
