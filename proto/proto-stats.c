/*
 * STATS: a daemon's machine and capacity, as ciao's STATS/STATUS gave
 * them, for `launch stats` and for placing a job on the host with the
 * most room (`submit --place`).  Encoded by the daemon, decoded by the
 * client from a reply or from `launch stats --json`'s output.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "human.h"
#include "proto-json.h"
#include "xmalloc.h"

static cJSON *
stats_object(const struct proto_stats *s, const char *host)
{
	cJSON	*o = cJSON_CreateObject();

	if (host != NULL)
		cJSON_AddStringToObject(o, "host", host);
	pj_add_int(o, "mem_total_mb", s->mem_total_mb);
	pj_add_int(o, "mem_available_mb", s->mem_available_mb);
	pj_add_int(o, "disk_total_mb", s->disk_total_mb);
	pj_add_int(o, "disk_available_mb", s->disk_available_mb);
	/* Two decimals, as /proc/loadavg has them. */
	cJSON_AddNumberToObject(o, "load1", pj_round(s->load1 * 100) / 100);
	pj_add_int(o, "cpus", s->cpus);
	pj_add_int(o, "jobs_running", s->jobs_running);
	pj_add_int(o, "jobs_total", s->jobs_total);
	pj_add_int(o, "max_jobs", s->max_jobs);
	cJSON_AddStringToObject(o, "status", s->full ? "full" : "ready");
	return o;
}

char *
proto_reply_stats(int64_t id, const struct proto_stats *s)
{
	cJSON	*o = pj_envelope(id);

	cJSON_AddItemToObject(o, "result", stats_object(s, NULL));
	return pj_line(o);
}

char *
proto_stats_json(const struct proto_stats *s, const char *host)
{
	return pj_line(stats_object(s, host));
}

/* "status": "ready" (0) or "full" (1), in STATS and capacity events. */
static int
status_decode(const cJSON *o, int *full, struct proto_error *err)
{
	char	*status;
	int	 rc = -1;

	if (pj_string(o, "status", 1, &status, err) == -1)
		return -1;
	if (strcmp(status, "ready") != 0 && strcmp(status, "full") != 0)
		proto_error_set(err, PROTO_E_INVALID_DATA, "status",
		    "status: must be \"ready\" or \"full\"");
	else {
		*full = strcmp(status, "full") == 0;
		rc = 0;
	}
	free(status);
	return rc;
}

int
pj_stats_decode(const cJSON *o, struct proto_stats *s,
    struct proto_error *err)
{
	const cJSON	*load;

	memset(s, 0, sizeof *s);
	if (!cJSON_IsObject(o)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "result",
		    "stats: must be an object");
		return -1;
	}
	/* Unknown members are ignored, as in every reply. */
	if (pj_int(o, "mem_total_mb", 1, 0, INT64_MAX / 2, &s->mem_total_mb,
	    err) == -1 ||
	    pj_int(o, "mem_available_mb", 1, 0, INT64_MAX / 2,
	    &s->mem_available_mb, err) == -1 ||
	    pj_int(o, "disk_total_mb", 1, 0, INT64_MAX / 2, &s->disk_total_mb,
	    err) == -1 ||
	    pj_int(o, "disk_available_mb", 1, 0, INT64_MAX / 2,
	    &s->disk_available_mb, err) == -1 ||
	    pj_int(o, "cpus", 1, 1, 1 << 20, &s->cpus, err) == -1 ||
	    pj_int(o, "jobs_running", 1, 0, INT64_MAX / 2, &s->jobs_running,
	    err) == -1 ||
	    pj_int(o, "jobs_total", 1, 0, INT64_MAX / 2, &s->jobs_total,
	    err) == -1 ||
	    pj_int(o, "max_jobs", 1, 0, INT64_MAX / 2, &s->max_jobs,
	    err) == -1)
		return -1;
	load = cJSON_GetObjectItemCaseSensitive(o, "load1");
	if (!cJSON_IsNumber(load) || !(load->valuedouble >= 0) ||
	    load->valuedouble > PROTO_FIGURE_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "load1",
		    "load1: must be a number from 0 to 1e9");
		return -1;
	}
	s->load1 = load->valuedouble;
	return status_decode(o, &s->full, err);
}

