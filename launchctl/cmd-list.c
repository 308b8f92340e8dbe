#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"
#include "xmalloc.h"

struct list_args {
	int	 argc;
	char	**argv;
	int	 first;
	int	 usage;
};

/* One host of a fan-out: its jobs as JSON on stdout. */
static int
list_host(struct cmd_ctx *ctx, void *arg)
{
	struct list_args	*a = arg;
	struct proto_reply	 rep;
	char			*json;
	int			 rc;

	if ((rc = client_list(ctx, a->argc, a->argv, a->first, a->usage,
	    &rep)) != 0)
		return rc;
	json = proto_jobs_json(rep.jobs, rep.njobs, 0);
	fputs(json, stdout);
	free(json);
	proto_reply_free(&rep);
	return 0;
}

/* Every host's rows in one table (or array), host by host in the order
 * given, each row tagged with its host. */
static int
list_fanout(struct cmd_ctx *ctx, struct list_args *a, int wide, int as_json)
{
	struct proto_job	*all = NULL, *jobs;
	struct proto_error	 err;
	struct buf		*outs = xcalloc(ctx->nhosts, sizeof *outs);
	int			*rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	size_t			 n = 0, k;
	char			*json;
	int			 rc;

	remote_fanout(ctx, list_host, a, outs, rcs);
	for (size_t i = 0; i < ctx->nhosts; i++) {
		if (rcs[i] != 0)
			continue;
		if (proto_jobs_decode(buf_head(&outs[i]), buf_used(&outs[i]),
		    &jobs, &k, &err) == -1) {
			fprintf(stderr, "launch: %s: bad list: %s\n",
			    ctx->hosts[i], err.message);
			rcs[i] = EXIT_PROTOCOL;
			continue;
		}
		all = xreallocarray(all, n + k + 1, sizeof *all);
		for (size_t j = 0; j < k; j++) {
			jobs[j].host = xstrdup(ctx->hosts[i]);
			all[n++] = jobs[j];
		}
		free(jobs);
	}
	if (as_json) {
		json = proto_jobs_json(all, n, 0);
		fputs(json, stdout);
		free(json);
	} else if (n > 0) {
		output_jobs_table(all, n, wide);
	}
	for (size_t j = 0; j < n; j++)
		proto_job_free(&all[j]);
	free(all);
	for (size_t i = 0; i < ctx->nhosts; i++)
		buf_free(&outs[i]);
	free(outs);
	rc = remote_exit_code(rcs, ctx->nhosts);
	free(rcs);
	return rc;
}

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
	if (ctx->fanout) {
		struct list_args a = { argc, argv, optind, wide };
		return list_fanout(ctx, &a, wide, as_json);
	}
	if ((rc = client_list(ctx, argc, argv, optind, wide, &rep)) != 0)
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
	    "  -l, --long  add what each live job uses (CPU%, RSS and PSS of\n"
	    "              its processes, the shim apart), RESTARTS and\n"
	    "              COMMAND; with --json, each live job's \"usage\"\n"
	    "  --json      a JSON array of jobs (schema: docs/protocol.md)\n"
	    "\n"
	    "With several hosts (launch -H a,b list), one table with a HOST\n"
	    "column; in --json each job has \"host\".\n"
	    "\n"
	    "Example:\n  launch list 'web*'\n",
	.exec = cmd_list_exec,
	.where = CMD_FANOUT,
};
