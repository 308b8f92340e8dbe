/*
 * launch stop [-t SECS] [-s SIGNAL] LABEL|GLOB...
 * launch shutdown [-t SECS]
 * Both wait until the jobs have ended and report how they ended.
 *
 * The helpers shared with start, restart and remove (cmd-start.c) live
 * here too: they answer with the same {"jobs", "errors"} reply.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

/* -t SECS (decimals allowed) from 0 to max seconds, into ms. */
static int
cmd_parse_seconds(const struct cmd_entry *e, const char *s, long max,
    int64_t *ms)
{
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(d) ||
	    d < 0 || d > (double)max) {
		cmd_usage_error(e, "-t %s: expected seconds from 0 to %ld", s,
		    max);
		return -1;
	}
	*ms = (int64_t)(d * 1000 + 0.5);
	return 0;
}

int
cmd_parse_timeout(const struct cmd_entry *e, const char *s, int64_t *ms)
{
	return cmd_parse_seconds(e, s, 86400, ms);
}

int
cmd_parse_stop_signal(const struct cmd_entry *e, const char *s, int *sig)
{
	int	n;

	/* SIGKILL is what the timeout is for; SIGSTOP would never end it. */
	n = proto_signal_parse(s);
	if (n <= 0 || n == SIGKILL || n == SIGSTOP) {
		cmd_usage_error(e, "-s %s: not a usable stop signal (e.g. "
		    "TERM, INT, HUP, 15)", s);
		return -1;
	}
	*sig = n;
	return 0;
}

int
cmd_jobs_report(const struct cmd_ctx *ctx, const struct proto_reply *rep)
{
	const struct proto_job	*j;
	char			 outcome[64];
	int			 rc = 0;

	for (size_t i = 0; i < rep->nerrors; i++)
		rc = client_report_label_error(rep->errors[i].label,
		    rep->errors[i].code, rep->errors[i].message);
	if (ctx->verbose) {
		for (size_t i = 0; i < rep->njobs; i++) {
			j = &rep->jobs[i];
			/* A started job has no outcome yet: show its pid. */
			if (j->pid > 0 && j->ended_ms == 0)
				snprintf(outcome, sizeof outcome, "pid %lld",
				    (long long)j->pid);
			else
				output_outcome(j, outcome, sizeof outcome);
			printf("%s: %s, %s\n", j->spec.label,
			    proto_state_name(j->state), outcome);
		}
	}
	return rc;
}

int
cmd_jobs_call(const struct cmd_ctx *ctx, struct proto_request *req)
{
	struct proto_reply	rep;
	int			rc;

	if ((rc = client_request(ctx, req, &rep)) != 0)
		return rc;
	rc = rep.is_error ? client_report_error(&rep.error) :
	    cmd_jobs_report(ctx, &rep);
	proto_reply_free(&rep);
	return rc;
}

/*
 * The command line of stop, start, restart, remove and wait into req
 * (initialised for its op): which options a command takes follows from
 * its op (start: none; remove and wait: -t; stop and restart: -t and
 * -s), as in the request encoder; then at least one name.  0, or an exit
 * code after printing why.
 */
int
cmd_jobs_args(const struct cmd_entry *e, struct proto_request *req, int argc,
    char **argv)
{
	/* wait prints JSON anyway: --json is accepted so that every
	 * command that reads state takes it (docs/json.md). */
	static const struct option wait_longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct option no_longopts[] = {
		{ NULL, 0, NULL, 0 }
	};
	const struct option *longopts = no_longopts;
	const char	*opts;
	long		 max = 86400;
	int		 ch;

	switch (req->op) {
	case PROTO_OP_STOP:
	case PROTO_OP_RESTART:
		opts = "t:s:";
		break;
	case PROTO_OP_WAIT:
		max = (long)(PROTO_WAIT_TIMEOUT_MAX_MS / 1000);
		longopts = wait_longopts;
		/* FALLTHROUGH */
	case PROTO_OP_REMOVE:
		opts = "t:";
		break;
	default:
		opts = "";
		break;
	}
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			break;
		case 't':
			if (cmd_parse_seconds(e, optarg, max,
			    &req->timeout_ms) == -1)
				return EXIT_USAGE;
			break;
		case 's':
			if (cmd_parse_stop_signal(e, optarg, &req->signal) == -1)
				return EXIT_USAGE;
			break;
		default:
			cmd_usage_error(e, "bad option");
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		cmd_usage_error(e, "expected at least one LABEL or GLOB");
		return EXIT_USAGE;
	}
	return client_add_match(&req->match, argc, argv, optind);
}

/* One exec for stop, start, restart and remove. */
int
cmd_jobs_exec(const struct cmd_entry *e, enum proto_op op, struct cmd_ctx *ctx,
    int argc, char **argv)
{
	struct proto_request	req;
	int			rc;

	proto_request_init(&req, op);
	if ((rc = cmd_jobs_args(e, &req, argc, argv)) == 0)
		rc = cmd_jobs_call(ctx, &req);
	proto_request_free(&req);
	return rc;
}

static int
cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_jobs_exec(&cmd_stop_entry, PROTO_OP_STOP, ctx, argc, argv);
}

static int
cmd_shutdown_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_shutdown_entry;
	struct proto_request	 req;
	struct proto_reply	 rep;
	int			 ch, rc;

	proto_request_init(&req, PROTO_OP_SHUTDOWN);
	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch != 't') {
			cmd_usage_error(e, "bad option");
			return EXIT_USAGE;
		}
		if (cmd_parse_timeout(e, optarg, &req.timeout_ms) == -1)
			return EXIT_USAGE;
	}
	if (optind != argc) {
		cmd_usage_error(e, "unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	if ((rc = client_request(ctx, &req, &rep)) != 0)
		return rc;
	if (rep.is_error)
		rc = client_report_error(&rep.error);
	else if ((rc = cmd_jobs_report(ctx, &rep)) == 0 && ctx->verbose)
		/* Said even with no job: -v always tells what happened. */
		printf("daemon shut down\n");
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_stop_entry = {
	.name = "stop",
	.usage = "[-t SECS] [-s SIGNAL] LABEL|GLOB...",
	.summary = "stop jobs and wait until they have ended",
	.help =
	    "Sends the stop signal to each job's whole process group, then\n"
	    "SIGKILL after the timeout, and returns once every process of\n"
	    "every matched job is gone.  A name that matches no job is\n"
	    "reported (exit 1); the others are still stopped.  Stopped jobs\n"
	    "stay listed with their exit status.  Quiet on success unless -v.\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS    time before SIGKILL (default 10; decimals allowed)\n"
	    "  -s SIGNAL  the stop signal (default TERM): a name or number\n"
	    "\n"
	    "Example:\n  launch stop -t 30 'web*' db\n",
	.exec = cmd_stop_exec,
};

const struct cmd_entry cmd_shutdown_entry = {
	.name = "shutdown",
	.usage = "[-t SECS]",
	.summary = "stop every job, then the daemon",
	.help =
	    "Stops every job as `launch stop` does (SIGTERM, SIGKILL after\n"
	    "the timeout), removes the socket and exits the daemon.  Returns\n"
	    "once the jobs are gone.  Quiet on success unless -v (each job,\n"
	    "then \"daemon shut down\").\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS  time before SIGKILL (default 10)\n"
	    "\n"
	    "Example:\n  launch shutdown\n",
	.exec = cmd_shutdown_exec,
};
