/*
 * What the remote side of the client relies on in proto/: STATS (the
 * stats reply, its JSON line as `launch stats --json` and the fan-out
 * print it, the room placement judges by) and a list's JSON array read
 * back with each job's host (the merged `launch -H a,b list`).
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "check-run.h"
#include "proto.h"

static struct proto_stats
stats_sample(void)
{
	struct proto_stats	s;

	memset(&s, 0, sizeof s);
	s.mem_total_mb = 8000;
	s.mem_available_mb = 4000;
	s.disk_total_mb = 100000;
	s.disk_available_mb = 25000;
	s.load1 = 1.25;
	s.cpus = 4;
	s.jobs_running = 3;
	s.jobs_total = 5;
	s.max_jobs = 0;
	return s;
}

static void
stats_eq(const struct proto_stats *a, const struct proto_stats *b)
{
	ck_assert_int_eq(a->mem_total_mb, b->mem_total_mb);
	ck_assert_int_eq(a->mem_available_mb, b->mem_available_mb);
	ck_assert_int_eq(a->disk_total_mb, b->disk_total_mb);
	ck_assert_int_eq(a->disk_available_mb, b->disk_available_mb);
	ck_assert_double_eq_tol(a->load1, b->load1, 0.005);
	ck_assert_int_eq(a->cpus, b->cpus);
	ck_assert_int_eq(a->jobs_running, b->jobs_running);
	ck_assert_int_eq(a->jobs_total, b->jobs_total);
	ck_assert_int_eq(a->max_jobs, b->max_jobs);
	ck_assert_int_eq(a->full, b->full);
}

START_TEST(test_stats_reply_roundtrip)
{
	struct proto_stats	in = stats_sample();
	struct proto_reply	rep;

	in.full = 1;
	in.max_jobs = 3;
	reply_decode_line(proto_reply_stats(42, &in), PROTO_OP_STATS, &rep);
	ck_assert_int_eq(rep.id, 42);
	stats_eq(&rep.stats, &in);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_stats_json_roundtrip)
{
	struct proto_stats	in = stats_sample(), out;
	struct proto_error	err;
	char			*line = proto_stats_json(&in, "box1");

	ck_assert_ptr_nonnull(strstr(line, "\"host\":\"box1\""));
	ck_assert_ptr_nonnull(strstr(line, "\"status\":\"ready\""));
	ck_assert_int_eq(line[strlen(line) - 1], '\n');
	ck_assert_int_eq(proto_stats_decode(line, strlen(line), &out, &err),
	    0);
	stats_eq(&out, &in);
	free(line);
}
END_TEST

static void
stats_fails(const char *json, const char *field)
{
	struct proto_stats	s;
	struct proto_error	err;

	memset(&err, 0, sizeof err);
	ck_assert_msg(proto_stats_decode(json, strlen(json), &s, &err) == -1,
	    "accepted %s", json);
	assert_error(json, &err, field[0] == '\0' ?
	    PROTO_E_INVALID_PAYLOAD : PROTO_E_INVALID_DATA, field);
}

#define STATS_OK "\"mem_total_mb\":1,\"mem_available_mb\":1," \
	"\"disk_total_mb\":1,\"disk_available_mb\":1,\"cpus\":1," \
	"\"jobs_running\":0,\"jobs_total\":0,\"max_jobs\":0"

START_TEST(test_stats_decode_bad)
{
	stats_fails("[]", "");
	stats_fails("not json", "");
	stats_fails("{" STATS_OK ",\"load1\":0.5}", "status");
	stats_fails("{" STATS_OK ",\"load1\":0.5,\"status\":\"busy\"}",
	    "status");
	stats_fails("{" STATS_OK ",\"load1\":-1,\"status\":\"ready\"}",
	    "load1");
	stats_fails("{" STATS_OK ",\"load1\":\"high\",\"status\":\"ready\"}",
	    "load1");
	/* Rounded to two decimals it would be infinite, encoded as null. */
	stats_fails("{" STATS_OK ",\"load1\":1e308,\"status\":\"ready\"}",
	    "load1");
	stats_fails("{" STATS_OK ",\"status\":\"ready\"}", "load1");
	stats_fails("{\"mem_total_mb\":-5,\"load1\":0,\"status\":\"ready\"}",
	    "mem_total_mb");
	stats_fails("{\"mem_total_mb\":1,\"mem_available_mb\":1,"
	    "\"disk_total_mb\":1,\"disk_available_mb\":1,\"cpus\":0,"
	    "\"jobs_running\":0,\"jobs_total\":0,\"max_jobs\":0,"
	    "\"load1\":0,\"status\":\"ready\"}", "cpus");
}
END_TEST

