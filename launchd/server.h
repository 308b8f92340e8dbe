/*
 * `launch serve`: the daemon's entry point, called by the command table.
 */
#ifndef LAUNCH_SERVER_H
#define LAUNCH_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Exit codes of `launch serve` (documented in README.md). */
#define SERVER_EXIT_OK		0
#define SERVER_EXIT_FAILURE	1
#define SERVER_EXIT_RUNNING	4	/* another daemon serves the socket */

struct server_options {
	const char	*socket;	/* -S; NULL: default */
	enum log_level	 level;
	size_t		 history;	/* ended jobs kept */
	int64_t		 max_jobs;	/* 0: no limit */
	double		 stats_interval; /* seconds between "stats" events */
	struct {
		const char	*dir;		/* NULL: default */
		int64_t		 log_size;	/* bytes per log file */
		int		 log_files;	/* files per stream */
	} state;
};

int	server_run(const struct server_options *);

#endif
