/*
 * Human output: aligned tables, durations like "3m12s" and sizes like
 * "23.5G" (common/human.c), job details, and colour.  Machine output is
 * --json, printed by proto/ (docs/json.md).
 *
 * Colour (--color=WHEN, decided once in main.c into cmd_ctx): only where
 * it helps a reader find what went wrong: a job's state (running green;
 * starting, stopping and backoff yellow; failed red; exited green when
 * it exited 0 of its own accord, red otherwise, as the daemon's "ok"
 * counts, so a stopped or lost job is red too), stats' READY and FULL,
 * wait's progress lines.  Error messages ("launch: ...") are never
 * coloured: they go to logs and to scripts' 2>&1 as often as to a
 * terminal, and a colour there says nothing the words do not.  A table
 * aligns on human_width, which does not count the escapes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "human.h"
#include "launch.h"
#include "xmalloc.h"

/* SGR colours, by what they mean. */
static const char *const output_tone_sgr[] = {
	[OUTPUT_TONE_NONE] = NULL,
	[OUTPUT_TONE_GOOD] = "\033[32m",	/* green */
	[OUTPUT_TONE_WARN] = "\033[33m",	/* yellow */
	[OUTPUT_TONE_BAD] = "\033[31m",		/* red */
};
#define OUTPUT_SGR_RESET	"\033[0m"

int
output_color_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return OUTPUT_COLOR_AUTO;
	if (strcmp(s, "always") == 0)
		return OUTPUT_COLOR_ALWAYS;
	if (strcmp(s, "never") == 0)
		return OUTPUT_COLOR_NEVER;
	return -1;
}

/*
 * no-color.org: "Command-line software which adds ANSI color to its
 * output by default should check for a NO_COLOR environment variable
 * that, when present and not an empty string (regardless of its value),
 * prevents the addition of ANSI color", and its FAQ lets a command-line
 * argument override it.  Issue 9 asks for colour "never when NO_COLOR is
 * set", and we take that stricter rule: a user who sets NO_COLOR (often
 * for a screen reader, or a terminal that shows escapes raw) should not
 * get colour from a script or alias that passes --color=always.  Empty
 * counts as unset, as no-color.org says.  auto also wants a terminal
 * that claims to understand escapes: TERM set and not "dumb" (an Emacs
 * shell buffer, a serial console).
 */
int
output_color_wanted(int when, int fd)
{
	const char	*no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no != NULL && *no != '\0')
		return 0;
	if (when == OUTPUT_COLOR_ALWAYS)
		return 1;
	if (when == OUTPUT_COLOR_NEVER)
		return 0;
	return isatty(fd) && term != NULL && *term != '\0' &&
	    strcmp(term, "dumb") != 0;
}

char *
output_paint(int color, enum output_tone tone, const char *text)
{
	char	*s;

	if (!color || output_tone_sgr[tone] == NULL)
		return xstrdup(text);
	xasprintf(&s, "%s%s%s", output_tone_sgr[tone], text,
	    OUTPUT_SGR_RESET);
	return s;
}

enum output_tone
output_job_tone(const struct proto_job *j)
{
	switch (j->state) {
	case PROTO_STATE_RUNNING:
		return OUTPUT_TONE_GOOD;
	case PROTO_STATE_STARTING:
	case PROTO_STATE_STOPPING:
	case PROTO_STATE_BACKOFF:
		return OUTPUT_TONE_WARN;
	case PROTO_STATE_FAILED:
		return OUTPUT_TONE_BAD;
	default:
		return j->exit_code == 0 && j->signal <= 0 &&
		    j->error == NULL ? OUTPUT_TONE_GOOD : OUTPUT_TONE_BAD;
	}
}

int64_t
output_now_ms(void)
{
	return clock_real_ms();
}

