/*
 * Unit tests for proto/: the wire protocol's encoders, strict decoders,
 * label and glob rules, and names.  See proto/proto.h for the protocol.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "proto.h"
#include "xmalloc.h"
#include "check-helpers.h"
#include "check-run.h"

/* 2026-11-18T11:06:40.123Z and 2026-11-18T11:07:41.456Z. */
#define T_STARTED	INT64_C(1795000000123)
#define T_ENDED		INT64_C(1795000061456)
/* 2026-11-18T11:06:41.623Z, 1.5 s after T_STARTED. */
#define T_READY		INT64_C(1795000001623)

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */
/* ------------------------------------------------------------------ */

/*
 * Decode a request that must be rejected with code and field; the message
 * must name the field, and req->id must be id (-1 when no usable id).
 * Freeing the failed request (twice) must be safe.
 */
static void
request_decode_fails(const char *json, size_t len, enum proto_code code,
    const char *field, int64_t id)
{
	struct proto_request	req;
	struct proto_error	err;
	int			rc;

	rc = proto_request_decode(json, len, &req, &err);
	ck_assert_msg(rc == -1, "accepted: %s", json);
	assert_error(json, &err, code, field);
	ck_assert_msg(req.id == id, "%s: id %lld, want %lld", json,
	    (long long)req.id, (long long)id);
	/* Nothing half-decoded is left behind. */
	ck_assert_ptr_null(req.submit.label);
	ck_assert_ptr_null(req.submit.argv.v);
	ck_assert_ptr_null(req.submit.env.v);
	ck_assert_ptr_null(req.submit.cwd);
	ck_assert_ptr_null(req.submit.rlimits);
	ck_assert_uint_eq(req.submit.nrlimits, 0);
	ck_assert_ptr_null(req.label);
	ck_assert_ptr_null(req.match.v);
	ck_assert_ptr_null(req.jobs);
	ck_assert_uint_eq(req.njobs, 0);
	proto_request_free(&req);
	proto_request_free(&req);
	ck_assert_ptr_null(req.label);
	ck_assert_uint_eq(req.match.n, 0);
}

static void
request_fails(const char *json, enum proto_code code, const char *field,
    int64_t id)
{
	request_decode_fails(json, strlen(json), code, field, id);
}

/* Every SPEC member set; free with proto_submit_free. */
static void
spec_fill(struct proto_submit *s, const char *label)
{
	proto_submit_init(s);
	s->label = xstrdup(label);
	proto_strv_add(&s->argv, "/bin/sh");
	proto_strv_add(&s->argv, "-c");
	proto_strv_add(&s->argv, "echo \"hi\"; exit 3");
	proto_strv_add(&s->env, "FOO=bar");
	proto_strv_add(&s->env, "EMPTY=");
	proto_strv_add(&s->env, "EQ=a=b");
	s->cwd = xstrdup("/home/u/work dir");
	s->path = xstrdup("/opt/bin:/usr/bin");
	s->stdout_path = xstrdup("/tmp/out.log");
	s->stderr_path = xstrdup("/tmp/err.log");
	s->restart = PROTO_RESTART_ON_FAILURE;
	s->max_restarts = 5;
	s->ready_fd = 3;
	s->umask = 027;
	proto_submit_set_rlimit(s, RLIMIT_NOFILE, 1024, 4096);
	proto_submit_set_rlimit(s, RLIMIT_CORE, -1, -1);
}

static void
assert_spec_eq(const struct proto_submit *got, const struct proto_submit *want)
{
	assert_str_eq_or_null("label", got->label, want->label);
	assert_strv_eq("argv", &got->argv, &want->argv);
	assert_strv_eq("env", &got->env, &want->env);
	assert_str_eq_or_null("cwd", got->cwd, want->cwd);
	assert_str_eq_or_null("path", got->path, want->path);
	assert_str_eq_or_null("stdout", got->stdout_path, want->stdout_path);
	assert_str_eq_or_null("stderr", got->stderr_path, want->stderr_path);
	ck_assert_int_eq(got->restart, want->restart);
	ck_assert_int_eq(got->max_restarts, want->max_restarts);
	ck_assert_int_eq(got->ready_fd, want->ready_fd);
	ck_assert_int_eq(got->umask, want->umask);
	ck_assert_uint_eq(got->nrlimits, want->nrlimits);
	for (size_t i = 0; i < want->nrlimits; i++) {
		ck_assert_int_eq(got->rlimits[i].resource,
		    want->rlimits[i].resource);
		ck_assert_int_eq(got->rlimits[i].soft, want->rlimits[i].soft);
		ck_assert_int_eq(got->rlimits[i].hard, want->rlimits[i].hard);
	}
	if (want->nrlimits == 0)
		ck_assert_ptr_null(got->rlimits);
}

/* A job with every member set; free with proto_job_free. */
static void
job_fill(struct proto_job *j, const char *label)
{
	memset(j, 0, sizeof *j);
	spec_fill(&j->spec, label);
	j->id = 314;
	j->kind = PROTO_KIND_PROCESS;
	j->state = PROTO_STATE_EXITED;
	j->pid = 4242;
	j->started_ms = T_STARTED;
	j->ready_ms = T_READY;
	j->ended_ms = T_ENDED;
	j->exit_code = 3;
	j->signal = 0;
	j->restarts = 7;
	j->error = xstrdup("it said \"no\"");
	j->stdout_log = xstrdup("/home/u/.local/state/launch/logs/314.out");
	j->stderr_log = xstrdup("/tmp/err.log");
}

/* A running job with the optional members unset; free with proto_job_free. */
static void
job_fill_minimal(struct proto_job *j, const char *label)
{
	memset(j, 0, sizeof *j);
	proto_submit_init(&j->spec);
	j->spec.label = xstrdup(label);
	proto_strv_add(&j->spec.argv, "sleep");
	proto_strv_add(&j->spec.argv, "1000");
	j->spec.kind = PROTO_KIND_DOCKER;
	j->spec.docker = xcalloc(1, sizeof *j->spec.docker);
	j->spec.docker->image = xstrdup("busybox");
	j->id = 1;
	j->kind = PROTO_KIND_DOCKER;
	j->state = PROTO_STATE_RUNNING;
	j->pid = 99;
	j->started_ms = T_STARTED;
	j->exit_code = -1;
}

static void
assert_job_eq(const struct proto_job *got, const struct proto_job *want)
{
	assert_spec_eq(&got->spec, &want->spec);
	ck_assert_int_eq(got->id, want->id);
	ck_assert_int_eq(got->kind, want->kind);
	ck_assert_int_eq(got->state, want->state);
	ck_assert_int_eq(got->pid, want->pid);
	ck_assert_int_eq(got->started_ms, want->started_ms);
	ck_assert_int_eq(got->ready_ms, want->ready_ms);
	ck_assert_int_eq(got->ended_ms, want->ended_ms);
	ck_assert_int_eq(got->exit_code, want->exit_code);
	ck_assert_int_eq(got->signal, want->signal);
	ck_assert_uint_eq(got->restarts, want->restarts);
	assert_str_eq_or_null("error", got->error, want->error);
	assert_str_eq_or_null("logs.stdout", got->stdout_log,
	    want->stdout_log);
	assert_str_eq_or_null("logs.stderr", got->stderr_log,
	    want->stderr_log);
}

/* Decode a reply that must be rejected with code and field. */
static void
reply_fails(const char *json, enum proto_op op, enum proto_code code,
    const char *field)
{
	struct proto_reply	rep;
	struct proto_error	err;
	int			rc;

	rc = proto_reply_decode(json, strlen(json), op, &rep, &err);
	ck_assert_msg(rc == -1, "accepted: %s", json);
	assert_error(json, &err, code, field);
	ck_assert_ptr_null(rep.jobs);
	ck_assert_uint_eq(rep.njobs, 0);
	ck_assert_ptr_null(rep.errors);
	ck_assert_ptr_null(rep.ping.version);
	proto_reply_free(&rep);
}

/* ------------------------------------------------------------------ */
/* Request round trips.                                                */
/* ------------------------------------------------------------------ */

