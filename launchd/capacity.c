/*
 * The daemon's job limit (`launch serve --max-jobs N`; ciao never
 * refused, launch does).  What counts is the jobs that hold a process or
 * are about to get one again: live (starting, running, stopping) and
 * backing off.  A submit, or a start of an ended job, that would go past
 * the limit fails with `full`; a policy restart never does (the job was
 * already counted while it backed off).  Ended jobs kept in the history
 * do not count.  The figures are computed when asked (a walk over the
 * table): no counter to keep in step with every state change.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "launchd.h"

static int64_t	capacity_max;		/* 0: no limit */

void
capacity_set_max(int64_t n)
{
	capacity_max = n;
}

int64_t
capacity_max_jobs(void)
{
	return capacity_max;
}

int64_t
capacity_active(void)
{
	struct job	**all;
	size_t		  n;
	int64_t		  active = 0;

	all = job_all(&n);
	for (size_t i = 0; i < n; i++)
		if (job_live(all[i]) || all[i]->state == PROTO_STATE_BACKOFF)
			active++;
	free(all);
	return active;
}

int
capacity_full(char *msg, size_t len)
{
	int64_t	active;

	if (capacity_max <= 0 || (active = capacity_active()) < capacity_max)
		return 0;
	if (msg != NULL)
		snprintf(msg, len, "full: %lld of at most %lld jobs are "
		    "running or restarting (launch serve --max-jobs)",
		    (long long)active, (long long)capacity_max);
	return 1;
}
