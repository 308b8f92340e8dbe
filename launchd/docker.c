/*
 * The docker driver: a job is a container run by the container engine
 * (Docker, or podman's compatible service) through the Docker Engine API
 * on its Unix socket.  The engine, not a shim, keeps the container and
 * its exit code while the daemon is down.  Requests are asynchronous
 * (http.c: libcurl multi on the daemon's loop): the daemon never waits
 * for the engine.  Decisions:
 *
 * - Endpoint: $DOCKER_HOST in the daemon's environment, read at each
 *   start, adoption and removal; only unix://PATH is supported (anything
 *   else fails the launch naming DOCKER_HOST); unset or empty:
 *   /var/run/docker.sock.  API version /v1.41 (Docker 20.10; podman 4's
 *   compatible service answers it too).
 * - Name: proto_container_name(label) ("launch-" and the label with
 *   bytes outside [A-Za-z0-9.-] hex-escaped), labels launch.label and
 *   launch.job.  A name taken by another container fails the launch,
 *   naming it: launch never removes a container it did not record.
 * - Start: create (proto_docker_create_body: Image, Cmd only if argv is
 *   given, Env as the spec has it: the image's environment is the base,
 *   not the process jobs' base set; Memory and NanoCpus when set); its id
 *   goes into the record at once; start; inspect (State.Pid, the PID 1 as
 *   the host sees it, and State.StartedAt become the job's pid and start
 *   time); LAUNCHED (also for a container that ended before the inspect:
 *   its start succeeded); then a long-poll wait.  Images are not pulled:
 *   a missing one is image_failure on docker.image.  A start the engine
 *   refuses (a command not in the image) is launch_failure with its
 *   message, and a first submit's container is deleted with the job.
 *   Starting a job again (restart policy, `launch start`, `launch
 *   restart`) starts its recorded container again if it still exists,
 *   else creates one: a container's writable layer and log (`launch
 *   logs` reads it from the engine, launchctl/docker-logs.c) last as
 *   long as the job.
 * - Exit: when the wait returns, whatever it says (a broken connection
 *   too), one inspect gives State.ExitCode, FinishedAt (the end time)
 *   and OOMKilled (the job's error then says so); a container still
 *   alive (podman says "stopping" during a stop) is waited on again; one
 *   removed meanwhile is lost.  The engine reports a container killed by
 *   signal N as exit 128+N, which a process can also exit with: it is
 *   the signal only when launch sent it (during a stop, 128+SIGKILL or
 *   128+the stop signal), otherwise the exit code (137 stays 137).
 * - Stop: SIGTERM is POST /stop?t=ceil(timeout) (the engine sends the
 *   image's stop signal, SIGTERM by default, then SIGKILL after t
 *   seconds); another signal is POST /kill?signal=SIG, then /kill
 *   ?signal=KILL after the timeout (our timer).  The wait reports the
 *   end.  A PID 1 without a handler ignores SIGTERM (no --init), so such
 *   a container ends by SIGKILL after the timeout.
 * - Remove: DELETE /containers/ID?force=true&v=true, fire and forget.
 * - After a daemon restart (adopt): inspect the recorded container (by
 *   name if the daemon died before the create returned, checking its
 *   launch.job label): running: wait on it again; exited: its true exit
 *   code and FinishedAt; created but never started: start it; gone:
 *   lost.  A job that was stopping is stopped again with SIGTERM and the
 *   default 10 s timeout (the stop's own timeout is not recorded, and a
 *   non-TERM stop's SIGKILL timer died with the daemon).  The boot id
 *   rule of process jobs does not apply: after a reboot the engine says
 *   how the container ended and the restart policy applies to that exit
 *   as to any other; a container that ran and is back to "created" with
 *   no exit (podman resets them so after a reboot) is lost.
 * - Engine unreachable: at a start, the launch fails ("cannot reach the
 *   container engine at unix://..."), which leaves a restarted job
 *   failed.  While a container runs or is being adopted (the wait broke,
 *   the engine is restarting): retried from 250 ms doubling to 5 s; after
 *   60 s without an answer, or at once while the daemon shuts down, the
 *   job is lost (a failure for the restart policy).  A container that
 *   still runs then is found again by `launch start` (its start answers
 *   "already started").
 * - libcurl is loaded at the first start, adoption or removal
 *   (http_setup, common/curlload.c), not linked.  When it cannot be
 *   loaded, a start fails (launch_failure on docker, saying which
 *   library and why), an adoption loses the job and a removal leaves
 *   the container, each saying so; the next one tries again.
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dockerhost.h"
#include "http.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define DOCKER_RETRY_MIN	0.25
#define DOCKER_RETRY_MAX	5.0
#define DOCKER_GIVE_UP_MS	60000

/* A run in progress (or an adoption): j->docker while the job is live. */
struct docker_job {
	struct job	*job;
	char		 sock[DOCKERHOST_MAX];
	char		 name[PROTO_CONTAINER_NAME_MAX];
	struct http_req	*req;		/* create, start or inspect */
	struct http_req	*wait;		/* the wait long-poll */
	struct http_req	*stop;		/* stop or kill */
	ev_timer	 kill_timer;	/* kill?signal=KILL after the timeout */
	ev_timer	 retry_timer;	/* the engine did not answer */
	int64_t		 unreachable_ms; /* since when; 0: it answers */
	double		 retry_delay;
	int		 reusing;	/* starting a recorded container */
	int		 started;	/* the engine started it, this run */
	int		 adopting;	/* the first inspect after a restart */
	int		 running;	/* waited on: a stop may go now */
	int		 stop_sig;	/* 0: no stop asked */
	int64_t		 stop_ms;
	int		 stop_sent;
};