START_TEST(test_req_ping_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_PING);
	in.id = 0;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_PING);
	ck_assert_int_eq(out.id, 0);
	ck_assert_ptr_null(out.submit.label);
	ck_assert_ptr_null(out.label);
	ck_assert_uint_eq(out.match.n, 0);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_submit_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_SUBMIT);
	in.id = INT64_C(1234567890123456);
	in.submit.label = xstrdup("github.com/relab/goxos/kvs/kvsd");
	proto_strv_add(&in.submit.argv, "kvsd");
	proto_strv_add(&in.submit.argv, "-addr");
	proto_strv_add(&in.submit.argv, ":8080 \"quoted\" \\ \xc3\xbc");
	proto_strv_add(&in.submit.argv, "");
	proto_strv_add(&in.submit.env, "FOO=bar");
	proto_strv_add(&in.submit.env, "EMPTY=");
	proto_strv_add(&in.submit.env, "EQ=x=y");
	in.submit.cwd = xstrdup("/srv/kvs");
	in.submit.path = xstrdup("/opt/kvs/bin:/usr/bin");
	in.submit.stdout_path = xstrdup("/var/log/kvs.out");
	in.submit.stderr_path = xstrdup("/var/log/kvs.err");

	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SUBMIT);
	ck_assert_int_eq(out.id, INT64_C(1234567890123456));
	assert_str_eq_or_null("label", out.submit.label, in.submit.label);
	assert_strv_eq("argv", &out.submit.argv, &in.submit.argv);
	assert_strv_eq("env", &out.submit.env, &in.submit.env);
	assert_str_eq_or_null("cwd", out.submit.cwd, "/srv/kvs");
	assert_str_eq_or_null("path", out.submit.path,
	    "/opt/kvs/bin:/usr/bin");
	assert_str_eq_or_null("stdout", out.submit.stdout_path,
	    "/var/log/kvs.out");
	assert_str_eq_or_null("stderr", out.submit.stderr_path,
	    "/var/log/kvs.err");
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_submit_minimal_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_SUBMIT);
	in.id = 5;
	in.submit.label = xstrdup("web");
	proto_strv_add(&in.submit.argv, "true");

	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SUBMIT);
	ck_assert_int_eq(out.id, 5);
	assert_str_eq_or_null("label", out.submit.label, "web");
	assert_strv_eq("argv", &out.submit.argv, &in.submit.argv);
	ck_assert_uint_eq(out.submit.env.n, 0);
	ck_assert_ptr_null(out.submit.cwd);
	ck_assert_ptr_null(out.submit.path);
	ck_assert_ptr_null(out.submit.stdout_path);
	ck_assert_ptr_null(out.submit.stderr_path);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_list_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_LIST);
	in.id = 17;
	proto_strv_add(&in.match, "o*");
	proto_strv_add(&in.match, "web");
	proto_strv_add(&in.match, "[ab]?x");
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_LIST);
	ck_assert_int_eq(out.id, 17);
	assert_strv_eq("match", &out.match, &in.match);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_list_all_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_LIST);
	in.id = 18;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_LIST);
	ck_assert_int_eq(out.id, 18);
	ck_assert_uint_eq(out.match.n, 0);
	ck_assert_ptr_null(out.match.v);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_status_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_STATUS);
	in.id = 3;
	in.label = xstrdup("a.b_c:d/e@f+g-h");
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_STATUS);
	ck_assert_int_eq(out.id, 3);
	assert_str_eq_or_null("label", out.label, "a.b_c:d/e@f+g-h");
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_stop_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_STOP);
	in.id = 1234567890123;
	proto_strv_add(&in.match, "web");
	proto_strv_add(&in.match, "worker-*");
	in.timeout_ms = 2500;
	in.signal = SIGINT;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_STOP);
	ck_assert_int_eq(out.id, 1234567890123);
	assert_strv_eq("match", &out.match, &in.match);
	ck_assert_int_eq(out.timeout_ms, 2500);
	ck_assert_int_eq(out.signal, SIGINT);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_stop_zero_timeout_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_STOP);
	in.id = 8;
	proto_strv_add(&in.match, "*");
	in.timeout_ms = 0;
	in.signal = SIGHUP;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.timeout_ms, 0);
	ck_assert_int_eq(out.signal, SIGHUP);
	assert_strv_eq("match", &out.match, &in.match);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_stop_defaults)
{
	struct proto_request	req;

	request_decode_ok("{\"v\":7,\"id\":9,\"op\":\"stop\","
	    "\"match\":[\"web\"]}", &req);
	ck_assert_int_eq(req.op, PROTO_OP_STOP);
	ck_assert_int_eq(req.id, 9);
	ck_assert_uint_eq(req.match.n, 1);
	ck_assert_str_eq(req.match.v[0], "web");
	ck_assert_int_eq(req.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	ck_assert_int_eq(req.signal, SIGTERM);
	proto_request_free(&req);

	/* null counts as absent for optional members. */
	request_decode_ok("{\"v\":7,\"id\":10,\"op\":\"stop\","
	    "\"match\":[\"web\"],\"timeout_ms\":null,\"signal\":null}", &req);
	ck_assert_int_eq(req.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	ck_assert_int_eq(req.signal, SIGTERM);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_shutdown_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_SHUTDOWN);
	in.id = 77;
	in.timeout_ms = 86400000;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SHUTDOWN);
	ck_assert_int_eq(out.id, 77);
	ck_assert_int_eq(out.timeout_ms, 86400000);
	ck_assert_int_eq(out.signal, SIGTERM);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_shutdown_defaults)
{
	struct proto_request	req;

	request_decode_ok("{\"v\":7,\"id\":1,\"op\":\"shutdown\"}", &req);
	ck_assert_int_eq(req.op, PROTO_OP_SHUTDOWN);
	ck_assert_int_eq(req.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	ck_assert_int_eq(req.signal, SIGTERM);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_init_defaults)
{
	struct proto_request	req;

	proto_request_init(&req, PROTO_OP_STOP);
	ck_assert_int_eq(req.op, PROTO_OP_STOP);
	ck_assert_int_eq(req.id, -1);
	ck_assert_int_eq(req.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	ck_assert_int_eq(req.signal, SIGTERM);
	ck_assert_ptr_null(req.label);
	ck_assert_uint_eq(req.match.n, 0);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_whitespace_and_cr_accepted)
{
	struct proto_request	req;

	request_decode_ok(" { \"op\" : \"ping\" , \"id\" : 4 , \"v\" : 7 }"
	    " \r", &req);
	ck_assert_int_eq(req.op, PROTO_OP_PING);
	ck_assert_int_eq(req.id, 4);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_escaped_backslash_u0000_is_text)
{
	struct proto_request	req;

	/* The JSON text "a\\u0000" is a, backslash, u0000: not a NUL. */
	request_decode_ok("{\"v\":7,\"id\":2,\"op\":\"submit\","
	    "\"label\":\"x\",\"argv\":[\"a\\\\u0000\"]}", &req);
	ck_assert_uint_eq(req.submit.argv.n, 1);
	ck_assert_str_eq(req.submit.argv.v[0], "a\\u0000");
	ck_assert_uint_eq(strlen(req.submit.argv.v[0]), 7);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_unicode_escape_decoded)
{
	struct proto_request	req;

	request_decode_ok("{\"v\":7,\"id\":2,\"op\":\"submit\","
	    "\"label\":\"x\",\"argv\":[\"\\u00fc\\n\"]}", &req);
	ck_assert_str_eq(req.submit.argv.v[0], "\xc3\xbc\n");
	proto_request_free(&req);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Request decoding: payload errors.                                   */
/* ------------------------------------------------------------------ */

START_TEST(test_req_not_json)
{
	request_fails("hello", PROTO_E_INVALID_PAYLOAD, "", -1);
	request_fails("{\"v\":7,\"id\":1,\"op\":\"ping\"", PROTO_E_INVALID_PAYLOAD,
	    "", -1);
	request_fails("", PROTO_E_INVALID_PAYLOAD, "", -1);
}
END_TEST

START_TEST(test_req_not_object)
{
	request_fails("[{\"v\":7,\"id\":1,\"op\":\"ping\"}]",
	    PROTO_E_INVALID_PAYLOAD, "", -1);
	request_fails("42", PROTO_E_INVALID_PAYLOAD, "", -1);
	request_fails("\"ping\"", PROTO_E_INVALID_PAYLOAD, "", -1);
	request_fails("null", PROTO_E_INVALID_PAYLOAD, "", -1);
}
END_TEST

START_TEST(test_req_trailing_garbage)
{
	request_fails("{\"v\":7,\"id\":1,\"op\":\"ping\"} x",
	    PROTO_E_INVALID_PAYLOAD, "", -1);
	request_fails("{\"v\":7,\"id\":1,\"op\":\"ping\"}{}",
	    PROTO_E_INVALID_PAYLOAD, "", -1);
}
END_TEST

START_TEST(test_req_nul_escape)
{
	request_fails("{\"v\":7,\"id\":1,\"op\":\"status\","
	    "\"label\":\"a\\u0000b\"}", PROTO_E_INVALID_PAYLOAD, "", -1);
	/* An escaped backslash, then a real \u0000. */
	request_fails("{\"v\":7,\"id\":1,\"op\":\"status\","
	    "\"label\":\"a\\\\\\u0000\"}", PROTO_E_INVALID_PAYLOAD, "", -1);
}
END_TEST

START_TEST(test_req_raw_nul_byte)
{
	static const char json[] = "{\"v\":7,\"id\":1,\"op\":\"ping\"}\0";

	/* The length includes the NUL after the object. */
	request_decode_fails(json, sizeof json - 1, PROTO_E_INVALID_PAYLOAD,
	    "", -1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Request decoding: the envelope (id, v, op, members).                */
/* ------------------------------------------------------------------ */

START_TEST(test_req_id_missing)
{
	request_fails("{\"v\":7,\"op\":\"ping\"}", PROTO_E_INVALID_DATA,
	    "id", -1);
	request_fails("{\"v\":7,\"id\":null,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
}
END_TEST

START_TEST(test_req_id_bad)
{
	request_fails("{\"v\":7,\"id\":-1,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":1.5,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":\"1\",\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":true,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	/* 2^53, 2^53 + 1 (read as 2^53) and 1e300 are above 2^53 - 1. */
	request_fails("{\"v\":7,\"id\":9007199254740992,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":9007199254740993,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":9007199254740994,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
	request_fails("{\"v\":7,\"id\":1e300,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "id", -1);
}
END_TEST

START_TEST(test_req_id_limits_accepted)
{
	struct proto_request	req;

	request_decode_ok("{\"v\":7,\"id\":9007199254740991,\"op\":\"ping\"}",
	    &req);
	ck_assert_int_eq(req.id, PROTO_ID_MAX);
	proto_request_free(&req);
	request_decode_ok("{\"v\":7,\"id\":0,\"op\":\"ping\"}", &req);
	ck_assert_int_eq(req.id, 0);
	proto_request_free(&req);
}
END_TEST

/* cJSON prints numbers with %1.15g when that reads back "close enough":
 * ids are printed exactly instead, up to the largest one allowed. */
START_TEST(test_req_id_max_roundtrip)
{
	struct proto_request	 in, out;
	struct proto_reply	 rep;
	struct proto_error	 err;
	struct proto_ping	 ping = { 42, (char *)"1.0", PROTO_VERSION,
	    0 };
	char			*line;
	int64_t			 ids[] = { PROTO_ID_MAX, INT64_C(5000000000000001),
	    INT64_C(5083397471221679) };

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		proto_request_init(&in, PROTO_OP_PING);
		in.id = ids[i];
		line = proto_request_encode(&in);
		ck_assert_int_eq(proto_request_decode(line, strlen(line) - 1,
		    &out, &err), 0);
		ck_assert_int_eq(out.id, ids[i]);
		free(line);
		proto_request_free(&out);
		line = proto_reply_ping(ids[i], &ping);
		ck_assert_int_eq(proto_reply_decode(line, strlen(line) - 1,
		    PROTO_OP_PING, &rep, &err), 0);
		ck_assert_int_eq(rep.id, ids[i]);
		free(line);
		proto_reply_free(&rep);
	}
}
END_TEST

START_TEST(test_req_v_missing_or_bad)
{
	request_fails("{\"id\":6,\"op\":\"ping\"}", PROTO_E_INVALID_DATA,
	    "v", 6);
	request_fails("{\"v\":1.5,\"id\":6,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "v", 6);
	request_fails("{\"v\":\"2\",\"id\":6,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "v", 6);
	request_fails("{\"v\":-1,\"id\":6,\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "v", 6);
}
END_TEST

START_TEST(test_req_v_unsupported)
{
	struct proto_request	req;
	struct proto_error	err;
	static const char	v1[] = "{\"v\":1,\"id\":30,\"op\":\"ping\"}";

	/* Versions before and after this one. */
	request_fails(v1, PROTO_E_UNSUPPORTED_VERSION, "v", 30);
	request_fails("{\"v\":8,\"id\":31,\"op\":\"ping\"}",
	    PROTO_E_UNSUPPORTED_VERSION, "v", 31);
	request_fails("{\"v\":0,\"id\":33,\"op\":\"ping\"}",
	    PROTO_E_UNSUPPORTED_VERSION, "v", 33);
	/* The version is checked before the op, which v7 may redefine. */
	request_fails("{\"v\":8,\"id\":32,\"op\":\"frobnicate\",\"x\":1}",
	    PROTO_E_UNSUPPORTED_VERSION, "v", 32);
	/* The message says which version was sent and which is spoken. */
	ck_assert_int_eq(proto_request_decode(v1, strlen(v1), &req, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "version 1 "));
	ck_assert_ptr_nonnull(strstr(err.message, "speaks 7"));
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_op_bad)
{
	request_fails("{\"v\":7,\"id\":7}", PROTO_E_INVALID_DATA, "op", 7);
	request_fails("{\"v\":7,\"id\":7,\"op\":1}", PROTO_E_INVALID_DATA,
	    "op", 7);
	request_fails("{\"v\":7,\"id\":7,\"op\":null}", PROTO_E_INVALID_DATA,
	    "op", 7);
	request_fails("{\"v\":7,\"id\":7,\"op\":\"frobnicate\"}",
	    PROTO_E_INVALID_DATA, "op", 7);
	request_fails("{\"v\":7,\"id\":7,\"op\":\"PING\"}",
	    PROTO_E_INVALID_DATA, "op", 7);
}
END_TEST

START_TEST(test_req_unknown_member)
{
	request_fails("{\"v\":7,\"id\":11,\"op\":\"submit\",\"lable\":\"web\","
	    "\"argv\":[\"true\"]}", PROTO_E_INVALID_DATA, "lable", 11);
	/* A member of another op is unknown too. */
	request_fails("{\"v\":7,\"id\":12,\"op\":\"ping\",\"label\":\"web\"}",
	    PROTO_E_INVALID_DATA, "label", 12);
	request_fails("{\"v\":7,\"id\":13,\"op\":\"shutdown\","
	    "\"signal\":\"SIGTERM\"}", PROTO_E_INVALID_DATA, "signal", 13);
}
END_TEST

START_TEST(test_req_duplicate_member)
{
	request_fails("{\"v\":7,\"id\":14,\"op\":\"status\",\"label\":\"a\","
	    "\"label\":\"b\"}", PROTO_E_INVALID_DATA, "label", 14);
	request_fails("{\"v\":7,\"id\":15,\"op\":\"ping\",\"op\":\"ping\"}",
	    PROTO_E_INVALID_DATA, "op", 15);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Request decoding: submit.                                           */
/* ------------------------------------------------------------------ */

#define SUBMIT_HEAD	"{\"v\":7,\"id\":21,\"op\":\"submit\","

START_TEST(test_submit_label_missing_or_wrong_type)
{
	request_fails(SUBMIT_HEAD "\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":7,\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":null,\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":[\"web\"],\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
}
END_TEST

START_TEST(test_submit_label_invalid)
{
	request_fails(SUBMIT_HEAD "\"label\":\"\",\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"a b\",\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"w*\",\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"\\u00fc\",\"argv\":[\"true\"]}",
	    PROTO_E_INVALID_DATA, "label", 21);
}
END_TEST

START_TEST(test_submit_label_length)
{
	struct proto_request	 req;
	char			*l255 = repeat('a', 255), *l256 = repeat('b', 256);
	char			*json;

	xasprintf(&json, SUBMIT_HEAD "\"label\":\"%s\",\"argv\":[\"true\"]}",
	    l256);
	request_fails(json, PROTO_E_INVALID_DATA, "label", 21);
	free(json);

	xasprintf(&json, SUBMIT_HEAD "\"label\":\"%s\",\"argv\":[\"true\"]}",
	    l255);
	request_decode_ok(json, &req);
	ck_assert_str_eq(req.submit.label, l255);
	ck_assert_uint_eq(strlen(req.submit.label), PROTO_LABEL_MAX);
	proto_request_free(&req);
	free(json);
	free(l255);
	free(l256);
}
END_TEST

START_TEST(test_submit_argv_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\"}",
	    PROTO_E_INVALID_DATA, "argv", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":\"true\"}",
	    PROTO_E_INVALID_DATA, "argv", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":{\"0\":\"a\"}}",
	    PROTO_E_INVALID_DATA, "argv", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[]}",
	    PROTO_E_INVALID_DATA, "argv", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"\",\"x\"]}",
	    PROTO_E_INVALID_DATA, "argv", 21);
}
END_TEST

START_TEST(test_submit_argv_element_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"sleep\",5]}",
	    PROTO_E_INVALID_DATA, "argv[1]", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\","
	    "\"argv\":[\"a\",\"b\",null]}", PROTO_E_INVALID_DATA, "argv[2]",
	    21);
}
END_TEST

START_TEST(test_submit_env_roundtrip_from_json)
{
	struct proto_request	req;

	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"FOO\":\"bar\",\"E\":\"\",\"Q\":\"a=b\"}}", &req);
	ck_assert_uint_eq(req.submit.env.n, 3);
	ck_assert_str_eq(req.submit.env.v[0], "FOO=bar");
	ck_assert_str_eq(req.submit.env.v[1], "E=");
	ck_assert_str_eq(req.submit.env.v[2], "Q=a=b");
	ck_assert_ptr_null(req.submit.env.v[3]);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_submit_env_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":[\"FOO=bar\"]}", PROTO_E_INVALID_DATA, "env", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":\"FOO=bar\"}", PROTO_E_INVALID_DATA, "env", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"FOO\":1}}", PROTO_E_INVALID_DATA, "env.FOO", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"OK\":\"1\",\"FOO\":null}}", PROTO_E_INVALID_DATA,
	    "env.FOO", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"A=B\":\"c\"}}", PROTO_E_INVALID_DATA, "env.A=B", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"\":\"c\"}}", PROTO_E_INVALID_DATA, "env.", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":{\"A\":\"1\",\"A\":\"2\"}}", PROTO_E_INVALID_DATA,
	    "env.A", 21);
}
END_TEST

/* submit_batch (version 7): a job file's specs in one request. */
START_TEST(test_req_batch_roundtrip)
{
	struct proto_request	in, out;
	const char		*labels[] = { "web", "db/primary", "a@b" };

	proto_request_init(&in, PROTO_OP_SUBMIT_BATCH);
	in.id = 77;
	in.njobs = 3;
	in.jobs = xcalloc(in.njobs, sizeof *in.jobs);
	for (size_t i = 0; i < in.njobs; i++)
		spec_fill(&in.jobs[i], labels[i]);
	in.jobs[1].ready_fd = 0;	/* wait_ready needs none */
	in.wait_ready = 1;
	in.ready_timeout_ms = 2500;

	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SUBMIT_BATCH);
	ck_assert_int_eq(out.id, 77);
	ck_assert_uint_eq(out.njobs, 3);
	for (size_t i = 0; i < in.njobs; i++)
		assert_spec_eq(&out.jobs[i], &in.jobs[i]);
	ck_assert_int_eq(out.wait_ready, 1);
	ck_assert_int_eq(out.ready_timeout_ms, 2500);
	/* The single submit's members stay unset. */
	ck_assert_ptr_null(out.submit.label);
	proto_request_free(&out);
	proto_request_free(&in);
	ck_assert_ptr_null(in.jobs);
	ck_assert_uint_eq(in.njobs, 0);
}
END_TEST

/* What a client adds up to split a file: one more job makes the line
 * longer by that job's encoded length and a comma. */
START_TEST(test_req_batch_encoded_len)
{
	struct proto_request	req;
	char			*one, *two;
	size_t			 len;

	proto_request_init(&req, PROTO_OP_SUBMIT_BATCH);
	req.id = 1;
	req.njobs = 2;
	req.jobs = xcalloc(2, sizeof *req.jobs);
	spec_fill(&req.jobs[0], "first");
	spec_fill(&req.jobs[1], "second/with \"quotes\"");
	len = proto_spec_encoded_len(&req.jobs[1]);
	req.njobs = 1;
	one = proto_request_encode(&req);
	req.njobs = 2;
	two = proto_request_encode(&req);
	ck_assert_uint_eq(strlen(two), strlen(one) + len + 1);
	free(one);
	free(two);
	proto_request_free(&req);
}
END_TEST

#define BATCH_HEAD	"{\"v\":7,\"id\":31,\"op\":\"submit_batch\","
#define BATCH_JOB(l)	"{\"label\":\"" l "\",\"argv\":[\"x\"]}"

START_TEST(test_req_batch_decode)
{
	struct proto_request	req;

	request_decode_ok(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") ","
	    "{\"label\":\"b\",\"argv\":[\"y\",\"1\"],\"ready_fd\":3}],"
	    "\"wait_ready\":true}", &req);
	ck_assert_int_eq(req.op, PROTO_OP_SUBMIT_BATCH);
	ck_assert_uint_eq(req.njobs, 2);
	ck_assert_str_eq(req.jobs[0].label, "a");
	ck_assert_int_eq(req.jobs[0].ready_fd, 0);
	ck_assert_str_eq(req.jobs[1].label, "b");
	ck_assert_str_eq(req.jobs[1].argv.v[1], "1");
	ck_assert_int_eq(req.jobs[1].ready_fd, 3);
	ck_assert_int_eq(req.wait_ready, 1);
	ck_assert_int_eq(req.ready_timeout_ms, 0);
	proto_request_free(&req);
}
END_TEST

/* A submit_batch of n tiny jobs. */
static char *
batch_of(int n)
{
	char	*big = xmalloc(64 + (size_t)n * 40);
	size_t	 off;

	off = (size_t)sprintf(big, BATCH_HEAD "\"jobs\":[");
	for (int i = 0; i < n; i++)
		off += (size_t)sprintf(big + off, "%s{\"label\":\"j%d\","
		    "\"argv\":[\"x\"]}", i > 0 ? "," : "", i);
	strcpy(big + off, "]}");
	return big;
}

START_TEST(test_req_batch_bad)
{
	char	*big;

	request_fails(BATCH_HEAD "\"wait_ready\":true}",
	    PROTO_E_INVALID_DATA, "jobs", 31);
	request_fails(BATCH_HEAD "\"jobs\":{}}", PROTO_E_INVALID_DATA,
	    "jobs", 31);
	request_fails(BATCH_HEAD "\"jobs\":[]}", PROTO_E_INVALID_DATA,
	    "jobs", 31);
	request_fails(BATCH_HEAD "\"jobs\":null}", PROTO_E_INVALID_DATA,
	    "jobs", 31);
	request_fails(BATCH_HEAD "\"jobs\":[3]}", PROTO_E_INVALID_DATA,
	    "jobs[0]", 31);
	/* The bad job named by its index, whatever its field. */
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") ","
	    BATCH_JOB("b") "," BATCH_JOB("bad label") "]}",
	    PROTO_E_INVALID_DATA, "jobs[2].label", 31);
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") ","
	    "{\"label\":\"b\",\"argv\":[\"x\"],\"lable\":\"c\"}]}",
	    PROTO_E_INVALID_DATA, "jobs[1].lable", 31);
	request_fails(BATCH_HEAD "\"jobs\":[{\"label\":\"a\"}]}",
	    PROTO_E_INVALID_DATA, "jobs[0].argv", 31);
	request_fails(BATCH_HEAD "\"jobs\":[{\"label\":\"a\","
	    "\"argv\":[\"x\"],\"env\":{\"FOO\":1}}]}",
	    PROTO_E_INVALID_DATA, "jobs[0].env.FOO", 31);
	request_fails(BATCH_HEAD "\"jobs\":[{\"label\":\"a\","
	    "\"argv\":[\"x\"],\"ready_fd\":2}]}",
	    PROTO_E_INVALID_DATA, "jobs[0].ready_fd", 31);
	/* Labels are distinct: the first job whose label an earlier one
	 * has is named. */
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") ","
	    BATCH_JOB("b") "," BATCH_JOB("a") "," BATCH_JOB("b") "]}",
	    PROTO_E_INVALID_DATA, "jobs[2].label", 31);
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("b") ","
	    BATCH_JOB("a") "," BATCH_JOB("c") "," BATCH_JOB("a") "]}",
	    PROTO_E_INVALID_DATA, "jobs[3].label", 31);
	/* A SPEC member beside "jobs" is not one of the batch's. */
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") "],"
	    "\"label\":\"a\"}", PROTO_E_INVALID_DATA, "label", 31);
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") "],"
	    "\"wait_ready\":1}", PROTO_E_INVALID_DATA, "wait_ready", 31);
	request_fails(BATCH_HEAD "\"jobs\":[" BATCH_JOB("a") "],"
	    "\"ready_timeout_ms\":-1}", PROTO_E_INVALID_DATA,
	    "ready_timeout_ms", 31);

	/* PROTO_BATCH_JOBS_MAX jobs, and one more. */
	{
		struct proto_request	req;

		big = batch_of(PROTO_BATCH_JOBS_MAX);
		request_decode_ok(big, &req);
		ck_assert_uint_eq(req.njobs, PROTO_BATCH_JOBS_MAX);
		proto_request_free(&req);
		free(big);
	}
	big = batch_of(PROTO_BATCH_JOBS_MAX + 1);
	request_fails(big, PROTO_E_INVALID_DATA, "jobs", 31);
	free(big);
}
END_TEST

START_TEST(test_reply_batch_roundtrip)
{
	struct proto_jobs_reply	*b = proto_jobs_reply_new();
	struct proto_job	 j;
	struct proto_reply	 rep;
	struct proto_error	 err;
	char			*line;

	job_fill(&j, "web");
	proto_jobs_reply_add(b, &j);
	proto_jobs_reply_add_error(b, "db", PROTO_E_ALREADY_RUNNING,
	    "already running (pid 9)");
	proto_jobs_reply_add_error(b, "ghost", PROTO_E_LAUNCH_FAILURE,
	    "not ready after 1.0s; the job is still starting");
	line = proto_jobs_reply_finish(b, 5);
	ck_assert_int_eq(proto_reply_decode(line, strlen(line) - 1,
	    PROTO_OP_SUBMIT_BATCH, &rep, &err), 0);
	ck_assert_int_eq(rep.id, 5);
	ck_assert_uint_eq(rep.njobs, 1);
	ck_assert_str_eq(rep.jobs[0].spec.label, "web");
	ck_assert_uint_eq(rep.nerrors, 2);
	ck_assert_str_eq(rep.errors[0].label, "db");
	ck_assert_int_eq(rep.errors[0].code, PROTO_E_ALREADY_RUNNING);
	ck_assert_str_eq(rep.errors[1].label, "ghost");
	ck_assert_str_eq(rep.errors[1].message,
	    "not ready after 1.0s; the job is still starting");
	proto_reply_free(&rep);
	proto_job_free(&j);
	free(line);
}
END_TEST

