/*
 * The job table and each job's lifecycle, as an explicit state x event
 * table of small actions (after s6-supervise).  The driver (proc.c) turns
 * what the shim reports into events; requests (request.c) ask for stops,
 * starts and removals.
 *
 * A job ends ("exit") when its main process has been reaped and its
 * process group is empty; the shim decides that (shim/shim.c).  What
 * happens then is the restart policy's call:
 * - a job stopped by the user is not restarted;
 * - "no" never restarts, "on-failure" restarts unless the job exited 0
 *   of its own accord, "always" always restarts;
 * - restarts wait in state backoff, 100 ms doubling to 30 s (loop timers,
 *   never sleep); the doubling counter resets once a run lasted 10 s;
 * - after max_restarts consecutive failed runs the job is "failed".
 *
 * A job whose shim vanished without recording an exit (killed, or the
 * machine rebooted) is "lost": it counts as a failure for the policy.
 * After a reboot only "always" jobs are started again, as documented.
 *
 * Waiters: a request that answers later (submit, stop, start, restart,
 * remove, wait) registers with each job it waits for, saying what it
 * wants (ended, launched, ready, finished) and from which launch on; the
 * job settles it when that happens, or when the job fails or ends first.
 *
 * History: at most job_history ended jobs are kept; beyond that the
 * oldest ended ones are forgotten (state and logs), so a million short
 * jobs cannot fill memory or disk.
 *
 * Labels index the jobs in a tsearch(3) tree, sorted, so `list` is by
 * label.
 */
#include "config.h"

#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "event.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

static void	*job_by_label;
static size_t	 job_total;
/* Ended jobs (exited or failed), oldest end first: the history. */
static TAILQ_HEAD(, job) job_ended = TAILQ_HEAD_INITIALIZER(job_ended);
static size_t	 job_nended;
static size_t	 job_history = 1000;
static int64_t	 job_next_id = 1;

static int
job_cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->spec.label,
	    ((const struct job *)b)->spec.label);
}

struct job *
job_find(const char *label)
{
	struct job	 key;
	void		*node;

	key.spec.label = (char *)label;
	node = tfind(&key, &job_by_label, job_cmp_label);
	return node != NULL ? *(struct job **)node : NULL;
}

size_t
job_count(void)
{
	return job_total;
}

void
job_set_history(size_t n)
{
	job_history = n;
}

struct job_collect {
	struct job	**v;
	size_t		  n;
};

static void
job_collect_one(const void *node, VISIT which, void *arg)
{
	struct job_collect	*c = arg;

	if (which == postorder || which == leaf)
		c->v[c->n++] = *(struct job *const *)node;
}

struct job **
job_all(size_t *n)
{
	struct job_collect	c;

	c.v = xcalloc(job_total + 1, sizeof *c.v);
	c.n = 0;
	twalk_r(job_by_label, job_collect_one, &c);
	*n = c.n;
	return c.v;
}

int
job_live(const struct job *j)
{
	return j->state == PROTO_STATE_STARTING ||
	    j->state == PROTO_STATE_RUNNING ||
	    j->state == PROTO_STATE_STOPPING;
}

void
job_view(const struct job *j, struct proto_job *v)
{
	memset(v, 0, sizeof *v);
	v->spec = j->spec;
	v->id = j->id;
	v->kind = j->driver->kind;
	v->state = j->state;
	v->pid = job_live(j) ? j->pid : 0;
	v->started_ms = j->started_ms;
	v->ready_ms = j->ready_ms;
	v->ended_ms = j->ended_ms;
	v->exit_code = j->exit_code;
	v->signal = j->signal;
	v->restarts = j->restarts;
	v->error = j->error;
	v->stdout_log = j->stdout_log;
	v->stderr_log = j->stderr_log;
	v->container = j->container;
}

void
job_fail_code(struct job *j, enum proto_code code, const char *field)
{
	j->fail_code = code;
	j->fail_field = field;
}