static void	docker_create(struct docker_job *);
static void	docker_start_container(struct docker_job *);
static void	docker_check(struct docker_job *);

void
docker_init(void)
{
	http_init();
}

/* The launch failed: the job's waiters get code, field and why.  dj and
 * the job may be gone on return. */
static void __attribute__((format(printf, 4, 5)))
docker_fail(struct docker_job *dj, enum proto_code code, const char *field,
    const char *fmt, ...)
{
	struct job	*j = dj->job;
	char		 msg[1024];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	job_fail_code(j, code, field);
	job_set_error(j, msg);
	job_event(j, JOB_EV_LAUNCH_FAILED);
}

static void
docker_unreachable_fail(struct docker_job *dj, const struct http_res *res)
{
	docker_fail(dj, PROTO_E_LAUNCH_FAILURE, "docker", "cannot reach the "
	    "container engine at unix://%s: %s", dj->sock, res->error);
}

/* The job's container cannot be followed any more: why.  dj and the
 * job may be gone on return. */
static void __attribute__((format(printf, 2, 3)))
docker_lost(struct docker_job *dj, const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	job_set_error(dj->job, msg);
	job_event(dj->job, JOB_EV_LOST);
}

/* The container ended with code (ended_ms 0: now).  dj and the job
 * may be gone on return. */
static void
docker_exited(struct docker_job *dj, int code, int64_t ended_ms, int oom)
{
	struct job	*j = dj->job;

	j->ended_ms = ended_ms > 0 ? ended_ms : server_now_ms();
	if (dj->stop_sig != 0 && code > 128 && (code - 128 == SIGKILL ||
	    code - 128 == dj->stop_sig)) {
		j->exit_code = -1;
		j->signal = code - 128;
		log_info("%s: killed by %s", j->spec.label,
		    proto_signal_name(j->signal));
	} else {
		j->exit_code = code;
		j->signal = 0;
		log_info("%s: exited with code %d", j->spec.label, code);
	}
	if (oom)
		job_set_error(j, "killed: out of memory");
	job_event(j, JOB_EV_EXIT);
}

static void
docker_stopped(void *arg, const struct http_res *res)
{
	struct docker_job	*dj = arg;
	char			 msg[512];

	dj->stop = NULL;
	if (res->status == 0) {
		log_warnx("%s: stop: cannot reach the container engine at "
		    "unix://%s: %s", dj->job->spec.label, dj->sock, res->error);
		return;
	}
	/* 304: already stopped; 409 (podman: 500) on a kill: not running. */
	if (res->status != 204 && res->status != 304) {
		dockerhost_message(res->body, res->status, msg, sizeof msg);
		log_info("%s: the engine answered the stop with %ld: %s",
		    dj->job->spec.label, res->status, msg);
	}
}