START_TEST(test_submit_paths_not_absolute)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"cwd\":\"srv\"}", PROTO_E_INVALID_DATA, "cwd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"cwd\":\"\"}", PROTO_E_INVALID_DATA, "cwd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"stdout\":\"out.log\"}", PROTO_E_INVALID_DATA, "stdout", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"stderr\":\"./err.log\"}", PROTO_E_INVALID_DATA, "stderr", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"cwd\":5}", PROTO_E_INVALID_DATA, "cwd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"path\":[\"/bin\"]}", PROTO_E_INVALID_DATA, "path", 21);
}
END_TEST

START_TEST(test_submit_optional_null_accepted)
{
	struct proto_request	req;

	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"env\":null,\"cwd\":null,\"path\":null,\"stdout\":null,"
	    "\"stderr\":null}", &req);
	ck_assert_str_eq(req.submit.label, "web");
	ck_assert_uint_eq(req.submit.env.n, 0);
	ck_assert_ptr_null(req.submit.cwd);
	ck_assert_ptr_null(req.submit.path);
	ck_assert_ptr_null(req.submit.stdout_path);
	ck_assert_ptr_null(req.submit.stderr_path);
	proto_request_free(&req);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Request decoding: list, status, stop, shutdown.                     */
/* ------------------------------------------------------------------ */

#define STOP_HEAD	"{\"v\":7,\"id\":41,\"op\":\"stop\","

START_TEST(test_stop_match_missing_or_empty)
{
	request_fails("{\"v\":7,\"id\":41,\"op\":\"stop\"}",
	    PROTO_E_INVALID_DATA, "match", 41);
	request_fails(STOP_HEAD "\"match\":[]}", PROTO_E_INVALID_DATA,
	    "match", 41);
	request_fails(STOP_HEAD "\"match\":null}", PROTO_E_INVALID_DATA,
	    "match", 41);
	request_fails(STOP_HEAD "\"match\":\"web\"}", PROTO_E_INVALID_DATA,
	    "match", 41);
}
END_TEST

START_TEST(test_stop_match_element_bad)
{
	request_fails(STOP_HEAD "\"match\":[\"a b\"]}", PROTO_E_INVALID_DATA,
	    "match[0]", 41);
	request_fails(STOP_HEAD "\"match\":[\"w*\\u0001\"]}",
	    PROTO_E_INVALID_DATA, "match[0]", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\",\"\"]}",
	    PROTO_E_INVALID_DATA, "match[1]", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\",3]}",
	    PROTO_E_INVALID_DATA, "match[1]", 41);
}
END_TEST

START_TEST(test_stop_timeout_bad)
{
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"timeout_ms\":-1}",
	    PROTO_E_INVALID_DATA, "timeout_ms", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"timeout_ms\":1.5}",
	    PROTO_E_INVALID_DATA, "timeout_ms", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"timeout_ms\":86400001}",
	    PROTO_E_INVALID_DATA, "timeout_ms", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"timeout_ms\":\"10\"}",
	    PROTO_E_INVALID_DATA, "timeout_ms", 41);
}
END_TEST

START_TEST(test_stop_timeout_max_accepted)
{
	struct proto_request	req;

	request_decode_ok(STOP_HEAD "\"match\":[\"web\"],"
	    "\"timeout_ms\":86400000}", &req);
	ck_assert_int_eq(req.timeout_ms, 86400000);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_stop_signal_bad)
{
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"TERM\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"15\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"SIGNOPE\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"SIGKILL\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"SIGSTOP\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":15}",
	    PROTO_E_INVALID_DATA, "signal", 41);
	request_fails(STOP_HEAD "\"match\":[\"web\"],\"signal\":\"SIG\"}",
	    PROTO_E_INVALID_DATA, "signal", 41);
}
END_TEST

START_TEST(test_stop_signal_names_accepted)
{
	struct proto_request	req;

	request_decode_ok(STOP_HEAD "\"match\":[\"web\"],"
	    "\"signal\":\"SIGINT\"}", &req);
	ck_assert_int_eq(req.signal, SIGINT);
	proto_request_free(&req);
	request_decode_ok(STOP_HEAD "\"match\":[\"web\"],"
	    "\"signal\":\"SIGUSR1\"}", &req);
	ck_assert_int_eq(req.signal, SIGUSR1);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_status_label_bad)
{
	request_fails("{\"v\":7,\"id\":51,\"op\":\"status\"}",
	    PROTO_E_INVALID_DATA, "label", 51);
	request_fails("{\"v\":7,\"id\":51,\"op\":\"status\",\"label\":\"a b\"}",
	    PROTO_E_INVALID_DATA, "label", 51);
	request_fails("{\"v\":7,\"id\":51,\"op\":\"status\",\"label\":\"\"}",
	    PROTO_E_INVALID_DATA, "label", 51);
	request_fails("{\"v\":7,\"id\":51,\"op\":\"status\",\"label\":\"w*\"}",
	    PROTO_E_INVALID_DATA, "label", 51);
	request_fails("{\"v\":7,\"id\":51,\"op\":\"status\",\"label\":1}",
	    PROTO_E_INVALID_DATA, "label", 51);
}
END_TEST

START_TEST(test_list_match_bad)
{
	request_fails("{\"v\":7,\"id\":61,\"op\":\"list\",\"match\":\"*\"}",
	    PROTO_E_INVALID_DATA, "match", 61);
	request_fails("{\"v\":7,\"id\":61,\"op\":\"list\","
	    "\"match\":[\"o*\",\"b\\t\"]}", PROTO_E_INVALID_DATA, "match[1]",
	    61);
	request_fails("{\"v\":7,\"id\":61,\"op\":\"list\","
	    "\"match\":[\"o*\\u00fc\"]}", PROTO_E_INVALID_DATA, "match[0]",
	    61);
}
END_TEST

START_TEST(test_list_match_empty_accepted)
{
	struct proto_request	req;

	request_decode_ok("{\"v\":7,\"id\":62,\"op\":\"list\",\"match\":[]}",
	    &req);
	ck_assert_int_eq(req.op, PROTO_OP_LIST);
	ck_assert_uint_eq(req.match.n, 0);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_shutdown_timeout_bad)
{
	request_fails("{\"v\":7,\"id\":71,\"op\":\"shutdown\","
	    "\"timeout_ms\":-5}", PROTO_E_INVALID_DATA, "timeout_ms", 71);
	request_fails("{\"v\":7,\"id\":71,\"op\":\"shutdown\","
	    "\"timeout_ms\":1e9}", PROTO_E_INVALID_DATA, "timeout_ms", 71);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reply round trips.                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_reply_ping_roundtrip)
{
	struct proto_ping	p = { 12345, (char *)"0.1.0-test",
	    PROTO_VERSION, 42 };
	struct proto_reply	rep;

	reply_decode_line(proto_reply_ping(7, &p), PROTO_OP_PING, &rep);
	ck_assert_int_eq(rep.id, 7);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_int_eq(rep.ping.pid, 12345);
	ck_assert_str_eq(rep.ping.version, "0.1.0-test");
	ck_assert_int_eq(rep.ping.proto, PROTO_VERSION);
	ck_assert_int_eq(rep.ping.jobs, 42);
	ck_assert_uint_eq(rep.njobs, 0);
	ck_assert_uint_eq(rep.nerrors, 0);
	proto_reply_free(&rep);
	ck_assert_ptr_null(rep.ping.version);
}
END_TEST

START_TEST(test_reply_job_exited_roundtrip)
{
	struct proto_job	j;
	struct proto_reply	rep;

	job_fill(&j, "web");
	reply_decode_line(proto_reply_job(3, &j), PROTO_OP_SUBMIT, &rep);
	ck_assert_int_eq(rep.id, 3);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.njobs, 1);
	assert_job_eq(&rep.jobs[0], &j);
	ck_assert_int_eq(rep.jobs[0].exit_code, 3);
	ck_assert_int_eq(rep.jobs[0].signal, 0);
	proto_reply_free(&rep);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_reply_job_signaled_roundtrip)
{
	struct proto_job	j;
	struct proto_reply	rep;

	job_fill(&j, "kvsd");
	j.state = PROTO_STATE_FAILED;
	j.exit_code = -1;
	j.signal = SIGKILL;
	reply_decode_line(proto_reply_job(4, &j), PROTO_OP_STATUS, &rep);
	ck_assert_int_eq(rep.id, 4);
	ck_assert_uint_eq(rep.njobs, 1);
	assert_job_eq(&rep.jobs[0], &j);
	ck_assert_int_eq(rep.jobs[0].signal, SIGKILL);
	ck_assert_int_eq(rep.jobs[0].exit_code, -1);
	ck_assert_int_eq(rep.jobs[0].kind, PROTO_KIND_PROCESS);
	ck_assert_int_eq(rep.jobs[0].state, PROTO_STATE_FAILED);
	proto_reply_free(&rep);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_reply_job_times_keep_ms)
{
	struct proto_job	 j;
	struct proto_reply	 rep;
	char			*line;

	job_fill(&j, "web");
	line = proto_reply_job(5, &j);
	ck_assert_ptr_nonnull(strstr(line,
	    "\"started_at\":\"2026-11-18T11:06:40.123Z\""));
	ck_assert_ptr_nonnull(strstr(line,
	    "\"ended_at\":\"2026-11-18T11:07:41.456Z\""));
	reply_decode_line(line, PROTO_OP_STATUS, &rep);
	ck_assert_int_eq(rep.jobs[0].started_ms, T_STARTED);
	ck_assert_int_eq(rep.jobs[0].ended_ms, T_ENDED);
	proto_reply_free(&rep);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_reply_job_unset_members_null)
{
	struct proto_job	 j;
	struct proto_reply	 rep;
	char			*line;

	job_fill_minimal(&j, "w1");
	j.pid = 0;
	j.started_ms = 0;
	j.state = PROTO_STATE_BACKOFF;
	line = proto_reply_job(6, &j);
	ck_assert_ptr_nonnull(strstr(line, "\"pid\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"cwd\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"started_at\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"ended_at\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"exit_code\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"signal\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"env\":{}"));
	ck_assert_ptr_nonnull(strstr(line, "\"ready_at\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"error\":null"));
	/* SPEC members are all there, unset ones null or at their default. */
	ck_assert_ptr_nonnull(strstr(line, "\"path\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"stdout\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"restart\":\"no\""));
	ck_assert_ptr_nonnull(strstr(line, "\"max_restarts\":-1"));
	ck_assert_ptr_nonnull(strstr(line, "\"ready_fd\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"umask\":null"));
	ck_assert_ptr_nonnull(strstr(line, "\"rlimits\":{}"));
	ck_assert_ptr_nonnull(strstr(line,
	    "\"logs\":{\"stdout\":null,\"stderr\":null}"));
	reply_decode_line(line, PROTO_OP_STATUS, &rep);
	ck_assert_uint_eq(rep.njobs, 1);
	assert_job_eq(&rep.jobs[0], &j);
	ck_assert_int_eq(rep.jobs[0].id, 1);
	ck_assert_int_eq(rep.jobs[0].pid, 0);
	ck_assert_int_eq(rep.jobs[0].started_ms, 0);
	ck_assert_int_eq(rep.jobs[0].ready_ms, 0);
	ck_assert_int_eq(rep.jobs[0].ended_ms, 0);
	ck_assert_int_eq(rep.jobs[0].exit_code, -1);
	ck_assert_uint_eq(rep.jobs[0].spec.env.n, 0);
	ck_assert_ptr_null(rep.jobs[0].spec.cwd);
	ck_assert_int_eq(rep.jobs[0].spec.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(rep.jobs[0].spec.max_restarts, -1);
	ck_assert_int_eq(rep.jobs[0].spec.ready_fd, 0);
	ck_assert_int_eq(rep.jobs[0].spec.umask, -1);
	ck_assert_uint_eq(rep.jobs[0].spec.nrlimits, 0);
	ck_assert_ptr_null(rep.jobs[0].error);
	ck_assert_ptr_null(rep.jobs[0].stdout_log);
	ck_assert_ptr_null(rep.jobs[0].stderr_log);
	proto_reply_free(&rep);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_reply_list_roundtrip)
{
	struct proto_jobs_reply	*b;
	struct proto_job	 j1, j2;
	struct proto_reply	 rep;

	job_fill(&j1, "o1");
	job_fill_minimal(&j2, "o2");
	b = proto_jobs_reply_new();
	ck_assert_uint_eq(proto_jobs_reply_count(b), 0);
	proto_jobs_reply_add(b, &j1);
	proto_jobs_reply_add(b, &j2);
	ck_assert_uint_eq(proto_jobs_reply_count(b), 2);
	/* Jobs are copied when added. */
	proto_job_free(&j1);
	job_fill(&j1, "o1");
	reply_decode_line(proto_jobs_reply_finish(b, 8), PROTO_OP_LIST,
	    &rep);
	ck_assert_int_eq(rep.id, 8);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.njobs, 2);
	assert_job_eq(&rep.jobs[0], &j1);
	assert_job_eq(&rep.jobs[1], &j2);
	ck_assert_uint_eq(rep.nerrors, 0);
	proto_reply_free(&rep);
	proto_job_free(&j1);
	proto_job_free(&j2);
}
END_TEST

START_TEST(test_reply_stop_with_errors_roundtrip)
{
	struct proto_jobs_reply	*b;
	struct proto_job	 j;
	struct proto_reply	 rep;

	job_fill(&j, "web");
	j.exit_code = -1;
	j.signal = SIGTERM;
	b = proto_jobs_reply_new();
	proto_jobs_reply_add(b, &j);
	proto_jobs_reply_add_error(b, "nope", PROTO_E_UNKNOWN_LABEL,
	    "no such job");
	proto_jobs_reply_add_error(b, "x*", PROTO_E_UNKNOWN_LABEL,
	    "no job matches");
	ck_assert_uint_eq(proto_jobs_reply_count(b), 1);
	reply_decode_line(proto_jobs_reply_finish(b, 9), PROTO_OP_STOP, &rep);
	ck_assert_int_eq(rep.id, 9);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.njobs, 1);
	assert_job_eq(&rep.jobs[0], &j);
	ck_assert_int_eq(rep.jobs[0].signal, SIGTERM);
	ck_assert_uint_eq(rep.nerrors, 2);
	ck_assert_str_eq(rep.errors[0].label, "nope");
	ck_assert_int_eq(rep.errors[0].code, PROTO_E_UNKNOWN_LABEL);
	ck_assert_str_eq(rep.errors[0].message, "no such job");
	ck_assert_str_eq(rep.errors[1].label, "x*");
	ck_assert_int_eq(rep.errors[1].code, PROTO_E_UNKNOWN_LABEL);
	ck_assert_str_eq(rep.errors[1].message, "no job matches");
	proto_reply_free(&rep);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_reply_shutdown_empty_roundtrip)
{
	struct proto_jobs_reply	*b;
	struct proto_reply	 rep;
	char			*line;

	b = proto_jobs_reply_new();
	line = proto_jobs_reply_finish(b, 10);
	ck_assert_ptr_nonnull(strstr(line, "\"jobs\":[]"));
	ck_assert_ptr_nonnull(strstr(line, "\"errors\":[]"));
	reply_decode_line(line, PROTO_OP_SHUTDOWN, &rep);
	ck_assert_int_eq(rep.id, 10);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.njobs, 0);
	ck_assert_uint_eq(rep.nerrors, 0);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_jobs_free_unfinished)
{
	struct proto_jobs_reply	*b;
	struct proto_job	 j;

	job_fill(&j, "web");
	b = proto_jobs_reply_new();
	proto_jobs_reply_add(b, &j);
	proto_jobs_reply_add_error(b, "x", PROTO_E_UNKNOWN_LABEL, "none");
	ck_assert_uint_eq(proto_jobs_reply_count(b), 1);
	proto_jobs_reply_free(b);
	proto_jobs_reply_free(NULL);
	proto_job_free(&j);
	ck_assert_ptr_null(j.spec.label);
}
END_TEST

