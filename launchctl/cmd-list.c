/*
 * launch list [-l] [--json] [--labels] [GLOB...]
 *
 * --labels prints only the labels, one per line, sorted (strcmp order),
 * for scripts and shell completion (contrib/completion calls it on every
 * Tab, under a timeout).  It asks for what plain `list --json` asks for,
 * never the usage (-l), so it stays cheap with thousands of jobs.  With
 * several hosts each label is printed once, whichever hosts have it: a
 * completion wants the words a command takes, and `launch -H a,b stop
 * web` acts on web wherever it is; "HOST:LABEL" is nothing a command
 * accepts.  An unreachable host is reported on stderr and the labels of
 * the others are still printed (exit code: the largest, as for list).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "xmalloc.h"

struct list_args {
	int	 argc;
	char	**argv;
	int	 first;
	int	 usage;
};

enum list_format {
	LIST_TABLE,
	LIST_JSON,
	LIST_LABELS,
};

static int
list_cmp_labels(const void *a, const void *b)
{
	const struct proto_job	*ja = a, *jb = b;

	return strcmp(ja->spec.label, jb->spec.label);
}

/* Each label once, sorted (the jobs are sorted in place). */
static void
list_print_labels(struct proto_job *jobs, size_t n)
{
	qsort(jobs, n, sizeof *jobs, list_cmp_labels);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(jobs[i].spec.label,
		    jobs[i - 1].spec.label) == 0)
			continue;
		printf("%s\n", jobs[i].spec.label);
	}
}

static void
list_print(struct proto_job *jobs, size_t n, int wide, enum list_format fmt,
    int color)
{
	char	*json;

	switch (fmt) {
	case LIST_JSON:
		json = proto_jobs_json(jobs, n, 0);
		fputs(json, stdout);
		free(json);
		break;
	case LIST_LABELS:
		list_print_labels(jobs, n);
		break;
	case LIST_TABLE:
		if (n > 0)
			output_jobs_table(jobs, n, wide, color);
		break;
	}
}

/* list --json of one daemon, as it printed the list when it decoded the
 * reply and encoded each job again: the reply's jobs array passed
 * through as the daemon wrote it (proto-list.c), with a newline.  A
 * reply in another form is decoded and encoded as before. */
static int
list_json(struct cmd_ctx *ctx, int argc, char **argv, int first, int usage)
{
	struct proto_reply	 rep;
	struct buf		 json;
	char			*s;
	int			 rc;

	if ((rc = client_list_json(ctx, argc, argv, first, usage, &rep,
	    &json)) != 0)
		return rc;
	if (buf_used(&json) > 0) {
		fwrite(buf_head(&json), 1, buf_used(&json), stdout);
		putchar('\n');
		buf_free(&json);
	} else {
		s = proto_jobs_json(rep.jobs, rep.njobs, 0);
		fputs(s, stdout);
		free(s);
		proto_reply_free(&rep);
	}
	return 0;
}

/* One host of a fan-out: its jobs as JSON on stdout (the parent decodes
 * them strictly). */
static int
list_host(struct cmd_ctx *ctx, void *arg)
{
	struct list_args	*a = arg;

	return list_json(ctx, a->argc, a->argv, a->first, a->usage);
}

/* Every host's rows in one table (or array), host by host in the order
 * given, each row tagged with its host. */
static int
list_fanout(struct cmd_ctx *ctx, struct list_args *a, int wide,
    enum list_format fmt)
{
	struct proto_job	*all = NULL, *jobs;
	struct proto_error	 err;
	struct buf		*outs = xcalloc(ctx->nhosts, sizeof *outs);
	int			*rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	size_t			 n = 0, k;
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
	list_print(all, n, wide, fmt, ctx->color);
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
		{ "labels", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct proto_reply	 rep;
	enum list_format	 fmt = LIST_TABLE;
	int			 ch, rc, wide = 0, as_json = 0, labels = 0;

	while ((ch = getopt_long(argc, argv, "lj", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			wide = 1;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'L':
			labels = 1;
			break;
		default:
			cmd_usage_error(&cmd_list_entry, "bad option");
			return EXIT_USAGE;
		}
	}
	if (labels && (wide || as_json)) {
		cmd_usage_error(&cmd_list_entry, "--labels prints labels only: "
		    "not with %s", wide ? "-l" : "--json");
		return EXIT_USAGE;
	}
	if (labels)
		fmt = LIST_LABELS;
	else if (as_json)
		fmt = LIST_JSON;
	if (ctx->fanout) {
		struct list_args a = { argc, argv, optind, wide };
		return list_fanout(ctx, &a, wide, fmt);
	}
	if (fmt == LIST_JSON)
		return list_json(ctx, argc, argv, optind, wide);
	if ((rc = client_list(ctx, argc, argv, optind, wide, &rep)) != 0)
		return rc;
	list_print(rep.jobs, rep.njobs, wide, fmt, ctx->color);
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.usage = "[-l] [--json | --labels] [GLOB...]",
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
	    "  --labels    only the labels, one per line, sorted (for\n"
	    "              scripts and shell completion)\n"
	    "\n"
	    "With several hosts (launch -H a,b list), one table with a HOST\n"
	    "column; in --json each job has \"host\"; --labels prints each\n"
	    "label once, whichever hosts have it.\n"
	    "\n"
	    "Example:\n  launch list 'web*'\n",
	.exec = cmd_list_exec,
	.where = CMD_FANOUT,
};
