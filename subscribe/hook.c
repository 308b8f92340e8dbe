/*
 * --exec CMD: run `/bin/sh -c CMD` for each event, with the event in its
 * environment, and wait for it before handling the next one.
 *
 * Synchronous on purpose: events reach the command in order and one at a
 * time, and an event is acknowledged only after its command has run (a
 * receiver killed meanwhile gets it again).  A slow command therefore
 * delays acknowledgements; past PROTO_NOTIFY_ACK_TIMEOUT_MS the daemon
 * closes the connection and sends the unacknowledged events again, and
 * the ones already handled are dropped as duplicates.  A command that
 * fails (an exit code other than 0, a signal) is reported on stderr and
 * not retried: the event counts as handled.
 *
 * The command starts clean: default signal dispositions and an empty
 * mask (we ignore SIGPIPE, libev may block signals), stdin from
 * /dev/null, our stdout and stderr (stdout is flushed by the caller
 * first, so lines never interleave), and no LAUNCH_* variable of ours
 * that it might mistake for one of the event's.  Every descriptor of the
 * receiver is close-on-exec.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "subscribe.h"

static const char *const hook_vars[] = {
	"LAUNCH_EVENT", "LAUNCH_SEQ", "LAUNCH_TIME", "LAUNCH_HOST",
	"LAUNCH_LABEL", "LAUNCH_JOB_ID", "LAUNCH_KIND", "LAUNCH_PID",
	"LAUNCH_REASON", "LAUNCH_EXIT_CODE", "LAUNCH_SIGNAL", "LAUNCH_OK",
	"LAUNCH_RESTARTS", "LAUNCH_ERROR", "LAUNCH_COUNT", "LAUNCH_DELAY_MS",
	"LAUNCH_FROM", "LAUNCH_TO", "LAUNCH_STATUS", "LAUNCH_JOBS_ACTIVE",
	"LAUNCH_MAX_JOBS", "LAUNCH_EVENT_JSON", NULL
};

static void
hook_setint(const char *name, int64_t v)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	setenv(name, buf, 1);
}

/* In the child: the event's variables, only those that apply. */
static void
hook_environment(const struct proto_event *ev, const char *line)
{
	char	t[40];

	for (size_t i = 0; hook_vars[i] != NULL; i++)
		unsetenv(hook_vars[i]);
	proto_time_format(ev->time_ms, t, sizeof t);
	setenv("LAUNCH_EVENT", proto_ev_type_name(ev->type), 1);
	hook_setint("LAUNCH_SEQ", ev->seq);
	setenv("LAUNCH_TIME", t, 1);
	setenv("LAUNCH_HOST", ev->host, 1);
	setenv("LAUNCH_EVENT_JSON", line, 1);
	if (ev->type == PROTO_EV_DROPPED) {
		hook_setint("LAUNCH_COUNT", ev->count);
		return;
	}
	/* The daemon's own events: the figures are in LAUNCH_EVENT_JSON. */
	if (ev->type == PROTO_EV_CAPACITY || ev->type == PROTO_EV_STATS) {
		int full = ev->type == PROTO_EV_CAPACITY ? ev->full :
		    ev->stats.full;

		setenv("LAUNCH_STATUS", full ? "full" : "ready", 1);
		if (ev->type == PROTO_EV_CAPACITY) {
			hook_setint("LAUNCH_JOBS_ACTIVE", ev->jobs_active);
			hook_setint("LAUNCH_MAX_JOBS", ev->max_jobs);
		}
		return;
	}
	setenv("LAUNCH_LABEL", ev->label, 1);
	hook_setint("LAUNCH_JOB_ID", ev->job_id);
	setenv("LAUNCH_KIND", proto_kind_name(ev->kind), 1);
	if (ev->pid > 0)
		hook_setint("LAUNCH_PID", ev->pid);
	hook_setint("LAUNCH_RESTARTS", ev->restarts);
	switch (ev->type) {
	case PROTO_EV_EXIT:
		setenv("LAUNCH_REASON", proto_reason_name(ev->reason), 1);
		if (ev->exit_code >= 0)
			hook_setint("LAUNCH_EXIT_CODE", ev->exit_code);
		if (ev->signal > 0)
			setenv("LAUNCH_SIGNAL", proto_signal_name(ev->signal),
			    1);
		setenv("LAUNCH_OK", ev->ok ? "1" : "0", 1);
		if (ev->error != NULL)
			setenv("LAUNCH_ERROR", ev->error, 1);
		break;
	case PROTO_EV_BACKOFF:
		hook_setint("LAUNCH_DELAY_MS", ev->delay_ms);
		break;
	case PROTO_EV_STATE:
		setenv("LAUNCH_FROM", proto_state_name(ev->from), 1);
		setenv("LAUNCH_TO", proto_state_name(ev->to), 1);
		break;
	default:
		break;
	}
}

static void __attribute__((noreturn))
hook_child(const char *cmd, const struct proto_event *ev, const char *line)
{
	int			fd;

	child_reset_signals();
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	hook_environment(ev, line);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, "launch: --exec: /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

void
hook_run(const char *cmd, const struct proto_event *ev, const char *line)
{
	const char	*name;
	pid_t		 pid;
	int		 status;

	if ((pid = fork()) == -1) {
		fprintf(stderr, "launch: --exec for seq %lld: fork: %s\n",
		    (long long)ev->seq, strerror(errno));
		return;
	}
	if (pid == 0)
		hook_child(cmd, ev, line);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "launch: --exec for seq %lld: "
			    "waitpid: %s\n", (long long)ev->seq,
			    strerror(errno));
			return;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		fprintf(stderr, "launch: --exec for seq %lld: exit code %d\n",
		    (long long)ev->seq, WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		name = proto_signal_name(WTERMSIG(status));
		fprintf(stderr, "launch: --exec for seq %lld: killed by %s\n",
		    (long long)ev->seq, name != NULL ? name : "a signal");
	}
}