int
proto_stats_decode(const char *text, size_t len, struct proto_stats *s,
    struct proto_error *err)
{
	cJSON	*o;
	int	 rc;

	if ((o = pj_parse(text, len, err)) == NULL)
		return -1;
	rc = pj_stats_decode(o, s, err);
	cJSON_Delete(o);
	return rc;
}

double
proto_stats_room(const struct proto_stats *s)
{
	double	mem, cpu, jobs = 1;

	if (s->full)
		return 0;
	mem = s->mem_total_mb > 0 ?
	    (double)s->mem_available_mb / (double)s->mem_total_mb : 0;
	cpu = 1 - s->load1 / (double)(s->cpus > 0 ? s->cpus : 1);
	if (cpu < 0)
		cpu = 0;
	if (s->max_jobs > 0)
		jobs = 1 - (double)s->jobs_running / (double)s->max_jobs;
	if (jobs < 0)
		jobs = 0;
	if (cpu < mem)
		mem = cpu;
	return jobs < mem ? jobs : mem;
}

/* ---- events of the daemon itself (event.h) ---- */

void
pj_node_event_add(cJSON *o, const struct proto_event *ev)
{
	if (ev->type == PROTO_EV_STATS) {
		cJSON_AddItemToObject(o, "stats", stats_object(&ev->stats,
		    NULL));
		return;
	}
	cJSON_AddStringToObject(o, "status", ev->full ? "full" : "ready");
	pj_add_int(o, "jobs_active", ev->jobs_active);
	pj_add_int(o, "max_jobs", ev->max_jobs);
}

int
pj_node_event_decode(const cJSON *o, struct proto_event *ev,
    struct proto_error *err)
{
	if (ev->type == PROTO_EV_STATS) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "stats");

		if (!cJSON_IsObject(s)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "stats",
			    "stats: must be a STATS object");
			return -1;
		}
		if (pj_stats_decode(s, &ev->stats, err) == -1) {
			pj_blame(err, "stats");
			return -1;
		}
		return 0;
	}
	return status_decode(o, &ev->full, err) == -1 ||
	    pj_int(o, "jobs_active", 1, 0, INT64_MAX / 2, &ev->jobs_active,
	    err) == -1 ||
	    pj_int(o, "max_jobs", 1, 0, INT64_MAX / 2, &ev->max_jobs,
	    err) == -1 ? -1 : 0;
}

void
proto_node_event_format(const struct proto_event *ev, char *buf,
    size_t len)
{
	const struct proto_stats	*s = &ev->stats;
	char				 mem[24], mem_total[24];
	char				 disk[24], disk_total[24];

	if (ev->type == PROTO_EV_CAPACITY) {
		snprintf(buf, len, "capacity: %s, %lld of at most %lld jobs "
		    "running or restarting", ev->full ? "full" : "ready",
		    (long long)ev->jobs_active, (long long)ev->max_jobs);
		return;
	}
	/* Sizes for people, as `launch stats` shows them; the event's
	 * JSON keeps the MB. */
	human_size(s->mem_available_mb * 1024, mem, sizeof mem);
	human_size(s->mem_total_mb * 1024, mem_total, sizeof mem_total);
	human_size(s->disk_available_mb * 1024, disk, sizeof disk);
	human_size(s->disk_total_mb * 1024, disk_total, sizeof disk_total);
	snprintf(buf, len, "stats: %s, memory %s of %s available, disk %s of "
	    "%s, load %.2f on %lld CPUs, %lld of %lld jobs running",
	    s->full ? "full" : "ready", mem, mem_total, disk, disk_total,
	    s->load1, (long long)s->cpus, (long long)s->jobs_running,
	    (long long)s->jobs_total);
}
