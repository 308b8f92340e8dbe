/*
 * Per-job usage: CPU %, RSS and PSS of a live job's processes, read from
 * /proc when a request asks (`status` always, `list` with "usage": the
 * client's `list -l`), never sampled in the background, so that an idle
 * daemon stays asleep and a plain `list` stays cheap (a few reads per
 * process: stat, children, smaps_rollup).
 *
 * Which processes: with a shim, everything below the shim (it is a child
 * subreaper, so a job's orphaned grandchildren are re-parented to it and
 * still counted), found through /proc/PID/task/TID/children; the shim
 * itself is reported apart (shim_pss_kb), since it is launch's overhead,
 * not the job's.  Without a shim (a container), the main process and its
 * descendants.  At most USAGE_PROCS_MAX processes per job are visited.
 *
 * CPU % is the delta of utime + stime of those processes over the wall
 * time between two samples, of one CPU.  A job's first sample (or the
 * first after its main process changed) is its average since it
 * started; later ones cover the time since the previous sample, which is
 * kept until at least USAGE_WINDOW_MS have passed (a burst of requests
 * sees the same figure instead of noise from a few ticks).  Ticks of
 * processes that ended between samples are lost, so a job that forks
 * short-lived workers reads low.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "launchd.h"
#include "xmalloc.h"

#define USAGE_PROCS_MAX		4096
#define USAGE_WINDOW_MS		1000

struct proc_stat {
	long long	ticks;		/* utime + stime */
	long long	rss_pages;
	long		threads;
};


/* Read a small /proc file into buf (NUL-terminated): length or -1. */
static ssize_t
usage_read(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static int
usage_stat(pid_t pid, struct proc_stat *ps)
{
	char		 path[64], buf[1024], *p;
	long long	 utime, stime, rss;
	long		 threads;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (usage_read(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* After "(comm)": state ppid pgrp session tty_nr tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice
	 * num_threads itrealvalue starttime vsize rss */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%lld %lld %*d %*d %*d %*d %ld %*d %*u %*u %lld",
	    &utime, &stime, &threads, &rss) != 4)
		return -1;
	ps->ticks = utime + stime;
	ps->rss_pages = rss;
	ps->threads = threads;
	return 0;
}

/* Pss from smaps_rollup, in kB; -1 if unreadable. */
static int64_t
usage_pss(pid_t pid)
{
	char		 path[64], buf[2048], *p;
	long long	 kb;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if (usage_read(path, buf, sizeof buf) <= 0 ||
	    (p = strstr(buf, "\nPss:")) == NULL ||
	    sscanf(p + 5, "%lld", &kb) != 1)
		return -1;
	return kb;
}

/* Append the pids in a children file to the stack. */
static void
usage_push_children(const char *path, pid_t **stack, size_t *n,
    size_t *cap)
{
	char	 buf[8192], *p, *end;
	long	 v;

	if (usage_read(path, buf, sizeof buf) <= 0)
		return;
	for (p = buf; *p != '\0'; p = end) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno != 0)
			break;
		if (v > 0 && *n < USAGE_PROCS_MAX) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				*stack = xreallocarray(*stack, *cap,
				    sizeof **stack);
			}
			(*stack)[(*n)++] = (pid_t)v;
		}
	}
}

/* Every thread can have children of its own: a process with one thread
 * needs one read, others one per thread. */
static void
usage_children(pid_t pid, long threads, pid_t **stack, size_t *n,
    size_t *cap)
{
	char		 path[96];
	DIR		*d;
	struct dirent	*de;

	if (threads <= 1) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/children",
		    (int)pid, (int)pid);
		usage_push_children(path, stack, n, cap);
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/children",
		    (int)pid, de->d_name);
		usage_push_children(path, stack, n, cap);
	}
	closedir(d);
}

void
usage_measure(struct job *j, struct proto_usage *u)
{
	static long	 page_kb, hz;
	struct job_usage *s = &j->usage;
	struct proc_stat ps;
	pid_t		*stack = NULL, root;
	size_t		 n = 0, cap = 0, visited = 0;
	long long	 ticks = 0;
	int64_t		 now, pss;
	int		 own_root;

	memset(u, 0, sizeof *u);
	u->pss_kb = u->shim_pss_kb = -1;
	if (!job_live(j) || j->pid <= 0)
		return;
	if (page_kb == 0) {
		page_kb = sysconf(_SC_PAGESIZE) / 1024;
		hz = sysconf(_SC_CLK_TCK);
	}
	own_root = !(j->driver->shim && j->shim.pid > 0);
	root = own_root ? j->pid : (pid_t)j->shim.pid;
	if (usage_stat(root, &ps) == -1)
		return;		/* gone between its exit and our notice */
	u->have = 1;
	u->pss_kb = 0;
	if (own_root) {
		stack = xreallocarray(NULL, cap = 16, sizeof *stack);
		stack[n++] = root;
	} else {
		u->shim_pss_kb = usage_pss(root);
		usage_children(root, ps.threads, &stack, &n, &cap);
	}
	while (n > 0 && visited++ < USAGE_PROCS_MAX) {
		pid_t pid = stack[--n];

		if (usage_stat(pid, &ps) == -1)
			continue;	/* ended meanwhile */
		u->procs++;
		ticks += ps.ticks;
		u->rss_kb += ps.rss_pages * page_kb;
		if (u->pss_kb >= 0 && (pss = usage_pss(pid)) >= 0)
			u->pss_kb += pss;
		else
			u->pss_kb = -1;
		usage_children(pid, ps.threads, &stack, &n, &cap);
	}
	free(stack);

	now = clock_mono_ms();
	if (s->root != root || s->generation != j->generation) {
		/* First sample of this run: its average so far. */
		int64_t life = server_now_ms() - j->started_ms;
		s->cpu = life > 0 ? (double)ticks * 1000 / hz * 100 / life : 0;
		s->root = root;
		s->generation = j->generation;
		s->ticks = ticks;
		s->at_ms = now;
	} else if (now - s->at_ms >= USAGE_WINDOW_MS) {
		s->cpu = ticks > s->ticks ? (double)(ticks - s->ticks) *
		    1000 / hz * 100 / (double)(now - s->at_ms) : 0;
		s->ticks = ticks;
		s->at_ms = now;
	}
	u->cpu_pct = s->cpu;
}
