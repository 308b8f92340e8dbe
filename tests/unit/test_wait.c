/*
 * Unit tests for the wait op (proto-request.c, proto-wait.c): the
 * request's strict decoding, the reply and its progress lines both ways,
 * the decoder's strictness (a progress line only for wait, counts that
 * make sense), and `launch wait`'s summary text.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "xmalloc.h"
#include "check-helpers.h"
#include "check-run.h"

#define WAIT_HEAD	"{\"v\":7,\"id\":9,\"op\":\"wait\","

static void
wait_request_fails(const char *json, const char *field)
{
	struct proto_request	req;
	struct proto_error	err;

	ck_assert_msg(proto_request_decode(json, strlen(json), &req, &err) ==
	    -1, "accepted: %s", json);
	assert_error(json, &err, PROTO_E_INVALID_DATA, field);
	ck_assert_int_eq(req.id, 9);
	ck_assert_ptr_null(req.match.v);
	proto_request_free(&req);
}

static void
wait_reply_fails(const char *json, enum proto_op op, const char *field)
{
	struct proto_reply	rep;
	struct proto_error	err;

	ck_assert_msg(proto_reply_decode(json, strlen(json), op, &rep, &err) ==
	    -1, "accepted: %s", json);
	assert_error(json, &err, PROTO_E_INVALID_DATA, field);
	ck_assert_int_eq(rep.is_progress, 0);
	ck_assert_ptr_null(rep.wait.succeeded);
	ck_assert_ptr_null(rep.wait.failed);
	ck_assert_ptr_null(rep.progress.job.label);
	proto_reply_free(&rep);
}

/* A result with the members given, after the required ones. */
#define RESULT(members) "{\"v\":7,\"id\":4,\"result\":{" members "}}"
#define OK_LISTS "\"succeeded\":[],\"failed\":[],\"left\":[],"
#define OK_TAIL "\"timed_out\":false,\"elapsed_ms\":5"

#define PROGRESS(members) "{\"v\":7,\"id\":4,\"progress\":{" members "}}"
#define OK_JOB "\"label\":\"a\",\"state\":\"exited\",\"exit_code\":2," \
	"\"signal\":null,\"error\":null,"

START_TEST(test_request_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_WAIT);
	ck_assert_int_eq(in.timeout_ms, -1);
	in.id = 3;
	proto_strv_add(&in.match, "batch/*");
	proto_strv_add(&in.match, "db");
	in.timeout_ms = 1500;
	in.progress = 1;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_WAIT);
	ck_assert_int_eq(out.id, 3);
	assert_strv_eq("match", &out.match, &in.match);
	ck_assert_int_eq(out.timeout_ms, 1500);
	ck_assert_int_eq(out.progress, 1);
	proto_request_free(&out);

	/* No timeout, no progress: neither is sent; 0 is a timeout. */
	in.timeout_ms = -1;
	in.progress = 0;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.timeout_ms, -1);
	ck_assert_int_eq(out.progress, 0);
	proto_request_free(&out);
	in.timeout_ms = 0;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.timeout_ms, 0);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_request_defaults_and_limits)
{
	struct proto_request	req;
	char			*json;

	request_decode_ok(WAIT_HEAD "\"match\":[\"a\"]}", &req);
	ck_assert_int_eq(req.timeout_ms, -1);
	ck_assert_int_eq(req.progress, 0);
	proto_request_free(&req);
	/* null is absent, as for every optional member. */
	request_decode_ok(WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":null,"
	    "\"progress\":null}", &req);
	ck_assert_int_eq(req.timeout_ms, -1);
	ck_assert_int_eq(req.progress, 0);
	proto_request_free(&req);
	xasprintf(&json, WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":%lld,"
	    "\"progress\":false}", (long long)PROTO_WAIT_TIMEOUT_MAX_MS);
	request_decode_ok(json, &req);
	ck_assert_int_eq(req.timeout_ms, PROTO_WAIT_TIMEOUT_MAX_MS);
	proto_request_free(&req);
	free(json);
	xasprintf(&json, WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":%lld}",
	    (long long)PROTO_WAIT_TIMEOUT_MAX_MS + 1);
	wait_request_fails(json, "timeout_ms");
	free(json);
}
END_TEST

