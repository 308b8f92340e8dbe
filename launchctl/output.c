/*
 * Human output: aligned tables, durations like "3m12s", job details.
 * Machine output is --json, printed by proto_jobs_json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "launch.h"
#include "xmalloc.h"

int64_t
output_now_ms(void)
{
	return clock_real_ms();
}

void
output_duration(int64_t ms, char *buf, size_t len)
{
	int64_t	s = ms < 0 ? 0 : ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

void
output_size(int64_t kb, char *buf, size_t len)
{
	if (kb < 1024)
		snprintf(buf, len, "%lldK", (long long)kb);
	else if (kb < 1024 * 1024)
		snprintf(buf, len, "%.1fM", (double)kb / 1024);
	else
		snprintf(buf, len, "%.1fG", (double)kb / (1024 * 1024));
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
		output_duration(output_now_ms() - j->started_ms, buf, len);
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
		for (size_t c = 0; c < ncols; c++)
			if (strlen(cells[r][c]) > width[c])
				width[c] = strlen(cells[r][c]);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			if (c + 1 == ncols)
				printf("%s\n", cells[r][c]);
			else
				printf("%-*s  ", (int)width[c], cells[r][c]);
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
		output_size(which == 1 ? u->rss_kb : u->pss_kb, buf, len);
}

void
output_jobs_table(const struct proto_job *jobs, size_t n, int wide)
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
				cells[r][c] = xstrdup(proto_state_name(j->state));
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
output_job_detail(const struct proto_job *j)
{
	char	 buf[64];
	char	*cmd = output_command(j);

	printf("%-10s %s\n", "label:", j->spec.label);
	printf("%-10s %s\n", "kind:", proto_kind_name(j->kind));
	printf("%-10s %s\n", "state:", proto_state_name(j->state));
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
		output_duration(output_now_ms() - j->started_ms, buf,
		    sizeof buf);
		printf("%-10s %s\n", "uptime:", buf);
	}
	printf("%-10s %u\n", "restarts:", j->restarts);
	if (j->usage.have) {
		const struct proto_usage *u = &j->usage;
		char rss[32], pss[32], shim[32];

		output_size(u->rss_kb, rss, sizeof rss);
		output_size(u->pss_kb, pss, sizeof pss);
		output_size(u->shim_pss_kb, shim, sizeof shim);
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