void
job_set_error(struct job *j, const char *msg)
{
	free(j->error);
	j->error = msg != NULL ? xstrdup(msg) : NULL;
}

static int
job_state_ended(enum proto_state s)
{
	return s == PROTO_STATE_EXITED || s == PROTO_STATE_FAILED;
}

/* In the history list while, and only while, ended. */
static void
job_history_note(struct job *j)
{
	if (job_state_ended(j->state) && !j->in_history) {
		TAILQ_INSERT_TAIL(&job_ended, j, ended_entry);
		j->in_history = 1;
		job_nended++;
	} else if (!job_state_ended(j->state) && j->in_history) {
		TAILQ_REMOVE(&job_ended, j, ended_entry);
		j->in_history = 0;
		job_nended--;
	}
}

static int
job_cmp_ended(const void *a, const void *b)
{
	const struct job	*x = *(struct job *const *)a;
	const struct job	*y = *(struct job *const *)b;

	if (x->ended_ms != y->ended_ms)
		return (x->ended_ms > y->ended_ms) - (x->ended_ms < y->ended_ms);
	return (x->id > y->id) - (x->id < y->id);
}

/* After recovery: the history in the order the jobs ended. */
void
job_history_rebuild(void)
{
	struct job	**all;
	size_t		  n, k = 0;

	all = job_all(&n);
	for (size_t i = 0; i < n; i++) {
		if (all[i]->in_history) {
			TAILQ_REMOVE(&job_ended, all[i], ended_entry);
			all[i]->in_history = 0;
			job_nended--;
		}
		if (job_state_ended(all[i]->state))
			all[k++] = all[i];
	}
	qsort(all, k, sizeof *all, job_cmp_ended);
	for (size_t i = 0; i < k; i++)
		job_history_note(all[i]);
	free(all);
}

/* Every state change after creation goes through here (for events). */
void
job_set_state(struct job *j, enum proto_state state)
{
	enum proto_state	from = j->state;

	j->state = state;
	job_history_note(j);
	/* A new job's first launch is its "start" event, not a change
	 * from the placeholder state it was created in. */
	if (from != state && !(j->fresh && j->generation <= 1 &&
	    from == PROTO_STATE_EXITED))
		event_job(j, PROTO_EV_STATE, from);
	/* After the job's own event: what made the daemon full comes
	 * first. */
	capacity_note(from, state);
}

/* ---- waiters ---- */

void
job_add_wait(struct job *j, struct waiter *w, enum job_want want,
    unsigned min_gen)
{
	j->waits = xreallocarray(j->waits, j->nwaits + 1, sizeof *j->waits);
	j->waits[j->nwaits].waiter = w;
	j->waits[j->nwaits].want = want;
	j->waits[j->nwaits].min_gen = min_gen;
	j->nwaits++;
	w->pending++;
}

void
job_drop_wait(struct job *j, struct waiter *w)
{
	size_t	i = 0;

	while (i < j->nwaits) {
		if (j->waits[i].waiter != w) {
			i++;
			continue;
		}
		j->waits[i] = j->waits[--j->nwaits];
		w->pending--;
	}
}

int
job_finished(const struct job *j)
{
	return (j->state == PROTO_STATE_EXITED ||
	    j->state == PROTO_STATE_FAILED) && !j->restart_pending;
}

/* Settle the waits that what just happened satisfies. */
static void
job_notify(struct job *j, enum job_want what)
{
	size_t	i = 0;

	while (i < j->nwaits) {
		struct job_wait	*jw = &j->waits[i];
		int		 ended = !job_live(j);
		int		 hit;

		if (jw->want == JOB_WANT_ENDED)
			hit = ended;
		else if (jw->want == JOB_WANT_FINISHED)
			hit = job_finished(j);
		else
			hit = j->generation >= jw->min_gen && (ended ||
			    what == jw->want || (what == JOB_WANT_READY &&
			    jw->want == JOB_WANT_LAUNCHED));
		if (!hit) {
			i++;
			continue;
		}
		struct waiter *w = jw->waiter;
		j->waits[i] = j->waits[--j->nwaits];
		waiter_settled(w, j);
	}
}