START_TEST(test_request_rejects)
{
	wait_request_fails(WAIT_HEAD "\"timeout_ms\":5}", "match");
	wait_request_fails(WAIT_HEAD "\"match\":[]}", "match");
	wait_request_fails(WAIT_HEAD "\"match\":\"a\"}", "match");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\",3]}", "match[1]");
	wait_request_fails(WAIT_HEAD "\"match\":[\"bad label\"]}",
	    "match[0]");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":-1}",
	    "timeout_ms");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":1.5}",
	    "timeout_ms");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"timeout_ms\":\"5\"}",
	    "timeout_ms");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"progress\":1}",
	    "progress");
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"progress\":\"yes\"}",
	    "progress");
	/* stop's members are not wait's. */
	wait_request_fails(WAIT_HEAD "\"match\":[\"a\"],\"signal\":\"SIGTERM\"}",
	    "signal");
	/* And wait's are not stop's. */
	wait_request_fails("{\"v\":7,\"id\":9,\"op\":\"stop\",\"match\":[\"a\"],"
	    "\"progress\":true}", "progress");
}
END_TEST

START_TEST(test_reply_roundtrip)
{
	struct proto_wait		w;
	struct proto_wait_job		s[2], f[3], l[1];
	struct proto_label_error	e = { "nothing", PROTO_E_UNKNOWN_LABEL,
					    "no such job" };
	struct proto_reply		rep;

	memset(&w, 0, sizeof w);
	proto_wait_job_set(&s[0], "a", PROTO_STATE_EXITED, 0, 0, NULL);
	proto_wait_job_set(&s[1], "b/c", PROTO_STATE_EXITED, 0, 0, NULL);
	proto_wait_job_set(&f[0], "d", PROTO_STATE_EXITED, 2, 0, NULL);
	proto_wait_job_set(&f[1], "e", PROTO_STATE_EXITED, -1, SIGKILL, NULL);
	proto_wait_job_set(&f[2], "g", PROTO_STATE_FAILED, 1, 0,
	    "gave up after 3 restarts in a row");
	proto_wait_job_set(&l[0], "h", PROTO_STATE_RUNNING, -1, 0, NULL);
	w.succeeded = s;
	w.nsucceeded = 2;
	w.failed = f;
	w.nfailed = 3;
	w.left = l;
	w.nleft = 1;
	w.timed_out = 1;
	w.elapsed_ms = 5012;
	reply_decode_line(proto_reply_wait(7, &w, &e, 1), PROTO_OP_WAIT, &rep);
	ck_assert_int_eq(rep.id, 7);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_int_eq(rep.is_progress, 0);
	ck_assert_uint_eq(rep.wait.nsucceeded, 2);
	ck_assert_str_eq(rep.wait.succeeded[0].label, "a");
	ck_assert_str_eq(rep.wait.succeeded[1].label, "b/c");
	ck_assert_uint_eq(rep.wait.nfailed, 3);
	ck_assert_str_eq(rep.wait.failed[0].label, "d");
	ck_assert_int_eq(rep.wait.failed[0].state, PROTO_STATE_EXITED);
	ck_assert_int_eq(rep.wait.failed[0].exit_code, 2);
	ck_assert_int_eq(rep.wait.failed[0].signal, 0);
	ck_assert_ptr_null(rep.wait.failed[0].error);
	ck_assert_int_eq(rep.wait.failed[1].exit_code, -1);
	ck_assert_int_eq(rep.wait.failed[1].signal, SIGKILL);
	ck_assert_int_eq(rep.wait.failed[2].state, PROTO_STATE_FAILED);
	ck_assert_str_eq(rep.wait.failed[2].error,
	    "gave up after 3 restarts in a row");
	ck_assert_uint_eq(rep.wait.nleft, 1);
	ck_assert_str_eq(rep.wait.left[0].label, "h");
	ck_assert_int_eq(rep.wait.timed_out, 1);
	ck_assert_int_eq(rep.wait.elapsed_ms, 5012);
	ck_assert_uint_eq(rep.nerrors, 1);
	ck_assert_str_eq(rep.errors[0].label, "nothing");
	ck_assert_int_eq(rep.errors[0].code, PROTO_E_UNKNOWN_LABEL);
	ck_assert_str_eq(rep.errors[0].message, "no such job");
	proto_reply_free(&rep);
	for (int i = 0; i < 2; i++)
		proto_wait_job_free(&s[i]);
	for (int i = 0; i < 3; i++)
		proto_wait_job_free(&f[i]);
	proto_wait_job_free(&l[0]);
}
END_TEST