static void
docker_kill_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct docker_job	*dj = w->data;

	log_info("%s: still running after the stop timeout: SIGKILL",
	    dj->job->spec.label);
	http_cancel(dj->stop);
	dj->stop = http_request(dj->sock, "POST", NULL, docker_stopped, dj,
	    DOCKERHOST_API "/containers/%s/kill?signal=KILL",
	    dj->job->container);
}

static void
docker_send_stop(struct docker_job *dj)
{
	struct job	*j = dj->job;

	dj->stop_sent = 1;
	http_cancel(dj->stop);
	if (dj->stop_sig == SIGTERM) {
		dj->stop = http_request(dj->sock, "POST", NULL,
		    docker_stopped, dj, DOCKERHOST_API "/containers/%s/stop"
		    "?t=%lld", j->container,
		    (long long)((dj->stop_ms + 999) / 1000));
		return;
	}
	dj->stop = http_request(dj->sock, "POST", NULL, docker_stopped, dj,
	    DOCKERHOST_API "/containers/%s/kill?signal=%s", j->container,
	    proto_signal_name(dj->stop_sig));
	ev_timer_stop(server_loop, &dj->kill_timer);
	ev_timer_set(&dj->kill_timer, (double)dj->stop_ms / 1000., 0.);
	ev_timer_start(server_loop, &dj->kill_timer);
}

static void
docker_waited(void *arg, const struct http_res *res)
{
	struct docker_job	*dj = arg;

	dj->wait = NULL;
	dj->running = 0;
	if (res->status == 0)
		log_info("%s: the wait on its container broke: %s",
		    dj->job->spec.label, res->error);
	/* Whatever the wait said, the inspect says how it ended, and when
	 * (or that it still runs: a broken wait). */
	docker_check(dj);
}

/* The container runs: wait for its end, and send a pending stop. */
static void
docker_wait(struct docker_job *dj)
{
	dj->running = 1;
	dj->wait = http_request(dj->sock, "POST", NULL, docker_waited, dj,
	    DOCKERHOST_API "/containers/%s/wait", dj->job->container);
	if (dj->stop_sig != 0 && !dj->stop_sent)
		docker_send_stop(dj);
}

static void
docker_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	docker_check(w->data);
}

/* An inspect got no answer: try again for a while, then lose the job. */
static void
docker_unreachable(struct docker_job *dj, const char *why)
{
	struct job	*j = dj->job;
	int64_t		 now = server_now_ms();

	if (dj->unreachable_ms == 0) {
		dj->unreachable_ms = now;
		dj->retry_delay = DOCKER_RETRY_MIN;
		log_warnx("%s: cannot reach the container engine at "
		    "unix://%s: %s; trying again", j->spec.label, dj->sock,
		    why);
	}
	if (server_shutting_down || now - dj->unreachable_ms >=
	    DOCKER_GIVE_UP_MS) {
		docker_lost(dj, "lost: cannot reach the container engine at "
		    "unix://%s: %s", dj->sock, why);
		return;
	}
	ev_timer_set(&dj->retry_timer, dj->retry_delay, 0.);
	ev_timer_start(server_loop, &dj->retry_timer);
	dj->retry_delay *= 2;
	if (dj->retry_delay > DOCKER_RETRY_MAX)
		dj->retry_delay = DOCKER_RETRY_MAX;
}

/* Its start is over: LAUNCHED, once per run, with the engine's start
 * time. */
static void
docker_launched(struct docker_job *dj, const cJSON *st)
{
	struct job	*j = dj->job;
	int64_t		 started;

	if (j->launched || j->state != PROTO_STATE_STARTING)
		return;
	if ((started = dockerhost_time(dockerhost_string(st, "StartedAt"))) > 0)
		j->started_ms = started;
	job_event(j, JOB_EV_LAUNCHED);
}

