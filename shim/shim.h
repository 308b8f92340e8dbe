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

/* `launch shim STATE_DIR ID LOG_SIZE LOG_FILES`. */
int	shim_main(int argc, char **argv);
/* qmp.c: send a QMP command (system_powerdown, quit) to the socket at
 * path and wait, bounded, for its answer; 0 or -1. */
int	shim_qmp(const char *path, const char *command);
/* Start the job; 0, or -1 with c->error saying what failed. */
int	shim_spawn(struct shim_child *c);

#endif
