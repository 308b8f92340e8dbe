/*
 * What a daemon reports about itself and its jobs (protocol 6): a JOB's
 * "usage" (proto-usage.c) and `list`'s "usage" member, the "capacity"
 * and "stats" events and the class "stats" (proto-stats.c, event.h),
 * through the encoders and back, and every error their decoders raise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "check-run.h"
#include "event.h"
#include "proto.h"
#include "xmalloc.h"

/* A minimal JOB with extra members spliced in. */
#define JOB(extra) "[{\"id\":1,\"label\":\"a\",\"argv\":[\"sleep\",\"9\"]," \
	"\"state\":\"running\",\"pid\":5,\"restarts\":0" extra "}]"

static void
jobs_fail(const char *json, const char *field)
{
	struct proto_job	*jobs = NULL;
	struct proto_error	 err;
	size_t			 n = 0;

	ck_assert_msg(proto_jobs_decode(json, strlen(json), &jobs, &n,
	    &err) == -1, "accepted: %s", json);
	assert_error(json, &err, PROTO_E_INVALID_DATA, field);
	ck_assert_ptr_null(jobs);
}

static void
jobs_ok(const char *json, struct proto_job **jobs)
{
	struct proto_error	err;
	size_t			n = 0;

	ck_assert_msg(proto_jobs_decode(json, strlen(json), jobs, &n,
	    &err) == 0, "rejected %s: %s", json, err.message);
	ck_assert_uint_eq(n, 1);
}

START_TEST(test_usage_roundtrip)
{
	struct proto_job	 in, *out;
	struct proto_error	 err;
	size_t			 n;
	char			*json;

	memset(&in, 0, sizeof in);
	proto_submit_init(&in.spec);
	in.spec.label = xstrdup("web");
	proto_strv_add(&in.spec.argv, "sleep");
	in.state = PROTO_STATE_RUNNING;
	in.pid = 42;
	in.exit_code = -1;
	in.usage = (struct proto_usage){ .have = 1, .cpu_pct = 12.345,
	    .rss_kb = 10240, .pss_kb = 8120, .shim_pss_kb = 420, .procs = 2 };
	json = proto_jobs_json(&in, 1, 0);
	ck_assert_ptr_nonnull(strstr(json, "\"usage\":{\"cpu_pct\":12.3,"
	    "\"rss_kb\":10240,\"pss_kb\":8120,\"procs\":2,"
	    "\"shim_pss_kb\":420}"));
	ck_assert_int_eq(proto_jobs_decode(json, strlen(json), &out, &n,
	    &err), 0);
	ck_assert_int_eq(out[0].usage.have, 1);
	ck_assert_double_eq_tol(out[0].usage.cpu_pct, 12.3, 1e-9);
	ck_assert_int_eq(out[0].usage.rss_kb, 10240);
	ck_assert_int_eq(out[0].usage.pss_kb, 8120);
	ck_assert_int_eq(out[0].usage.shim_pss_kb, 420);
	ck_assert_int_eq(out[0].usage.procs, 2);
	proto_job_free(&out[0]);
	free(out);
	free(json);

	/* Unknown figures are null; not measured: no member at all. */
	in.usage.pss_kb = in.usage.shim_pss_kb = -1;
	json = proto_jobs_json(&in, 1, 0);
	ck_assert_ptr_nonnull(strstr(json, "\"pss_kb\":null"));
	ck_assert_ptr_nonnull(strstr(json, "\"shim_pss_kb\":null"));
	ck_assert_int_eq(proto_jobs_decode(json, strlen(json), &out, &n,
	    &err), 0);
	ck_assert_int_eq(out[0].usage.pss_kb, -1);
	ck_assert_int_eq(out[0].usage.shim_pss_kb, -1);
	proto_job_free(&out[0]);
	free(out);
	free(json);
	in.usage.have = 0;
	json = proto_jobs_json(&in, 1, 0);
	ck_assert_ptr_null(strstr(json, "usage"));
	free(json);
	proto_job_free(&in);
}
END_TEST