/*
 * What the inspect says: the container runs (wait on it; LAUNCHED if
 * this is a launch), was created but never started (start it), or has
 * ended (its exit).  dj and the job may be gone on return.
 */
static void
docker_settle(struct docker_job *dj, const cJSON *o)
{
	struct job	*j = dj->job;
	const cJSON	*st = cJSON_GetObjectItemCaseSensitive(o, "State");
	const char	*status = dockerhost_string(st, "Status");
	int		 oom;

	if (status == NULL)
		status = "";
	/* Alive: podman says "stopping" while a stop is under way. */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Running")) ||
	    strcmp(status, "running") == 0 || strcmp(status, "paused") == 0 ||
	    strcmp(status, "restarting") == 0 ||
	    strcmp(status, "stopping") == 0) {
		j->pid = dockerhost_number(st, "Pid");
		if (dj->adopting)
			log_info("%s: adopted, container %.12s, pid %d",
			    j->spec.label, j->container, (int)j->pid);
		dj->adopting = 0;
		docker_wait(dj);
		docker_launched(dj, st);
		return;
	}
	if (strcmp(status, "created") == 0 && !j->launched && !dj->started) {
		dj->adopting = 0;
		dj->reusing = 1;
		docker_start_container(dj);
		return;
	}
	if (strcmp(status, "created") == 0 && j->launched) {
		/* Podman resets its containers so after a reboot. */
		docker_lost(dj, "lost: its container %.12s ran but has no "
		    "exit status (the system restarted?)", j->container);
		return;
	}
	if (dj->adopting)
		log_info("%s: ended while the daemon was down",
		    j->spec.label);
	/* Started, and over before we looked: it did run. */
	if (dj->started)
		docker_launched(dj, st);
	oom = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "OOMKilled"));
	docker_exited(dj, dockerhost_number(st, "ExitCode"),
	    dockerhost_time(dockerhost_string(st, "FinishedAt")), oom);
}

static void
docker_checked(void *arg, const struct http_res *res)
{
	struct docker_job	*dj = arg;
	struct job		*j = dj->job;
	cJSON			*o;
	const cJSON		*cfg;
	const char		*id, *owner;
	char			 msg[512], want[32];

	dj->req = NULL;
	if (res->status == 0 || res->status >= 500) {
		if (res->status != 0)
			dockerhost_message(res->body, res->status, msg,
			    sizeof msg);
		docker_unreachable(dj, res->status == 0 ? res->error : msg);
		return;
	}
	if (dj->unreachable_ms != 0)
		log_info("%s: the container engine answers again",
		    j->spec.label);
	dj->unreachable_ms = 0;
	if (res->status == 404 && j->container == NULL) {
		/* The daemon died before the create: make it now. */
		dj->adopting = 0;
		docker_create(dj);
		return;
	}
	if (res->status == 404) {
		docker_lost(dj, "lost: its container %.12s is gone",
		    j->container);
		return;
	}
	o = cJSON_Parse(res->body);
	id = dockerhost_string(o, "Id");
	if (res->status != 200 || id == NULL) {
		cJSON_Delete(o);
		snprintf(msg, sizeof msg, "the engine's inspect answered "
		    "%ld without an Id", res->status);
		docker_unreachable(dj, msg);
		return;
	}
	if (j->container == NULL) {
		/* Found by name: it must be this job's. */
		cfg = cJSON_GetObjectItemCaseSensitive(o, "Config");
		owner = dockerhost_string(cJSON_GetObjectItemCaseSensitive(cfg,
		    "Labels"), "launch.job");
		snprintf(want, sizeof want, "%lld", (long long)j->id);
		if (owner == NULL || strcmp(owner, want) != 0) {
			cJSON_Delete(o);
			docker_lost(dj, "lost: the container named %s is not "
			    "this job's", dj->name);
			return;
		}
		j->container = xstrdup(id);
		state_save(j);
	}
	docker_settle(dj, o);
	cJSON_Delete(o);
}

