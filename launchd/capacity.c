/*
 * The daemon's job limit (`launch serve --max-jobs N`; ciao never
 * refused, launch does).  What counts is the jobs that hold a process or
 * are about to get one again: live (starting, running, stopping) and
 * backing off.  A submit, or a start of an ended job, that would go past
 * the limit fails with `full`; a policy restart never does (the job was
 * already counted while it backed off).  Ended jobs kept in the history
 * do not count.
 *
 * The count is kept in step by every state change (job_set_state, and
 * recovery and removal, which set or drop a state without one), so that
 * a submit's check costs nothing at 10,000 jobs.  When the daemon has a
 * limit, becoming full and becoming ready again are "capacity" events
 * (class "all"): a fleet scheduler learns it without polling `stats`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "event.h"
#include "launchd.h"

static int64_t	capacity_max;		/* 0: no limit */
static int64_t	capacity_n;		/* live or backing off */
static int	capacity_was_full;

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
	return capacity_n;
}

static int
capacity_counts(enum proto_state s)
{
	return s == PROTO_STATE_STARTING || s == PROTO_STATE_RUNNING ||
	    s == PROTO_STATE_STOPPING || s == PROTO_STATE_BACKOFF;
}

void
capacity_note(enum proto_state from, enum proto_state to)
{
	struct proto_event	ev;
	int			full;

	capacity_n += capacity_counts(to) - capacity_counts(from);
	if (capacity_max <= 0 ||
	    (full = capacity_n >= capacity_max) == capacity_was_full)
		return;
	capacity_was_full = full;
	memset(&ev, 0, sizeof ev);
	ev.type = PROTO_EV_CAPACITY;
	ev.full = full;
	ev.jobs_active = capacity_n;
	ev.max_jobs = capacity_max;
	event_emit(&ev);
}

int
capacity_full(char *msg, size_t len)
{
	if (capacity_max <= 0 || capacity_n < capacity_max)
		return 0;
	if (msg != NULL)
		snprintf(msg, len, "full: %lld of at most %lld jobs are "
		    "running or restarting (launch serve --max-jobs)",
		    (long long)capacity_n, (long long)capacity_max);
	return 1;
}
