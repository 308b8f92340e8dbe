/*
 * launch stop [-t SECS] [-s SIGNAL] LABEL|GLOB...
 * launch shutdown [-t SECS]
 * Both wait until the jobs have ended and report how they ended.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

static int
stop_parse_timeout(const struct cmd_entry *e, const char *s, int64_t *ms)
{
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(d) ||
	    d < 0 || d > 86400) {
		cmd_usage_error(e, "-t %s: expected seconds from 0 to 86400",
		    s);
		return -1;
	}
	*ms = (int64_t)(d * 1000 + 0.5);
	return 0;
}

/* Report each job's end (with -v) and each label error; exit code. */
static int
stop_report(const struct cmd_ctx *ctx, const struct proto_reply *rep)
{
	char	outcome[64];
	int	rc = 0;

	for (size_t i = 0; i < rep->nerrors; i++) {
		fprintf(stderr, "launch: %s\n", rep->errors[i].message);
		rc = client_exit_code(rep->errors[i].code);
	}
	if (ctx->verbose) {
		for (size_t i = 0; i < rep->njobs; i++) {
			output_outcome(&rep->jobs[i], outcome, sizeof outcome);
			printf("%s: %s, %s\n", rep->jobs[i].label,
			    proto_state_name(rep->jobs[i].state), outcome);
		}
	}
	return rc;
}

static int
stop_call(struct cmd_ctx *ctx, struct proto_request *req)
{
	struct proto_reply	rep;
	int			rc;

	if ((rc = client_request(ctx, req, &rep)) != 0)
		return rc;
	rc = rep.is_error ? client_report_error(&rep.error) :
	    stop_report(ctx, &rep);
	proto_reply_free(&rep);
	return rc;
}

static int
cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_stop_entry;
	struct proto_request	 req;
	int			 ch, rc;

	proto_request_init(&req, PROTO_OP_STOP);
	while ((ch = getopt(argc, argv, "t:s:")) != -1) {
		switch (ch) {
		case 't':
			if (stop_parse_timeout(e, optarg, &req.timeout_ms) == -1)
				return EXIT_USAGE;
			break;
		case 's':
			req.signal = proto_signal_parse(optarg);
			if (req.signal <= 0 || req.signal == SIGKILL ||
			    req.signal == SIGSTOP) {
				cmd_usage_error(e, "-s %s: not a usable stop "
				    "signal (e.g. TERM, INT, HUP, 15)", optarg);
				return EXIT_USAGE;
			}
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
	if ((rc = client_add_match(&req.match, argc, argv, optind)) == 0)
		rc = stop_call(ctx, &req);
	proto_request_free(&req);
	return rc;
}

static int
cmd_shutdown_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_shutdown_entry;
	struct proto_request	 req;
	int			 ch;

	proto_request_init(&req, PROTO_OP_SHUTDOWN);
	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch != 't') {
			cmd_usage_error(e, "bad option");
			return EXIT_USAGE;
		}
		if (stop_parse_timeout(e, optarg, &req.timeout_ms) == -1)
			return EXIT_USAGE;
	}
	if (optind != argc) {
		cmd_usage_error(e, "unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	return stop_call(ctx, &req);
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
	    "once the jobs are gone.\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS  time before SIGKILL (default 10)\n"
	    "\n"
	    "Example:\n  launch shutdown\n",
	.exec = cmd_shutdown_exec,
};
