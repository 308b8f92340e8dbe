/*
 * Stopping a VM through its QMP socket (for the shim; see launchd/qemu.c):
 * connect, send qmp_capabilities and one command, and read until both
 * are answered, at most QMP_WAIT_MS.  Blocking, but bounded: the shim has
 * nothing else to do while it asks.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "shim.h"

#define QMP_WAIT_MS	2000


int
shim_qmp(const char *path, const char *command)
{
	struct sockaddr_un	 sun;
	char			 msg[256], in[4096];
	size_t			 used = 0;
	long long		 deadline;
	int			 fd, n, answers = 0;

	if (strlen(path) >= sizeof sun.sun_path)
		return -1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	n = snprintf(msg, sizeof msg, "{\"execute\":\"qmp_capabilities\"}\n"
	    "{\"execute\":\"%s\"}\n", command);
	if (send(fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return -1;
	}
	/* Each answer is a line with "return" (or "error"); events and the
	 * greeting are not counted. */
	deadline = clock_mono_ms() + QMP_WAIT_MS;
	while (answers < 2) {
		struct pollfd	pfd = { fd, POLLIN, 0 };
		long long	left = deadline - clock_mono_ms();
		ssize_t		r;
		char		*nl;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		r = read(fd, in + used, sizeof in - used - 1);
		if (r <= 0)
			break;		/* quit: qemu closes; that is fine */
		used += (size_t)r;
		in[used] = '\0';
		while ((nl = strchr(in, '\n')) != NULL) {
			*nl = '\0';
			if (strstr(in, "\"return\"") != NULL ||
			    strstr(in, "\"error\"") != NULL)
				answers++;
			used -= (size_t)(nl + 1 - in);
			memmove(in, nl + 1, used + 1);
		}
		if (used == sizeof in - 1)
			used = 0;	/* an absurd line: drop it */
	}
	close(fd);
	return answers == 2 ? 0 : -1;
}
