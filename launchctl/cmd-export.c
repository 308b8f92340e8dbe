/*
 * launch export [GLOB...]
 *
 * Prints the specs of the matched jobs as a job file, so that
 * `launch export > jobs.json` and later `launch submit -f jobs.json`
 * define the same jobs again.  Only the spec is exported: state, pids and
 * restart counts are the daemon's, not the job's definition.  The
 * output is JSON whatever the options; --json is accepted, as on every
 * command that reads state (docs/json.md).  With several hosts it is
 * refused: one job file cannot hold two hosts' jobs of the same label.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"
#include "xmalloc.h"

static int
cmd_export_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct proto_reply	 rep;
	struct proto_submit	*specs;
	char			*text;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j') {
			cmd_usage_error(&cmd_export_entry, "bad option");
			return EXIT_USAGE;
		}
	}
	if (ctx->fanout) {
		cmd_usage_error(&cmd_export_entry, "one job file is one "
		    "host's jobs: give one host (-H HOST)");
		return EXIT_USAGE;
	}
	if ((rc = client_list(ctx, argc, argv, optind, 0, &rep)) != 0)
		return rc;
	/* list answers no label errors today; report any a daemon adds. */
	for (size_t i = 0; i < rep.nerrors; i++)
		rc = client_report_label_error(rep.errors[i].label,
		    rep.errors[i].code, rep.errors[i].message);

	/* The specs are borrowed from the reply: free only the array. */
	specs = xcalloc(rep.njobs ? rep.njobs : 1, sizeof *specs);
	for (size_t i = 0; i < rep.njobs; i++)
		specs[i] = rep.jobs[i].spec;
	text = proto_jobfile_encode(specs, rep.njobs);
	free(specs);
	fputs(text, stdout);
	free(text);
	proto_reply_free(&rep);
	if (fflush(stdout) == EOF) {
		perror("launch: stdout");
		return EXIT_NO;
	}
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "[--json] [GLOB...]",
	.summary = "print jobs' specs as a job file (for submit -f)",
	.help =
	    "Prints the spec of every job, or of those whose label matches\n"
	    "one of the globs, as a job file: a JSON array of job objects in\n"
	    "label order, the format `launch submit -f` reads.  Only what\n"
	    "defines a job is exported (command, environment, directory,\n"
	    "output files, restart policy, limits), not its state.  With no\n"
	    "job matching, prints [].  Refused with several hosts.\n"
	    "\n"
	    "Options:\n"
	    "  --json  changes nothing (the output is JSON); accepted as on\n"
	    "          every command that reads state\n"
	    "\n"
	    "Example:\n"
	    "  launch export 'web*' > web.json   # later: launch submit -f "
	    "web.json\n",
	.exec = cmd_export_exec,
	.where = CMD_FANOUT,
};