/* Inspect the container (by name when its id was never recorded). */
static void
docker_check(struct docker_job *dj)
{
	dj->req = http_request(dj->sock, "GET", NULL, docker_checked, dj,
	    DOCKERHOST_API "/containers/%s/json", dj->job->container != NULL ?
	    dj->job->container : dj->name);
}

static void
docker_started(void *arg, const struct http_res *res)
{
	struct docker_job	*dj = arg;
	struct job		*j = dj->job;
	char			 msg[512];

	dj->req = NULL;
	if (res->status == 0) {
		docker_unreachable_fail(dj, res);
		return;
	}
	if (res->status == 404 && dj->reusing) {
		log_info("%s: its container %.12s is gone; creating another",
		    j->spec.label, j->container);
		free(j->container);
		j->container = NULL;
		dj->reusing = 0;
		docker_create(dj);
		return;
	}
	/* 304: it was running already (found again after a loss). */
	if (res->status != 204 && res->status != 304) {
		dockerhost_message(res->body, res->status, msg, sizeof msg);
		docker_fail(dj, PROTO_E_LAUNCH_FAILURE, "argv", "starting "
		    "container %.12s: %s", j->container, msg);
		return;
	}
	dj->started = 1;
	docker_check(dj);
}

static void
docker_start_container(struct docker_job *dj)
{
	dj->req = http_request(dj->sock, "POST", NULL, docker_started, dj,
	    DOCKERHOST_API "/containers/%s/start", dj->job->container);
}

static void
docker_created(void *arg, const struct http_res *res)
{
	struct docker_job	*dj = arg;
	struct job		*j = dj->job;
	cJSON			*o;
	const char		*id;
	char			 msg[512];

	dj->req = NULL;
	if (res->status == 0) {
		docker_unreachable_fail(dj, res);
		return;
	}
	if (res->status != 201) {
		dockerhost_message(res->body, res->status, msg, sizeof msg);
		if (res->status == 404)
			docker_fail(dj, PROTO_E_IMAGE_FAILURE, "docker.image",
			    "docker.image: %s (images are not pulled: pull it "
			    "first)", msg);
		/* Docker says 409; podman 4 says 500 "already in use". */
		else if (res->status == 409 || strstr(msg, "already in use"))
			docker_fail(dj, PROTO_E_LAUNCH_FAILURE, "label",
			    "a container named %s already exists and is not "
			    "this job's (remove it: docker rm %s)", dj->name,
			    dj->name);
		else
			docker_fail(dj, PROTO_E_LAUNCH_FAILURE, "docker",
			    "creating container %s: %s", dj->name, msg);
		return;
	}
	o = cJSON_Parse(res->body);
	if ((id = dockerhost_string(o, "Id")) == NULL || *id == '\0' ||
	    strspn(id, "0123456789abcdef") != strlen(id)) {
		cJSON_Delete(o);
		docker_fail(dj, PROTO_E_LAUNCH_FAILURE, "docker", "the "
		    "engine's answer to the create has no usable Id");
		return;
	}
	free(j->container);
	j->container = xstrdup(id);
	cJSON_Delete(o);
	/* Recorded before it runs; if this fails (logged), an adoption
	 * still finds it by name. */
	state_save(j);
	docker_start_container(dj);
}

static void
docker_create(struct docker_job *dj)
{
	char	*body;

	body = proto_docker_create_body(&dj->job->spec, dj->job->id);
	dj->req = http_request(dj->sock, "POST", body, docker_created, dj,
	    DOCKERHOST_API "/containers/create?name=%s", dj->name);
	free(body);
}

static struct docker_job *
docker_job_new(struct job *j, const char *sock)
{
	struct docker_job	*dj = xcalloc(1, sizeof *dj);

	dj->job = j;
	snprintf(dj->sock, sizeof dj->sock, "%s", sock);
	proto_container_name(j->spec.label, dj->name, sizeof dj->name);
	ev_init(&dj->kill_timer, docker_kill_cb);
	dj->kill_timer.data = dj;
	ev_init(&dj->retry_timer, docker_retry_cb);
	dj->retry_timer.data = dj;
	j->docker = dj;
	return dj;
}

