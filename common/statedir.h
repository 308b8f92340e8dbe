/*
 * Where launch keeps state: the option given (serve --state-dir), else
 * $LAUNCH_STATE_DIR, else $XDG_STATE_HOME/launch, else
 * ~/.local/state/launch.  The daemon keeps its jobs there; `launch
 * subscribe --serve` keeps its receivers' files in receivers/ below it.
 * Only the path is resolved here: each user creates and checks what it
 * needs.
 */
#ifndef LAUNCH_STATEDIR_H
#define LAUNCH_STATEDIR_H

#include <stddef.h>

/* Fill path (len bytes) from opt (may be NULL) and the environment, or
 * return -1 with a message in err. */
int	statedir_resolve(const char *opt, char *path, size_t len, char *err,
	    size_t errlen);

#endif
