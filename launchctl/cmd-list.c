#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

static int
cmd_list_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "long", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct proto_reply	 rep;
	char			*json;
	int			 ch, rc, wide = 0, as_json = 0;

	while ((ch = getopt_long(argc, argv, "lj", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			wide = 1;
			break;
		case 'j':
			as_json = 1;
			break;
		default:
			cmd_usage_error(&cmd_list_entry, "bad option");
			return EXIT_USAGE;
		}
	}
	if ((rc = client_list(ctx, argc, argv, optind, &rep)) != 0)
		return rc;
	if (as_json) {
		json = proto_jobs_json(rep.jobs, rep.njobs, 0);
		fputs(json, stdout);
		free(json);
	} else if (rep.njobs > 0) {
		output_jobs_table(rep.jobs, rep.njobs, wide);
	}
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.usage = "[-l] [--json] [GLOB...]",
	.summary = "list jobs, by label",
	.help =
	    "Lists every job, or those whose label matches one of the globs\n"
	    "(fnmatch: '*' also matches '/').  Prints nothing when no job\n"
	    "matches.  UPTIME/EXIT is how long a live job has run, or how an\n"
	    "ended one ended (\"exit 3\", \"SIGKILL\").\n"
	    "\n"
	    "Options:\n"
	    "  -l, --long  add KIND and COMMAND columns\n"
	    "  --json      a JSON array of jobs (schema: docs/protocol.md)\n"
	    "\n"
	    "Example:\n  launch list 'web*'\n",
	.exec = cmd_list_exec,
};
