#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

static int
cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_reply	 rep;
	char			*json;
	int			 rc, as_json;

	if ((rc = cmd_json_args(&cmd_status_entry, argc, argv, 0,
	    &as_json)) != 0)
		return rc;
	if (argc - optind != 1) {
		cmd_usage_error(&cmd_status_entry, "expected one LABEL");
		return EXIT_USAGE;
	}
	if ((rc = client_status(ctx, argv[optind], &rep)) != 0)
		return rc;
	if (as_json) {
		json = proto_jobs_json(rep.jobs, 1, 0);
		fputs(json, stdout);
		free(json);
	} else
		output_job_detail(&rep.jobs[0], ctx->color);
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "[--json] LABEL",
	.summary = "show one job in detail",
	.help =
	    "Options:\n"
	    "  --json  a JSON array holding the one job\n"
	    "\n"
	    "Example:\n  launch status web\n",
	.exec = cmd_status_exec,
};
