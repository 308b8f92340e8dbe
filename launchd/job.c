/*
 * The job table and each job's lifecycle, as an explicit state x event
 * table of small actions (after s6-supervise).  Drivers (proc.c, later
 * qemu and docker) report events; requests (request.c) ask for stops.
 *
 * Stopping: the stop signal goes to the job's whole process group; after
 * the stop timeout, SIGKILL.  A stop is complete ("settled") only when
 * the main process has been reaped AND the group is empty, so a stop
 * reply means every process of the job is gone.  The daemon is a child
 * subreaper (server.c), so orphaned grandchildren are reparented to it
 * and their deaths arrive as SIGCHLD: each one re-checks the draining
 * jobs (job_reaped_any), so emptiness is seen without polling.  If SIGKILL
 * has not emptied the group within JOB_KILL_GRACE (a process stuck in
 * uninterruptible sleep), the job settles anyway with a warning.
 *
 * A job that exits on its own is not stopped: processes it left in its
 * group keep running (as with supervisord and s6).
 *
 * Labels index the jobs in a tsearch(3) tree (sorted, so `list` is by
 * label); a second tree maps live pids to jobs for SIGCHLD.
 */
#include "config.h"

#include <errno.h>
#include <search.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

static void	*job_by_label;
static void	*job_by_pid;
static size_t	 job_total;
static LIST_HEAD(, job) job_draining = LIST_HEAD_INITIALIZER(job_draining);

static int
job_cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->spec.label,
	    ((const struct job *)b)->spec.label);
}

static int
job_cmp_pid(const void *a, const void *b)
{
	pid_t	pa = ((const struct job *)a)->pid;
	pid_t	pb = ((const struct job *)b)->pid;

	return (pa > pb) - (pa < pb);
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

struct job *
job_find_pid(pid_t pid)
{
	struct job	 key;
	void		*node;

	key.pid = pid;
	node = tfind(&key, &job_by_pid, job_cmp_pid);
	return node != NULL ? *(struct job **)node : NULL;
}

size_t
job_count(void)
{
	return job_total;
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
	    j->state == PROTO_STATE_STOPPING ||
	    j->state == PROTO_STATE_BACKOFF;
}

void
job_view(const struct job *j, struct proto_job *v)
{
	memset(v, 0, sizeof *v);
	v->label = j->spec.label;
	v->kind = j->driver->kind;
	v->state = j->state;
	v->pid = job_live(j) ? j->pid : 0;
	v->argv = j->spec.argv;
	v->env = j->spec.env;
	v->cwd = j->spec.cwd;
	v->stdout_path = j->spec.stdout_path;
	v->stderr_path = j->spec.stderr_path;
	v->started_ms = j->started_ms;
	v->ended_ms = j->ended_ms;
	v->exit_code = j->exit_code;
	v->signal = j->signal;
	v->restarts = j->restarts;
	v->error = j->error;
}

static void
job_index_pid(struct job *j)
{
	if (tsearch(j, &job_by_pid, job_cmp_pid) == NULL)
		fatalx("out of memory indexing pid %d", (int)j->pid);
}

static void
job_unindex_pid(struct job *j)
{
	if (j->pid > 0 && job_find_pid(j->pid) == j)
		tdelete(j, &job_by_pid, job_cmp_pid);
}

static void
job_destroy(struct job *j)
{
	job_unindex_pid(j);
	tdelete(j, &job_by_label, job_cmp_label);
	job_total--;
	ev_timer_stop(server_loop, &j->stop_timer);
	if (j->driver->cleanup != NULL)
		j->driver->cleanup(j);
	if (j->submit_peer != NULL)
		peer_unref(j->submit_peer);
	proto_submit_free(&j->spec);
	free(j->waiters);
	free(j->error);
	free(j);
}

/* The job has reached a final state: answer everyone waiting for it. */
static void
job_settle(struct job *j)
{
	struct waiter	**waiters = j->waiters;
	size_t		  n = j->nwaiters;

	ev_timer_stop(server_loop, &j->stop_timer);
	if (j->leader_dead)
		LIST_REMOVE(j, draining);
	j->leader_dead = 0;
	j->waiters = NULL;
	j->nwaiters = 0;
	for (size_t i = 0; i < n; i++)
		waiter_settled(waiters[i], j);
	free(waiters);
}

static void
job_reply_submit(struct job *j, const struct proto_error *err)
{
	struct peer	*peer = j->submit_peer;
	struct proto_job view;

	if (peer == NULL)
		return;
	j->submit_peer = NULL;
	if (err != NULL)
		peer_send(peer, proto_reply_error(j->submit_id, err));
	else {
		job_view(j, &view);
		peer_send(peer, proto_reply_job(j->submit_id, &view));
	}
	peer_done(peer);
	peer_unref(peer);
}

static void
job_stop_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	job_event(w->data, JOB_EV_TIMEOUT);
}