START_TEST(test_reply_empty_and_error)
{
	struct proto_reply	rep;
	struct proto_error	err;
	const char		*json = RESULT(OK_LISTS OK_TAIL);

	/* errors may be absent, as in every {"jobs"} reply. */
	ck_assert_int_eq(proto_reply_decode(json, strlen(json), PROTO_OP_WAIT,
	    &rep, &err), 0);
	ck_assert_uint_eq(rep.wait.nsucceeded + rep.wait.nfailed +
	    rep.wait.nleft + rep.nerrors, 0);
	ck_assert_int_eq(rep.wait.elapsed_ms, 5);
	proto_reply_free(&rep);
	json = "{\"v\":7,\"id\":4,\"error\":{\"code\":\"invalid_data\","
	    "\"message\":\"timeout_ms: must be...\",\"field\":\"timeout_ms\"}}";
	ck_assert_int_eq(proto_reply_decode(json, strlen(json), PROTO_OP_WAIT,
	    &rep, &err), 0);
	ck_assert_int_eq(rep.is_error, 1);
	ck_assert_str_eq(rep.error.field, "timeout_ms");
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_rejects)
{
	wait_reply_fails(RESULT("\"failed\":[],\"left\":[]," OK_TAIL),
	    PROTO_OP_WAIT, "succeeded");
	wait_reply_fails(RESULT("\"succeeded\":\"a\",\"failed\":[],"
	    "\"left\":[]," OK_TAIL), PROTO_OP_WAIT, "succeeded");
	wait_reply_fails(RESULT("\"succeeded\":[\"a\",\"b c\"],\"failed\":[],"
	    "\"left\":[]," OK_TAIL), PROTO_OP_WAIT, "succeeded[1]");
	wait_reply_fails(RESULT("\"succeeded\":[1],\"failed\":[],"
	    "\"left\":[]," OK_TAIL), PROTO_OP_WAIT, "succeeded[0]");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[\"a\"],"
	    "\"left\":[]," OK_TAIL), PROTO_OP_WAIT, "failed[0]");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[{\"label\":"
	    "\"a\"}],\"left\":[]," OK_TAIL), PROTO_OP_WAIT, "state");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[{\"label\":"
	    "\"a\",\"state\":\"gone\"}],\"left\":[]," OK_TAIL),
	    PROTO_OP_WAIT, "state");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[{\"label\":"
	    "\"a\",\"state\":\"exited\",\"exit_code\":256}],\"left\":[],"
	    OK_TAIL), PROTO_OP_WAIT, "exit_code");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[{\"label\":"
	    "\"a\",\"state\":\"exited\",\"signal\":\"KILL\"}],\"left\":[],"
	    OK_TAIL), PROTO_OP_WAIT, "signal");
	wait_reply_fails(RESULT("\"succeeded\":[],\"failed\":[],"
	    "\"left\":[\"a\"]," OK_TAIL), PROTO_OP_WAIT, "left");
	wait_reply_fails(RESULT(OK_LISTS "\"elapsed_ms\":5"), PROTO_OP_WAIT,
	    "timed_out");
	wait_reply_fails(RESULT(OK_LISTS "\"timed_out\":0,\"elapsed_ms\":5"),
	    PROTO_OP_WAIT, "timed_out");
	wait_reply_fails(RESULT(OK_LISTS "\"timed_out\":false,"
	    "\"elapsed_ms\":-1"), PROTO_OP_WAIT, "elapsed_ms");
	wait_reply_fails(RESULT(OK_LISTS "\"timed_out\":false"),
	    PROTO_OP_WAIT, "elapsed_ms");
	wait_reply_fails(RESULT(OK_LISTS OK_TAIL ",\"errors\":{}"),
	    PROTO_OP_WAIT, "errors");
	wait_reply_fails(RESULT(OK_LISTS OK_TAIL ",\"errors\":[{\"label\":"
	    "\"a\",\"code\":\"no_such_code\",\"message\":\"m\"}]"),
	    PROTO_OP_WAIT, "code");
}
END_TEST