START_TEST(test_reply_error_roundtrip)
{
	struct proto_error	e;
	struct proto_reply	rep;

	proto_error_set(&e, PROTO_E_INVALID_DATA, "argv[2]",
	    "argv[2]: must be a string");
	reply_decode_line(proto_reply_error(11, &e), PROTO_OP_SUBMIT, &rep);
	ck_assert_int_eq(rep.id, 11);
	ck_assert_int_eq(rep.is_error, 1);
	ck_assert_int_eq(rep.error.code, PROTO_E_INVALID_DATA);
	ck_assert_str_eq(rep.error.field, "argv[2]");
	ck_assert_str_eq(rep.error.message, "argv[2]: must be a string");
	ck_assert_uint_eq(rep.njobs, 0);
	ck_assert_ptr_null(rep.jobs);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_error_null_id_no_field)
{
	struct proto_error	 e;
	struct proto_reply	 rep;
	char			*line;

	proto_error_set(&e, PROTO_E_INVALID_PAYLOAD, NULL,
	    "not valid JSON (error near byte %d)", 3);
	ck_assert_str_eq(e.field, "");
	line = proto_reply_error(-1, &e);
	ck_assert_ptr_nonnull(strstr(line, "\"id\":null"));
	ck_assert_ptr_null(strstr(line, "\"field\""));
	reply_decode_line(line, PROTO_OP_PING, &rep);
	ck_assert_int_eq(rep.id, -1);
	ck_assert_int_eq(rep.is_error, 1);
	ck_assert_int_eq(rep.error.code, PROTO_E_INVALID_PAYLOAD);
	ck_assert_str_eq(rep.error.field, "");
	ck_assert_str_eq(rep.error.message, "not valid JSON (error near byte 3)");
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_error_every_code_roundtrip)
{
	struct proto_error	e;
	struct proto_reply	rep;

	for (int c = PROTO_E_INVALID_PAYLOAD; c < PROTO_E__COUNT; c++) {
		proto_error_set(&e, (enum proto_code)c, "label", "label: %s",
		    proto_code_name((enum proto_code)c));
		reply_decode_line(proto_reply_error(c, &e), PROTO_OP_STOP,
		    &rep);
		ck_assert_int_eq(rep.id, c);
		ck_assert_int_eq(rep.is_error, 1);
		ck_assert_int_eq(rep.error.code, c);
		ck_assert_str_eq(rep.error.field, "label");
		ck_assert_str_eq(rep.error.message, e.message);
		proto_reply_free(&rep);
	}
}
END_TEST

START_TEST(test_reply_unknown_code_is_internal)
{
	static const char	json[] = "{\"v\":7,\"id\":1,\"error\":"
	    "{\"code\":\"brand_new\",\"message\":\"m\"}}";
	struct proto_reply	rep;
	struct proto_error	err;

	ck_assert_int_eq(proto_reply_decode(json, strlen(json),
	    PROTO_OP_PING, &rep, &err), 0);
	ck_assert_int_eq(rep.is_error, 1);
	ck_assert_int_eq(rep.error.code, PROTO_E_INTERNAL);
	ck_assert_str_eq(rep.error.message, "m");
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_jobs_json)
{
	struct proto_job	 j[2];
	char			*s;

	job_fill(&j[0], "a");
	job_fill_minimal(&j[1], "b");
	s = proto_jobs_json(j, 2, 0);
	ck_assert_int_eq(s[0], '[');
	ck_assert_int_eq(s[strlen(s) - 1], '\n');
	ck_assert_ptr_null(memchr(s, '\n', strlen(s) - 1));
	ck_assert_ptr_nonnull(strstr(s, "\"label\":\"a\""));
	ck_assert_ptr_nonnull(strstr(s, "\"label\":\"b\""));
	ck_assert_ptr_nonnull(strstr(s, "\"kind\":\"docker\""));
	free(s);
	s = proto_jobs_json(j, 2, 1);
	ck_assert_ptr_nonnull(strchr(s, '\n'));
	ck_assert_ptr_nonnull(strstr(s, "\"state\":\t\"running\""));
	free(s);
	proto_job_free(&j[0]);
	proto_job_free(&j[1]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reply decoding strictness.                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_reply_v_unsupported)
{
	reply_fails("{\"v\":1,\"id\":1,\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_UNSUPPORTED_VERSION, "v");
	reply_fails("{\"v\":8,\"id\":1,\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_UNSUPPORTED_VERSION, "v");
	reply_fails("{\"id\":1,\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "v");
}
END_TEST

START_TEST(test_reply_no_result_or_error)
{
	reply_fails("{\"v\":7,\"id\":1}", PROTO_OP_LIST,
	    PROTO_E_INVALID_DATA, "result");
	reply_fails("{\"v\":7,\"id\":1,\"result\":[]}", PROTO_OP_LIST,
	    PROTO_E_INVALID_DATA, "result");
	reply_fails("{\"v\":7,\"id\":1,\"error\":\"boom\"}", PROTO_OP_LIST,
	    PROTO_E_INVALID_DATA, "error");
	reply_fails("{\"v\":7,\"id\":1,\"error\":{\"message\":\"m\"}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "code");
}
END_TEST

START_TEST(test_reply_jobs_not_array)
{
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"jobs\":{}}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "jobs");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{}}",
	    PROTO_OP_STOP, PROTO_E_INVALID_DATA, "jobs");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"jobs\":[],"
	    "\"errors\":{}}}", PROTO_OP_STOP, PROTO_E_INVALID_DATA, "errors");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"jobs\":[],"
	    "\"errors\":[1]}}", PROTO_OP_STOP, PROTO_E_INVALID_DATA, "errors");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"jobs\":[],"
	    "\"errors\":[{\"label\":\"a\",\"message\":\"m\","
	    "\"code\":\"bogus\"}]}}", PROTO_OP_STOP, PROTO_E_INVALID_DATA,
	    "code");
}
END_TEST

START_TEST(test_reply_job_bad_state)
{
	struct proto_job	 j;
	char			*line, *p;

	job_fill(&j, "web");
	line = proto_reply_job(1, &j);
	p = strstr(line, "\"state\":\"exited\"");
	ck_assert_ptr_nonnull(p);
	/* Same length: "exited" -> "flying". */
	memcpy(p + strlen("\"state\":\""), "flying", 6);
	reply_fails(line, PROTO_OP_STATUS, PROTO_E_INVALID_DATA, "state");
	free(line);
	proto_job_free(&j);

	/* A bad job after a good one in a list. */
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"jobs\":[{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"]},{\"id\":2,\"label\":\"b\",\"kind\":\"process\","
	    "\"state\":\"flying\",\"argv\":[\"x\"]}]}}", PROTO_OP_LIST,
	    PROTO_E_INVALID_DATA, "state");
}
END_TEST

START_TEST(test_reply_job_bad_members)
{
	reply_fails("{\"v\":7,\"id\":1,\"result\":{}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "job");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"vm\",\"state\":\"running\","
	    "\"argv\":[\"x\"]}}}", PROTO_OP_STATUS, PROTO_E_INVALID_DATA,
	    "kind");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"],\"started_at\":\"yesterday\"}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "started_at");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"exited\","
	    "\"argv\":[\"x\"],\"signal\":\"SIGNOPE\"}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "signal");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"exited\","
	    "\"argv\":[\"x\"],\"exit_code\":256}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "exit_code");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"],\"pid\":-3}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "pid");
	/* v2: the id is required, the SPEC members are checked too. */
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"label\":\"a\","
	    "\"kind\":\"process\",\"state\":\"running\",\"argv\":[\"x\"]}}}",
	    PROTO_OP_STATUS, PROTO_E_INVALID_DATA, "id");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":-1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"]}}}", PROTO_OP_STATUS, PROTO_E_INVALID_DATA, "id");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"],\"ready_at\":\"soon\"}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "ready_at");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"],\"restart\":\"sometimes\"}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "restart");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"job\":{\"id\":1,"
	    "\"label\":\"a\",\"kind\":\"process\",\"state\":\"running\","
	    "\"argv\":[\"x\"],\"logs\":{\"stdout\":7}}}}", PROTO_OP_STATUS,
	    PROTO_E_INVALID_DATA, "stdout");
}
END_TEST

START_TEST(test_reply_id_bad)
{
	reply_fails("{\"v\":7,\"id\":\"1\",\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "id");
	reply_fails("{\"v\":7,\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "id");
	reply_fails("{\"v\":7,\"id\":-2,\"result\":{\"jobs\":[]}}",
	    PROTO_OP_LIST, PROTO_E_INVALID_DATA, "id");
}
END_TEST

START_TEST(test_reply_payload_bad)
{
	reply_fails("{\"v\":7,", PROTO_OP_PING, PROTO_E_INVALID_PAYLOAD, "");
	reply_fails("[]", PROTO_OP_PING, PROTO_E_INVALID_PAYLOAD, "");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"pid\":1,\"version\":"
	    "\"a\\u0000\",\"proto\":2,\"jobs\":0}}", PROTO_OP_PING,
	    PROTO_E_INVALID_PAYLOAD, "");
}
END_TEST

START_TEST(test_reply_ping_bad)
{
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"version\":\"x\","
	    "\"proto\":2,\"jobs\":0}}", PROTO_OP_PING, PROTO_E_INVALID_DATA,
	    "pid");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"pid\":1,\"version\":2,"
	    "\"proto\":2,\"jobs\":0}}", PROTO_OP_PING, PROTO_E_INVALID_DATA,
	    "version");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"pid\":1,"
	    "\"version\":\"x\",\"proto\":2,\"jobs\":-1}}", PROTO_OP_PING,
	    PROTO_E_INVALID_DATA, "jobs");
}
END_TEST

START_TEST(test_reply_unknown_members_ignored)
{
	static const char	json[] = "{\"v\":7,\"id\":3,\"extra\":true,"
	    "\"result\":{\"pid\":9,\"version\":\"v\",\"proto\":2,\"jobs\":2,"
	    "\"uptime\":5}}";
	struct proto_reply	rep;
	struct proto_error	err;

	ck_assert_int_eq(proto_reply_decode(json, strlen(json),
	    PROTO_OP_PING, &rep, &err), 0);
	ck_assert_int_eq(rep.id, 3);
	ck_assert_int_eq(rep.ping.pid, 9);
	ck_assert_str_eq(rep.ping.version, "v");
	ck_assert_int_eq(rep.ping.jobs, 2);
	proto_reply_free(&rep);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Labels and globs.                                                   */
/* ------------------------------------------------------------------ */

START_TEST(test_label_valid_accepts)
{
	char	why[128];

	ck_assert_int_eq(proto_label_valid("web", why, sizeof why), 1);
	ck_assert_int_eq(proto_label_valid("a.b_c:d/e@f+g-h", why,
	    sizeof why), 1);
	ck_assert_int_eq(proto_label_valid("github.com/relab/goxos/kvs/kvsd",
	    why, sizeof why), 1);
	ck_assert_int_eq(proto_label_valid("A-Z0-9", why, sizeof why), 1);
}
END_TEST

START_TEST(test_label_valid_rejects)
{
	char	 why[128];
	char	*s;

	why[0] = '\0';
	ck_assert_int_eq(proto_label_valid("", why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "empty"));
	ck_assert_int_eq(proto_label_valid("a b", why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "' '"));
	ck_assert_int_eq(proto_label_valid("a\tb", why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "0x09"));
	ck_assert_int_eq(proto_label_valid("\xc3\xbc", why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "0xc3"));
	ck_assert_int_eq(proto_label_valid("w*", why, sizeof why), 0);
	s = repeat('x', 256);
	ck_assert_int_eq(proto_label_valid(s, why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "256"));
	s[255] = '\0';
	ck_assert_int_eq(proto_label_valid(s, why, sizeof why), 1);
	free(s);
}
END_TEST

/* Labels that could only be read as paths are refused ("/" at either
 * end, "//", "." and ".." segments); dots inside a name are not. */
START_TEST(test_label_valid_segments)
{
	static const char *const bad[] = { ".", "..", "/x", "x/", "/",
	    "//", "a//b", "./a", "a/.", "a/./b", "../a", "a/..", "a/../b",
	    "../../etc/passwd", NULL };
	static const char *const good[] = { "...", "a..b", ".a", "a.",
	    "a/.b", "a/..b/c", "a/.../b", "x/y/z", NULL };
	char	why[128];

	for (int i = 0; bad[i] != NULL; i++) {
		why[0] = '\0';
		ck_assert_msg(proto_label_valid(bad[i], why, sizeof why) == 0,
		    "%s accepted", bad[i]);
		ck_assert_msg(strstr(why, "segment") != NULL, "%s: %s", bad[i],
		    why);
		ck_assert_int_eq(proto_glob_valid(bad[i], why, sizeof why), 0);
	}
	ck_assert_int_eq(proto_label_valid("a/../b", why, sizeof why), 0);
	ck_assert_str_eq(why, "label has a '..' segment at byte 2; '.' and "
	    "'..' are not names");
	ck_assert_int_eq(proto_label_valid("a//b", why, sizeof why), 0);
	ck_assert_str_eq(why, "label has an empty segment at byte 2 (a "
	    "leading or trailing '/' or '//')");
	for (int i = 0; good[i] != NULL; i++)
		ck_assert_msg(proto_label_valid(good[i], why, sizeof why) == 1,
		    "%s refused: %s", good[i], why);
	/* A glob is a pattern, not a name: it is matched, never used. */
	ck_assert_int_eq(proto_glob_valid("*/../*", why, sizeof why), 1);
}
END_TEST

START_TEST(test_glob_match)
{
	ck_assert_int_eq(proto_glob_match("o*", "o1"), 1);
	ck_assert_int_eq(proto_glob_match("o*", "p1"), 0);
	ck_assert_int_eq(proto_glob_match("*",
	    "github.com/relab/goxos/kvs/kvsd"), 1);
	ck_assert_int_eq(proto_glob_match("github.com/*",
	    "github.com/relab/goxos/kvs/kvsd"), 1);
	ck_assert_int_eq(proto_glob_match("web?", "web1"), 1);
	ck_assert_int_eq(proto_glob_match("web?", "web10"), 0);
	ck_assert_int_eq(proto_glob_match("[ab]x", "ax"), 1);
	ck_assert_int_eq(proto_glob_match("[ab]x", "cx"), 0);
	ck_assert_int_eq(proto_glob_match("*", ".hidden"), 1);
	ck_assert_int_eq(proto_glob_match("web", "web"), 1);
	ck_assert_int_eq(proto_glob_match("web", "web1"), 0);
}
END_TEST

START_TEST(test_is_glob)
{
	ck_assert_int_eq(proto_is_glob("web"), 0);
	ck_assert_int_eq(proto_is_glob("github.com/relab"), 0);
	ck_assert_int_eq(proto_is_glob("w*"), 1);
	ck_assert_int_eq(proto_is_glob("w?"), 1);
	ck_assert_int_eq(proto_is_glob("[ab]"), 1);
}
END_TEST

START_TEST(test_glob_valid)
{
	char	 why[128];
	char	*s;

	ck_assert_int_eq(proto_glob_valid("o*", why, sizeof why), 1);
	ck_assert_int_eq(proto_glob_valid("* ?", why, sizeof why), 1);
	ck_assert_int_eq(proto_glob_valid("web", why, sizeof why), 1);
	ck_assert_int_eq(proto_glob_valid("o*\x01", why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "0x01"));
	ck_assert_int_eq(proto_glob_valid("o*\x7f", why, sizeof why), 0);
	/* Without a metacharacter it is a label and must be valid. */
	ck_assert_int_eq(proto_glob_valid("a b", why, sizeof why), 0);
	ck_assert_int_eq(proto_glob_valid("", why, sizeof why), 0);
	s = repeat('*', PROTO_GLOB_MAX + 1);
	ck_assert_int_eq(proto_glob_valid(s, why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "1025"));
	s[PROTO_GLOB_MAX] = '\0';
	ck_assert_int_eq(proto_glob_valid(s, why, sizeof why), 1);
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names, signals, times.                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_signal_parse)
{
	ck_assert_int_eq(proto_signal_parse("TERM"), SIGTERM);
	ck_assert_int_eq(proto_signal_parse("SIGTERM"), SIGTERM);
	ck_assert_int_eq(proto_signal_parse("15"), SIGTERM);
	ck_assert_int_eq(proto_signal_parse("SIGKILL"), SIGKILL);
	ck_assert_int_eq(proto_signal_parse("HUP"), SIGHUP);
	ck_assert_int_eq(proto_signal_parse("NOPE"), -1);
	ck_assert_int_eq(proto_signal_parse("SIGNOPE"), -1);
	ck_assert_int_eq(proto_signal_parse("0"), -1);
	ck_assert_int_eq(proto_signal_parse("99999"), -1);
	ck_assert_int_eq(proto_signal_parse("15x"), -1);
	ck_assert_int_eq(proto_signal_parse(""), -1);
	ck_assert_int_eq(proto_signal_parse("SIG"), -1);
	ck_assert_int_eq(proto_signal_parse("sigterm"), -1);
}
END_TEST

START_TEST(test_signal_name)
{
	ck_assert_str_eq(proto_signal_name(SIGKILL), "SIGKILL");
	ck_assert_str_eq(proto_signal_name(SIGTERM), "SIGTERM");
	ck_assert_str_eq(proto_signal_name(SIGINT), "SIGINT");
	ck_assert_ptr_null(proto_signal_name(0));
	ck_assert_ptr_null(proto_signal_name(-1));
	ck_assert_ptr_null(proto_signal_name(NSIG));
	ck_assert_int_eq(proto_signal_parse(proto_signal_name(SIGUSR2)),
	    SIGUSR2);
}
END_TEST

START_TEST(test_op_names)
{
	static const char *const want[] = { "ping", "submit", "list",
	    "status", "stop", "shutdown", "start", "restart", "remove",
	    "subscribe", "unsubscribe", "subscriptions", "events", "stats",
	    "wait", "submit_batch" };

	ck_assert_uint_eq(sizeof want / sizeof want[0], PROTO_OP__COUNT);
	for (int i = 0; i < PROTO_OP__COUNT; i++) {
		ck_assert_str_eq(proto_op_name((enum proto_op)i), want[i]);
		ck_assert_int_eq(proto_op_parse(want[i]), i);
	}
	ck_assert_ptr_null(proto_op_name(PROTO_OP__COUNT));
	ck_assert_int_eq(proto_op_parse("frobnicate"), -1);
	ck_assert_int_eq(proto_op_parse(""), -1);
}
END_TEST

START_TEST(test_code_names)
{
	static const char *const want[] = { "ok", "invalid_payload",
	    "invalid_data", "unknown_label", "already_running",
	    "instance_exists", "launch_failure", "image_failure",
	    "network_failure", "full", "permission_denied",
	    "unsupported_version", "internal" };

	ck_assert_uint_eq(sizeof want / sizeof want[0], PROTO_E__COUNT);
	for (int i = 0; i < PROTO_E__COUNT; i++) {
		ck_assert_str_eq(proto_code_name((enum proto_code)i), want[i]);
		ck_assert_int_eq(proto_code_parse(want[i]), i);
	}
	ck_assert_ptr_null(proto_code_name(PROTO_E__COUNT));
	ck_assert_int_eq(proto_code_parse("Invalid_data"), -1);
}
END_TEST

START_TEST(test_kind_state_names)
{
	static const char *const kinds[] = { "process", "qemu", "docker" };
	static const char *const states[] = { "starting", "running",
	    "stopping", "exited", "failed", "backoff" };

	ck_assert_uint_eq(sizeof kinds / sizeof kinds[0], PROTO_KIND__COUNT);
	ck_assert_uint_eq(sizeof states / sizeof states[0],
	    PROTO_STATE__COUNT);
	for (int i = 0; i < PROTO_KIND__COUNT; i++) {
		ck_assert_str_eq(proto_kind_name((enum proto_kind)i),
		    kinds[i]);
		ck_assert_int_eq(proto_kind_parse(kinds[i]), i);
	}
	for (int i = 0; i < PROTO_STATE__COUNT; i++) {
		ck_assert_str_eq(proto_state_name((enum proto_state)i),
		    states[i]);
		ck_assert_int_eq(proto_state_parse(states[i]), i);
	}
	ck_assert_ptr_null(proto_kind_name(PROTO_KIND__COUNT));
	ck_assert_ptr_null(proto_state_name(PROTO_STATE__COUNT));
	ck_assert_int_eq(proto_kind_parse("vm"), -1);
	ck_assert_int_eq(proto_state_parse("flying"), -1);
}
END_TEST

START_TEST(test_time_format_exact)
{
	char	buf[40];

	proto_time_format(INT64_C(1795255200123), buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-11-21T10:00:00.123Z");
	proto_time_format(INT64_C(1795255200000), buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-11-21T10:00:00.000Z");
	proto_time_format(INT64_C(1795255200007), buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-11-21T10:00:00.007Z");
}
END_TEST

START_TEST(test_time_roundtrip)
{
	static const int64_t	values[] = { 1, 999, 1000, T_STARTED,
	    T_ENDED, INT64_C(1795255200123), INT64_C(4102444799999) };
	char			buf[40];
	int64_t			ms;

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		proto_time_format(values[i], buf, sizeof buf);
		ms = -7;
		ck_assert_msg(proto_time_parse(buf, &ms) == 0,
		    "%s not parsed", buf);
		ck_assert_int_eq(ms, values[i]);
	}
}
END_TEST

START_TEST(test_time_parse)
{
	int64_t	ms = 0;

	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00.123Z", &ms),
	    0);
	ck_assert_int_eq(ms, INT64_C(1795255200123));
	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00Z", &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1795255200000));
}
END_TEST

START_TEST(test_time_parse_rejects)
{
	int64_t	ms = 42;

	ck_assert_int_eq(proto_time_parse("2026-11-21 10:00:00", &ms), -1);
	ck_assert_int_eq(proto_time_parse("2026-11-21 10:00:00Z", &ms), -1);
	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00.123", &ms),
	    -1);
	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00", &ms), -1);
	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00.12Z", &ms),
	    -1);
	ck_assert_int_eq(proto_time_parse("2026-11-21T10:00:00.123+01:00",
	    &ms), -1);
	ck_assert_int_eq(proto_time_parse("", &ms), -1);
	/* Only the canonical form. */
	ck_assert_int_eq(proto_time_parse("2026-02-31T00:00:00Z", &ms), -1);
	ck_assert_int_eq(proto_time_parse("2026-1-2T3:4:5Z", &ms), -1);
	ck_assert_int_eq(proto_time_parse(" 2026-11-21T10:00:00Z", &ms), -1);
	ck_assert_int_eq(ms, 42);
}
END_TEST

