/*
 * systemd socket activation: `launch serve` started by launch.socket (or
 * by systemd-socket-activate) serves the listening socket it is given
 * instead of binding one of its own.
 *
 * The protocol, as sd_listen_fds(3) gives it: when $LISTEN_PID is this
 * process's pid, $LISTEN_FDS sockets are passed, from fd 3
 * (SD_LISTEN_FDS_START) on.  Another pid means the variables were meant
 * for some ancestor and leaked down to us: they are ignored (logged) and
 * the daemon binds its own socket, as sd_listen_fds does.  $LISTEN_PID
 * without $LISTEN_FDS is no activation either.
 *
 * Implemented here, not linked from libsystemd: systemd's "Interface
 * Portability and Stability" chart lists "$LISTEN_FDS/$LISTEN_PID FD
 * Passing" as covered by its stability promise and "reimplementable
 * independently", and sd_listen_fds(3) documents all of it (two
 * variables, fd 3, FD_CLOEXEC).  libsystemd would be linked into the one
 * `launch` binary, every client included, and load libgcrypt, liblzma,
 * libzstd, liblz4 and libcap with it (ldd libsystemd.so.0) at every
 * `launch submit` or `launch list`, for forty lines of protocol.  Only
 * the protocol is done here: no sd_notify, no fd names.
 *
 * What is served: exactly one fd (LISTEN_FDS=1: launch.socket has one
 * ListenStream=), an AF_UNIX SOCK_STREAM socket in listening state,
 * bound to the path this daemon would serve anyway (-S, $LAUNCH_SOCKET
 * or the default), which must still be there.  A socket bound elsewhere
 * is refused, naming both paths, rather than served: clients look for
 * the daemon at its path, and the lock (one daemon per socket) and the
 * directory checks are about that path.  Every refusal is a start-up
 * error naming LISTEN_FDS, exit 1 as serve's other socket errors.
 *
 * The three variables (and LISTEN_FDNAMES) are removed whatever happens,
 * so that shims and jobs never see them.  The socket is made
 * close-on-exec and non-blocking (the accept loop runs until EAGAIN;
 * systemd's own copy is non-blocking already).  systemd keeps its copy
 * and owns the path: the daemon never unlinks it (server.c), and the
 * next client after a shutdown starts a daemon again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "launchd.h"
#include "log.h"

#define ACTIVATE_FD	3	/* SD_LISTEN_FDS_START */

static int
activate_number(const char *s, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < 0 ||
	    *out > INT_MAX ? -1 : 0;
}

static const char *
activate_file_type(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a pipe";
	if (S_ISCHR(mode))
		return "a character device";
	return "not a socket";
}

/* Two names of one socket file (a relative -S, a symlinked directory). */
static int
activate_same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISSOCK(sa.st_mode) &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* fd 3 is what launch.socket passes, for path: 0, or -1 with err. */
static int
activate_check(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	socklen_t		 len;
	int			 domain, type, listening, flags;
	const int		 fd = ACTIVATE_FD;
	const char		*what = "socket activation (LISTEN_FDS=1)";

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: fd 3 %s", what, errno == EBADF ?
		    "is not open" : strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: fd 3 is %s, not a socket", what,
		    activate_file_type(st.st_mode));
		return -1;
	}
	len = sizeof domain;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1 ||
	    (len = sizeof type, getsockopt(fd, SOL_SOCKET, SO_TYPE, &type,
	    &len)) == -1 ||
	    (len = sizeof listening, getsockopt(fd, SOL_SOCKET,
	    SO_ACCEPTCONN, &listening, &len)) == -1) {
		snprintf(err, errlen, "%s: fd 3: getsockopt: %s", what,
		    strerror(errno));
		return -1;
	}
	if (domain != AF_UNIX) {
		snprintf(err, errlen, "%s: fd 3 is %s socket, not a unix one",
		    what, domain == AF_INET ? "an IPv4" : domain == AF_INET6 ?
		    "an IPv6" : "another family's");
		return -1;
	}
	if (type != SOCK_STREAM) {
		snprintf(err, errlen, "%s: fd 3 is a %s socket, not a stream "
		    "one", what, type == SOCK_DGRAM ? "datagram" :
		    type == SOCK_SEQPACKET ? "seqpacket" : "non-stream");
		return -1;
	}
	if (!listening) {
		snprintf(err, errlen, "%s: fd 3 is a socket that does not "
		    "listen", what);
		return -1;
	}
	memset(&sun, 0, sizeof sun);
	len = sizeof sun - 1;	/* the last byte stays NUL */
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1) {
		snprintf(err, errlen, "%s: fd 3: getsockname: %s", what,
		    strerror(errno));
		return -1;
	}
	if (len <= offsetof(struct sockaddr_un, sun_path) ||
	    sun.sun_path[0] == '\0') {
		snprintf(err, errlen, "%s: fd 3 is bound to no path (an "
		    "abstract or unnamed socket); expected %s", what, path);
		return -1;
	}
	if (strcmp(sun.sun_path, path) != 0 &&
	    !activate_same_file(sun.sun_path, path)) {
		snprintf(err, errlen, "%s: the socket passed is bound to %s, "
		    "but this daemon serves %s (-S, LAUNCH_SOCKET or the "
		    "default): give both the same path", what, sun.sun_path,
		    path);
		return -1;
	}
	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: the socket passed is bound to %s, "
		    "which is no longer there: no client can reach it "
		    "(restart the socket unit)", what, path);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(err, errlen, "%s: fd 3: fcntl: %s", what,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
activate_socket(const char *path, int *fdp, char *err, size_t errlen)
{
	const char	*env;
	char		 pid[32], fds[32];
	long long	 n;
	int		 have_pid, have_fds;

	*fdp = -1;
	if ((have_pid = (env = getenv("LISTEN_PID")) != NULL))
		snprintf(pid, sizeof pid, "%s", env);
	if ((have_fds = (env = getenv("LISTEN_FDS")) != NULL))
		snprintf(fds, sizeof fds, "%s", env);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (!have_pid || !have_fds)
		return 0;

	if (activate_number(pid, &n) == -1) {
		snprintf(err, errlen, "socket activation: LISTEN_PID=%s is "
		    "not a pid (LISTEN_FDS=%s)", pid, fds);
		return -1;
	}
	if (n != getpid()) {
		log_info("LISTEN_PID=%lld is not this process (pid %d): "
		    "ignoring LISTEN_FDS=%s, binding %s", n, (int)getpid(),
		    fds, path);
		return 0;
	}
	if (activate_number(fds, &n) == -1 || n != 1) {
		snprintf(err, errlen, "socket activation: LISTEN_FDS=%s: "
		    "expected 1 (one listening unix socket, fd 3)", fds);
		return -1;
	}
	if (activate_check(path, err, errlen) == -1)
		return -1;
	*fdp = ACTIVATE_FD;
	return 0;
}