/* ---- the table ---- */

void
job_index(struct job *j)
{
	if (tsearch(j, &job_by_label, job_cmp_label) == NULL)
		fatalx("out of memory indexing %s", j->spec.label);
	job_total++;
	if (j->id >= job_next_id)
		job_next_id = j->id + 1;
}

struct job *
job_new(const struct proto_submit *spec, int64_t id)
{
	struct job	*j = xcalloc(1, sizeof *j);
	char		 path[4400];

	proto_submit_copy(&j->spec, spec);
	j->id = id;
	switch (spec->kind) {
	case PROTO_KIND_QEMU:
		j->driver = &qemu_driver;
		break;
	case PROTO_KIND_DOCKER:
		j->driver = &docker_driver;
		break;
	default:
		j->driver = &proc_driver;
		break;
	}
	j->state = PROTO_STATE_EXITED;
	j->exit_code = -1;
	j->ctl = -1;
	j->spawn_fd = j->spawn_mfd = -1;
	job_fail_code(j, PROTO_E_LAUNCH_FAILURE, "argv");
	if (spec->stdout_path != NULL)
		j->stdout_log = xstrdup(spec->stdout_path);
	else {
		state_log_path(j, "stdout", path, sizeof path);
		j->stdout_log = xstrdup(path);
	}
	if (spec->stderr_path != NULL)
		j->stderr_log = xstrdup(spec->stderr_path);
	else {
		state_log_path(j, "stderr", path, sizeof path);
		j->stderr_log = xstrdup(path);
	}
	ev_init(&j->backoff_timer, NULL);
	return j;
}

static void
job_destroy(struct job *j, int forget)
{
	/* Anyone still waiting gets the job's last view. */
	while (j->nwaits > 0) {
		struct waiter *w = j->waits[--j->nwaits].waiter;
		waiter_settled(w, j);
	}
	tdelete(j, &job_by_label, job_cmp_label);
	job_total--;
	if (j->in_history) {
		TAILQ_REMOVE(&job_ended, j, ended_entry);
		j->in_history = 0;
		job_nended--;
	}
	capacity_note(j->state, PROTO_STATE_EXITED);
	ev_timer_stop(server_loop, &j->backoff_timer);
	j->driver->cleanup(j);
	if (j->spawning)
		proc_spawn_drop(j);
	if (forget) {
		if (j->driver->forget != NULL)
			j->driver->forget(j);
		state_forget(j);
	} else
		state_drop(j);
	proto_submit_free(&j->spec);
	proto_strv_free(&j->exec);
	free(j->qmp);
	free(j->container);
	free(j->waits);
	free(j->error);
	free(j->stdout_log);
	free(j->stderr_log);
	free(j);
}

/* Forget the oldest ended jobs beyond the history bound: from the head
 * of the list of ended jobs, so that ending N jobs costs N steps, not N
 * walks of the table (docs/bench.md, stop at 10,000).  A job someone
 * still waits for is passed over this time. */
static void
job_trim_history(void)
{
	struct job	*j, *next;

	for (j = TAILQ_FIRST(&job_ended); j != NULL &&
	    job_nended > job_history; j = next) {
		next = TAILQ_NEXT(j, ended_entry);
		if (j->nwaits > 0)
			continue;
		log_info("%s: forgotten (history holds %zu ended jobs)",
		    j->spec.label, job_history);
		job_destroy(j, 1);
	}
}

static void
job_backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	job_event(w->data, JOB_EV_BACKOFF_DONE);
}

/* ---- actions: one per cell of the table below ---- */

static void
act_ignore(struct job *j)
{
}