START_TEST(test_error_set)
{
	struct proto_error	e;
	char			long_field[100];

	proto_error_set(&e, PROTO_E_FULL, "label", "%s: %d jobs", "label", 9);
	ck_assert_int_eq(e.code, PROTO_E_FULL);
	ck_assert_str_eq(e.field, "label");
	ck_assert_str_eq(e.message, "label: 9 jobs");
	memset(long_field, 'f', sizeof long_field - 1);
	long_field[sizeof long_field - 1] = '\0';
	proto_error_set(&e, PROTO_E_INVALID_DATA, long_field, "x");
	ck_assert_uint_eq(strlen(e.field), sizeof e.field - 1);
}
END_TEST

START_TEST(test_strv_copy_free)
{
	struct proto_strv	a, b;

	memset(&a, 0, sizeof a);
	proto_strv_add(&a, "one");
	proto_strv_add(&a, "");
	proto_strv_add(&a, "three");
	proto_strv_copy(&b, &a);
	assert_strv_eq("copy", &b, &a);
	ck_assert_ptr_ne(b.v[0], a.v[0]);
	proto_strv_free(&a);
	ck_assert_ptr_null(a.v);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_str_eq(b.v[2], "three");
	proto_strv_free(&b);
	proto_strv_free(&b);
}
END_TEST

START_TEST(test_submit_copy)
{
	struct proto_submit	a, b;

	proto_submit_init(&a);
	a.label = xstrdup("web");
	proto_strv_add(&a.argv, "srv");
	proto_strv_add(&a.env, "A=1");
	a.cwd = xstrdup("/srv");
	a.stderr_path = xstrdup("/tmp/e");
	proto_submit_copy(&b, &a);
	proto_submit_free(&a);
	ck_assert_ptr_null(a.label);
	ck_assert_str_eq(b.label, "web");
	ck_assert_uint_eq(b.argv.n, 1);
	ck_assert_str_eq(b.argv.v[0], "srv");
	ck_assert_str_eq(b.env.v[0], "A=1");
	ck_assert_str_eq(b.cwd, "/srv");
	ck_assert_ptr_null(b.path);
	ck_assert_ptr_null(b.stdout_path);
	ck_assert_str_eq(b.stderr_path, "/tmp/e");
	ck_assert_int_eq(b.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(b.max_restarts, -1);
	ck_assert_int_eq(b.umask, -1);
	ck_assert_ptr_null(b.rlimits);
	ck_assert_uint_eq(b.nrlimits, 0);
	proto_submit_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SPEC members new in v2: restart, max_restarts, ready_fd, umask,      */
/* rlimits, and submit's wait_ready and ready_timeout_ms.               */
/* ------------------------------------------------------------------ */

/* A pointer to needle in line; the test fails if it is not there. */
static char *
must_find(char *line, const char *needle)
{
	char	*p = strstr(line, needle);

	ck_assert_msg(p != NULL, "\"%s\" not in %s", needle, line);
	return p;
}

START_TEST(test_req_submit_every_spec_field_roundtrip)
{
	static const enum proto_restart	 restarts[] = {
	    PROTO_RESTART_ON_FAILURE, PROTO_RESTART_ALWAYS };
	static const char *const	 names[] = { "on-failure", "always" };
	struct proto_request		 in, out;
	char				*line, want[64];

	for (size_t i = 0; i < sizeof restarts / sizeof restarts[0]; i++) {
		proto_request_init(&in, PROTO_OP_SUBMIT);
		in.id = 100 + (int64_t)i;
		spec_fill(&in.submit, "github.com/relab/goxos/kvs/kvsd");
		in.submit.restart = restarts[i];
		in.wait_ready = 1;
		in.ready_timeout_ms = 2500;

		/* The encoding: JSON has no octal, the umask is decimal. */
		line = proto_request_encode(&in);
		snprintf(want, sizeof want, "\"restart\":\"%s\"", names[i]);
		must_find(line, want);
		must_find(line, "\"max_restarts\":5");
		must_find(line, "\"ready_fd\":3");
		must_find(line, "\"umask\":23");
		must_find(line,
		    "\"rlimits\":{\"nofile\":[1024,4096],\"core\":[-1,-1]}");
		must_find(line, "\"wait_ready\":true");
		must_find(line, "\"ready_timeout_ms\":2500");
		free(line);

		request_roundtrip(&in, &out);
		ck_assert_int_eq(out.op, PROTO_OP_SUBMIT);
		ck_assert_int_eq(out.id, 100 + (int64_t)i);
		assert_spec_eq(&out.submit, &in.submit);
		ck_assert_int_eq(out.submit.restart, restarts[i]);
		ck_assert_int_eq(out.submit.max_restarts, 5);
		ck_assert_int_eq(out.submit.ready_fd, 3);
		ck_assert_int_eq(out.submit.umask, 027);
		ck_assert_uint_eq(out.submit.nrlimits, 2);
		ck_assert_int_eq(out.submit.rlimits[0].resource, RLIMIT_NOFILE);
		ck_assert_int_eq(out.submit.rlimits[0].soft, 1024);
		ck_assert_int_eq(out.submit.rlimits[0].hard, 4096);
		ck_assert_int_eq(out.submit.rlimits[1].resource, RLIMIT_CORE);
		ck_assert_int_eq(out.submit.rlimits[1].soft, -1);
		ck_assert_int_eq(out.submit.rlimits[1].hard, -1);
		ck_assert_int_eq(out.wait_ready, 1);
		ck_assert_int_eq(out.ready_timeout_ms, 2500);
		proto_request_free(&out);
		proto_request_free(&in);
	}
}
END_TEST

START_TEST(test_req_submit_spec_from_json)
{
	struct proto_request	req;

	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":\"always\",\"max_restarts\":0,\"ready_fd\":1023,"
	    "\"umask\":511,\"rlimits\":{\"stack\":[8388608,-1],"
	    "\"nproc\":[0,0]},\"wait_ready\":false,"
	    "\"ready_timeout_ms\":86400000}", &req);
	ck_assert_int_eq(req.submit.restart, PROTO_RESTART_ALWAYS);
	ck_assert_int_eq(req.submit.max_restarts, 0);
	ck_assert_int_eq(req.submit.ready_fd, 1023);
	ck_assert_int_eq(req.submit.umask, 0777);
	ck_assert_uint_eq(req.submit.nrlimits, 2);
	ck_assert_int_eq(req.submit.rlimits[0].resource, RLIMIT_STACK);
	ck_assert_int_eq(req.submit.rlimits[0].soft, 8388608);
	ck_assert_int_eq(req.submit.rlimits[0].hard, -1);
	ck_assert_int_eq(req.submit.rlimits[1].resource, RLIMIT_NPROC);
	ck_assert_int_eq(req.submit.rlimits[1].soft, 0);
	ck_assert_int_eq(req.submit.rlimits[1].hard, 0);
	ck_assert_int_eq(req.wait_ready, 0);
	ck_assert_int_eq(req.ready_timeout_ms, 86400000);
	proto_request_free(&req);

	/* The lowest values allowed. */
	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":\"no\",\"max_restarts\":-1,\"ready_fd\":3,"
	    "\"umask\":0,\"rlimits\":{},\"ready_timeout_ms\":0}", &req);
	ck_assert_int_eq(req.submit.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(req.submit.max_restarts, -1);
	ck_assert_int_eq(req.submit.ready_fd, 3);
	ck_assert_int_eq(req.submit.umask, 0);
	ck_assert_uint_eq(req.submit.nrlimits, 0);
	ck_assert_ptr_null(req.submit.rlimits);
	ck_assert_int_eq(req.ready_timeout_ms, 0);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_submit_spec_defaults)
{
	struct proto_request	 in, req;
	char			*line;

	/* Absent members take their defaults. */
	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"]}",
	    &req);
	ck_assert_int_eq(req.submit.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(req.submit.max_restarts, -1);
	ck_assert_int_eq(req.submit.ready_fd, 0);
	ck_assert_int_eq(req.submit.umask, -1);
	ck_assert_ptr_null(req.submit.rlimits);
	ck_assert_uint_eq(req.submit.nrlimits, 0);
	ck_assert_int_eq(req.wait_ready, 0);
	ck_assert_int_eq(req.ready_timeout_ms, 0);
	proto_request_free(&req);

	/* So do null ones. */
	request_decode_ok(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":null,\"max_restarts\":null,\"ready_fd\":null,"
	    "\"umask\":null,\"rlimits\":null,\"ready_timeout_ms\":null}", &req);
	ck_assert_int_eq(req.submit.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(req.submit.max_restarts, -1);
	ck_assert_int_eq(req.submit.ready_fd, 0);
	ck_assert_int_eq(req.submit.umask, -1);
	ck_assert_uint_eq(req.submit.nrlimits, 0);
	ck_assert_int_eq(req.ready_timeout_ms, 0);
	proto_request_free(&req);

	/* And the defaults are not sent. */
	proto_request_init(&in, PROTO_OP_SUBMIT);
	in.id = 1;
	in.submit.label = xstrdup("web");
	proto_strv_add(&in.submit.argv, "x");
	line = proto_request_encode(&in);
	ck_assert_str_eq(line, "{\"v\":7,\"id\":1,\"op\":\"submit\","
	    "\"label\":\"web\",\"argv\":[\"x\"]}\n");
	free(line);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_submit_restart_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":\"sometimes\"}", PROTO_E_INVALID_DATA, "restart", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":\"On-Failure\"}", PROTO_E_INVALID_DATA, "restart", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"restart\":true}", PROTO_E_INVALID_DATA, "restart", 21);
}
END_TEST

START_TEST(test_submit_max_restarts_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"max_restarts\":-2}", PROTO_E_INVALID_DATA, "max_restarts", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"max_restarts\":1.5}", PROTO_E_INVALID_DATA, "max_restarts", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"max_restarts\":\"5\"}", PROTO_E_INVALID_DATA, "max_restarts",
	    21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"max_restarts\":2147483648}", PROTO_E_INVALID_DATA,
	    "max_restarts", 21);
}
END_TEST

START_TEST(test_submit_ready_fd_bad)
{
	/* 0, 1 and 2 are stdin, stdout and stderr. */
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_fd\":2}", PROTO_E_INVALID_DATA, "ready_fd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_fd\":0}", PROTO_E_INVALID_DATA, "ready_fd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_fd\":1024}", PROTO_E_INVALID_DATA, "ready_fd", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_fd\":\"3\"}", PROTO_E_INVALID_DATA, "ready_fd", 21);
}
END_TEST

START_TEST(test_submit_umask_bad)
{
	/* 01000 is 512. */
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"umask\":512}", PROTO_E_INVALID_DATA, "umask", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"umask\":-1}", PROTO_E_INVALID_DATA, "umask", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"umask\":\"022\"}", PROTO_E_INVALID_DATA, "umask", 21);
}
END_TEST

START_TEST(test_submit_rlimits_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":[[1,1]]}", PROTO_E_INVALID_DATA, "rlimits", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":\"nofile=1\"}", PROTO_E_INVALID_DATA, "rlimits", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofiles\":[1,1]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofiles", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"NOFILE\":[1,1]}}", PROTO_E_INVALID_DATA,
	    "rlimits.NOFILE", 21);
	/* The soft limit above the hard one, finite or unlimited. */
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[5,4]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[-1,4]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	/* Not a pair of integers >= -1. */
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[1]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[1,2,3]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":\"x\"}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[-2,4]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[1.5,4]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofile\":[1,null]}}", PROTO_E_INVALID_DATA,
	    "rlimits.nofile", 21);
	/* A good one, then a bad one: nothing is kept. */
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"core\":[0,0],\"cpu\":{}}}", PROTO_E_INVALID_DATA,
	    "rlimits.cpu", 21);
}
END_TEST

START_TEST(test_submit_wait_ready_bad)
{
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"wait_ready\":\"yes\"}", PROTO_E_INVALID_DATA, "wait_ready", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"wait_ready\":1}", PROTO_E_INVALID_DATA, "wait_ready", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_timeout_ms\":-1}", PROTO_E_INVALID_DATA,
	    "ready_timeout_ms", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_timeout_ms\":86400001}", PROTO_E_INVALID_DATA,
	    "ready_timeout_ms", 21);
	request_fails(SUBMIT_HEAD "\"label\":\"web\",\"argv\":[\"x\"],"
	    "\"ready_timeout_ms\":\"2s\"}", PROTO_E_INVALID_DATA,
	    "ready_timeout_ms", 21);
	/* Submit's own members belong to submit only. */
	request_fails("{\"v\":7,\"id\":22,\"op\":\"stop\",\"match\":[\"a\"],"
	    "\"wait_ready\":true}", PROTO_E_INVALID_DATA, "wait_ready", 22);
	request_fails("{\"v\":7,\"id\":23,\"op\":\"list\",\"umask\":18}",
	    PROTO_E_INVALID_DATA, "umask", 23);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Requests: start, restart, remove.                                   */
/* ------------------------------------------------------------------ */

