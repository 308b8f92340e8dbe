/*
 * Recovery at startup: load every job record from the state directory and
 * reattach to its shim, or settle it from the shim's status file.
 *
 * - A job whose record says it was live and whose shim still answers on
 *   its control socket is adopted (same pid, same logs).
 * - One that ended while the daemon was down is settled from the status
 *   file the shim left, with its true exit status and time.
 * - One whose shim vanished without a word is lost (a failure for the
 *   restart policy).
 * - After a reboot (the boot id differs) nothing of a job is left: it is
 *   lost, and only "always" jobs not stopped by the user start again.
 * - Jobs in backoff get their restart timer again.
 * - A job whose submit the crash cut short (its record says "fresh":
 *   written before the shim's fork, never launched) is adopted if its
 *   shim is up, else forgotten: the client saw no success, and a job
 *   is either whole or absent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

static void
job_recover_one(struct proto_record *st)
{
	struct proto_shim_status	 status;
	struct job			*j;
	int				 was_live;

	if (job_find(st->job.spec.label) != NULL) {
		log_warnx("job %lld: label %s is taken by an earlier job; "
		    "skipped", (long long)st->job.id, st->job.spec.label);
		return;
	}
	j = job_new(&st->job.spec, st->job.id);
	j->state = st->job.state;
	capacity_note(PROTO_STATE_EXITED, j->state);
	j->pid = (pid_t)st->job.pid;
	j->started_ms = st->job.started_ms;
	j->ready_ms = st->job.ready_ms;
	j->ended_ms = st->job.ended_ms;
	j->exit_code = st->job.exit_code;
	j->signal = st->job.signal;
	j->restarts = st->job.restarts;
	j->error = st->job.error != NULL ? xstrdup(st->job.error) : NULL;
	j->shim = st->shim;
	proto_strv_copy(&j->exec, &st->exec);
	j->qmp = st->qmp != NULL ? xstrdup(st->qmp) : NULL;
	j->container = st->job.container != NULL ?
	    xstrdup(st->job.container) : NULL;
	j->user_stopped = st->user_stopped;
	j->backoff = st->backoff;
	/* A submit cut short by the crash: if its shim never got the job
	 * going, the launch fails below and, fresh, the job is forgotten
	 * (as a failed submit is): never half a job. */
	j->fresh = st->fresh;
	j->generation = 1;
	j->launched = j->pid > 0;
	/* Its shim may have left its end in jobs/ID.status. */
	j->status_file = j->driver->shim;
	job_index(j);

	was_live = job_live(j);
	if (j->state == PROTO_STATE_BACKOFF) {
		job_schedule_restart(j);
		return;
	}
	if (!was_live)
		return;
	if (!j->driver->shim) {
		/* The engine keeps the container and its exit code. */
		if (j->driver->adopt(j) == -1)
			job_event(j, JOB_EV_LOST);
		return;
	}
	if (strcmp(j->shim.boot_id, state_boot_id()) != 0) {
		/* The machine restarted: nothing of the job is left. */
		char msg[96];
		snprintf(msg, sizeof msg, "lost: the system restarted");
		log_info("%s: %s", j->spec.label, msg);
		job_set_error(j, msg);
		if (j->fresh) {
			job_event(j, JOB_EV_LAUNCH_FAILED);
			return;
		}
		j->ended_ms = server_now_ms();
		j->exit_code = -1;
		j->signal = 0;
		event_job_exit(j, PROTO_REASON_LOST);
		job_set_state(j, PROTO_STATE_EXITED);
		if (j->spec.restart == PROTO_RESTART_ALWAYS &&
		    !j->user_stopped) {
			j->restarts++;
			job_event(j, JOB_EV_START);
		} else
			state_save(j);
		return;
	}
	/* Ended while we were away?  The shim wrote down how. */
	if (state_read_status(j, &status) == 0) {
		int ended = status.wstatus >= 0;
		if (ended) {
			log_info("%s: ended while the daemon was down",
			    j->spec.label);
			job_shim_status(j, &status, 1);
		}
		free(status.error);
		if (ended)
			return;
	}
	if (j->driver->adopt(j) == 0) {
		log_info("%s: adopted, pid %d (shim %lld)", j->spec.label,
		    (int)j->pid, (long long)j->shim.pid);
		return;
	}
	/* The shim may have ended between the two looks. */
	job_shim_gone(j);
}

void
job_recover(void)
{
	state_load(job_recover_one);
	job_history_rebuild();
	log_info("%zu jobs loaded from %s", job_count(), state_dir());
}
