/*
 * launch stats [--json]: the daemon's machine (memory, disk, load, CPUs)
 * and its jobs against its limit.  With several hosts, one row per host;
 * `submit --place` uses the same figures (stats_gather).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "human.h"
#include "launch.h"
#include "xmalloc.h"

static int
stats_one(struct cmd_ctx *ctx, struct proto_stats *s)
{
	struct proto_reply	rep;
	int			rc;

	if ((rc = client_op(ctx, PROTO_OP_STATS, &rep)) != 0)
		return rc;
	*s = rep.stats;
	proto_reply_free(&rep);
	return 0;
}

/* One host of a fan-out: its stats as one JSON line. */
static int
stats_host(struct cmd_ctx *ctx, void *arg)
{
	struct proto_stats	s;
	char			*json;
	int			rc;

	(void)arg;
	if ((rc = stats_one(ctx, &s)) != 0)
		return rc;
	json = proto_stats_json(&s, NULL);
	fputs(json, stdout);
	free(json);
	return 0;
}

void
stats_gather(const struct cmd_ctx *ctx, struct proto_stats *stats, int *rcs)
{
	struct buf		*outs = xcalloc(ctx->nhosts, sizeof *outs);
	struct proto_error	 err;

	remote_fanout(ctx, stats_host, NULL, outs, rcs);
	for (size_t i = 0; i < ctx->nhosts; i++) {
		if (rcs[i] == 0 && proto_stats_decode(buf_head(&outs[i]),
		    buf_used(&outs[i]), &stats[i], &err) == -1) {
			fprintf(stderr, "launch: %s: bad stats: %s\n",
			    ctx->hosts[i], err.message);
			rcs[i] = EXIT_PROTOCOL;
		}
		buf_free(&outs[i]);
	}
	free(outs);
}

/* A figure in MB as a size ("23.5G"). */
static char *
stats_size(int64_t mb)
{
	char	buf[24];

	human_size(mb * 1024, buf, sizeof buf);
	return xstrdup(buf);
}

static void
stats_table(const struct proto_stats *stats, const int *rcs,
    char *const *hosts, size_t n, int color)
{
	static const char *const titles[] = { "HOST", "STATUS", "MEM",
	    "MEM_AVAIL", "DISK", "DISK_AVAIL", "LOAD", "CPUS", "RUNNING",
	    "JOBS", "MAX" };
	size_t		 first = hosts != NULL ? 0 : 1, rows = 1, ncols;
	char		***cells = xcalloc(n + 1, sizeof *cells);

	ncols = sizeof titles / sizeof titles[0] - first;
	cells[0] = xcalloc(ncols, sizeof *cells[0]);
	for (size_t c = 0; c < ncols; c++)
		cells[0][c] = xstrdup(titles[c + first]);
	for (size_t i = 0; i < n; i++) {
		const struct proto_stats *s = &stats[i];
		char **r;
		size_t c = 0;

		if (rcs[i] != 0)
			continue;
		r = cells[rows++] = xcalloc(ncols, sizeof *r);
		if (hosts != NULL)
			r[c++] = xstrdup(hosts[i]);
		r[c++] = output_paint(color, s->full ? OUTPUT_TONE_BAD :
		    OUTPUT_TONE_GOOD, s->full ? "FULL" : "READY");
		r[c++] = stats_size(s->mem_total_mb);
		r[c++] = stats_size(s->mem_available_mb);
		r[c++] = stats_size(s->disk_total_mb);
		r[c++] = stats_size(s->disk_available_mb);
		xasprintf(&r[c++], "%.2f", s->load1);
		xasprintf(&r[c++], "%lld", (long long)s->cpus);
		xasprintf(&r[c++], "%lld", (long long)s->jobs_running);
		xasprintf(&r[c++], "%lld", (long long)s->jobs_total);
		if (s->max_jobs > 0)
			xasprintf(&r[c++], "%lld", (long long)s->max_jobs);
		else
			r[c++] = xstrdup("-");
	}
	output_table(cells, rows, ncols);
}

static int
cmd_stats_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_stats	*stats, one;
	char			*json;
	int			*rcs, rc, as_json;

	if ((rc = cmd_json_args(&cmd_stats_entry, argc, argv, 1,
	    &as_json)) != 0)
		return rc;
	if (!ctx->fanout) {
		if ((rc = stats_one(ctx, &one)) != 0)
			return rc;
		if (as_json) {
			json = proto_stats_json(&one, NULL);
			fputs(json, stdout);
			free(json);
		} else {
			rc = 0;
			stats_table(&one, &rc, NULL, 1, ctx->color);
		}
		return 0;
	}
	stats = xcalloc(ctx->nhosts, sizeof *stats);
	rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	stats_gather(ctx, stats, rcs);
	if (as_json) {
		fputs("[", stdout);
		for (size_t i = 0, k = 0; i < ctx->nhosts; i++) {
			if (rcs[i] != 0)
				continue;
			json = proto_stats_json(&stats[i], ctx->hosts[i]);
			/* Each is one line: drop its newline inside [...]. */
			printf("%s%.*s", k++ > 0 ? "," : "",
			    (int)strcspn(json, "\n"), json);
			free(json);
		}
		fputs("]\n", stdout);
	} else {
		stats_table(stats, rcs, ctx->hosts, ctx->nhosts,
		    ctx->color);
	}
	rc = remote_exit_code(rcs, ctx->nhosts);
	free(stats);
	free(rcs);
	return rc;
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.usage = "[--json]",
	.summary = "the daemon's machine and capacity",
	.help =
	    "Memory (available: MemFree + Active(file) + Inactive(file)), the\n"
	    "state directory's disk (in K, M, G, T: powers of 1024; --json\n"
	    "has the MB), the 1-minute load, online CPUs, and the jobs\n"
	    "running and in all against the daemon's limit (MAX; - for\n"
	    "none).  STATUS is READY, or FULL when no job can be added.\n"
	    "\n"
	    "Options:\n"
	    "  --json  one object (schema: docs/json.md); with several\n"
	    "          hosts, an array whose objects carry \"host\"\n"
	    "\n"
	    "Example:\n  launch -H a,b,c stats\n",
	.exec = cmd_stats_exec,
	.where = CMD_FANOUT,
};