START_TEST(test_req_start_roundtrip)
{
	struct proto_request	 in, out;
	char			*line;

	proto_request_init(&in, PROTO_OP_START);
	in.id = 81;
	proto_strv_add(&in.match, "github.com/relab/goxos/kvs/kvsd");
	proto_strv_add(&in.match, "worker-*");
	line = proto_request_encode(&in);
	ck_assert_str_eq(line, "{\"v\":7,\"id\":81,\"op\":\"start\","
	    "\"match\":[\"github.com/relab/goxos/kvs/kvsd\",\"worker-*\"]}\n");
	free(line);
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_START);
	ck_assert_int_eq(out.id, 81);
	assert_strv_eq("match", &out.match, &in.match);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_restart_roundtrip)
{
	struct proto_request	 in, out;
	char			*line;

	proto_request_init(&in, PROTO_OP_RESTART);
	in.id = 82;
	proto_strv_add(&in.match, "web");
	in.timeout_ms = 2500;
	in.signal = SIGINT;
	line = proto_request_encode(&in);
	must_find(line, "\"op\":\"restart\"");
	must_find(line, "\"timeout_ms\":2500");
	must_find(line, "\"signal\":\"SIGINT\"");
	free(line);
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_RESTART);
	ck_assert_int_eq(out.id, 82);
	assert_strv_eq("match", &out.match, &in.match);
	ck_assert_int_eq(out.timeout_ms, 2500);
	ck_assert_int_eq(out.signal, SIGINT);
	proto_request_free(&out);
	proto_request_free(&in);

	/* Defaults as for stop. */
	request_decode_ok("{\"v\":7,\"id\":83,\"op\":\"restart\","
	    "\"match\":[\"w*\"]}", &out);
	ck_assert_int_eq(out.op, PROTO_OP_RESTART);
	ck_assert_int_eq(out.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	ck_assert_int_eq(out.signal, SIGTERM);
	ck_assert_str_eq(out.match.v[0], "w*");
	proto_request_free(&out);
}
END_TEST

START_TEST(test_req_remove_roundtrip)
{
	struct proto_request	 in, out;
	char			*line;

	proto_request_init(&in, PROTO_OP_REMOVE);
	in.id = 84;
	proto_strv_add(&in.match, "o*");
	proto_strv_add(&in.match, "web");
	in.timeout_ms = 0;
	line = proto_request_encode(&in);
	ck_assert_str_eq(line, "{\"v\":7,\"id\":84,\"op\":\"remove\","
	    "\"match\":[\"o*\",\"web\"],\"timeout_ms\":0}\n");
	free(line);
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_REMOVE);
	ck_assert_int_eq(out.id, 84);
	assert_strv_eq("match", &out.match, &in.match);
	ck_assert_int_eq(out.timeout_ms, 0);
	proto_request_free(&out);
	proto_request_free(&in);

	request_decode_ok("{\"v\":7,\"id\":85,\"op\":\"remove\","
	    "\"match\":[\"web\"]}", &out);
	ck_assert_int_eq(out.timeout_ms, PROTO_STOP_TIMEOUT_MS);
	proto_request_free(&out);
}
END_TEST

START_TEST(test_start_restart_remove_match_bad)
{
	static const char *const	ops[] = { "start", "restart",
	    "remove" };
	char				json[160];

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		snprintf(json, sizeof json,
		    "{\"v\":7,\"id\":86,\"op\":\"%s\"}", ops[i]);
		request_fails(json, PROTO_E_INVALID_DATA, "match", 86);
		snprintf(json, sizeof json,
		    "{\"v\":7,\"id\":86,\"op\":\"%s\",\"match\":[]}", ops[i]);
		request_fails(json, PROTO_E_INVALID_DATA, "match", 86);
		snprintf(json, sizeof json,
		    "{\"v\":7,\"id\":86,\"op\":\"%s\",\"match\":\"web\"}",
		    ops[i]);
		request_fails(json, PROTO_E_INVALID_DATA, "match", 86);
		snprintf(json, sizeof json,
		    "{\"v\":7,\"id\":86,\"op\":\"%s\",\"match\":[\"web\","
		    "\"a b\"]}", ops[i]);
		request_fails(json, PROTO_E_INVALID_DATA, "match[1]", 86);
	}
}
END_TEST

START_TEST(test_start_restart_remove_unknown_member)
{
	request_fails("{\"v\":7,\"id\":87,\"op\":\"remove\","
	    "\"match\":[\"web\"],\"signal\":\"SIGTERM\"}", PROTO_E_INVALID_DATA,
	    "signal", 87);
	request_fails("{\"v\":7,\"id\":87,\"op\":\"start\","
	    "\"match\":[\"web\"],\"signal\":\"SIGTERM\"}", PROTO_E_INVALID_DATA,
	    "signal", 87);
	request_fails("{\"v\":7,\"id\":87,\"op\":\"start\","
	    "\"match\":[\"web\"],\"timeout_ms\":5}", PROTO_E_INVALID_DATA,
	    "timeout_ms", 87);
	request_fails("{\"v\":7,\"id\":87,\"op\":\"restart\","
	    "\"match\":[\"web\"],\"label\":\"web\"}", PROTO_E_INVALID_DATA,
	    "label", 87);
}
END_TEST

START_TEST(test_restart_remove_options_bad)
{
	request_fails("{\"v\":7,\"id\":88,\"op\":\"restart\","
	    "\"match\":[\"web\"],\"signal\":\"SIGKILL\"}", PROTO_E_INVALID_DATA,
	    "signal", 88);
	request_fails("{\"v\":7,\"id\":88,\"op\":\"restart\","
	    "\"match\":[\"web\"],\"signal\":\"TERM\"}", PROTO_E_INVALID_DATA,
	    "signal", 88);
	request_fails("{\"v\":7,\"id\":88,\"op\":\"restart\","
	    "\"match\":[\"web\"],\"timeout_ms\":-1}", PROTO_E_INVALID_DATA,
	    "timeout_ms", 88);
	request_fails("{\"v\":7,\"id\":88,\"op\":\"remove\","
	    "\"match\":[\"web\"],\"timeout_ms\":86400001}",
	    PROTO_E_INVALID_DATA, "timeout_ms", 88);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The v2 job view.                                                    */
/* ------------------------------------------------------------------ */

START_TEST(test_reply_jobs_v2_fields_roundtrip)
{
	struct proto_jobs_reply	*b;
	struct proto_job	 j1, j2;
	struct proto_reply	 rep;
	char			*line;

	job_fill(&j1, "github.com/relab/goxos/kvs/kvsd");
	j1.id = INT64_C(4000000001);
	j1.state = PROTO_STATE_RUNNING;
	j1.ended_ms = 0;
	j1.exit_code = -1;
	j1.spec.restart = PROTO_RESTART_ALWAYS;
	job_fill(&j2, "web");
	j2.id = 2;
	j2.spec.ready_fd = 1023;
	j2.spec.umask = 0;
	j2.spec.max_restarts = 0;
	proto_submit_set_rlimit(&j2.spec, RLIMIT_NOFILE, 10, 20);
	b = proto_jobs_reply_new();
	proto_jobs_reply_add(b, &j1);
	proto_jobs_reply_add(b, &j2);
	line = proto_jobs_reply_finish(b, 12);
	must_find(line, "\"id\":4000000001,");
	must_find(line, "\"ready_at\":\"2026-11-18T11:06:41.623Z\"");
	must_find(line, "\"logs\":{\"stdout\":"
	    "\"/home/u/.local/state/launch/logs/314.out\","
	    "\"stderr\":\"/tmp/err.log\"}");
	must_find(line, "\"restart\":\"always\"");
	must_find(line, "\"umask\":23");
	must_find(line, "\"umask\":0,");
	must_find(line, "\"rlimits\":{\"nofile\":[10,20],\"core\":[-1,-1]}");
	reply_decode_line(line, PROTO_OP_LIST, &rep);
	ck_assert_int_eq(rep.id, 12);
	ck_assert_uint_eq(rep.njobs, 2);
	assert_job_eq(&rep.jobs[0], &j1);
	assert_job_eq(&rep.jobs[1], &j2);
	ck_assert_int_eq(rep.jobs[0].id, INT64_C(4000000001));
	ck_assert_int_eq(rep.jobs[0].ready_ms, T_READY);
	ck_assert_int_eq(rep.jobs[0].ended_ms, 0);
	ck_assert_str_eq(rep.jobs[0].stdout_log,
	    "/home/u/.local/state/launch/logs/314.out");
	ck_assert_str_eq(rep.jobs[0].stderr_log, "/tmp/err.log");
	ck_assert_int_eq(rep.jobs[0].spec.restart, PROTO_RESTART_ALWAYS);
	ck_assert_int_eq(rep.jobs[0].spec.max_restarts, 5);
	ck_assert_int_eq(rep.jobs[0].spec.ready_fd, 3);
	ck_assert_int_eq(rep.jobs[0].spec.umask, 027);
	ck_assert_uint_eq(rep.jobs[0].spec.nrlimits, 2);
	ck_assert_int_eq(rep.jobs[1].id, 2);
	ck_assert_int_eq(rep.jobs[1].spec.ready_fd, 1023);
	ck_assert_int_eq(rep.jobs[1].spec.umask, 0);
	ck_assert_int_eq(rep.jobs[1].spec.max_restarts, 0);
	ck_assert_int_eq(rep.jobs[1].spec.rlimits[0].soft, 10);
	ck_assert_int_eq(rep.jobs[1].spec.rlimits[0].hard, 20);
	proto_reply_free(&rep);
	proto_job_free(&j1);
	proto_job_free(&j2);
}
END_TEST

START_TEST(test_reply_job_logs_absent)
{
	static const char	json[] = "{\"v\":7,\"id\":1,"
	    "\"result\":{\"job\":{\"id\":9,\"label\":\"a\",\"argv\":[\"x\"],"
	    "\"kind\":\"process\","
	    "\"state\":\"starting\",\"ready_at\":null}}}";
	struct proto_reply	rep;
	struct proto_error	err;

	ck_assert_int_eq(proto_reply_decode(json, strlen(json),
	    PROTO_OP_SUBMIT, &rep, &err), 0);
	ck_assert_uint_eq(rep.njobs, 1);
	ck_assert_int_eq(rep.jobs[0].id, 9);
	ck_assert_int_eq(rep.jobs[0].state, PROTO_STATE_STARTING);
	ck_assert_int_eq(rep.jobs[0].ready_ms, 0);
	ck_assert_ptr_null(rep.jobs[0].stdout_log);
	ck_assert_ptr_null(rep.jobs[0].stderr_log);
	ck_assert_int_eq(rep.jobs[0].spec.umask, -1);
	ck_assert_int_eq(rep.jobs[0].spec.max_restarts, -1);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_start_restart_remove_roundtrip)
{
	static const enum proto_op	 ops[] = { PROTO_OP_START,
	    PROTO_OP_RESTART, PROTO_OP_REMOVE };
	struct proto_jobs_reply		*b;
	struct proto_job		 j;
	struct proto_reply		 rep;

	job_fill(&j, "web");
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		b = proto_jobs_reply_new();
		proto_jobs_reply_add(b, &j);
		proto_jobs_reply_add_error(b, "db", PROTO_E_LAUNCH_FAILURE,
		    "exec: No such file or directory");
		reply_decode_line(proto_jobs_reply_finish(b, (int64_t)i),
		    ops[i], &rep);
		ck_assert_int_eq(rep.id, (int64_t)i);
		ck_assert_uint_eq(rep.njobs, 1);
		assert_job_eq(&rep.jobs[0], &j);
		ck_assert_uint_eq(rep.nerrors, 1);
		ck_assert_str_eq(rep.errors[0].label, "db");
		ck_assert_int_eq(rep.errors[0].code, PROTO_E_LAUNCH_FAILURE);
		ck_assert_str_eq(rep.errors[0].message,
		    "exec: No such file or directory");
		proto_reply_free(&rep);
	}
	proto_job_free(&j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Job files.                                                          */
/* ------------------------------------------------------------------ */

static const char jobfile_3[] =
    "[\n"
    "  {\"label\": \"github.com/relab/goxos/kvs/kvsd\",\n"
    "   \"argv\": [\"kvsd\", \"-addr\", \":8080\"],\n"
    "   \"env\": {\"GOMAXPROCS\": \"4\", \"EMPTY\": \"\"},\n"
    "   \"cwd\": \"/srv/kvs\", \"path\": \"/opt/kvs/bin:/usr/bin\",\n"
    "   \"stdout\": \"/var/log/kvsd.out\", \"stderr\": \"/var/log/kvsd.err\",\n"
    "   \"restart\": \"on-failure\", \"max_restarts\": 5, \"ready_fd\": 3,\n"
    "   \"umask\": 23, \"rlimits\": {\"nofile\": [1024, 4096],\n"
    "   \"core\": [-1, -1]}},\n"
    "  {\"label\": \"github.com/relab/goxos/kvs/client\",\n"
    "   \"argv\": [\"client\", \"-n\", \"100\"], \"restart\": \"always\"},\n"
    "  {\"label\": \"web\", \"argv\": [\"python3\", \"-m\", \"http.server\"],\n"
    "   \"cwd\": null, \"rlimits\": null}\n"
    "]\n";

/* The three specs of jobfile_3; free with proto_specs_free(specs, 3). */
static struct proto_submit *
jobfile_3_specs(void)
{
	struct proto_submit	*s = xcalloc(3, sizeof *s);

	proto_submit_init(&s[0]);
	s[0].label = xstrdup("github.com/relab/goxos/kvs/kvsd");
	proto_strv_add(&s[0].argv, "kvsd");
	proto_strv_add(&s[0].argv, "-addr");
	proto_strv_add(&s[0].argv, ":8080");
	proto_strv_add(&s[0].env, "GOMAXPROCS=4");
	proto_strv_add(&s[0].env, "EMPTY=");
	s[0].cwd = xstrdup("/srv/kvs");
	s[0].path = xstrdup("/opt/kvs/bin:/usr/bin");
	s[0].stdout_path = xstrdup("/var/log/kvsd.out");
	s[0].stderr_path = xstrdup("/var/log/kvsd.err");
	s[0].restart = PROTO_RESTART_ON_FAILURE;
	s[0].max_restarts = 5;
	s[0].ready_fd = 3;
	s[0].umask = 027;
	proto_submit_set_rlimit(&s[0], RLIMIT_NOFILE, 1024, 4096);
	proto_submit_set_rlimit(&s[0], RLIMIT_CORE, -1, -1);

	proto_submit_init(&s[1]);
	s[1].label = xstrdup("github.com/relab/goxos/kvs/client");
	proto_strv_add(&s[1].argv, "client");
	proto_strv_add(&s[1].argv, "-n");
	proto_strv_add(&s[1].argv, "100");
	s[1].restart = PROTO_RESTART_ALWAYS;

	proto_submit_init(&s[2]);
	s[2].label = xstrdup("web");
	proto_strv_add(&s[2].argv, "python3");
	proto_strv_add(&s[2].argv, "-m");
	proto_strv_add(&s[2].argv, "http.server");
	return s;
}

static void
jobfile_decode_ok(const char *text, struct proto_submit **specs, size_t *n)
{
	struct proto_error	err;
	int			rc;

	rc = proto_jobfile_decode(text, strlen(text), specs, n, &err);
	ck_assert_msg(rc == 0, "rejected %s: %s (field \"%s\")", text,
	    err.message, err.field);
	ck_assert_int_eq(err.code, PROTO_OK);
	ck_assert_ptr_nonnull(*specs);
}

/*
 * Decode a job file that must be rejected with code and field and a
 * message starting with prefix (and naming the field); nothing is
 * returned.
 */
static void
jobfile_fails(const char *text, enum proto_code code, const char *field,
    const char *prefix)
{
	static struct proto_submit	 dummy;
	struct proto_submit		*specs = &dummy;
	struct proto_error		 err;
	size_t				 n = 99;
	int				 rc;

	/* Whatever was in specs and n is replaced. */
	rc = proto_jobfile_decode(text, strlen(text), &specs, &n, &err);
	ck_assert_msg(rc == -1, "accepted: %s", text);
	ck_assert_ptr_null(specs);
	ck_assert_uint_eq(n, 0);
	assert_error(text, &err, code, field);
	ck_assert_msg(strncmp(err.message, prefix, strlen(prefix)) == 0,
	    "%s: message \"%s\" does not start with \"%s\"", text,
	    err.message, prefix);
}

START_TEST(test_jobfile_decode_valid)
{
	struct proto_submit	*specs, *want = jobfile_3_specs();
	size_t			 n = 0;

	jobfile_decode_ok(jobfile_3, &specs, &n);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_spec_eq(&specs[i], &want[i]);
	ck_assert_str_eq(specs[0].label, "github.com/relab/goxos/kvs/kvsd");
	ck_assert_int_eq(specs[0].umask, 027);
	ck_assert_int_eq(specs[0].rlimits[1].resource, RLIMIT_CORE);
	ck_assert_int_eq(specs[1].restart, PROTO_RESTART_ALWAYS);
	ck_assert_int_eq(specs[1].max_restarts, -1);
	ck_assert_ptr_null(specs[2].cwd);
	ck_assert_uint_eq(specs[2].nrlimits, 0);
	proto_specs_free(specs, n);
	proto_specs_free(want, 3);
}
END_TEST

START_TEST(test_jobfile_roundtrip)
{
	struct proto_submit	*specs, *again, *want = jobfile_3_specs();
	size_t			 n = 0, lines = 0;
	char			*text, *text2, *p;

	text = proto_jobfile_encode(want, 3);
	ck_assert_int_eq(text[0], '[');
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	/* Written for people: one member per line, unset ones left out. */
	for (p = text; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_uint_gt(lines, 20);
	ck_assert_ptr_null(strstr(text, "null"));
	must_find(text, "\n\t\t\"umask\":\t23,\n");
	must_find(text, "\n\t\t\"restart\":\t\"always\"\n");
	must_find(text, "\n\t\t\t\"nofile\":\t[1024, 4096],\n");
	jobfile_decode_ok(text, &specs, &n);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_spec_eq(&specs[i], &want[i]);
	/* Encoding what was decoded gives the same text. */
	text2 = proto_jobfile_encode(specs, n);
	ck_assert_str_eq(text2, text);
	free(text2);
	free(text);

	/* And the specs of a decoded file encode and decode the same. */
	text = proto_jobfile_encode(specs, n);
	jobfile_decode_ok(text, &again, &n);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_spec_eq(&again[i], &specs[i]);
	free(text);
	proto_specs_free(again, n);
	proto_specs_free(specs, n);
	proto_specs_free(want, 3);
}
END_TEST

START_TEST(test_jobfile_empty)
{
	struct proto_submit	*specs;
	size_t			 n = 99;
	char			*text;

	jobfile_decode_ok("[]", &specs, &n);
	ck_assert_uint_eq(n, 0);
	proto_specs_free(specs, n);
	jobfile_decode_ok(" [ ]\n", &specs, &n);
	ck_assert_uint_eq(n, 0);
	proto_specs_free(specs, n);
	text = proto_jobfile_encode(NULL, 0);
	ck_assert_str_eq(text, "[]\n");
	free(text);
}
END_TEST

START_TEST(test_jobfile_not_json_or_array)
{
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]",
	    PROTO_E_INVALID_PAYLOAD, "", "not valid JSON");
	jobfile_fails("hello", PROTO_E_INVALID_PAYLOAD, "", "not valid JSON");
	jobfile_fails("", PROTO_E_INVALID_PAYLOAD, "", "not valid JSON");
	jobfile_fails("{\"label\":\"a\",\"argv\":[\"x\"]}",
	    PROTO_E_INVALID_PAYLOAD, "", "a job file must be a JSON array");
	jobfile_fails("\"a\"", PROTO_E_INVALID_PAYLOAD, "",
	    "a job file must be a JSON array");
}
END_TEST

START_TEST(test_jobfile_element_not_object)
{
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},5]",
	    PROTO_E_INVALID_DATA, "", "job 1: ");
	jobfile_fails("[[{\"label\":\"a\",\"argv\":[\"x\"]}]]",
	    PROTO_E_INVALID_DATA, "", "job 0: ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},null]",
	    PROTO_E_INVALID_DATA, "", "job 1: ");
}
END_TEST