/* ---- actions: one per cell of the table below ---- */

static void
act_ignore(struct job *j)
{
}

static void
act_running(struct job *j)
{
	j->state = PROTO_STATE_RUNNING;
	log_info("%s: running, pid %d", j->spec.label, (int)j->pid);
	job_reply_submit(j, NULL);
	if (j->stop_pending) {
		j->stop_pending = 0;
		job_event(j, JOB_EV_STOP);
	}
}

static void
act_launch_failed(struct job *j)
{
	struct proto_error	err;

	log_warnx("%s: launch failed: %s", j->spec.label, j->error);
	proto_error_set(&err, PROTO_E_LAUNCH_FAILURE, "argv", "%s",
	    j->error != NULL ? j->error : "launch failed");
	job_reply_submit(j, &err);
	/* A job that never ran is not kept: the label is free again. */
	j->state = PROTO_STATE_FAILED;
	job_settle(j);
	job_destroy(j);
}

static void
act_defer_stop(struct job *j)
{
	j->stop_pending = 1;
}

static void
act_stop(struct job *j)
{
	j->state = PROTO_STATE_STOPPING;
	log_info("%s: stopping with %s, timeout %.1fs", j->spec.label,
	    proto_signal_name(j->stop_signal), j->stop_timeout);
	if (j->driver->signal(j, j->stop_signal) == -1)
		log_debug("%s: nothing left to signal", j->spec.label);
	/* SIGCONT too, so that a stopped job can act on the signal. */
	j->driver->signal(j, SIGCONT);
	ev_timer_set(&j->stop_timer, j->stop_timeout, 0.);
	ev_timer_start(server_loop, &j->stop_timer);
}

static void
act_exited(struct job *j)
{
	j->state = PROTO_STATE_EXITED;
	job_settle(j);
}

static void
act_stopping_exited(struct job *j)
{
	if (j->driver->alive(j)) {
		log_debug("%s: main process gone, waiting for its group",
		    j->spec.label);
		j->leader_dead = 1;
		LIST_INSERT_HEAD(&job_draining, j, draining);
		return;
	}
	act_exited(j);
}

static void
act_kill(struct job *j)
{
	if (j->killed) {
		/* Uninterruptible sleep: nothing more can be done.  A
		 * live leader will still be reaped and settle the job. */
		log_warnx("%s: process group %d survived SIGKILL for %.0fs",
		    j->spec.label, (int)j->pid, JOB_KILL_GRACE);
		if (j->leader_dead)
			act_exited(j);
		return;
	}
	log_info("%s: stop timeout, sending SIGKILL", j->spec.label);
	j->killed = 1;
	j->driver->signal(j, SIGKILL);
	ev_timer_set(&j->stop_timer, JOB_KILL_GRACE, 0.);
	ev_timer_start(server_loop, &j->stop_timer);
}

static void
act_group_empty(struct job *j)
{
	if (j->leader_dead)
		act_exited(j);
}

typedef void (*job_action)(struct job *);

/*
 * Rows: states.  Columns: events.  NULL cells cannot happen (a driver bug)
 * and are logged.  Backoff arrives with restart policies (issue 3).
 */