static void
act_launch(struct job *j)
{
	char	why[512];

	j->generation++;
	j->launched = 0;
	j->launch_failed = 0;
	job_set_state(j, PROTO_STATE_STARTING);
	j->pid = 0;
	j->started_ms = server_now_ms();
	j->ready_ms = j->ended_ms = 0;
	j->exit_code = -1;
	j->signal = 0;
	job_set_error(j, NULL);
	job_fail_code(j, PROTO_E_LAUNCH_FAILURE, "argv");
	if (j->driver->start(j, why, sizeof why) == -1) {
		log_warnx("%s: cannot start: %s", j->spec.label, why);
		job_set_error(j, why);
		job_event(j, JOB_EV_LAUNCH_FAILED);
	}
}

static void
act_backoff_done(struct job *j)
{
	j->restarts++;
	act_launch(j);
}

static void
act_launched(struct job *j)
{
	j->launched = 1;
	if (j->fresh)
		j->fresh = 0;
	event_job(j, PROTO_EV_START, 0);
	if (j->spec.ready_fd == 0) {
		job_set_state(j, PROTO_STATE_RUNNING);
		log_info("%s: running, pid %d", j->spec.label, (int)j->pid);
	} else
		log_info("%s: started, pid %d; waiting for readiness on "
		    "fd %d", j->spec.label, (int)j->pid, j->spec.ready_fd);
	state_save(j);
	job_notify(j, j->spec.ready_fd == 0 ? JOB_WANT_READY :
	    JOB_WANT_LAUNCHED);
}

static void
act_ready(struct job *j)
{
	event_job(j, PROTO_EV_READY, 0);
	job_set_state(j, PROTO_STATE_RUNNING);
	log_info("%s: ready", j->spec.label);
	state_save(j);
	job_notify(j, JOB_WANT_READY);
}

static void
act_launch_failed(struct job *j)
{
	log_warnx("%s: launch failed: %s", j->spec.label,
	    j->error != NULL ? j->error : "unknown");
	j->driver->cleanup(j);
	j->launch_failed = 1;
	j->ended_ms = server_now_ms();
	event_job_exit(j, PROTO_REASON_LAUNCH_FAILURE);
	job_set_state(j, PROTO_STATE_FAILED);
	if (j->fresh) {
		/* A job that never ran is not kept: the label is free. */
		job_destroy(j, 1);
		return;
	}
	state_save(j);
	job_notify(j, JOB_WANT_ENDED);
}

static double
job_backoff_delay(int backoff)
{
	double	d = JOB_BACKOFF_MIN;

	for (int i = 1; i < backoff && d < JOB_BACKOFF_MAX; i++)
		d *= 2;
	return d < JOB_BACKOFF_MAX ? d : JOB_BACKOFF_MAX;
}

void
job_schedule_restart(struct job *j)
{
	double	delay = job_backoff_delay(j->backoff);

	job_set_state(j, PROTO_STATE_BACKOFF);
	log_info("%s: restarting in %.1fs (failure %d in a row)",
	    j->spec.label, delay, j->backoff);
	ev_timer_stop(server_loop, &j->backoff_timer);
	ev_timer_init(&j->backoff_timer, job_backoff_cb, delay, 0.);
	j->backoff_timer.data = j;
	ev_timer_start(server_loop, &j->backoff_timer);
}