START_TEST(test_jobfile_missing_argv)
{
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},"
	    "{\"label\":\"github.com/relab/goxos/kvs/kvsd\"},"
	    "{\"label\":\"c\",\"argv\":[\"x\"]}]", PROTO_E_INVALID_DATA, "argv",
	    "job 1 (github.com/relab/goxos/kvs/kvsd): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[]}]", PROTO_E_INVALID_DATA,
	    "argv", "job 0 (a): ");
}
END_TEST

START_TEST(test_jobfile_unknown_member)
{
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},"
	    "{\"label\":\"b\",\"argv\":[\"x\"]},"
	    "{\"label\":\"c\",\"argv\":[\"x\"],\"lable\":\"c\"}]",
	    PROTO_E_INVALID_DATA, "lable", "job 2 (c): ");
	/* A misspelt label: the job has none to be named by. */
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},"
	    "{\"label\":\"b\",\"argv\":[\"x\"]},"
	    "{\"lable\":\"c\",\"argv\":[\"x\"]}]",
	    PROTO_E_INVALID_DATA, "lable", "job 2: ");
	/* Request and view members are not SPEC members. */
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],"
	    "\"wait_ready\":true}]", PROTO_E_INVALID_DATA, "wait_ready",
	    "job 0 (a): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],"
	    "\"state\":\"running\"}]", PROTO_E_INVALID_DATA, "state",
	    "job 0 (a): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],\"label\":\"b\"}]",
	    PROTO_E_INVALID_DATA, "label", "job 0 (a): ");
}
END_TEST

START_TEST(test_jobfile_duplicate_label)
{
	struct proto_submit	*specs = NULL;
	struct proto_error	 err;
	size_t			 n = 99;
	static const char	 text[] = "[{\"label\":\"a\",\"argv\":[\"x\"]},"
	    "{\"label\":\"b\",\"argv\":[\"y\"]},"
	    "{\"label\":\"a\",\"argv\":[\"z\"]}]";

	jobfile_fails(text, PROTO_E_INVALID_DATA, "label", "job 2 (a): ");
	ck_assert_int_eq(proto_jobfile_decode(text, strlen(text), &specs, &n,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "used twice"));
}
END_TEST

START_TEST(test_jobfile_bad_values)
{
	jobfile_fails("[{\"label\":\"a b\",\"argv\":[\"x\"]},"
	    "{\"label\":\"c\",\"argv\":[\"x\"]}]", PROTO_E_INVALID_DATA,
	    "label", "job 0");
	jobfile_fails("[{\"label\":7,\"argv\":[\"x\"]}]",
	    PROTO_E_INVALID_DATA, "label", "job 0: ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"]},"
	    "{\"label\":\"b\",\"argv\":[\"x\"],"
	    "\"rlimits\":{\"nofiles\":[1,1]}}]", PROTO_E_INVALID_DATA,
	    "rlimits.nofiles", "job 1 (b): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],\"umask\":512}]",
	    PROTO_E_INVALID_DATA, "umask", "job 0 (a): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],"
	    "\"cwd\":\"relative\"}]", PROTO_E_INVALID_DATA, "cwd",
	    "job 0 (a): ");
	jobfile_fails("[{\"label\":\"a\",\"argv\":[\"x\"],"
	    "\"restart\":\"sometimes\"}]", PROTO_E_INVALID_DATA, "restart",
	    "job 0 (a): ");
}
END_TEST

/* ------------------------------------------------------------------ */
/* On-disk records: jobs/ID.json and jobs/ID.status.                    */
/* ------------------------------------------------------------------ */

/* A running job's record; free with proto_record_free. */
static void
record_fill(struct proto_record *st)
{
	memset(st, 0, sizeof *st);
	job_fill(&st->job, "github.com/relab/goxos/kvs/kvsd");
	st->job.id = 27;
	st->job.state = PROTO_STATE_RUNNING;
	st->job.pid = 31337;
	st->job.ended_ms = 0;
	st->job.exit_code = -1;
	st->job.restarts = 2;
	st->shim.pid = 31336;
	snprintf(st->shim.sock, sizeof st->shim.sock, "launch-shim-1000-27");
	snprintf(st->shim.boot_id, sizeof st->shim.boot_id,
	    "5e1b2f0c-8d0a-4c5e-9a31-0f2d9b7c6e11");
	st->user_stopped = 1;
	st->backoff = 3;
}

static void
record_fails(const char *text, size_t len, enum proto_code code,
    const char *field)
{
	struct proto_record	st;
	struct proto_error	err;

	ck_assert_int_eq(proto_record_decode(text, len, &st, &err), -1);
	ck_assert_msg(err.code == code, "%.*s: code %s, want %s", (int)len,
	    text, proto_code_name(err.code), proto_code_name(code));
	ck_assert_msg(strcmp(err.field, field) == 0,
	    "%.*s: field \"%s\", want \"%s\"", (int)len, text, err.field,
	    field);
	if (field[0] != '\0')
		ck_assert_ptr_nonnull(strstr(err.message, field));
	/* Nothing is left to free, and freeing is safe. */
	ck_assert_ptr_null(st.job.spec.label);
	ck_assert_ptr_null(st.job.spec.argv.v);
	ck_assert_ptr_null(st.job.stdout_log);
	proto_record_free(&st);
}

START_TEST(test_record_roundtrip)
{
	struct proto_record	 in, out;
	struct proto_error	 err;
	char			*line;
	size_t			 len;

	record_fill(&in);
	line = proto_record_encode(&in);
	len = strlen(line);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	must_find(line, "\"v\":1,");
	must_find(line, "\"shim\":{\"pid\":31336,"
	    "\"sock\":\"launch-shim-1000-27\","
	    "\"boot_id\":\"5e1b2f0c-8d0a-4c5e-9a31-0f2d9b7c6e11\"}");
	must_find(line, "\"user_stopped\":true");
	must_find(line, "\"backoff\":3");
	ck_assert_msg(proto_record_decode(line, len - 1, &out, &err) == 0,
	    "decode of %s failed: %s", line, err.message);
	assert_job_eq(&out.job, &in.job);
	ck_assert_int_eq(out.job.state, PROTO_STATE_RUNNING);
	ck_assert_int_eq(out.job.pid, 31337);
	ck_assert_int_eq(out.job.started_ms, T_STARTED);
	ck_assert_int_eq(out.job.ready_ms, T_READY);
	ck_assert_int_eq(out.job.ended_ms, 0);
	ck_assert_int_eq(out.job.id, 27);
	ck_assert_int_eq(out.shim.pid, 31336);
	ck_assert_str_eq(out.shim.sock, "launch-shim-1000-27");
	ck_assert_str_eq(out.shim.boot_id,
	    "5e1b2f0c-8d0a-4c5e-9a31-0f2d9b7c6e11");
	ck_assert_int_eq(out.user_stopped, 1);
	ck_assert_int_eq(out.backoff, 3);
	proto_record_free(&out);
	ck_assert_ptr_null(out.job.spec.label);
	free(line);

	/* An exited job, not stopped by the user, with no shim left. */
	in.job.state = PROTO_STATE_EXITED;
	in.job.pid = 0;
	in.job.ended_ms = T_ENDED;
	in.job.exit_code = 0;
	in.shim.pid = 0;
	in.shim.sock[0] = '\0';
	in.user_stopped = 0;
	in.backoff = 0;
	line = proto_record_encode(&in);
	ck_assert_int_eq(proto_record_decode(line, strlen(line), &out, &err),
	    0);
	assert_job_eq(&out.job, &in.job);
	ck_assert_int_eq(out.job.exit_code, 0);
	ck_assert_int_eq(out.shim.pid, 0);
	ck_assert_str_eq(out.shim.sock, "");
	ck_assert_int_eq(out.user_stopped, 0);
	ck_assert_int_eq(out.backoff, 0);
	proto_record_free(&out);
	free(line);
	proto_record_free(&in);
}
END_TEST

/*
 * Labels an earlier daemon accepted and the segment rule now refuses
 * ("/srv/web", "a//b"): a record or a reply holding one still decodes
 * (an upgrade must not drop a running job's record and leave its shim
 * unsupervised), while a submit of one is refused naming the label.
 */
START_TEST(test_record_known_label)
{
	static const char *const old[] = { "/srv/web", "a//b", "x/..", "." };
	struct proto_record	 in, out;
	struct proto_error	 err;
	char			*line, req[256];

	for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
		record_fill(&in);
		free(in.job.spec.label);
		in.job.spec.label = strdup(old[i]);
		line = proto_record_encode(&in);
		ck_assert_msg(proto_record_decode(line, strlen(line), &out,
		    &err) == 0, "record of %s: %s", old[i], err.message);
		ck_assert_str_eq(out.job.spec.label, old[i]);
		proto_record_free(&out);
		free(line);
		proto_record_free(&in);

		snprintf(req, sizeof req, "{\"v\":7,\"id\":1,\"op\":\"submit\","
		    "\"label\":\"%s\",\"argv\":[\"true\"]}", old[i]);
		request_decode_fails(req, strlen(req), PROTO_E_INVALID_DATA,
		    "label", 1);
	}
	/* The bytes and the length are what they always were. */
	record_fill(&in);
	free(in.job.spec.label);
	in.job.spec.label = strdup("a b");
	line = proto_record_encode(&in);
	ck_assert_int_eq(proto_record_decode(line, strlen(line), &out, &err),
	    -1);
	ck_assert_str_eq(err.field, "label");
	free(line);
	proto_record_free(&in);
}
END_TEST

START_TEST(test_record_bad_version)
{
	struct proto_record	 in;
	char			*line, *p;

	record_fill(&in);
	line = proto_record_encode(&in);
	p = must_find(line, "\"v\":1,\"shim\"");
	p[strlen("\"v\":")] = '2';
	record_fails(line, strlen(line), PROTO_E_UNSUPPORTED_VERSION, "v");
	p[strlen("\"v\":")] = '0';
	record_fails(line, strlen(line), PROTO_E_UNSUPPORTED_VERSION, "v");
	/* No version at all: "v" becomes an unknown "w". */
	p[1] = 'w';
	p[strlen("\"v\":")] = '1';
	record_fails(line, strlen(line), PROTO_E_INVALID_DATA, "v");
	free(line);
	proto_record_free(&in);
}
END_TEST

START_TEST(test_record_missing_shim)
{
	struct proto_record	 in;
	char			*line, *bad, *p, *q;

	record_fill(&in);
	line = proto_record_encode(&in);
	p = must_find(line, "\"shim\":{");
	q = must_find(line, "\"user_stopped\"");
	memmove(p, q, strlen(q) + 1);
	ck_assert_ptr_null(strstr(line, "shim"));
	record_fails(line, strlen(line), PROTO_E_INVALID_DATA, "shim");
	free(line);

	/* A shim member that is not an object, or lacks a member. */
	line = proto_record_encode(&in);
	p = must_find(line, "\"shim\":{");
	q = must_find(line, "\"user_stopped\"");
	xasprintf(&bad, "%.*s\"shim\":5,%s", (int)(p - line), line, q);
	record_fails(bad, strlen(bad), PROTO_E_INVALID_DATA, "shim");
	free(bad);
	free(line);
	line = proto_record_encode(&in);
	p = must_find(line, "\"boot_id\":");
	p[1] = 'B';
	record_fails(line, strlen(line), PROTO_E_INVALID_DATA, "boot_id");
	free(line);
	proto_record_free(&in);
}
END_TEST

START_TEST(test_record_garbled_or_truncated)
{
	struct proto_record	 in;
	char			*line;
	size_t			 len;

	record_fails("garbage", 7, PROTO_E_INVALID_PAYLOAD, "");
	record_fails("", 0, PROTO_E_INVALID_PAYLOAD, "");
	record_fails("[]", 2, PROTO_E_INVALID_PAYLOAD, "");
	record_fill(&in);
	line = proto_record_encode(&in);
	len = strlen(line);
	/* Cut in half, as a crash in the middle of a write would. */
	record_fails(line, len / 2, PROTO_E_INVALID_PAYLOAD, "");
	record_fails(line, len - 3, PROTO_E_INVALID_PAYLOAD, "");
	/* A garbled byte. */
	line[0] = '<';
	record_fails(line, len, PROTO_E_INVALID_PAYLOAD, "");
	free(line);
	proto_record_free(&in);
}
END_TEST

static void
shim_status_roundtrip(const struct proto_shim_status *in,
    struct proto_shim_status *out, char **linep)
{
	struct proto_error	 err;
	char			*line;
	size_t			 len;

	line = proto_shim_status_encode(in);
	len = strlen(line);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	ck_assert_msg(proto_shim_status_decode(line, len - 1, out, &err) == 0,
	    "decode of %s failed: %s", line, err.message);
	ck_assert_int_eq(out->shim_pid, in->shim_pid);
	ck_assert_int_eq(out->pid, in->pid);
	ck_assert_int_eq(out->started_ms, in->started_ms);
	ck_assert_int_eq(out->ready_ms, in->ready_ms);
	ck_assert_int_eq(out->ended_ms, in->ended_ms);
	ck_assert_int_eq(out->wstatus, in->wstatus);
	ck_assert_int_eq(out->stopping, in->stopping);
	assert_str_eq_or_null("error", out->error, in->error);
	*linep = line;
}

START_TEST(test_shim_status_running_roundtrip)
{
	struct proto_shim_status	 in, out;
	char				*line;

	memset(&in, 0, sizeof in);
	in.shim_pid = 31336;
	in.pid = 31337;
	in.started_ms = T_STARTED;
	in.ready_ms = T_READY;
	in.wstatus = -1;
	shim_status_roundtrip(&in, &out, &line);
	must_find(line, "\"v\":1,");
	must_find(line, "\"wstatus\":null");
	must_find(line, "\"ended_at\":null");
	must_find(line, "\"stopping\":false");
	must_find(line, "\"error\":null");
	must_find(line, "\"ready_at\":\"2026-11-18T11:06:41.623Z\"");
	ck_assert_int_eq(out.wstatus, -1);
	ck_assert_int_eq(out.ended_ms, 0);
	ck_assert_ptr_null(out.error);
	free(out.error);
	free(line);
}
END_TEST

START_TEST(test_shim_status_ended_roundtrip)
{
	struct proto_shim_status	 in, out;
	char				*line;

	/* exit(15). */
	memset(&in, 0, sizeof in);
	in.shim_pid = 31336;
	in.pid = 31337;
	in.started_ms = T_STARTED;
	in.ended_ms = T_ENDED;
	in.wstatus = 0x0f00;
	shim_status_roundtrip(&in, &out, &line);
	must_find(line, "\"wstatus\":3840");
	ck_assert(WIFEXITED(out.wstatus));
	ck_assert_int_eq(WEXITSTATUS(out.wstatus), 15);
	free(out.error);
	free(line);

	/* Killed by SIGKILL while being stopped. */
	in.wstatus = SIGKILL;
	in.stopping = 1;
	shim_status_roundtrip(&in, &out, &line);
	must_find(line, "\"wstatus\":9,");
	must_find(line, "\"stopping\":true");
	ck_assert(WIFSIGNALED(out.wstatus));
	ck_assert_int_eq(WTERMSIG(out.wstatus), SIGKILL);
	ck_assert_int_eq(out.stopping, 1);
	free(out.error);
	free(line);

	/* The launch failed: no pid, an error. */
	memset(&in, 0, sizeof in);
	in.shim_pid = 31336;
	in.ended_ms = T_ENDED;
	in.wstatus = 127 << 8;
	in.error = xstrdup("exec kvsd: No such file or directory \"\\\"");
	shim_status_roundtrip(&in, &out, &line);
	ck_assert_int_eq(out.pid, 0);
	ck_assert_str_eq(out.error,
	    "exec kvsd: No such file or directory \"\\\"");
	ck_assert_ptr_ne(out.error, in.error);
	free(out.error);
	free(in.error);
	free(line);
}
END_TEST