START_TEST(test_progress_roundtrip)
{
	struct proto_wait_progress	p;
	struct proto_reply		rep;

	memset(&p, 0, sizeof p);
	proto_wait_job_set(&p.job, "batch/7", PROTO_STATE_EXITED, -1,
	    SIGTERM, NULL);
	p.ended = 3;
	p.total = 10;
	reply_decode_line(proto_wait_progress_line(12, &p), PROTO_OP_WAIT,
	    &rep);
	ck_assert_int_eq(rep.is_progress, 1);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_int_eq(rep.id, 12);
	ck_assert_str_eq(rep.progress.job.label, "batch/7");
	ck_assert_int_eq(rep.progress.job.state, PROTO_STATE_EXITED);
	ck_assert_int_eq(rep.progress.job.exit_code, -1);
	ck_assert_int_eq(rep.progress.job.signal, SIGTERM);
	ck_assert_int_eq(rep.progress.succeeded, 0);
	ck_assert_int_eq(rep.progress.ended, 3);
	ck_assert_int_eq(rep.progress.total, 10);
	ck_assert_ptr_null(rep.wait.succeeded);
	proto_reply_free(&rep);
	proto_wait_job_free(&p.job);

	proto_wait_job_set(&p.job, "a", PROTO_STATE_EXITED, 0, 0, NULL);
	p.succeeded = 1;
	p.ended = p.total = 1;
	reply_decode_line(proto_wait_progress_line(1, &p), PROTO_OP_WAIT,
	    &rep);
	ck_assert_int_eq(rep.progress.succeeded, 1);
	ck_assert_int_eq(rep.progress.job.exit_code, 0);
	proto_reply_free(&rep);
	proto_wait_job_free(&p.job);
}
END_TEST

