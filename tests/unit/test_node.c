/*
 * What a daemon reports about itself and its jobs (protocol 6): a JOB's
 * "usage" (proto-usage.c) and `list`'s "usage" member, through the
 * encoders and back, and every error their decoders raise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "check-run.h"
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
	    "{\"v\":6,\"id\":1,\"op\":\"list\",\"usage\":1}";
	static const char	start[] =
	    "{\"v\":6,\"id\":1,\"op\":\"start\",\"match\":[\"a\"],"
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
	return s;
}

int
main(void)
{
	return check_run(node_suite());
}
