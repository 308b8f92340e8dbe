/*
 * A JOB's "usage" (version 6): what a live job uses, when the daemon
 * measured it (launchd/usage.c says how).  Absent when not measured: the
 * job is not live, or the request did not ask (`list` without "usage").
 *
 *   "usage": {"cpu_pct": 12.5, "rss_kb": 10240, "pss_kb": 8120,
 *             "procs": 2, "shim_pss_kb": 420}
 *
 * cpu_pct is of one CPU (two busy threads: 200); pss_kb and shim_pss_kb
 * are null when unknown (no shim, or smaps_rollup not readable).
 */
#include "config.h"

#include <string.h>

#include "proto-json.h"

void
pj_usage_add(cJSON *job, const struct proto_usage *u)
{
	cJSON	*o;

	if (!u->have)
		return;
	o = cJSON_AddObjectToObject(job, "usage");
	/* One decimal, as top shows it. */
	cJSON_AddNumberToObject(o, "cpu_pct", pj_round(u->cpu_pct * 10) / 10);
	pj_add_int(o, "rss_kb", u->rss_kb);
	if (u->pss_kb >= 0)
		pj_add_int(o, "pss_kb", u->pss_kb);
	else
		cJSON_AddNullToObject(o, "pss_kb");
	pj_add_int(o, "procs", u->procs);
	if (u->shim_pss_kb >= 0)
		pj_add_int(o, "shim_pss_kb", u->shim_pss_kb);
	else
		cJSON_AddNullToObject(o, "shim_pss_kb");
}

int
pj_usage_decode(const cJSON *job, struct proto_usage *u,
    struct proto_error *err)
{
	const cJSON	*o, *cpu;

	memset(u, 0, sizeof *u);
	u->pss_kb = u->shim_pss_kb = -1;
	o = cJSON_GetObjectItemCaseSensitive(job, "usage");
	if (o == NULL || cJSON_IsNull(o))
		return 0;
	if (!cJSON_IsObject(o)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "usage",
		    "usage: must be an object or null");
		return -1;
	}
	cpu = cJSON_GetObjectItemCaseSensitive(o, "cpu_pct");
	if (!cJSON_IsNumber(cpu) || !(cpu->valuedouble >= 0) ||
	    cpu->valuedouble > PROTO_FIGURE_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "usage.cpu_pct",
		    "usage.cpu_pct: must be a number from 0 to 1e9");
		return -1;
	}
	u->cpu_pct = cpu->valuedouble;
	if (pj_int(o, "rss_kb", 1, 0, INT64_MAX / 2, &u->rss_kb, err) == -1 ||
	    pj_int(o, "pss_kb", 0, 0, INT64_MAX / 2, &u->pss_kb, err) == -1 ||
	    pj_int(o, "procs", 1, 0, INT32_MAX, &u->procs, err) == -1 ||
	    pj_int(o, "shim_pss_kb", 0, 0, INT64_MAX / 2, &u->shim_pss_kb,
	    err) == -1) {
		pj_blame(err, "usage");
		return -1;
	}
	u->have = 1;
	return 0;
}