START_TEST(test_progress_rejects)
{
	const char	*good = PROGRESS(OK_JOB "\"succeeded\":false,"
	    "\"ended\":1,\"total\":2");

	/* Only a wait has progress lines: for another op it is a reply
	 * without a result. */
	wait_reply_fails(good, PROTO_OP_STOP, "result");
	wait_reply_fails(good, PROTO_OP_LIST, "result");
	wait_reply_fails("{\"v\":7,\"id\":4,\"progress\":{" OK_JOB
	    "\"succeeded\":false,\"ended\":1,\"total\":2},\"result\":{}}",
	    PROTO_OP_WAIT, "progress");
	wait_reply_fails("{\"v\":7,\"id\":4,\"progress\":{" OK_JOB
	    "\"succeeded\":false,\"ended\":1,\"total\":2},\"error\":{}}",
	    PROTO_OP_WAIT, "progress");
	wait_reply_fails("{\"v\":7,\"id\":null,\"progress\":{" OK_JOB
	    "\"succeeded\":false,\"ended\":1,\"total\":2}}", PROTO_OP_WAIT,
	    "id");
	wait_reply_fails("{\"v\":7,\"id\":4,\"progress\":[]}", PROTO_OP_WAIT,
	    "progress");
	wait_reply_fails(PROGRESS("\"state\":\"exited\",\"succeeded\":false,"
	    "\"ended\":1,\"total\":2"), PROTO_OP_WAIT, "label");
	wait_reply_fails(PROGRESS(OK_JOB "\"ended\":1,\"total\":2"),
	    PROTO_OP_WAIT, "succeeded");
	wait_reply_fails(PROGRESS(OK_JOB "\"succeeded\":false,\"ended\":3,"
	    "\"total\":2"), PROTO_OP_WAIT, "ended");
	wait_reply_fails(PROGRESS(OK_JOB "\"succeeded\":false,\"ended\":0,"
	    "\"total\":2"), PROTO_OP_WAIT, "ended");
	wait_reply_fails(PROGRESS(OK_JOB "\"succeeded\":false,\"ended\":1"),
	    PROTO_OP_WAIT, "total");
	/* It says succeeded, but the job exited 2. */
	wait_reply_fails(PROGRESS(OK_JOB "\"succeeded\":true,\"ended\":1,"
	    "\"total\":2"), PROTO_OP_WAIT, "succeeded");
}
END_TEST

START_TEST(test_outcome_and_timeout_text)
{
	struct proto_wait_job	j;
	struct proto_wait	w;
	char			buf[128];

	proto_wait_job_set(&j, "a", PROTO_STATE_EXITED, 2, 0, NULL);
	proto_wait_job_outcome(&j, buf, sizeof buf);
	ck_assert_str_eq(buf, "exit 2");
	proto_wait_job_free(&j);
	proto_wait_job_set(&j, "a", PROTO_STATE_EXITED, -1, SIGKILL, NULL);
	proto_wait_job_outcome(&j, buf, sizeof buf);
	ck_assert_str_eq(buf, "SIGKILL");
	proto_wait_job_free(&j);
	proto_wait_job_set(&j, "a", PROTO_STATE_FAILED, 1, 0, "gave up");
	proto_wait_job_outcome(&j, buf, sizeof buf);
	ck_assert_str_eq(buf, "exit 1; gave up");
	proto_wait_job_free(&j);
	proto_wait_job_set(&j, "a", PROTO_STATE_FAILED, -1, 0, "x: No such "
	    "file or directory");
	proto_wait_job_outcome(&j, buf, sizeof buf);
	ck_assert_str_eq(buf, "x: No such file or directory");
	proto_wait_job_free(&j);
	proto_wait_job_set(&j, "a", PROTO_STATE_BACKOFF, -1, 0, NULL);
	proto_wait_job_outcome(&j, buf, sizeof buf);
	ck_assert_str_eq(buf, "backoff");
	proto_wait_job_free(&j);

	memset(&w, 0, sizeof w);
	w.elapsed_ms = 5049;
	w.nleft = 2;
	proto_wait_timeout_message(&w, buf, sizeof buf);
	ck_assert_str_eq(buf, "Timeout reached at 5.0 s with 2 jobs left");
	w.elapsed_ms = 250;
	w.nleft = 1;
	proto_wait_timeout_message(&w, buf, sizeof buf);
	ck_assert_str_eq(buf, "Timeout reached at 0.2 s with 1 job left");
	/* A minute or more: a human duration. */
	w.elapsed_ms = 60000;
	proto_wait_timeout_message(&w, buf, sizeof buf);
	ck_assert_str_eq(buf, "Timeout reached at 1m00s with 1 job left");
	w.elapsed_ms = 3900400;
	proto_wait_timeout_message(&w, buf, sizeof buf);
	ck_assert_str_eq(buf, "Timeout reached at 1h05m with 1 job left");
}
END_TEST