/* The job has ended (status recorded): restart it, or let it rest. */
static void
act_ended(struct job *j)
{
	int	clean = j->exit_code == 0 && j->error == NULL;
	int	again, reason;

	if (j->lost)
		reason = PROTO_REASON_LOST;
	else if (j->user_stopped || j->restart_pending || j->removing ||
	    server_shutting_down)
		reason = PROTO_REASON_STOPPED;
	else if (j->signal > 0)
		reason = PROTO_REASON_SIGNALED;
	else
		reason = PROTO_REASON_EXITED;
	j->lost = 0;
	event_job_exit(j, reason);
	j->driver->cleanup(j);
	if (j->restart_pending) {
		/* `launch restart`: start again at once, no policy.  Still
		 * pending while waiters hear of the end: it is not the end
		 * of the job (job_finished). */
		j->user_stopped = 0;
		j->backoff = 0;
		job_set_state(j, PROTO_STATE_EXITED);
		job_notify(j, JOB_WANT_ENDED);
		j->restart_pending = 0;
		act_launch(j);
		return;
	}
	if (j->removing) {
		job_set_state(j, PROTO_STATE_EXITED);
		job_destroy(j, 1);
		return;
	}
	switch (j->spec.restart) {
	case PROTO_RESTART_ALWAYS:
		again = 1;
		break;
	case PROTO_RESTART_ON_FAILURE:
		again = !clean;
		break;
	default:
		again = 0;
		break;
	}
	if (j->user_stopped || server_shutting_down)
		again = 0;
	/* A run that lasted resets the doubling. */
	if (j->launched && j->ended_ms - j->started_ms >= JOB_BACKOFF_RESET_MS)
		j->backoff = 0;
	job_set_state(j, PROTO_STATE_EXITED);
	if (again) {
		j->backoff++;
		if (j->spec.max_restarts >= 0 &&
		    j->backoff > j->spec.max_restarts) {
			char msg[128];
			snprintf(msg, sizeof msg, "gave up after %lld "
			    "restarts in a row", (long long)j->spec.max_restarts);
			log_warnx("%s: %s", j->spec.label, msg);
			if (j->error == NULL)
				job_set_error(j, msg);
			job_set_state(j, PROTO_STATE_FAILED);
		} else
			job_schedule_restart(j);
	}
	state_save(j);
	job_notify(j, JOB_WANT_ENDED);
	if (!job_live(j) && j->state != PROTO_STATE_BACKOFF)
		job_trim_history();
}

static void
act_lost(struct job *j)
{
	char	msg[160];

	if (j->driver->shim) {
		snprintf(msg, sizeof msg, "lost: its shim (pid %lld) ended "
		    "without recording an exit", (long long)j->shim.pid);
		job_set_error(j, msg);
	} else if (j->error == NULL)	/* else the driver said why */
		job_set_error(j, "lost");
	log_warnx("%s: %s", j->spec.label, j->error);
	j->exit_code = -1;
	j->signal = 0;
	j->ended_ms = server_now_ms();
	j->lost = 1;
	act_ended(j);
}

static void
act_stop(struct job *j)
{
	/* The stop parameters were set by job_stop. */
	job_set_state(j, PROTO_STATE_STOPPING);
	state_save(j);
}

static void
act_stop_backoff(struct job *j)
{
	ev_timer_stop(server_loop, &j->backoff_timer);
	job_set_state(j, PROTO_STATE_EXITED);
	state_save(j);
	job_notify(j, JOB_WANT_ENDED);
}

typedef void (*job_action)(struct job *);

/*
 * Rows: states.  Columns: events.  NULL cells cannot happen (a driver
 * bug) and are logged.  EXIT and LOST go through act_ended, which applies
 * the restart policy.
 */
