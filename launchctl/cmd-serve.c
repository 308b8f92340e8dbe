#include "config.h"

#include <getopt.h>

#include "launch.h"
#include "server.h"

static int
cmd_serve_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct server_options	opt = { ctx->socket, LOG_LEVEL_INFO };
	int			ch, verbose = ctx->verbose, quiet = ctx->quiet;

	while ((ch = getopt(argc, argv, "+S:vq")) != -1) {
		switch (ch) {
		case 'S':
			opt.socket = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			cmd_usage_error(&cmd_serve_entry, "bad option");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_usage_error(&cmd_serve_entry, "unexpected argument \"%s\"",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (quiet)
		opt.level = LOG_LEVEL_QUIET;
	else if (verbose)
		opt.level = LOG_LEVEL_DEBUG;
	return server_run(&opt);
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.usage = "[-S SOCKET] [-v] [-q]",
	.summary = "run the daemon in the foreground",
	.help =
	    "Runs the supervisor in the foreground, logging to stderr.  Only\n"
	    "one daemon serves a socket: a second one exits with code 4 and\n"
	    "names the first one's pid.  SIGTERM or SIGINT stop every job and\n"
	    "exit, as `launch shutdown` does.\n"
	    "\n"
	    "Options:\n"
	    "  -S SOCKET  the socket to serve (or $LAUNCH_SOCKET)\n"
	    "  -v         debug logging\n"
	    "  -q         warnings only\n"
	    "\n"
	    "Example:\n  launch serve -v\n",
	.exec = cmd_serve_exec,
};