START_TEST(test_usage_absent_or_null)
{
	struct proto_job	*jobs;

	jobs_ok(JOB(""), &jobs);
	ck_assert_int_eq(jobs[0].usage.have, 0);
	proto_job_free(&jobs[0]);
	free(jobs);
	jobs_ok(JOB(",\"usage\":null"), &jobs);
	ck_assert_int_eq(jobs[0].usage.have, 0);
	proto_job_free(&jobs[0]);
	free(jobs);
	/* Members a newer daemon adds are ignored, as everywhere in JOB. */
	jobs_ok(JOB(",\"usage\":{\"cpu_pct\":0,\"rss_kb\":1,\"procs\":1,"
	    "\"swap_kb\":3}"), &jobs);
	ck_assert_int_eq(jobs[0].usage.have, 1);
	ck_assert_int_eq(jobs[0].usage.pss_kb, -1);
	proto_job_free(&jobs[0]);
	free(jobs);
}
END_TEST

START_TEST(test_usage_errors)
{
	jobs_fail(JOB(",\"usage\":[]"), "usage");
	jobs_fail(JOB(",\"usage\":3"), "usage");
	jobs_fail(JOB(",\"usage\":{\"rss_kb\":1,\"procs\":1}"),
	    "usage.cpu_pct");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":-1,\"rss_kb\":1,\"procs\":1}"),
	    "usage.cpu_pct");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":\"5\",\"rss_kb\":1,"
	    "\"procs\":1}"), "usage.cpu_pct");
	/* Found by the decoders fuzz target: x 10 is infinite, which
	 * encodes as null and no longer decodes. */
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1e308,\"rss_kb\":1,"
	    "\"procs\":1}"), "usage.cpu_pct");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1,\"procs\":1}"),
	    "usage.rss_kb");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1,\"rss_kb\":-2,\"procs\":1}"),
	    "usage.rss_kb");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1,\"rss_kb\":1}"),
	    "usage.procs");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1,\"rss_kb\":1,\"procs\":1,"
	    "\"pss_kb\":1.5}"), "usage.pss_kb");
	jobs_fail(JOB(",\"usage\":{\"cpu_pct\":1,\"rss_kb\":1,\"procs\":1,"
	    "\"shim_pss_kb\":\"x\"}"), "usage.shim_pss_kb");
}
END_TEST

START_TEST(test_list_usage_request)
{
	struct proto_request	in, out;
	struct proto_error	err;
	static const char	bad[] =
	    "{\"v\":7,\"id\":1,\"op\":\"list\",\"usage\":1}";
	static const char	start[] =
	    "{\"v\":7,\"id\":1,\"op\":\"start\",\"match\":[\"a\"],"
	    "\"usage\":true}";

	proto_request_init(&in, PROTO_OP_LIST);
	in.id = 3;
	in.usage = 1;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.usage, 1);
	proto_request_free(&out);
	in.usage = 0;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.usage, 0);
	proto_request_free(&out);
	proto_request_free(&in);

	ck_assert_int_eq(proto_request_decode(bad, strlen(bad), &out, &err),
	    -1);
	assert_error(bad, &err, PROTO_E_INVALID_DATA, "usage");
	proto_request_free(&out);
	ck_assert_int_eq(proto_request_decode(start, strlen(start), &out,
	    &err), -1);
	assert_error(start, &err, PROTO_E_INVALID_DATA, "usage");
	proto_request_free(&out);
}
END_TEST

/* An event through its body and line, decoded again. */
static void
event_roundtrip(const struct proto_event *in, struct proto_event *out)
{
	struct proto_error	 err;
	char			*body, *line;

	body = proto_event_body(in);
	line = proto_event_line(body, 7);
	ck_assert_msg(proto_event_decode(line, strlen(line), out, &err) == 0,
	    "rejected %s: %s", line, err.message);
	ck_assert_int_eq(out->seq, 7);
	ck_assert_int_eq(out->type, in->type);
	ck_assert_ptr_null(out->label);
	free(body);
	free(line);
}

static void
node_event(struct proto_event *ev, enum proto_ev_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->time_ms = 1795000000123LL;
	ev->host = "box";
	ev->exit_code = -1;
}

