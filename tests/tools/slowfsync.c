/*
 * An LD_PRELOAD library for tests/integration/slow_fsync.sh: a disk whose
 * fsync and fdatasync take as long as the test wants.  While the file
 * named by $SLOWFSYNC_GATE exists, each call first creates the file named
 * by $SLOWFSYNC_ENTERED (so the test knows a sync is being held) and then
 * waits for the gate to go; then it syncs for real.  Without the
 * variables it changes nothing.  Built by the test itself (cc -shared).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void
slowfsync_gate(void)
{
	const char	*gate = getenv("SLOWFSYNC_GATE");
	const char	*entered = getenv("SLOWFSYNC_ENTERED");
	struct timespec	 tick = { 0, 5 * 1000 * 1000 };
	int		 fd;

	if (gate == NULL || access(gate, F_OK) != 0)
		return;
	if (entered != NULL && (fd = open(entered, O_WRONLY | O_CREAT |
	    O_CLOEXEC, 0600)) != -1)
		close(fd);
	while (access(gate, F_OK) == 0)
		nanosleep(&tick, NULL);
}

int
fsync(int fd)
{
	static int	(*real)(int);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fsync");
	slowfsync_gate();
	return real(fd);
}

int
fdatasync(int fd)
{
	static int	(*real)(int);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
	slowfsync_gate();
	return real(fd);
}