START_TEST(test_stats_unknown_members_ignored)
{
	static const char	json[] = "{" STATS_OK ",\"load1\":0.5,"
	    "\"status\":\"full\",\"gpu\":\"yes\"}";
	struct proto_stats	s;
	struct proto_error	err;

	ck_assert_int_eq(proto_stats_decode(json, strlen(json), &s, &err), 0);
	ck_assert_int_eq(s.full, 1);
}
END_TEST

START_TEST(test_stats_room)
{
	struct proto_stats	s = stats_sample();

	/* memory half free, load 1.25 of 4 CPUs: memory is the least. */
	ck_assert_double_eq_tol(proto_stats_room(&s), 0.5, 1e-9);
	s.load1 = 3;
	ck_assert_double_eq_tol(proto_stats_room(&s), 0.25, 1e-9);
	s.load1 = 9;			/* overloaded: no CPU room at all */
	ck_assert_double_eq_tol(proto_stats_room(&s), 0, 1e-9);
	s.load1 = 0;
	s.max_jobs = 4;			/* 3 of 4 slots taken */
	ck_assert_double_eq_tol(proto_stats_room(&s), 0.25, 1e-9);
	s.max_jobs = 0;
	s.full = 1;
	ck_assert_double_eq_tol(proto_stats_room(&s), 0, 1e-9);
	s.full = 0;
	s.mem_total_mb = 0;		/* no figure: no room claimed */
	ck_assert_double_eq_tol(proto_stats_room(&s), 0, 1e-9);
}
END_TEST

static struct proto_job
job_sample(const char *label)
{
	struct proto_job	j;

	memset(&j, 0, sizeof j);
	proto_submit_init(&j.spec);
	j.spec.label = strdup(label);
	proto_strv_add(&j.spec.argv, "sleep");
	j.id = 1;
	j.kind = PROTO_KIND_PROCESS;
	j.state = PROTO_STATE_RUNNING;
	j.pid = 77;
	j.exit_code = -1;
	return j;
}

START_TEST(test_jobs_decode_host)
{
	struct proto_job	 in[2], *out;
	struct proto_error	 err;
	size_t			 n;
	char			*json;

	in[0] = job_sample("web");
	in[1] = job_sample("db");
	in[1].host = strdup("root@box:2222");
	json = proto_jobs_json(in, 2, 0);
	ck_assert_int_eq(proto_jobs_decode(json, strlen(json), &out, &n, &err),
	    0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(out[0].spec.label, "web");
	ck_assert_ptr_null(out[0].host);
	ck_assert_str_eq(out[1].host, "root@box:2222");
	ck_assert_int_eq(out[1].pid, 77);
	for (size_t i = 0; i < n; i++)
		proto_job_free(&out[i]);
	free(out);
	free(json);
	proto_job_free(&in[0]);
	proto_job_free(&in[1]);
}
END_TEST

START_TEST(test_jobs_decode_bad)
{
	static const char *const bad[] = {
		"", "{}", "[1]", "[{\"label\":\"x\"}]", "[] trailing",
		"[{\"id\":1}]",
	};
	struct proto_job	*out;
	struct proto_error	 err;
	size_t			 n;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(proto_jobs_decode(bad[i], strlen(bad[i]), &out,
		    &n, &err) == -1, "accepted %s", bad[i]);
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(n, 0);
	}
	ck_assert_int_eq(proto_jobs_decode("[]", 2, &out, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(out);
}
END_TEST

static Suite *
remote_suite(void)
{
	Suite	*s = suite_create("remote");
	TCase	*tc = tcase_create("stats");

	tcase_add_test(tc, test_stats_reply_roundtrip);
	tcase_add_test(tc, test_stats_json_roundtrip);
	tcase_add_test(tc, test_stats_decode_bad);
	tcase_add_test(tc, test_stats_unknown_members_ignored);
	tcase_add_test(tc, test_stats_room);
	suite_add_tcase(s, tc);
	tc = tcase_create("jobs");
	tcase_add_test(tc, test_jobs_decode_host);
	tcase_add_test(tc, test_jobs_decode_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(remote_suite());
}