static const job_action job_table[PROTO_STATE__COUNT][JOB_EV__COUNT] = {
	[PROTO_STATE_STARTING] = {
		[JOB_EV_LAUNCHED] = act_running,
		[JOB_EV_LAUNCH_FAILED] = act_launch_failed,
		[JOB_EV_STOP] = act_defer_stop,
		[JOB_EV_TIMEOUT] = act_ignore,
		[JOB_EV_GROUP_EMPTY] = act_ignore,
	},
	[PROTO_STATE_RUNNING] = {
		[JOB_EV_EXIT] = act_exited,
		[JOB_EV_STOP] = act_stop,
		[JOB_EV_TIMEOUT] = act_ignore,
		[JOB_EV_GROUP_EMPTY] = act_ignore,
	},
	[PROTO_STATE_STOPPING] = {
		[JOB_EV_EXIT] = act_stopping_exited,
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_TIMEOUT] = act_kill,
		[JOB_EV_GROUP_EMPTY] = act_group_empty,
	},
	[PROTO_STATE_EXITED] = {
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_TIMEOUT] = act_ignore,
		[JOB_EV_GROUP_EMPTY] = act_ignore,
	},
	[PROTO_STATE_FAILED] = {
		[JOB_EV_STOP] = act_ignore,
		[JOB_EV_TIMEOUT] = act_ignore,
		[JOB_EV_GROUP_EMPTY] = act_ignore,
	},
	[PROTO_STATE_BACKOFF] = {
		[JOB_EV_TIMEOUT] = act_ignore,
		[JOB_EV_GROUP_EMPTY] = act_ignore,
	},
};

static const char *const job_event_names[JOB_EV__COUNT] = {
	"launched", "launch_failed", "exit", "stop", "timeout", "group_empty",
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

/* ---- entry points ---- */

int
job_submit(const struct proto_submit *spec, struct peer *peer, int64_t id,
    struct proto_error *err)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	proto_submit_copy(&j->spec, spec);
	j->driver = &proc_driver;
	j->state = PROTO_STATE_STARTING;
	j->exit_code = -1;
	j->status_fd = -1;
	ev_init(&j->stop_timer, job_stop_timer_cb);
	j->stop_timer.data = j;
	if (tsearch(j, &job_by_label, job_cmp_label) == NULL)
		fatalx("out of memory indexing %s", spec->label);
	job_total++;

	j->started_ms = server_now_ms();
	if (j->driver->start(j, err) == -1) {
		log_warnx("%s: launch failed: %s", spec->label, err->message);
		job_destroy(j);
		return -1;
	}
	job_index_pid(j);
	j->submit_peer = peer;
	j->submit_id = id;
	peer_ref(peer);
	log_debug("%s: started pid %d", spec->label, (int)j->pid);
	return 0;
}

void
job_stop(struct job *j, int sig, ev_tstamp timeout, struct waiter *w)
{
	if (!job_live(j)) {
		waiter_add_job(w, j);
		return;
	}
	j->waiters = xreallocarray(j->waiters, j->nwaiters + 1,
	    sizeof *j->waiters);
	j->waiters[j->nwaiters++] = w;
	w->pending++;
	if (j->state == PROTO_STATE_RUNNING ||
	    j->state == PROTO_STATE_STARTING) {
		j->stop_signal = sig;
		j->stop_timeout = timeout;
	}
	job_event(j, JOB_EV_STOP);
}

/* The job's main process was reaped with this wait status. */
void
job_exited(struct job *j, int wstatus)
{
	job_unindex_pid(j);
	j->ended_ms = server_now_ms();
	if (WIFEXITED(wstatus)) {
		j->exit_code = WEXITSTATUS(wstatus);
		j->signal = 0;
		log_info("%s: exited with code %d", j->spec.label,
		    j->exit_code);
	} else if (WIFSIGNALED(wstatus)) {
		j->exit_code = -1;
		j->signal = WTERMSIG(wstatus);
		log_info("%s: killed by %s", j->spec.label,
		    proto_signal_name(j->signal));
	}
	job_event(j, JOB_EV_EXIT);
}

/* A child was reaped: a job's group may have become empty. */
void
job_reaped_any(void)
{
	struct job	*j, *next;

	for (j = LIST_FIRST(&job_draining); j != NULL; j = next) {
		next = LIST_NEXT(j, draining);
		if (!j->driver->alive(j))
			job_event(j, JOB_EV_GROUP_EMPTY);
	}
}