START_TEST(test_capacity_event)
{
	struct proto_event	in, out;
	char			line[512];

	node_event(&in, PROTO_EV_CAPACITY);
	in.full = 1;
	in.jobs_active = 10;
	in.max_jobs = 10;
	event_roundtrip(&in, &out);
	ck_assert_int_eq(out.full, 1);
	ck_assert_int_eq(out.jobs_active, 10);
	ck_assert_int_eq(out.max_jobs, 10);
	proto_event_format(&out, line, sizeof line);
	ck_assert_str_eq(strchr(line, ' ') + 1, "box: capacity: full, 10 of "
	    "at most 10 jobs running or restarting");
	proto_event_free(&out);
	/* In "all" only. */
	ck_assert(proto_event_in_class(PROTO_EVENTS_ALL, &in));
	ck_assert(!proto_event_in_class(PROTO_EVENTS_FAILURES |
	    PROTO_EVENTS_EXITS | PROTO_EVENTS_STATS, &in));
}
END_TEST

START_TEST(test_stats_event)
{
	struct proto_event	in, out;
	char			line[512];

	node_event(&in, PROTO_EV_STATS);
	in.stats = (struct proto_stats){ .mem_total_mb = 24105,
	    .mem_available_mb = 23862, .disk_total_mb = 258019,
	    .disk_available_mb = 81731, .load1 = 0.63, .cpus = 2,
	    .jobs_running = 3, .jobs_total = 4, .max_jobs = 10 };
	event_roundtrip(&in, &out);
	ck_assert_int_eq(out.stats.mem_available_mb, 23862);
	ck_assert_int_eq(out.stats.jobs_running, 3);
	ck_assert_int_eq(out.stats.max_jobs, 10);
	ck_assert_int_eq(out.stats.full, 0);
	proto_event_format(&out, line, sizeof line);
	ck_assert_str_eq(strchr(line, ' ') + 1, "box: stats: ready, memory "
	    "23.3G of 23.5G available, disk 79.8G of 252.0G, load 0.63 on 2 "
	    "CPUs, 3 of 4 jobs running");
	proto_event_free(&out);
	/* Only for those that ask: not even in "all". */
	ck_assert(proto_event_in_class(PROTO_EVENTS_STATS, &in));
	ck_assert(!proto_event_in_class(PROTO_EVENTS_ALL |
	    PROTO_EVENTS_EXITS | PROTO_EVENTS_FAILURES, &in));
}
END_TEST

static void
event_fails(const char *line, const char *field)
{
	struct proto_event	ev;
	struct proto_error	err;

	ck_assert_msg(proto_event_decode(line, strlen(line), &ev, &err) == -1,
	    "accepted %s", line);
	assert_error(line, &err, PROTO_E_INVALID_DATA, field);
}

#define EV(type, rest) "{\"seq\":1,\"time\":\"2026-11-22T10:00:00.000Z\"," \
	"\"host\":\"box\",\"event\":\"" type "\"" rest "}"

START_TEST(test_node_event_errors)
{
	event_fails(EV("capacity", ""), "status");
	event_fails(EV("capacity", ",\"status\":\"busy\",\"jobs_active\":1,"
	    "\"max_jobs\":1"), "status");
	event_fails(EV("capacity", ",\"status\":\"full\",\"max_jobs\":1"),
	    "jobs_active");
	event_fails(EV("capacity", ",\"status\":\"full\",\"jobs_active\":1,"
	    "\"max_jobs\":-1"), "max_jobs");
	event_fails(EV("stats", ""), "stats");
	event_fails(EV("stats", ",\"stats\":[]"), "stats");
	event_fails(EV("stats", ",\"stats\":{\"mem_total_mb\":1}"),
	    "stats.mem_available_mb");
}
END_TEST

static Suite *
node_suite(void)
{
	Suite	*s = suite_create("node");
	TCase	*tc = tcase_create("usage");

	tcase_add_test(tc, test_usage_roundtrip);
	tcase_add_test(tc, test_usage_absent_or_null);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_list_usage_request);
	suite_add_tcase(s, tc);
	tc = tcase_create("events");
	tcase_add_test(tc, test_capacity_event);
	tcase_add_test(tc, test_stats_event);
	tcase_add_test(tc, test_node_event_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(node_suite());
}
