/*
 * launch start LABEL|GLOB...
 * launch restart [-t SECS] [-s SIGNAL] LABEL|GLOB...
 * launch remove [-t SECS] LABEL|GLOB...
 *
 * The daemon's reply is a stop's ({"jobs", "errors"}), so the three
 * share cmd-stop.c's helpers: quiet on success unless -v, each label
 * error on stderr.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "launch.h"

/*
 * One exec for the three: which options the command takes follows from
 * its op (start: none; remove: -t; restart: -t and -s), as in the
 * request encoder.
 */
static int
start_exec(const struct cmd_entry *e, enum proto_op op, struct cmd_ctx *ctx,
    int argc, char **argv)
{
	struct proto_request	 req;
	const char		*opts;
	int			 ch, rc;

	switch (op) {
	case PROTO_OP_RESTART:
		opts = "t:s:";
		break;
	case PROTO_OP_REMOVE:
		opts = "t:";
		break;
	default:
		opts = "";
		break;
	}
	proto_request_init(&req, op);
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 't':
			if (cmd_parse_timeout(e, optarg, &req.timeout_ms) == -1)
				return EXIT_USAGE;
			break;
		case 's':
			if (cmd_parse_stop_signal(e, optarg, &req.signal) == -1)
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
	if ((rc = client_add_match(&req.match, argc, argv, optind)) == 0)
		rc = cmd_jobs_call(ctx, &req);
	proto_request_free(&req);
	return rc;
}

static int
cmd_start_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return start_exec(&cmd_start_entry, PROTO_OP_START, ctx, argc, argv);
}

static int
cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return start_exec(&cmd_restart_entry, PROTO_OP_RESTART, ctx, argc,
	    argv);
}

static int
cmd_remove_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return start_exec(&cmd_remove_entry, PROTO_OP_REMOVE, ctx, argc, argv);
}

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.usage = "LABEL|GLOB...",
	.summary = "run ended jobs again with their spec",
	.help =
	    "Starts each matched job that has ended (exited or failed) again,\n"
	    "with the spec it was submitted with, and returns once each has\n"
	    "been launched.  A name that matches no job, or a job that cannot\n"
	    "be started, is reported (exit 1); the others are still started.\n"
	    "Quiet on success unless -v.\n"
	    "\n"
	    "Example:\n  launch start 'batch/*'\n",
	.exec = cmd_start_exec,
};

const struct cmd_entry cmd_restart_entry = {
	.name = "restart",
	.usage = "[-t SECS] [-s SIGNAL] LABEL|GLOB...",
	.summary = "stop jobs, then start them again",
	.help =
	    "Stops each matched job as `launch stop` does (the stop signal to\n"
	    "its process group, SIGKILL after the timeout), then starts it\n"
	    "again with its spec, and returns once each has been launched.  A\n"
	    "name that matches no job is reported (exit 1); the others are\n"
	    "still restarted.  Quiet on success unless -v.\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS    time before SIGKILL (default 10; decimals allowed)\n"
	    "  -s SIGNAL  the stop signal (default TERM): a name or number\n"
	    "\n"
	    "Example:\n  launch restart -s HUP web\n",
	.exec = cmd_restart_exec,
};

const struct cmd_entry cmd_remove_entry = {
	.name = "remove",
	.usage = "[-t SECS] LABEL|GLOB...",
	.summary = "stop jobs, then forget them and their logs",
	.help =
	    "Stops each matched job as `launch stop` does (SIGTERM to its\n"
	    "process group, SIGKILL after the timeout), then forgets it: the\n"
	    "label is free again, and the job's state and the logs the\n"
	    "daemon kept for it are deleted.  Returns once every matched job\n"
	    "is gone.  A name that matches no job is reported (exit 1); the\n"
	    "others are still removed.  Quiet on success unless -v.\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS  time before SIGKILL (default 10; decimals allowed)\n"
	    "\n"
	    "Example:\n  launch remove -t 5 'test/*'\n",
	.exec = cmd_remove_exec,
};