/* The UPTIME/EXIT column: how long it has run, or how it ended. */
void
output_outcome(const struct proto_job *j, char *buf, size_t len)
{
	if (j->ended_ms > 0 && j->signal > 0)
		snprintf(buf, len, "%s", proto_signal_name(j->signal));
	else if (j->ended_ms > 0 && j->exit_code >= 0)
		snprintf(buf, len, "exit %d", j->exit_code);
	else if (j->state == PROTO_STATE_FAILED)
		snprintf(buf, len, "failed");
	else if (j->ended_ms > 0 && j->error != NULL)
		snprintf(buf, len, "lost");
	else if (j->started_ms > 0 && j->ended_ms == 0)
		human_duration(output_now_ms() - j->started_ms, buf, len);
	else
		snprintf(buf, len, "-");
}

static char *
output_command(const struct proto_job *j)
{
	size_t	 len = 1;
	char	*s;

	/* A VM boots its image; a container runs its image's command
	 * unless argv says otherwise. */
	if (j->spec.qemu != NULL) {
		xasprintf(&s, "qemu %s", j->spec.qemu->image);
		return s;
	}
	if (j->spec.docker != NULL) {
		char *cmd;
		struct proto_job plain = *j;
		plain.spec.docker = NULL;
		cmd = output_command(&plain);
		xasprintf(&s, "docker %s%s%s", j->spec.docker->image,
		    *cmd != '\0' ? " " : "", cmd);
		free(cmd);
		return s;
	}
	for (size_t i = 0; i < j->spec.argv.n; i++)
		len += strlen(j->spec.argv.v[i]) + 1;
	s = xcalloc(1, len);
	for (size_t i = 0; i < j->spec.argv.n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, j->spec.argv.v[i]);
	}
	return s;
}

void
output_table(char ***cells, size_t nrows, size_t ncols)
{
	size_t	*width = xcalloc(ncols, sizeof *width);

	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t w = human_width(cells[r][c]);
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			fputs(cells[r][c], stdout);
			if (c + 1 == ncols)
				putchar('\n');
			else
				printf("%*s", (int)(width[c] + 2 -
				    human_width(cells[r][c])), "");
			free(cells[r][c]);
		}
		free(cells[r]);
	}
	free(cells);
	free(width);
}

/* The CPU% (0), RSS (1) and PSS (2) columns; "-" when not measured. */
static void
output_usage_cell(const struct proto_job *j, int which, char *buf,
    size_t len)
{
	const struct proto_usage	*u = &j->usage;

	if (!u->have || (which == 2 && u->pss_kb < 0))
		snprintf(buf, len, "-");
	else if (which == 0)
		snprintf(buf, len, "%.1f", u->cpu_pct);
	else
		human_size(which == 1 ? u->rss_kb : u->pss_kb, buf, len);
}

void
output_jobs_table(const struct proto_job *jobs, size_t n, int wide,
    int color)
{
	enum { HOST, LABEL, KIND, STATE, PID, OUTCOME, CPU, RSS, PSS,
	    RESTARTS, COMMAND };
	static const char *const titles[] = { "HOST", "LABEL", "KIND",
	    "STATE", "PID", "UPTIME/EXIT", "CPU%", "RSS", "PSS", "RESTARTS",
	    "COMMAND" };
	/* HOST when the rows come from several hosts (remote.c). */
	size_t		 first = n > 0 && jobs[0].host != NULL ? HOST : LABEL;
	size_t		 ncols = (wide ? COMMAND + 1 : OUTCOME + 1) - first;
	char		***cells = xcalloc(n + 1, sizeof *cells);

	for (size_t r = 0; r <= n; r++) {
		cells[r] = xcalloc(ncols, sizeof *cells[r]);
		for (size_t c = 0; c < ncols; c++) {
			char buf[64];
			const struct proto_job *j = r > 0 ? &jobs[r - 1] : NULL;
			size_t col = c + first;

			if (j == NULL) {
				cells[r][c] = xstrdup(titles[col]);
			} else if (col == HOST) {
				cells[r][c] = xstrdup(j->host != NULL ?
				    j->host : "-");
			} else if (col == LABEL) {
				cells[r][c] = xstrdup(j->spec.label);
			} else if (col == STATE) {
				cells[r][c] = output_paint(color,
				    output_job_tone(j),
				    proto_state_name(j->state));
			} else if (col == PID) {
				if (j->pid > 0)
					snprintf(buf, sizeof buf, "%lld",
					    (long long)j->pid);
				else
					snprintf(buf, sizeof buf, "-");
				cells[r][c] = xstrdup(buf);
			} else if (col == OUTCOME) {
				output_outcome(j, buf, sizeof buf);
				cells[r][c] = xstrdup(buf);
			} else if (col == KIND) {
				cells[r][c] = xstrdup(proto_kind_name(j->kind));
			} else if (col >= CPU && col <= PSS) {
				output_usage_cell(j, col - CPU, buf,
				    sizeof buf);
				cells[r][c] = xstrdup(buf);
			} else if (col == RESTARTS) {
				snprintf(buf, sizeof buf, "%u", j->restarts);
				cells[r][c] = xstrdup(buf);
			} else {
				cells[r][c] = output_command(j);
			}
		}
	}
	output_table(cells, n + 1, ncols);
}

