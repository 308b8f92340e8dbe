/*
 * The per-job shim (shim.c) and how it starts the job (spawn.c).
 */
#ifndef LAUNCH_SHIM_H
#define LAUNCH_SHIM_H

#include <sys/types.h>

#include "proto.h"

struct shim_child {
	const struct proto_submit	*spec;
	long long			 id;
	pid_t				 pid;
	int				 out;	/* read ends, -1: none */
	int				 err;
	int				 ready;
	char				 error[512];
};

/* What the spawner gives a shim it forked (spawner.c). */
struct shim_start {
	const char	*state_dir;
	long long	 id;
	off_t		 log_size;
	int		 log_files;
	int		 record_fd;	/* memfd: the job's record */
};

/* `launch-shim --spawner STATE_DIR LOG_SIZE LOG_FILES` (spawner.h). */
int	shim_main(int argc, char **argv);
int	spawner_main(int argc, char **argv);
/* The shim, in a child of the spawner, its listening socket on fd 3. */
void	shim_run(const struct shim_start *) __attribute__((noreturn));
/* qmp.c: send a QMP command (system_powerdown, quit) to the socket at
 * path and wait, bounded, for its answer; 0 or -1. */
int	shim_qmp(const char *path, const char *command);
/* Start the job; 0, or -1 with c->error saying what failed. */
int	shim_spawn(struct shim_child *c);

#endif
