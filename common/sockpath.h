/*
 * Where the daemon's socket lives, and whether its directory is safe.
 *
 * Resolution order: -S PATH, then $LAUNCH_SOCKET, then
 * $XDG_RUNTIME_DIR/launch/sock, then /tmp/launch-$UID/sock.  The two
 * default directories are created mode 0700 and must be exactly that and
 * ours; a directory given through -S or LAUNCH_SOCKET must be ours and not
 * writable by group or others.  A directory someone else created, or a
 * symlink in its place, is refused: whoever controls the directory can
 * swap the socket.  The lock file is the socket path plus ".lock".
 */
#ifndef LAUNCH_SOCKPATH_H
#define LAUNCH_SOCKPATH_H

#include <stddef.h>
#include <sys/un.h>

#define SOCKPATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path))

struct sockpath {
	char	path[SOCKPATH_MAX];	/* the socket */
	int	is_default;		/* directory is ours to create */
};

/* Fill sp from the option (may be NULL) and the environment.  Returns -1
 * with a message in err when the path is empty or too long. */
int	sockpath_resolve(struct sockpath *sp, const char *opt, char *err,
	    size_t errlen);
/* Check (and for default paths create) the socket's directory. */
int	sockpath_check_dir(const struct sockpath *sp, int create, char *err,
	    size_t errlen);

#endif
