/*
 * launch start LABEL|GLOB...
 * launch restart [-t SECS] [-s SIGNAL] LABEL|GLOB...
 * launch remove [-t SECS] LABEL|GLOB...
 *
 * The daemon's reply is a stop's ({"jobs", "errors"}), so the three
 * share cmd-stop.c's cmd_jobs_exec: quiet on success unless -v, each
 * label error on stderr.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "launch.h"

static int
cmd_start_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_jobs_exec(&cmd_start_entry, PROTO_OP_START, ctx, argc, argv);
}

static int
cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_jobs_exec(&cmd_restart_entry, PROTO_OP_RESTART, ctx, argc,
	    argv);
}

static int
cmd_remove_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_jobs_exec(&cmd_remove_entry, PROTO_OP_REMOVE, ctx, argc, argv);
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
	.flags = CMD_AUTOSTART,
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
	.flags = CMD_AUTOSTART,
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