START_TEST(test_shim_status_decode)
{
	static const char		 null_ws[] = "{\"v\":1,\"shim_pid\":5,"
	    "\"pid\":6,\"started_at\":null,\"ready_at\":null,"
	    "\"ended_at\":null,\"wstatus\":null,\"stopping\":false,"
	    "\"error\":null}";
	static const char		 no_ws[] = "{\"v\":1,\"shim_pid\":5,"
	    "\"pid\":6}";
	struct proto_shim_status	 st;
	struct proto_error		 err;

	memset(&st, 0, sizeof st);
	ck_assert_int_eq(proto_shim_status_decode(null_ws, strlen(null_ws),
	    &st, &err), 0);
	ck_assert_int_eq(st.wstatus, -1);
	ck_assert_int_eq(st.shim_pid, 5);
	ck_assert_int_eq(st.pid, 6);
	ck_assert_int_eq(st.started_ms, 0);
	ck_assert_int_eq(st.stopping, 0);
	ck_assert_ptr_null(st.error);
	free(st.error);

	st.wstatus = 0;
	ck_assert_int_eq(proto_shim_status_decode(no_ws, strlen(no_ws), &st,
	    &err), 0);
	ck_assert_int_eq(st.wstatus, -1);
	ck_assert_int_eq(st.ended_ms, 0);
	free(st.error);
}
END_TEST

static void
shim_status_fails(const char *text, enum proto_code code, const char *field)
{
	struct proto_shim_status	st;
	struct proto_error		err;

	ck_assert_int_eq(proto_shim_status_decode(text, strlen(text), &st,
	    &err), -1);
	assert_error(text, &err, code, field);
	ck_assert_ptr_null(st.error);
}

START_TEST(test_shim_status_bad)
{
	shim_status_fails("{\"v\":7,\"shim_pid\":5,\"pid\":6}",
	    PROTO_E_UNSUPPORTED_VERSION, "v");
	shim_status_fails("{\"shim_pid\":5,\"pid\":6}", PROTO_E_INVALID_DATA,
	    "v");
	shim_status_fails("{\"v\":1,\"pid\":6}", PROTO_E_INVALID_DATA,
	    "shim_pid");
	shim_status_fails("{\"v\":1,\"shim_pid\":5}", PROTO_E_INVALID_DATA,
	    "pid");
	shim_status_fails("{\"v\":1,\"shim_pid\":5,\"pid\":6,"
	    "\"wstatus\":65536}", PROTO_E_INVALID_DATA, "wstatus");
	shim_status_fails("{\"v\":1,\"shim_pid\":5,\"pid\":6,"
	    "\"wstatus\":-1}", PROTO_E_INVALID_DATA, "wstatus");
	shim_status_fails("{\"v\":1,\"shim_pid\":5,\"pid\":6,"
	    "\"ended_at\":\"now\"}", PROTO_E_INVALID_DATA, "ended_at");
	shim_status_fails("{\"v\":1,\"shim_pid\":5,\"pid\":6,\"error\":1}",
	    PROTO_E_INVALID_DATA, "error");
	shim_status_fails("{\"v\":1,\"shim_pid\":5,", PROTO_E_INVALID_PAYLOAD,
	    "");
}
END_TEST

/* ------------------------------------------------------------------ */
/* v2 names and spec helpers.                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_restart_names)
{
	static const char *const want[] = { "no", "on-failure", "always" };

	ck_assert_uint_eq(sizeof want / sizeof want[0], PROTO_RESTART__COUNT);
	for (int i = 0; i < PROTO_RESTART__COUNT; i++) {
		ck_assert_str_eq(proto_restart_name((enum proto_restart)i),
		    want[i]);
		ck_assert_int_eq(proto_restart_parse(want[i]), i);
		ck_assert_int_eq(proto_restart_parse(proto_restart_name(
		    (enum proto_restart)i)), i);
	}
	ck_assert_ptr_null(proto_restart_name(PROTO_RESTART__COUNT));
	ck_assert_int_eq(proto_restart_parse("sometimes"), -1);
	ck_assert_int_eq(proto_restart_parse("on_failure"), -1);
	ck_assert_int_eq(proto_restart_parse(""), -1);
}
END_TEST

START_TEST(test_rlimit_names)
{
	static const struct {
		const char	*name;
		int		 resource;
	} want[] = {
		{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE },
		{ "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
		{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS },
		{ "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
		{ "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
		{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS },
		{ "rtprio", RLIMIT_RTPRIO }, { "stack", RLIMIT_STACK },
	};

	ck_assert_int_eq(proto_rlimit_parse("nofile"), RLIMIT_NOFILE);
	ck_assert_int_eq(proto_rlimit_parse("bogus"), -1);
	ck_assert_int_eq(proto_rlimit_parse("NOFILE"), -1);
	ck_assert_int_eq(proto_rlimit_parse(""), -1);
	ck_assert_str_eq(proto_rlimit_name(RLIMIT_CORE), "core");
	ck_assert_ptr_null(proto_rlimit_name(-1));
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_int_eq(proto_rlimit_parse(want[i].name),
		    want[i].resource);
		ck_assert_str_eq(proto_rlimit_name(want[i].resource),
		    want[i].name);
	}
}
END_TEST

START_TEST(test_submit_init_defaults)
{
	struct proto_submit	s;

	memset(&s, 0xa5, sizeof s);
	proto_submit_init(&s);
	ck_assert_ptr_null(s.label);
	ck_assert_uint_eq(s.argv.n, 0);
	ck_assert_ptr_null(s.argv.v);
	ck_assert_ptr_null(s.cwd);
	ck_assert_int_eq(s.restart, PROTO_RESTART_NO);
	ck_assert_int_eq(s.max_restarts, -1);
	ck_assert_int_eq(s.ready_fd, 0);
	ck_assert_int_eq(s.umask, -1);
	ck_assert_ptr_null(s.rlimits);
	ck_assert_uint_eq(s.nrlimits, 0);
	proto_submit_free(&s);
}
END_TEST

START_TEST(test_submit_set_rlimit_replaces)
{
	struct proto_submit	s;

	proto_submit_init(&s);
	proto_submit_set_rlimit(&s, RLIMIT_NOFILE, 1024, 4096);
	ck_assert_uint_eq(s.nrlimits, 1);
	proto_submit_set_rlimit(&s, RLIMIT_NOFILE, 2048, -1);
	ck_assert_uint_eq(s.nrlimits, 1);
	ck_assert_int_eq(s.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_int_eq(s.rlimits[0].soft, 2048);
	ck_assert_int_eq(s.rlimits[0].hard, -1);
	proto_submit_set_rlimit(&s, RLIMIT_CORE, 0, 0);
	ck_assert_uint_eq(s.nrlimits, 2);
	proto_submit_set_rlimit(&s, RLIMIT_NOFILE, 1, 2);
	ck_assert_uint_eq(s.nrlimits, 2);
	ck_assert_int_eq(s.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_int_eq(s.rlimits[0].soft, 1);
	ck_assert_int_eq(s.rlimits[0].hard, 2);
	ck_assert_int_eq(s.rlimits[1].resource, RLIMIT_CORE);
	ck_assert_int_eq(s.rlimits[1].soft, 0);
	proto_submit_free(&s);
	ck_assert_ptr_null(s.rlimits);
	ck_assert_uint_eq(s.nrlimits, 0);
}
END_TEST

START_TEST(test_submit_copy_rlimits)
{
	struct proto_submit	a, b;

	spec_fill(&a, "web");
	proto_submit_copy(&b, &a);
	ck_assert_ptr_ne(b.rlimits, a.rlimits);
	ck_assert_ptr_ne(b.label, a.label);
	assert_spec_eq(&b, &a);
	proto_submit_free(&a);
	ck_assert_ptr_null(a.rlimits);
	/* The copy is intact. */
	ck_assert_str_eq(b.label, "web");
	ck_assert_int_eq(b.restart, PROTO_RESTART_ON_FAILURE);
	ck_assert_int_eq(b.max_restarts, 5);
	ck_assert_int_eq(b.ready_fd, 3);
	ck_assert_int_eq(b.umask, 027);
	ck_assert_uint_eq(b.nrlimits, 2);
	ck_assert_int_eq(b.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_int_eq(b.rlimits[0].soft, 1024);
	ck_assert_int_eq(b.rlimits[0].hard, 4096);
	ck_assert_int_eq(b.rlimits[1].resource, RLIMIT_CORE);
	ck_assert_int_eq(b.rlimits[1].hard, -1);
	/* Changing the copy's rlimits leaves nothing shared. */
	proto_submit_set_rlimit(&b, RLIMIT_CPU, 10, 20);
	ck_assert_uint_eq(b.nrlimits, 3);
	proto_submit_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *
proto_suite(void)
{
	Suite	*s = suite_create("proto");
	TCase	*tc;

	tc = tcase_create("request_roundtrip");
	tcase_add_test(tc, test_req_ping_roundtrip);
	tcase_add_test(tc, test_req_submit_roundtrip);
	tcase_add_test(tc, test_req_submit_minimal_roundtrip);
	tcase_add_test(tc, test_req_list_roundtrip);
	tcase_add_test(tc, test_req_list_all_roundtrip);
	tcase_add_test(tc, test_req_status_roundtrip);
	tcase_add_test(tc, test_req_stop_roundtrip);
	tcase_add_test(tc, test_req_stop_zero_timeout_roundtrip);
	tcase_add_test(tc, test_req_stop_defaults);
	tcase_add_test(tc, test_req_shutdown_roundtrip);
	tcase_add_test(tc, test_req_shutdown_defaults);
	tcase_add_test(tc, test_req_init_defaults);
	tcase_add_test(tc, test_req_whitespace_and_cr_accepted);
	tcase_add_test(tc, test_req_escaped_backslash_u0000_is_text);
	tcase_add_test(tc, test_req_unicode_escape_decoded);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_payload");
	tcase_add_test(tc, test_req_not_json);
	tcase_add_test(tc, test_req_not_object);
	tcase_add_test(tc, test_req_trailing_garbage);
	tcase_add_test(tc, test_req_nul_escape);
	tcase_add_test(tc, test_req_raw_nul_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_envelope");
	tcase_add_test(tc, test_req_id_missing);
	tcase_add_test(tc, test_req_id_bad);
	tcase_add_test(tc, test_req_id_limits_accepted);
	tcase_add_test(tc, test_req_id_max_roundtrip);
	tcase_add_test(tc, test_req_v_missing_or_bad);
	tcase_add_test(tc, test_req_v_unsupported);
	tcase_add_test(tc, test_req_op_bad);
	tcase_add_test(tc, test_req_unknown_member);
	tcase_add_test(tc, test_req_duplicate_member);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_submit");
	tcase_add_test(tc, test_submit_label_missing_or_wrong_type);
	tcase_add_test(tc, test_submit_label_invalid);
	tcase_add_test(tc, test_submit_label_length);
	tcase_add_test(tc, test_submit_argv_bad);
	tcase_add_test(tc, test_submit_argv_element_bad);
	tcase_add_test(tc, test_submit_env_roundtrip_from_json);
	tcase_add_test(tc, test_submit_env_bad);
	tcase_add_test(tc, test_submit_paths_not_absolute);
	tcase_add_test(tc, test_submit_optional_null_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_submit_batch");
	tcase_add_test(tc, test_req_batch_roundtrip);
	tcase_add_test(tc, test_req_batch_encoded_len);
	tcase_add_test(tc, test_req_batch_decode);
	tcase_add_test(tc, test_req_batch_bad);
	tcase_add_test(tc, test_reply_batch_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_spec");
	tcase_add_test(tc, test_req_submit_every_spec_field_roundtrip);
	tcase_add_test(tc, test_req_submit_spec_from_json);
	tcase_add_test(tc, test_req_submit_spec_defaults);
	tcase_add_test(tc, test_submit_restart_bad);
	tcase_add_test(tc, test_submit_max_restarts_bad);
	tcase_add_test(tc, test_submit_ready_fd_bad);
	tcase_add_test(tc, test_submit_umask_bad);
	tcase_add_test(tc, test_submit_rlimits_bad);
	tcase_add_test(tc, test_submit_wait_ready_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_start_restart_remove");
	tcase_add_test(tc, test_req_start_roundtrip);
	tcase_add_test(tc, test_req_restart_roundtrip);
	tcase_add_test(tc, test_req_remove_roundtrip);
	tcase_add_test(tc, test_start_restart_remove_match_bad);
	tcase_add_test(tc, test_start_restart_remove_unknown_member);
	tcase_add_test(tc, test_restart_remove_options_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("request_match");
	tcase_add_test(tc, test_stop_match_missing_or_empty);
	tcase_add_test(tc, test_stop_match_element_bad);
	tcase_add_test(tc, test_stop_timeout_bad);
	tcase_add_test(tc, test_stop_timeout_max_accepted);
	tcase_add_test(tc, test_stop_signal_bad);
	tcase_add_test(tc, test_stop_signal_names_accepted);
	tcase_add_test(tc, test_status_label_bad);
	tcase_add_test(tc, test_list_match_bad);
	tcase_add_test(tc, test_list_match_empty_accepted);
	tcase_add_test(tc, test_shutdown_timeout_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply_roundtrip");
	tcase_add_test(tc, test_reply_ping_roundtrip);
	tcase_add_test(tc, test_reply_job_exited_roundtrip);
	tcase_add_test(tc, test_reply_job_signaled_roundtrip);
	tcase_add_test(tc, test_reply_job_times_keep_ms);
	tcase_add_test(tc, test_reply_job_unset_members_null);
	tcase_add_test(tc, test_reply_list_roundtrip);
	tcase_add_test(tc, test_reply_stop_with_errors_roundtrip);
	tcase_add_test(tc, test_reply_shutdown_empty_roundtrip);
	tcase_add_test(tc, test_reply_jobs_free_unfinished);
	tcase_add_test(tc, test_reply_error_roundtrip);
	tcase_add_test(tc, test_reply_error_null_id_no_field);
	tcase_add_test(tc, test_reply_error_every_code_roundtrip);
	tcase_add_test(tc, test_reply_unknown_code_is_internal);
	tcase_add_test(tc, test_jobs_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply_job_v2");
	tcase_add_test(tc, test_reply_jobs_v2_fields_roundtrip);
	tcase_add_test(tc, test_reply_job_logs_absent);
	tcase_add_test(tc, test_reply_start_restart_remove_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply_strict");
	tcase_add_test(tc, test_reply_v_unsupported);
	tcase_add_test(tc, test_reply_no_result_or_error);
	tcase_add_test(tc, test_reply_jobs_not_array);
	tcase_add_test(tc, test_reply_job_bad_state);
	tcase_add_test(tc, test_reply_job_bad_members);
	tcase_add_test(tc, test_reply_id_bad);
	tcase_add_test(tc, test_reply_payload_bad);
	tcase_add_test(tc, test_reply_ping_bad);
	tcase_add_test(tc, test_reply_unknown_members_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("label_glob");
	tcase_add_test(tc, test_label_valid_accepts);
	tcase_add_test(tc, test_label_valid_rejects);
	tcase_add_test(tc, test_label_valid_segments);
	tcase_add_test(tc, test_glob_match);
	tcase_add_test(tc, test_is_glob);
	tcase_add_test(tc, test_glob_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_signal_parse);
	tcase_add_test(tc, test_signal_name);
	tcase_add_test(tc, test_op_names);
	tcase_add_test(tc, test_code_names);
	tcase_add_test(tc, test_kind_state_names);
	tcase_add_test(tc, test_time_format_exact);
	tcase_add_test(tc, test_time_roundtrip);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_time_parse_rejects);
	tcase_add_test(tc, test_error_set);
	tcase_add_test(tc, test_strv_copy_free);
	tcase_add_test(tc, test_submit_copy);
	tcase_add_test(tc, test_restart_names);
	tcase_add_test(tc, test_rlimit_names);
	tcase_add_test(tc, test_submit_init_defaults);
	tcase_add_test(tc, test_submit_set_rlimit_replaces);
	tcase_add_test(tc, test_submit_copy_rlimits);
	suite_add_tcase(s, tc);

	tc = tcase_create("jobfile");
	tcase_add_test(tc, test_jobfile_decode_valid);
	tcase_add_test(tc, test_jobfile_roundtrip);
	tcase_add_test(tc, test_jobfile_empty);
	tcase_add_test(tc, test_jobfile_not_json_or_array);
	tcase_add_test(tc, test_jobfile_element_not_object);
	tcase_add_test(tc, test_jobfile_missing_argv);
	tcase_add_test(tc, test_jobfile_unknown_member);
	tcase_add_test(tc, test_jobfile_duplicate_label);
	tcase_add_test(tc, test_jobfile_bad_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_add_test(tc, test_record_roundtrip);
	tcase_add_test(tc, test_record_bad_version);
	tcase_add_test(tc, test_record_missing_shim);
	tcase_add_test(tc, test_record_garbled_or_truncated);
	tcase_add_test(tc, test_record_known_label);
	tcase_add_test(tc, test_shim_status_running_roundtrip);
	tcase_add_test(tc, test_shim_status_ended_roundtrip);
	tcase_add_test(tc, test_shim_status_decode);
	tcase_add_test(tc, test_shim_status_bad);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return check_run(proto_suite());
}
