/*
 * The `stats` request: this machine's memory, disk, load and CPUs, and
 * the daemon's jobs against its limit, read when asked (never sampled in
 * the background: an idle daemon stays idle).  MemAvailable is computed
 * as ciao computed it (MemFree + Active(file) + Inactive(file)), not the
 * kernel's MemAvailable estimate, so that placement judges hosts as the
 * fleet scheduler did.
 */
#include "config.h"

#include <sys/statvfs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launchd.h"

/* kB -> MB of the meminfo lines we want. */
static void
stats_meminfo(struct proto_stats *s)
{
	char		line[256], key[64];
	long long	kb, free_kb = 0, active = 0, inactive = 0;
	FILE		*f;

	if ((f = fopen("/proc/meminfo", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%63[^:]: %lld", key, &kb) != 2)
			continue;
		if (strcmp(key, "MemTotal") == 0)
			s->mem_total_mb = kb / 1024;
		else if (strcmp(key, "MemFree") == 0)
			free_kb = kb;
		else if (strcmp(key, "Active(file)") == 0)
			active = kb;
		else if (strcmp(key, "Inactive(file)") == 0)
			inactive = kb;
	}
	fclose(f);
	s->mem_available_mb = (free_kb + active + inactive) / 1024;
}

void
stats_collect(struct proto_stats *s)
{
	struct statvfs	  vfs;
	struct job	**all;
	double		  load;
	long		  cpus;
	size_t		  n;

	memset(s, 0, sizeof *s);
	stats_meminfo(s);
	if (statvfs(state_dir(), &vfs) == 0) {
		s->disk_total_mb = (int64_t)((unsigned long long)vfs.f_blocks *
		    vfs.f_frsize / (1024 * 1024));
		s->disk_available_mb = (int64_t)((unsigned long long)
		    vfs.f_bavail * vfs.f_frsize / (1024 * 1024));
	}
	if (getloadavg(&load, 1) == 1)
		s->load1 = load;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	s->cpus = cpus > 0 ? cpus : 1;
	all = job_all(&n);
	s->jobs_total = (int64_t)n;
	for (size_t i = 0; i < n; i++)
		if (job_live(all[i]))
			s->jobs_running++;
	free(all);
	s->max_jobs = capacity_max_jobs();
	s->full = capacity_full(NULL, 0);
}