static void
docker_cleanup(struct job *j)
{
	struct docker_job	*dj = j->docker;

	if (dj == NULL)
		return;
	http_cancel(dj->req);
	http_cancel(dj->wait);
	http_cancel(dj->stop);
	ev_timer_stop(server_loop, &dj->kill_timer);
	ev_timer_stop(server_loop, &dj->retry_timer);
	free(dj);
	j->docker = NULL;
}

static int
docker_start(struct job *j, char *why, size_t whylen)
{
	struct docker_job	*dj;
	char			 sock[DOCKERHOST_MAX];

	if (dockerhost_socket(sock, sizeof sock, why, whylen) == -1 ||
	    http_setup(why, whylen) == -1) {
		job_fail_code(j, PROTO_E_LAUNCH_FAILURE, "docker");
		return -1;
	}
	docker_cleanup(j);	/* a previous run's, if any */
	dj = docker_job_new(j, sock);
	if (j->container != NULL) {
		dj->reusing = 1;
		docker_start_container(dj);
	} else
		docker_create(dj);
	return 0;
}

static void
docker_stop(struct job *j, int sig, int64_t timeout_ms)
{
	struct docker_job	*dj = j->docker;

	if (dj == NULL)
		return;
	dj->stop_sig = sig;
	dj->stop_ms = timeout_ms;
	dj->stop_sent = 0;
	/* Else it goes once the container runs (docker_wait). */
	if (dj->running)
		docker_send_stop(dj);
	else if (dj->unreachable_ms != 0 && dj->req == NULL) {
		/* Waiting to try the engine again: try now. */
		ev_timer_stop(server_loop, &dj->retry_timer);
		docker_check(dj);
	}
}

static int
docker_adopt(struct job *j)
{
	struct docker_job	*dj;
	char			 sock[DOCKERHOST_MAX], why[512];

	if (dockerhost_socket(sock, sizeof sock, why, sizeof why) == -1 ||
	    http_setup(why, sizeof why) == -1) {
		free(j->error);
		xasprintf(&j->error, "lost: %s", why);
		return -1;
	}
	dj = docker_job_new(j, sock);
	dj->adopting = 1;
	/* A job that ran keeps its LAUNCHED; one still starting gets it. */
	j->launched = j->state == PROTO_STATE_RUNNING ||
	    (j->state == PROTO_STATE_STOPPING && j->pid > 0);
	if (j->state == PROTO_STATE_STOPPING) {
		log_info("%s: was being stopped when the daemon ended: "
		    "stopping it again (SIGTERM, %d s)", j->spec.label,
		    PROTO_STOP_TIMEOUT_MS / 1000);
		dj->stop_sig = SIGTERM;
		dj->stop_ms = PROTO_STOP_TIMEOUT_MS;
	}
	docker_check(dj);
	return 0;
}

static void
docker_removed(void *arg, const struct http_res *res)
{
	char	*id = arg, msg[512];

	if (res->status == 0)
		log_warnx("container %.12s is left: cannot reach the "
		    "container engine: %s", id, res->error);
	else if (res->status != 204 && res->status != 404) {
		dockerhost_message(res->body, res->status, msg, sizeof msg);
		log_warnx("container %.12s is left: %s", id, msg);
	} else
		log_info("container %.12s removed", id);
	free(id);
}

/* The job is gone (j with it once this returns): only the id goes on. */
static void
docker_forget(struct job *j)
{
	char	sock[DOCKERHOST_MAX], why[512];

	if (j->container == NULL)
		return;
	if (dockerhost_socket(sock, sizeof sock, why, sizeof why) == -1 ||
	    http_setup(why, sizeof why) == -1) {
		log_warnx("%s: its container %.12s is left: %s",
		    j->spec.label, j->container, why);
		return;
	}
	http_request(sock, "DELETE", NULL, docker_removed,
	    xstrdup(j->container), DOCKERHOST_API "/containers/%s"
	    "?force=true&v=true", j->container);
}

const struct driver docker_driver = {
	.kind = PROTO_KIND_DOCKER,
	.start = docker_start,
	.stop = docker_stop,
	.adopt = docker_adopt,
	.cleanup = docker_cleanup,
	.forget = docker_forget,
};