START_TEST(test_summary)
{
	struct proto_wait	 w;
	struct proto_wait_job	 s[2], f[1], l[2], u[1];
	char			*text;

	memset(&w, 0, sizeof w);
	proto_wait_job_set(&s[0], "a", PROTO_STATE_EXITED, 0, 0, NULL);
	proto_wait_job_set(&s[1], "b", PROTO_STATE_EXITED, 0, 0, NULL);
	w.succeeded = s;
	w.nsucceeded = 2;
	w.elapsed_ms = 3217;
	text = proto_wait_summary(&w, NULL, 0);
	ck_assert_str_eq(text,
	    "{\n"
	    "  \"succeeded\": {\n"
	    "    \"count\": 2,\n"
	    "    \"labels\": [\"a\", \"b\"]\n"
	    "  },\n"
	    "  \"failed\": {\n"
	    "    \"count\": 0,\n"
	    "    \"labels\": [],\n"
	    "    \"jobs\": []\n"
	    "  },\n"
	    "  \"elapsed_s\": 3.2\n"
	    "}\n");
	free(text);

	proto_wait_job_set(&f[0], "c \"q\"", PROTO_STATE_EXITED, 2, 0, NULL);
	proto_wait_job_set(&l[0], "d", PROTO_STATE_RUNNING, -1, 0, NULL);
	proto_wait_job_set(&l[1], "e", PROTO_STATE_BACKOFF, -1, 0, NULL);
	proto_wait_job_set(&u[0], "nothing*", PROTO_STATE_EXITED, -1, 0,
	    "no job matches");
	w.failed = f;
	w.nfailed = 1;
	w.left = l;
	w.nleft = 2;
	w.timed_out = 1;
	w.elapsed_ms = 5000;
	/* Several hosts: each label with its host. */
	s[1].host = xstrdup("box2");
	text = proto_wait_summary(&w, u, 1);
	ck_assert_str_eq(text,
	    "{\n"
	    "  \"succeeded\": {\n"
	    "    \"count\": 2,\n"
	    "    \"labels\": [\n"
	    "      \"a\",\n"
	    "      {\"host\": \"box2\", \"label\": \"b\"}\n"
	    "    ]\n"
	    "  },\n"
	    "  \"failed\": {\n"
	    "    \"count\": 1,\n"
	    "    \"labels\": [\"c \\\"q\\\"\"],\n"
	    "    \"jobs\": [\n"
	    "      {\"label\": \"c \\\"q\\\"\", \"state\": \"exited\", "
	    "\"exit_code\": 2, \"signal\": null, \"error\": null}\n"
	    "    ]\n"
	    "  },\n"
	    "  \"elapsed_s\": 5.0,\n"
	    "  \"timeout\": {\n"
	    "    \"message\": \"Timeout reached at 5.0 s with 2 jobs left\",\n"
	    "    \"count\": 2,\n"
	    "    \"labels\": [\"d\", \"e\"]\n"
	    "  },\n"
	    "  \"unknown\": {\n"
	    "    \"count\": 1,\n"
	    "    \"labels\": [\"nothing*\"]\n"
	    "  }\n"
	    "}\n");
	free(text);
	for (int i = 0; i < 2; i++) {
		proto_wait_job_free(&s[i]);
		proto_wait_job_free(&l[i]);
	}
	proto_wait_job_free(&f[0]);
	proto_wait_job_free(&u[0]);
}
END_TEST

static Suite *
wait_suite(void)
{
	Suite	*s = suite_create("wait");
	TCase	*tc;

	tc = tcase_create("request");
	tcase_add_test(tc, test_request_roundtrip);
	tcase_add_test(tc, test_request_defaults_and_limits);
	tcase_add_test(tc, test_request_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply");
	tcase_add_test(tc, test_reply_roundtrip);
	tcase_add_test(tc, test_reply_empty_and_error);
	tcase_add_test(tc, test_reply_rejects);
	tcase_add_test(tc, test_progress_roundtrip);
	tcase_add_test(tc, test_progress_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("summary");
	tcase_add_test(tc, test_outcome_and_timeout_text);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(wait_suite());
}