static const job_action job_table[PROTO_STATE__COUNT][JOB_EV__COUNT] = {
	[PROTO_STATE_STARTING] = {
		[JOB_EV_LAUNCHED] = act_launched,
		[JOB_EV_READY] = act_ready,
		[JOB_EV_LAUNCH_FAILED] = act_launch_failed,
		[JOB_EV_EXIT] = act_ended,
		[JOB_EV_LOST] = act_lost,
		[JOB_EV_STOP] = act_stop,
		[JOB_EV_START] = act_ignore,
		[JOB_EV_BACKOFF_DONE] = act_ignore,
	},
	[PROTO_STATE_RUNNING] = {
		[JOB_EV_LAUNCHED] = act_ignore,
		[JOB_EV_READY] = act_ignore,
		[JOB_EV_EXIT] = act_ended,
		[JOB_EV_LOST] = act_lost,
		[JOB_EV_STOP] = act_stop,
		[JOB_EV_START] = act_ignore,
		[JOB_EV_BACKOFF_DONE] = act_ignore,
	},
	[PROTO_STATE_STOPPING] = {
		[JOB_EV_LAUNCHED] = act_ignore,
		[JOB_EV_READY] = act_ignore,
		[JOB_EV_LAUNCH_FAILED] = act_launch_failed,
		[JOB_EV_EXIT] = act_ended,
		[JOB_EV_LOST] = act_lost,
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_START] = act_ignore,
		[JOB_EV_BACKOFF_DONE] = act_ignore,
	},
	[PROTO_STATE_EXITED] = {
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_START] = act_launch,
		[JOB_EV_BACKOFF_DONE] = act_ignore,
	},
	[PROTO_STATE_FAILED] = {
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_START] = act_launch,
		[JOB_EV_BACKOFF_DONE] = act_ignore,
	},
	[PROTO_STATE_BACKOFF] = {
		[JOB_EV_STOP] = act_stop_backoff,
		[JOB_EV_START] = act_launch,
		[JOB_EV_BACKOFF_DONE] = act_backoff_done,
	},
};

static const char *const job_event_names[JOB_EV__COUNT] = {
	"launched", "ready", "launch_failed", "exit", "lost", "stop", "start",
	"backoff_done",
};

void
job_event(struct job *j, enum job_event ev)
{
	job_action	act = job_table[j->state][ev];

	log_debug("%s: %s + %s", j->spec.label, proto_state_name(j->state),
	    job_event_names[ev]);
	if (act == NULL) {
		log_warnx("%s: event %s in state %s ignored", j->spec.label,
		    job_event_names[ev], proto_state_name(j->state));
		return;
	}
	act(j);
}

/* ---- entry points for requests ---- */

int
job_submit(const struct proto_submit *spec, struct waiter *w,
    enum job_want want, struct proto_error *err)
{
	struct job	*j;

	j = job_new(spec, job_next_id);
	j->fresh = 1;
	job_index(j);
	job_add_wait(j, w, want, 1);
	/* The record is written (durably) before the shim is forked. */
	job_event(j, JOB_EV_START);
	return 0;
}

void
job_stop(struct job *j, int sig, int64_t timeout_ms, struct waiter *w)
{
	if (w != NULL)
		job_add_wait(j, w, JOB_WANT_ENDED, 0);
	j->user_stopped = 1;
	if (j->state == PROTO_STATE_STARTING ||
	    j->state == PROTO_STATE_RUNNING) {
		log_info("%s: stopping with %s, timeout %.1fs", j->spec.label,
		    proto_signal_name(sig), (double)timeout_ms / 1000.);
		j->driver->stop(j, sig, timeout_ms);
	}
	job_event(j, JOB_EV_STOP);
	if (w != NULL)
		job_notify(j, JOB_WANT_ENDED);
}

void
job_start(struct job *j, struct waiter *w)
{
	if (job_live(j)) {
		/* Already up: nothing to wait for. */
		waiter_add_job(w, j);
		return;
	}
	j->user_stopped = 0;
	j->backoff = 0;
	ev_timer_stop(server_loop, &j->backoff_timer);
	job_add_wait(j, w, JOB_WANT_LAUNCHED, j->generation + 1);
	job_event(j, JOB_EV_START);
}

void
job_restart(struct job *j, int sig, int64_t timeout_ms, struct waiter *w)
{
	if (!job_live(j)) {
		job_start(j, w);
		return;
	}
	job_add_wait(j, w, JOB_WANT_LAUNCHED, j->generation + 1);
	j->restart_pending = 1;
	job_stop(j, sig, timeout_ms, NULL);
}

void
job_remove(struct job *j, int64_t timeout_ms, struct waiter *w)
{
	if (job_live(j)) {
		j->removing = 1;
		job_stop(j, SIGTERM, timeout_ms, w);
		return;
	}
	waiter_add_job(w, j);
	log_info("%s: removed", j->spec.label);
	job_destroy(j, 1);
}