static void
output_time(const char *name, int64_t ms)
{
	char		buf[64];
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	if (ms <= 0)
		return;
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
	printf("%-10s %s\n", name, buf);
}

void
output_job_detail(const struct proto_job *j, int color)
{
	char	 buf[64];
	char	*cmd = output_command(j), *state;

	printf("%-10s %s\n", "label:", j->spec.label);
	printf("%-10s %s\n", "kind:", proto_kind_name(j->kind));
	state = output_paint(color, output_job_tone(j),
	    proto_state_name(j->state));
	printf("%-10s %s\n", "state:", state);
	free(state);
	if (j->pid > 0)
		printf("%-10s %lld\n", "pid:", (long long)j->pid);
	printf("%-10s %s\n", "command:", cmd);
	free(cmd);
	if (j->spec.cwd != NULL)
		printf("%-10s %s\n", "cwd:", j->spec.cwd);
	for (size_t i = 0; i < j->spec.env.n; i++)
		printf("%-10s %s\n", "env:", j->spec.env.v[i]);
	if (j->spec.stdout_path != NULL)
		printf("%-10s %s\n", "stdout:", j->spec.stdout_path);
	if (j->spec.stderr_path != NULL)
		printf("%-10s %s\n", "stderr:", j->spec.stderr_path);
	if (j->spec.qemu != NULL)
		printf("%-10s %lld vcpus, %lld MB memory%s%s\n", "vm:",
		    (long long)j->spec.qemu->vcpus,
		    (long long)j->spec.qemu->mem_mb,
		    j->spec.qemu->efi ? ", EFI" : "",
		    j->spec.qemu->kernel != NULL ? ", direct kernel boot" : "");
	if (j->container != NULL)
		printf("%-10s %.12s\n", "container:", j->container);
	output_time("started:", j->started_ms);
	output_time("ended:", j->ended_ms);
	if (j->ended_ms > 0) {
		output_outcome(j, buf, sizeof buf);
		printf("%-10s %s\n", "outcome:", buf);
	} else if (j->started_ms > 0) {
		human_duration(output_now_ms() - j->started_ms, buf,
		    sizeof buf);
		printf("%-10s %s\n", "uptime:", buf);
	}
	printf("%-10s %u\n", "restarts:", j->restarts);
	if (j->usage.have) {
		const struct proto_usage *u = &j->usage;
		char rss[32], pss[32], shim[32];

		human_size(u->rss_kb, rss, sizeof rss);
		human_size(u->pss_kb, pss, sizeof pss);
		human_size(u->shim_pss_kb, shim, sizeof shim);
		printf("%-10s %.1f%%\n", "cpu:", u->cpu_pct);
		printf("%-10s rss %s, pss %s in %lld process%s", "memory:",
		    rss, u->pss_kb >= 0 ? pss : "unknown",
		    (long long)u->procs, u->procs == 1 ? "" : "es");
		if (u->shim_pss_kb >= 0)
			printf(" (and its shim: pss %s)", shim);
		printf("\n");
	}
	if (j->error != NULL)
		printf("%-10s %s\n", "error:", j->error);
}
