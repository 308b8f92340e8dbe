/*
 * `launch serve`: the daemon's entry point, called by the command table.
 */
#ifndef LAUNCH_SERVER_H
#define LAUNCH_SERVER_H

#include "log.h"

/* Exit codes of `launch serve` (documented in README.md). */
#define SERVER_EXIT_OK		0
#define SERVER_EXIT_FAILURE	1
#define SERVER_EXIT_RUNNING	4	/* another daemon serves the socket */

struct server_options {
	const char	*socket;	/* -S; NULL: default */
	enum log_level	 level;
};

int	server_run(const struct server_options *);

#endif
