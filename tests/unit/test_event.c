/*
 * Unit tests for the events and subscriptions codecs of proto/ (see
 * proto/event.h): EVENT lines, classes and their readable form, addresses
 * and tokens, the subscribe/unsubscribe/subscriptions/events requests and
 * replies, the SUB view and record, HELLO and ACK, and the queue journal.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto.h"
#include "xmalloc.h"
#include "check-helpers.h"
#include "check-run.h"

/* 2026-11-18T11:06:40.123Z, and one second later. */
#define T0		INT64_C(1795000000123)
#define T0_STR		"2026-11-18T11:06:40.123Z"
#define T1		INT64_C(1795000001123)

/* 32 hex digits, both cases. */
#define TOKEN32		"0123456789abcdef0123456789ABCDEF"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */
/* ------------------------------------------------------------------ */

/* s with its first from replaced by to (from must occur); free it. */
static char *
replace1(const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	char		*out;

	ck_assert_msg(at != NULL, "\"%s\" not in %s", from, s);
	xasprintf(&out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

/* ---- events ---- */

/* A job event of web (id 4, pid 12) on host box at T0; free it with
 * proto_event_free. */
static void
ev_job(struct proto_event *ev, enum proto_ev_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->time_ms = T0;
	ev->host = xstrdup("box");
	ev->type = type;
	ev->label = xstrdup("web");
	ev->job_id = 4;
	ev->kind = PROTO_KIND_PROCESS;
	ev->pid = 12;
	ev->restarts = 0;
	ev->exit_code = -1;
}

static void
ev_exit(struct proto_event *ev, enum proto_reason reason, int exit_code,
    int sig, int ok, const char *error)
{
	ev_job(ev, PROTO_EV_EXIT);
	ev->reason = reason;
	ev->exit_code = exit_code;
	ev->signal = sig;
	ev->ok = ok;
	ev->error = error != NULL ? xstrdup(error) : NULL;
}

static void
ev_dropped(struct proto_event *ev, int64_t count)
{
	memset(ev, 0, sizeof *ev);
	ev->time_ms = T0;
	ev->host = xstrdup("box");
	ev->type = PROTO_EV_DROPPED;
	ev->exit_code = -1;
	ev->count = count;
}

static void
assert_event_eq(const struct proto_event *got, const struct proto_event *want)
{
	ck_assert_int_eq(got->seq, want->seq);
	ck_assert_int_eq(got->time_ms, want->time_ms);
	assert_str_eq_or_null("host", got->host, want->host);
	ck_assert_int_eq(got->type, want->type);
	assert_str_eq_or_null("label", got->label, want->label);
	ck_assert_int_eq(got->job_id, want->job_id);
	ck_assert_int_eq(got->kind, want->kind);
	ck_assert_int_eq(got->pid, want->pid);
	ck_assert_int_eq(got->restarts, want->restarts);
	ck_assert_int_eq(got->exit_code, want->exit_code);
	if (want->type == PROTO_EV_EXIT) {
		ck_assert_int_eq(got->reason, want->reason);
		ck_assert_int_eq(got->signal, want->signal);
		ck_assert_int_eq(got->ok, want->ok);
	}
	assert_str_eq_or_null("error", got->error, want->error);
	ck_assert_int_eq(got->delay_ms, want->delay_ms);
	if (want->type == PROTO_EV_STATE) {
		ck_assert_int_eq(got->from, want->from);
		ck_assert_int_eq(got->to, want->to);
	}
	ck_assert_int_eq(got->count, want->count);
}

/*
 * Encode in (its seq ignored) as a body, check that the body has no seq
 * and no newline, number it seq, check the line's framing, and decode the
 * line into out (whose seq must be seq).  Returns the body; free it.
 */
static char *
event_roundtrip(const struct proto_event *in, int64_t seq,
    struct proto_event *out)
{
	struct proto_error	 err;
	struct proto_event	 want;
	char			*body, *line, prefix[64];
	size_t			 blen, len;
	int			 rc;

	body = proto_event_body(in);
	ck_assert_ptr_nonnull(body);
	blen = strlen(body);
	ck_assert_uint_gt(blen, 2);
	ck_assert_msg(body[0] == '{' && body[blen - 1] == '}',
	    "body is not one object: %s", body);
	ck_assert_msg(strchr(body, '\n') == NULL, "newline in body: %s", body);
	ck_assert_msg(strstr(body, "\"seq\"") == NULL, "seq in body: %s",
	    body);

	line = proto_event_line(body, seq);
	ck_assert_ptr_nonnull(line);
	len = strlen(line);
	snprintf(prefix, sizeof prefix, "{\"seq\":%" PRId64 ",", seq);
	ck_assert_msg(strncmp(line, prefix, strlen(prefix)) == 0,
	    "line does not start with %s: %s", prefix, line);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_msg(memchr(line, '\n', len - 1) == NULL,
	    "newline inside the line: %s", line);
	/* The rest of the line is the body's members, unchanged. */
	ck_assert_uint_eq(len, strlen(prefix) + blen - 1 + 1);
	ck_assert_msg(strncmp(line + strlen(prefix), body + 1, blen - 1) == 0,
	    "line %s is not body %s numbered", line, body);

	memset(&err, 0, sizeof err);
	rc = proto_event_decode(line, len - 1, out, &err);
	ck_assert_msg(rc == 0, "decode of %s failed: %s (field \"%s\")", line,
	    err.message, err.field);
	want = *in;
	want.seq = seq;
	assert_event_eq(out, &want);
	free(line);
	return body;
}

/* A valid exit line, and the parts tests swap out. */
#define EV_EXIT_LINE							\
	"{\"seq\":1,\"time\":\"" T0_STR "\",\"host\":\"box\","		\
	"\"event\":\"exit\",\"label\":\"web\",\"id\":4,"		\
	"\"kind\":\"process\",\"pid\":12,\"restarts\":0,"		\
	"\"reason\":\"exited\",\"exit_code\":3,\"signal\":null,"	\
	"\"ok\":false,\"error\":null}"
#define EV_DROPPED_LINE							\
	"{\"seq\":9,\"time\":\"" T0_STR "\",\"host\":\"box\","		\
	"\"event\":\"dropped\",\"count\":7}"

/* Decode a line that must be rejected; nothing may be left allocated. */
static void
event_fails(const char *line, enum proto_code code, const char *field)
{
	struct proto_event	ev;
	struct proto_error	err;
	int			rc;

	memset(&err, 0, sizeof err);
	rc = proto_event_decode(line, strlen(line), &ev, &err);
	ck_assert_msg(rc == -1, "accepted: %s", line);
	assert_error(line, &err, code, field);
	ck_assert_ptr_null(ev.host);
	ck_assert_ptr_null(ev.label);
	ck_assert_ptr_null(ev.error);
	proto_event_free(&ev);
}

/* EV_EXIT_LINE with from replaced by to must be rejected naming field. */
static void
exit_variant_fails(const char *from, const char *to, const char *field)
{
	char	*line = replace1(EV_EXIT_LINE, from, to);

	event_fails(line, PROTO_E_INVALID_DATA, field);
	free(line);
}

static void
event_format_is(const struct proto_event *ev, const char *want)
{
	char	buf[1024];

	memset(buf, 'x', sizeof buf);
	proto_event_format(ev, buf, sizeof buf);
	ck_assert_msg(strcmp(buf, want) == 0, "format: got \"%s\", want "
	    "\"%s\"", buf, want);
}

/* ---- requests ---- */

/* Decode a request that must be rejected with code and field; the id (7
 * in every test line) is kept and nothing is left allocated. */
static void
request_fails(const char *json, enum proto_code code, const char *field)
{
	struct proto_request	req;
	struct proto_error	err;
	int			rc;

	rc = proto_request_decode(json, strlen(json), &req, &err);
	ck_assert_msg(rc == -1, "accepted: %s", json);
	assert_error(json, &err, code, field);
	ck_assert_int_eq(req.id, 7);
	ck_assert_ptr_null(req.sub);
	ck_assert_ptr_null(req.match.v);
	ck_assert_uint_eq(req.match.n, 0);
	proto_request_free(&req);
	proto_request_free(&req);
}

#define REQ(op, rest)							\
	"{\"v\":7,\"id\":7,\"op\":\"" op "\"" rest "}"
#define SUB_REQ(rest)							\
	REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\","		\
	    "\"token\":\"" TOKEN32 "\"" rest)

/* A JSON array of n globs "g0*".."g(n-1)*"; free it. */
static char *
globs_json(size_t n)
{
	char	*s = xstrdup("["), *t;

	for (size_t i = 0; i < n; i++) {
		xasprintf(&t, "%s%s\"g%zu*\"", s, i > 0 ? "," : "", i);
		free(s);
		s = t;
	}
	xasprintf(&t, "%s]", s);
	free(s);
	return t;
}

/* ---- subscriptions ---- */

/* A subscription with every member set; free with proto_sub_free. */
static void
sub_fill(struct proto_sub *s)
{
	proto_sub_init(s);
	s->id = 3;
	s->addr = xstrdup("127.0.0.1:9000");
	s->token = xstrdup(TOKEN32);
	proto_strv_add(&s->match, "web*");
	proto_strv_add(&s->match, "db");
	s->events = PROTO_EVENTS_ALL;
	s->ttl_ms = 0;
	s->queue_max = 500;
	s->created_ms = T0;
	s->state = PROTO_SUB_CONNECTED;
	s->since_ms = T1;
	s->queued = 3;
	s->dropped = 2;
	s->delivered = 40;
	s->next_seq = 46;
	s->last_error = xstrdup("connect: Connection refused");
}

/* Another one: IPv6, defaults, retrying, never connected. */
static void
sub_fill2(struct proto_sub *s)
{
	proto_sub_init(s);
	s->id = 11;
	s->addr = xstrdup("[::1]:9001");
	s->token = xstrdup("ffffffffffffffffffffffffffffffff0000");
	proto_strv_add(&s->match, "*");
	s->created_ms = T1;
	s->state = PROTO_SUB_RETRYING;
	s->next_seq = 1;
}

static void
assert_sub_eq(const struct proto_sub *got, const struct proto_sub *want,
    int with_token)
{
	ck_assert_int_eq(got->id, want->id);
	assert_str_eq_or_null("addr", got->addr, want->addr);
	assert_str_eq_or_null("token", got->token,
	    with_token ? want->token : NULL);
	assert_strv_eq("match", &got->match, &want->match);
	ck_assert_int_eq(got->events, want->events);
	ck_assert_int_eq(got->ttl_ms, want->ttl_ms);
	ck_assert_int_eq(got->queue_max, want->queue_max);
	ck_assert_int_eq(got->created_ms, want->created_ms);
	ck_assert_int_eq(got->state, want->state);
	ck_assert_int_eq(got->since_ms, want->since_ms);
	ck_assert_int_eq(got->queued, want->queued);
	ck_assert_int_eq(got->dropped, want->dropped);
	ck_assert_int_eq(got->delivered, want->delivered);
	ck_assert_int_eq(got->next_seq, want->next_seq);
	assert_str_eq_or_null("last_error", got->last_error,
	    want->last_error);
}

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
	ck_assert_ptr_null(rep.subs);
	ck_assert_uint_eq(rep.nsubs, 0);
	proto_reply_free(&rep);
}

/* ------------------------------------------------------------------ */
/* EVENT round trips.                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_event_exit_code_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	ev_exit(&in, PROTO_REASON_EXITED, 3, 0, 0, NULL);
	body = event_roundtrip(&in, 1, &out);
	ck_assert_str_eq(body, "{\"time\":\"" T0_STR "\",\"host\":\"box\","
	    "\"event\":\"exit\",\"label\":\"web\",\"id\":4,"
	    "\"kind\":\"process\",\"pid\":12,\"restarts\":0,"
	    "\"reason\":\"exited\",\"exit_code\":3,\"signal\":null,"
	    "\"ok\":false,\"error\":null}");
	ck_assert_int_eq(out.exit_code, 3);
	ck_assert_int_eq(out.signal, 0);
	ck_assert_int_eq(out.ok, 0);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_exit_ok_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	ev_exit(&in, PROTO_REASON_EXITED, 0, 0, 1, NULL);
	in.restarts = 2;
	body = event_roundtrip(&in, 2, &out);
	ck_assert_msg(strstr(body, "\"exit_code\":0,") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "\"ok\":true") != NULL, "%s", body);
	ck_assert_int_eq(out.ok, 1);
	ck_assert_int_eq(out.exit_code, 0);
	ck_assert_int_eq(out.restarts, 2);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_exit_signal_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	/* A signal, no exit code: exit_code null, signal by name. */
	ev_exit(&in, PROTO_REASON_SIGNALED, -1, SIGKILL, 0, NULL);
	body = event_roundtrip(&in, 3, &out);
	ck_assert_msg(strstr(body, "\"exit_code\":null,\"signal\":"
	    "\"SIGKILL\",") != NULL, "%s", body);
	ck_assert_int_eq(out.exit_code, -1);
	ck_assert_int_eq(out.signal, SIGKILL);
	ck_assert_int_eq(out.reason, PROTO_REASON_SIGNALED);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_exit_every_reason_roundtrip)
{
	static const struct {
		enum proto_reason	 reason;
		int			 exit_code, sig;
		const char		*error;
		const char		*json;	/* in the body */
	} cases[] = {
		{ PROTO_REASON_EXITED, 1, 0, NULL, "\"reason\":\"exited\"" },
		{ PROTO_REASON_SIGNALED, -1, SIGSEGV, NULL,
		    "\"reason\":\"signaled\"" },
		{ PROTO_REASON_STOPPED, -1, SIGTERM, NULL,
		    "\"reason\":\"stopped\"" },
		{ PROTO_REASON_STOPPED, 0, 0, NULL,
		    "\"reason\":\"stopped\"" },
		{ PROTO_REASON_LAUNCH_FAILURE, -1, 0,
		    "exec: No such file or directory",
		    "\"error\":\"exec: No such file or directory\"" },
		{ PROTO_REASON_LOST, -1, 0, "its shim vanished",
		    "\"reason\":\"lost\"" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_event	in, out;
		char			*body;

		ev_exit(&in, cases[i].reason, cases[i].exit_code,
		    cases[i].sig, 0, cases[i].error);
		if (cases[i].reason == PROTO_REASON_LAUNCH_FAILURE)
			in.pid = 0;
		body = event_roundtrip(&in, (int64_t)i + 1, &out);
		ck_assert_msg(strstr(body, cases[i].json) != NULL,
		    "case %zu: %s not in %s", i, cases[i].json, body);
		if (in.pid == 0)
			ck_assert_msg(strstr(body, "\"pid\":null") != NULL,
			    "%s", body);
		ck_assert_int_eq(out.reason, cases[i].reason);
		free(body);
		proto_event_free(&out);
		proto_event_free(&in);
	}
}
END_TEST

START_TEST(test_event_start_ready_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	ev_job(&in, PROTO_EV_START);
	in.kind = PROTO_KIND_QEMU;
	in.restarts = 5;
	body = event_roundtrip(&in, 10, &out);
	ck_assert_str_eq(body, "{\"time\":\"" T0_STR "\",\"host\":\"box\","
	    "\"event\":\"start\",\"label\":\"web\",\"id\":4,"
	    "\"kind\":\"qemu\",\"pid\":12,\"restarts\":5}");
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);

	ev_job(&in, PROTO_EV_READY);
	in.kind = PROTO_KIND_DOCKER;
	body = event_roundtrip(&in, 11, &out);
	ck_assert_msg(strstr(body, "\"event\":\"ready\"") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "\"reason\"") == NULL, "%s", body);
	ck_assert_int_eq(out.type, PROTO_EV_READY);
	ck_assert_int_eq(out.kind, PROTO_KIND_DOCKER);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_backoff_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	ev_job(&in, PROTO_EV_BACKOFF);
	in.pid = 0;
	in.restarts = 3;
	in.delay_ms = 1500;
	body = event_roundtrip(&in, 4, &out);
	ck_assert_msg(strstr(body, "\"pid\":null,\"restarts\":3,"
	    "\"delay_ms\":1500}") != NULL, "%s", body);
	ck_assert_int_eq(out.delay_ms, 1500);
	ck_assert_int_eq(out.pid, 0);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_state_roundtrip)
{
	/* Every pair of states. */
	for (int f = 0; f < PROTO_STATE__COUNT; f++) {
		for (int t = 0; t < PROTO_STATE__COUNT; t++) {
			struct proto_event	in, out;
			char			*body, want[80];

			ev_job(&in, PROTO_EV_STATE);
			in.from = (enum proto_state)f;
			in.to = (enum proto_state)t;
			body = event_roundtrip(&in, 1 + f * 10 + t, &out);
			snprintf(want, sizeof want,
			    "\"from\":\"%s\",\"to\":\"%s\"}",
			    proto_state_name(in.from),
			    proto_state_name(in.to));
			ck_assert_msg(strstr(body, want) != NULL, "%s", body);
			ck_assert_int_eq(out.from, f);
			ck_assert_int_eq(out.to, t);
			free(body);
			proto_event_free(&out);
			proto_event_free(&in);
		}
	}
}
END_TEST

START_TEST(test_event_dropped_roundtrip)
{
	struct proto_event	in, out;
	char			*body;

	ev_dropped(&in, 7);
	body = event_roundtrip(&in, 9, &out);
	ck_assert_str_eq(body, "{\"time\":\"" T0_STR "\",\"host\":\"box\","
	    "\"event\":\"dropped\",\"count\":7}");
	ck_assert_ptr_null(out.label);
	ck_assert_int_eq(out.count, 7);
	free(body);
	proto_event_free(&out);
	proto_event_free(&in);
}
END_TEST

START_TEST(test_event_line_exact)
{
	struct proto_event	ev;
	char			*body, *line;
	struct proto_error	err;

	ev_dropped(&ev, 1);
	body = proto_event_body(&ev);
	line = proto_event_line(body, 5);
	ck_assert_str_eq(line, "{\"seq\":5,\"time\":\"" T0_STR "\","
	    "\"host\":\"box\",\"event\":\"dropped\",\"count\":1}\n");
	free(line);
	/* The largest seq is printed exactly and decodes. */
	line = proto_event_line(body, PROTO_ID_MAX);
	ck_assert_str_eq(line, "{\"seq\":9007199254740991,\"time\":\""
	    T0_STR "\",\"host\":\"box\",\"event\":\"dropped\",\"count\":1}\n");
	proto_event_free(&ev);
	ck_assert_int_eq(proto_event_decode(line, strlen(line), &ev, &err), 0);
	ck_assert_int_eq(ev.seq, PROTO_ID_MAX);
	proto_event_free(&ev);
	free(line);
	free(body);
}
END_TEST

START_TEST(test_event_one_body_many_seqs)
{
	struct proto_event	in, out;
	struct proto_error	err;
	char			*body, *line;

	ev_exit(&in, PROTO_REASON_STOPPED, -1, SIGTERM, 0, NULL);
	body = proto_event_body(&in);
	for (int64_t seq = 1; seq <= 3; seq++) {
		line = proto_event_line(body, seq);
		ck_assert_int_eq(proto_event_decode(line, strlen(line), &out,
		    &err), 0);
		in.seq = seq;
		assert_event_eq(&out, &in);
		proto_event_free(&out);
		free(line);
	}
	free(body);
	proto_event_free(&in);
	ck_assert_ptr_null(in.host);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVENT decoding errors.                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_event_decode_seq_bad)
{
	exit_variant_fails("\"seq\":1,", "", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":0,", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":-1,", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":1.5,", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":\"1\",", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":null,", "seq");
	exit_variant_fails("\"seq\":1,", "\"seq\":9007199254740992,", "seq");
}
END_TEST

START_TEST(test_event_decode_time_bad)
{
	exit_variant_fails(T0_STR, "yesterday", "time");
	exit_variant_fails(T0_STR, "2026-11-18 11:06:40.123Z", "time");
	exit_variant_fails(T0_STR, "2026-11-18T11:06:40.123+01:00", "time");
	exit_variant_fails(T0_STR, "2026-02-31T11:06:40.123Z", "time");
	exit_variant_fails("\"" T0_STR "\"", "1795000000123", "time");
}
END_TEST

/* "time" is required and not nullable. */
START_TEST(test_event_decode_time_missing)
{
	exit_variant_fails("\"time\":\"" T0_STR "\",", "", "time");
	exit_variant_fails("\"" T0_STR "\"", "null", "time");
}
END_TEST

START_TEST(test_event_decode_type_bad)
{
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"crash\"",
	    "event");
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"EXIT\"",
	    "event");
	exit_variant_fails("\"event\":\"exit\"", "\"event\":1", "event");
	exit_variant_fails("\"event\":\"exit\",", "", "event");
}
END_TEST

START_TEST(test_event_decode_label_bad)
{
	exit_variant_fails("\"label\":\"web\"", "\"label\":\"a b\"", "label");
	exit_variant_fails("\"label\":\"web\"", "\"label\":\"\"", "label");
	exit_variant_fails("\"label\":\"web\"", "\"label\":\"web*\"", "label");
	exit_variant_fails("\"label\":\"web\",", "", "label");
	exit_variant_fails("\"label\":\"web\"", "\"label\":null", "label");
}
END_TEST

START_TEST(test_event_decode_reason_bad)
{
	exit_variant_fails("\"reason\":\"exited\"", "\"reason\":\"crashed\"",
	    "reason");
	exit_variant_fails("\"reason\":\"exited\",", "", "reason");
	exit_variant_fails("\"reason\":\"exited\"", "\"reason\":0", "reason");
}
END_TEST

START_TEST(test_event_decode_signal_bad)
{
	struct proto_event	 ev;
	struct proto_error	 err;
	char			*line;

	exit_variant_fails("\"signal\":null", "\"signal\":\"SIGFOO\"",
	    "signal");
	exit_variant_fails("\"signal\":null", "\"signal\":\"\"", "signal");
	exit_variant_fails("\"signal\":null", "\"signal\":9", "signal");
	/* Only the canonical spelling, as the daemon writes it. */
	exit_variant_fails("\"signal\":null", "\"signal\":\"TERM\"",
	    "signal");
	exit_variant_fails("\"signal\":null", "\"signal\":\"15\"", "signal");
	line = replace1(EV_EXIT_LINE, "\"signal\":null",
	    "\"signal\":\"SIGNOPE\"");
	ck_assert_int_eq(proto_event_decode(line, strlen(line), &ev, &err),
	    -1);
	ck_assert_str_eq(err.message, "signal: unknown signal \"SIGNOPE\"");
	free(line);
}
END_TEST

START_TEST(test_event_decode_ok_bad)
{
	exit_variant_fails("\"ok\":false", "\"ok\":\"false\"", "ok");
	exit_variant_fails("\"ok\":false", "\"ok\":0", "ok");
	exit_variant_fails("\"ok\":false", "\"ok\":null", "ok");
	exit_variant_fails(",\"ok\":false", "", "ok");
}
END_TEST

START_TEST(test_event_decode_dropped_bad)
{
	static const struct {
		const char	*from, *to;
	} cases[] = {
		{ ",\"count\":7", "" },
		{ "\"count\":7", "\"count\":0" },
		{ "\"count\":7", "\"count\":-3" },
		{ "\"count\":7", "\"count\":\"7\"" },
		{ "\"count\":7", "\"count\":null" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *line = replace1(EV_DROPPED_LINE, cases[i].from,
		    cases[i].to);
		event_fails(line, PROTO_E_INVALID_DATA, "count");
		free(line);
	}
}
END_TEST

START_TEST(test_event_decode_other_members_bad)
{
	exit_variant_fails("\"host\":\"box\",", "", "host");
	exit_variant_fails("\"host\":\"box\"", "\"host\":1", "host");
	exit_variant_fails("\"id\":4", "\"id\":-1", "id");
	exit_variant_fails("\"id\":4,", "", "id");
	exit_variant_fails("\"kind\":\"process\"", "\"kind\":\"vm\"", "kind");
	exit_variant_fails("\"pid\":12", "\"pid\":0", "pid");
	exit_variant_fails("\"pid\":12", "\"pid\":\"12\"", "pid");
	exit_variant_fails("\"restarts\":0", "\"restarts\":-1", "restarts");
	exit_variant_fails("\"restarts\":0,", "", "restarts");
	exit_variant_fails("\"exit_code\":3", "\"exit_code\":256",
	    "exit_code");
	exit_variant_fails("\"exit_code\":3", "\"exit_code\":-1",
	    "exit_code");
	exit_variant_fails("\"error\":null", "\"error\":false", "error");

	/* backoff needs delay_ms; state needs from and to. */
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"backoff\"",
	    "delay_ms");
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"state\"",
	    "from");
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"state\","
	    "\"from\":\"running\",\"to\":\"sleeping\"", "to");
	exit_variant_fails("\"event\":\"exit\"", "\"event\":\"backoff\","
	    "\"delay_ms\":-5", "delay_ms");
}
END_TEST

START_TEST(test_event_decode_payload_bad)
{
	event_fails("", PROTO_E_INVALID_PAYLOAD, "");
	event_fails("{\"seq\":1", PROTO_E_INVALID_PAYLOAD, "");
	event_fails("[1,2]", PROTO_E_INVALID_PAYLOAD, "");
	event_fails(EV_DROPPED_LINE " {}", PROTO_E_INVALID_PAYLOAD, "");
	event_fails("{\"seq\":1,\"time\":\"" T0_STR "\",\"host\":\"b\\u0000x\","
	    "\"event\":\"dropped\",\"count\":7}", PROTO_E_INVALID_PAYLOAD, "");
}
END_TEST

START_TEST(test_event_decode_unknown_members_ignored)
{
	struct proto_event	 ev;
	struct proto_error	 err;
	char			*line;

	/* Unknown members at every place, of every type: forward
	 * compatible. */
	line = replace1(EV_EXIT_LINE, "\"host\":\"box\",", "\"host\":\"box\","
	    "\"cpu_ms\":1234,\"tags\":[\"a\",{\"b\":null}],\"cause\":{\"x\":1},"
	    "\"flag\":true,");
	ck_assert_msg(proto_event_decode(line, strlen(line), &ev, &err) == 0,
	    "rejected %s: %s", line, err.message);
	ck_assert_int_eq(ev.seq, 1);
	ck_assert_int_eq(ev.time_ms, T0);
	ck_assert_str_eq(ev.host, "box");
	ck_assert_str_eq(ev.label, "web");
	ck_assert_int_eq(ev.exit_code, 3);
	ck_assert_int_eq(ev.ok, 0);
	proto_event_free(&ev);
	free(line);

	/* Members of other types are not looked at either. */
	line = replace1(EV_DROPPED_LINE, "\"count\":7", "\"count\":7,"
	    "\"label\":\"not a label\",\"reason\":\"nope\",\"ok\":3");
	ck_assert_msg(proto_event_decode(line, strlen(line), &ev, &err) == 0,
	    "rejected %s: %s", line, err.message);
	ck_assert_int_eq(ev.type, PROTO_EV_DROPPED);
	ck_assert_int_eq(ev.count, 7);
	ck_assert_ptr_null(ev.label);
	proto_event_free(&ev);
	free(line);

	/* A trailing newline and "\r" are whitespace. */
	line = xstrdup(EV_DROPPED_LINE "\r\n");
	ck_assert_int_eq(proto_event_decode(line, strlen(line), &ev, &err), 0);
	proto_event_free(&ev);
	free(line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Classes.                                                            */
/* ------------------------------------------------------------------ */

START_TEST(test_event_in_class_exit)
{
	struct proto_event	ev;

	ev_exit(&ev, PROTO_REASON_EXITED, 0, 0, 1, NULL);
	ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_FAILURES, &ev), 0);
	ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_EXITS, &ev), 1);
	ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_ALL, &ev), 1);
	proto_event_free(&ev);

	/* Not ok: a failure, stops included. */
	for (int r = 0; r < PROTO_REASON__COUNT; r++) {
		ev_exit(&ev, (enum proto_reason)r, 1, 0, 0, NULL);
		ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_FAILURES,
		    &ev), 1);
		ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_EXITS, &ev),
		    1);
		ck_assert_int_eq(proto_event_in_class(PROTO_EVENTS_ALL, &ev),
		    1);
		proto_event_free(&ev);
	}
}
END_TEST

START_TEST(test_event_in_class_job_events)
{
	static const enum proto_ev_type types[] = { PROTO_EV_START,
	    PROTO_EV_READY, PROTO_EV_BACKOFF, PROTO_EV_STATE };

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct proto_event ev;

		ev_job(&ev, types[i]);
		ck_assert_msg(!proto_event_in_class(PROTO_EVENTS_FAILURES,
		    &ev), "%s in failures", proto_ev_type_name(types[i]));
		ck_assert_msg(!proto_event_in_class(PROTO_EVENTS_EXITS, &ev),
		    "%s in exits", proto_ev_type_name(types[i]));
		ck_assert_msg(proto_event_in_class(PROTO_EVENTS_ALL, &ev),
		    "%s not in all", proto_ev_type_name(types[i]));
		proto_event_free(&ev);
	}
}
END_TEST

START_TEST(test_event_in_class_dropped)
{
	struct proto_event	ev;

	ev_dropped(&ev, 3);
	for (int c = 0; c < PROTO_EVENTS__COUNT; c++)
		ck_assert_msg(proto_event_in_class(1u << c, &ev),
		    "dropped not in %s", proto_events_name(1u << c));
	proto_event_free(&ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The readable form.                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_event_format_exited)
{
	struct proto_event	ev;

	ev_exit(&ev, PROTO_REASON_EXITED, 3, 0, 0, NULL);
	event_format_is(&ev, T0_STR " box web: exited with code 3 "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
	ev_exit(&ev, PROTO_REASON_EXITED, 0, 0, 1, NULL);
	ev.restarts = 4;
	event_format_is(&ev, T0_STR " box web: exited with code 0 "
	    "(pid 12, restarts 4)");
	proto_event_free(&ev);
}
END_TEST

START_TEST(test_event_format_signaled)
{
	struct proto_event	ev;

	ev_exit(&ev, PROTO_REASON_SIGNALED, -1, SIGKILL, 0, NULL);
	event_format_is(&ev, T0_STR " box web: killed by SIGKILL "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
}
END_TEST

START_TEST(test_event_format_stopped)
{
	struct proto_event	ev;

	ev_exit(&ev, PROTO_REASON_STOPPED, -1, SIGTERM, 0, NULL);
	event_format_is(&ev, T0_STR " box web: stopped (killed by SIGTERM) "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
	ev_exit(&ev, PROTO_REASON_STOPPED, 143, 0, 0, NULL);
	event_format_is(&ev, T0_STR " box web: stopped (exit code 143) "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
	ev_exit(&ev, PROTO_REASON_STOPPED, -1, 0, 0, NULL);
	ev.pid = 0;
	event_format_is(&ev, T0_STR " box web: stopped (no status) "
	    "(restarts 0)");
	proto_event_free(&ev);
}
END_TEST

START_TEST(test_event_format_launch_failure_lost)
{
	struct proto_event	ev;

	ev_exit(&ev, PROTO_REASON_LAUNCH_FAILURE, -1, 0, 0,
	    "exec: No such file or directory");
	ev.pid = 0;
	ev.restarts = 1;
	event_format_is(&ev, T0_STR " box web: failed to launch: exec: No "
	    "such file or directory (restarts 1)");
	proto_event_free(&ev);
	ev_exit(&ev, PROTO_REASON_LAUNCH_FAILURE, -1, 0, 0, NULL);
	ev.pid = 0;
	event_format_is(&ev, T0_STR " box web: failed to launch: unknown "
	    "error (restarts 0)");
	proto_event_free(&ev);

	ev_exit(&ev, PROTO_REASON_LOST, -1, 0, 0, "its shim vanished");
	event_format_is(&ev, T0_STR " box web: its shim vanished "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
	ev_exit(&ev, PROTO_REASON_LOST, -1, 0, 0, NULL);
	event_format_is(&ev, T0_STR " box web: lost (pid 12, restarts 0)");
	proto_event_free(&ev);
}
END_TEST

START_TEST(test_event_format_job_events)
{
	struct proto_event	ev;

	ev_job(&ev, PROTO_EV_START);
	event_format_is(&ev, T0_STR " box web: started (pid 12, restarts 0)");
	proto_event_free(&ev);

	ev_job(&ev, PROTO_EV_READY);
	ev.restarts = 2;
	event_format_is(&ev, T0_STR " box web: ready (pid 12, restarts 2)");
	proto_event_free(&ev);

	ev_job(&ev, PROTO_EV_BACKOFF);
	ev.pid = 0;
	ev.delay_ms = 1500;
	event_format_is(&ev, T0_STR " box web: restarting in 1.5s "
	    "(restarts 0)");
	ev.delay_ms = 60000;
	event_format_is(&ev, T0_STR " box web: restarting in 60.0s "
	    "(restarts 0)");
	proto_event_free(&ev);

	ev_job(&ev, PROTO_EV_STATE);
	ev.from = PROTO_STATE_RUNNING;
	ev.to = PROTO_STATE_STOPPING;
	event_format_is(&ev, T0_STR " box web: running -> stopping "
	    "(pid 12, restarts 0)");
	proto_event_free(&ev);
}
END_TEST

START_TEST(test_event_format_dropped)
{
	struct proto_event	ev;
	char			buf[16];

	ev_dropped(&ev, 7);
	event_format_is(&ev, T0_STR " box: 7 events dropped (the queue was "
	    "full)");
	/* A short buffer gets a terminated prefix. */
	proto_event_format(&ev, buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-11-18T11:0");
	proto_event_free(&ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Addresses and tokens.                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_addr_valid_accepts)
{
	static const char *const good[] = { "127.0.0.1:9000", "[::1]:9001",
	    "0.0.0.0:1", "10.1.2.3:65535", "[2001:db8::1]:443",
	    "[::ffff:192.0.2.1]:80", NULL };
	char	why[160];

	for (size_t i = 0; good[i] != NULL; i++)
		ck_assert_msg(proto_addr_valid(good[i], why, sizeof why) == 1,
		    "rejected %s: %s", good[i], why);
}
END_TEST

START_TEST(test_addr_valid_rejects)
{
	static const struct {
		const char	*addr;
		const char	*why;	/* in the reason */
	} bad[] = {
		{ "127.0.0.1", "IP:PORT" },
		{ "", "IP:PORT" },
		{ "127.0.0.1:0", "port: must be a number from 1 to 65535" },
		{ "127.0.0.1:65536", "port: must be a number from 1 to 65535" },
		{ "1.2.3.4:", "port" },
		{ "1.2.3.4:9x", "port" },
		{ "1.2.3.4:-1", "port" },
		{ "1.2.3.4: 9000", "port" },
		{ "[::1]:0", "port" },
		{ "localhost:9000", "\"localhost\" is not a numeric IPv4 "
		    "address (names are resolved by the client)" },
		{ "example.com:80", "not a numeric IPv4" },
		{ "1.2.3:9000", "\"1.2.3\" is not a numeric IPv4" },
		{ "::1:9000", "not a numeric IPv4" },
		{ "[::1:9000", "']' then ':'" },
		{ "[::1]9000", "']' then ':'" },
		{ "[1.2.3.4]:9000", "not a numeric IPv6" },
		{ "[localhost]:9000", "\"localhost\" is not a numeric IPv6" },
	};
	char	why[160];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		ck_assert_msg(proto_addr_valid(bad[i].addr, why, sizeof why) ==
		    0, "accepted \"%s\"", bad[i].addr);
		ck_assert_msg(strstr(why, bad[i].why) != NULL,
		    "\"%s\": why \"%s\" lacks \"%s\"", bad[i].addr, why,
		    bad[i].why);
	}
}
END_TEST

/* A host part too long for the buffer is rejected, and quoted cut. */
START_TEST(test_addr_valid_long_host)
{
	char	*host = repeat('1', 100), *addr, why[160], want[80];

	xasprintf(&addr, "%s:9000", host);
	snprintf(want, sizeof want, "\"%.64s", host);
	ck_assert_int_eq(proto_addr_valid(addr, why, sizeof why), 0);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "why \"%s\"",
	    why);
	ck_assert_msg(strstr(why, "not a numeric IPv4") != NULL, "%s", why);
	free(addr);
	xasprintf(&addr, "[%s]:9000", host);
	ck_assert_int_eq(proto_addr_valid(addr, why, sizeof why), 0);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "why \"%s\"",
	    why);
	ck_assert_msg(strstr(why, "not a numeric IPv6") != NULL, "%s", why);
	free(addr);
	free(host);
}
END_TEST

START_TEST(test_token_valid)
{
	char	*s;

	ck_assert_int_eq(proto_token_valid(TOKEN32), 1);
	s = repeat('f', 128);
	ck_assert_int_eq(proto_token_valid(s), 1);
	free(s);
	s = repeat('A', 64);
	ck_assert_int_eq(proto_token_valid(s), 1);
	free(s);
	s = repeat('0', 31);
	ck_assert_int_eq(proto_token_valid(s), 0);
	free(s);
	s = repeat('0', 129);
	ck_assert_int_eq(proto_token_valid(s), 0);
	free(s);
	ck_assert_int_eq(proto_token_valid(""), 0);
	ck_assert_int_eq(proto_token_valid(
	    "0123456789abcdef0123456789abcdeg"), 0);
	ck_assert_int_eq(proto_token_valid(
	    "0123456789abcdef 123456789abcdef"), 0);
	ck_assert_int_eq(proto_token_valid(
	    "0x23456789abcdef0123456789abcdef"), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Requests.                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_req_subscribe_defaults)
{
	struct proto_request	req;

	request_decode_ok(SUB_REQ(""), &req);
	ck_assert_int_eq(req.op, PROTO_OP_SUBSCRIBE);
	ck_assert_int_eq(req.id, 7);
	ck_assert_ptr_nonnull(req.sub);
	ck_assert_str_eq(req.sub->addr, "127.0.0.1:9000");
	ck_assert_str_eq(req.sub->token, TOKEN32);
	ck_assert_uint_eq(req.sub->match.n, 1);
	ck_assert_str_eq(req.sub->match.v[0], "*");
	ck_assert_ptr_null(req.sub->match.v[1]);
	ck_assert_int_eq(req.sub->events, PROTO_EVENTS_FAILURES);
	ck_assert_int_eq(req.sub->ttl_ms, 86400000);
	ck_assert_int_eq(req.sub->queue_max, 10000);
	/* The request's own match stays empty. */
	ck_assert_uint_eq(req.match.n, 0);
	proto_request_free(&req);
	ck_assert_ptr_null(req.sub);
}
END_TEST

START_TEST(test_req_subscribe_every_field)
{
	struct proto_request	 req;
	char			*globs = globs_json(64), *json;

	request_decode_ok(SUB_REQ(",\"match\":[\"web\",\"db-*\"],"
	    "\"events\":\"all\",\"ttl_ms\":0,\"queue_max\":1"), &req);
	ck_assert_uint_eq(req.sub->match.n, 2);
	ck_assert_str_eq(req.sub->match.v[0], "web");
	ck_assert_str_eq(req.sub->match.v[1], "db-*");
	ck_assert_int_eq(req.sub->events, PROTO_EVENTS_ALL);
	ck_assert_int_eq(req.sub->ttl_ms, 0);
	ck_assert_int_eq(req.sub->queue_max, 1);
	proto_request_free(&req);

	/* The upper bounds are accepted; so are 64 globs. */
	xasprintf(&json, "{\"v\":7,\"id\":7,\"op\":\"subscribe\","
	    "\"addr\":\"[::1]:9001\",\"token\":\"%s\",\"match\":%s,"
	    "\"events\":\"exits\",\"ttl_ms\":315360000000,"
	    "\"queue_max\":1000000}", TOKEN32 TOKEN32 TOKEN32 TOKEN32, globs);
	request_decode_ok(json, &req);
	ck_assert_str_eq(req.sub->addr, "[::1]:9001");
	ck_assert_uint_eq(strlen(req.sub->token), 128);
	ck_assert_uint_eq(req.sub->match.n, 64);
	ck_assert_str_eq(req.sub->match.v[63], "g63*");
	ck_assert_int_eq(req.sub->events, PROTO_EVENTS_EXITS);
	ck_assert_int_eq(req.sub->ttl_ms, INT64_C(315360000000));
	ck_assert_int_eq(req.sub->queue_max, 1000000);
	proto_request_free(&req);
	free(json);
	free(globs);
}
END_TEST

START_TEST(test_req_subscribe_addr_token_bad)
{
	struct proto_request	req;
	struct proto_error	err;
	const char		*json;

	request_fails(REQ("subscribe", ",\"token\":\"" TOKEN32 "\""),
	    PROTO_E_INVALID_DATA, "addr");
	request_fails(REQ("subscribe", ",\"addr\":9000,\"token\":\""
	    TOKEN32 "\""), PROTO_E_INVALID_DATA, "addr");
	request_fails(REQ("subscribe", ",\"addr\":\"127.0.0.1:0\","
	    "\"token\":\"" TOKEN32 "\""), PROTO_E_INVALID_DATA, "addr");
	request_fails(REQ("subscribe", ",\"addr\":\"[::1:9000\","
	    "\"token\":\"" TOKEN32 "\""), PROTO_E_INVALID_DATA, "addr");
	json = REQ("subscribe", ",\"addr\":\"localhost:9000\","
	    "\"token\":\"" TOKEN32 "\"");
	request_fails(json, PROTO_E_INVALID_DATA, "addr");
	ck_assert_int_eq(proto_request_decode(json, strlen(json), &req, &err),
	    -1);
	ck_assert_str_eq(err.message, "addr: \"localhost\" is not a numeric "
	    "IPv4 address (names are resolved by the client)");
	proto_request_free(&req);

	request_fails(REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\""),
	    PROTO_E_INVALID_DATA, "token");
	request_fails(REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\","
	    "\"token\":\"0123456789abcdef0123456789abcde\""),
	    PROTO_E_INVALID_DATA, "token");
	request_fails(REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\","
	    "\"token\":\"secretsecretsecretsecretsecretsecret\""),
	    PROTO_E_INVALID_DATA, "token");
	json = REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\","
	    "\"token\":12345678901234567890123456789012");
	request_fails(json, PROTO_E_INVALID_DATA, "token");
	json = REQ("subscribe", ",\"addr\":\"127.0.0.1:9000\","
	    "\"token\":\"xyz\"");
	ck_assert_int_eq(proto_request_decode(json, strlen(json), &req, &err),
	    -1);
	ck_assert_str_eq(err.message, "token: must be 32 to 128 hex digits");
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_subscribe_match_bad)
{
	char	*globs, *json;

	request_fails(SUB_REQ(",\"match\":[\"web\",\"bad label\"]"),
	    PROTO_E_INVALID_DATA, "match[1]");
	request_fails(SUB_REQ(",\"match\":[\"ok*\",\"web\",\"\"]"),
	    PROTO_E_INVALID_DATA, "match[2]");
	request_fails(SUB_REQ(",\"match\":[\"web\",3]"),
	    PROTO_E_INVALID_DATA, "match[1]");
	request_fails(SUB_REQ(",\"match\":\"web\""),
	    PROTO_E_INVALID_DATA, "match");
	/* An empty list is not "everything": leave match out for that. */
	request_fails(SUB_REQ(",\"match\":[]"), PROTO_E_INVALID_DATA, "match");

	globs = globs_json(65);
	xasprintf(&json, SUB_REQ(",\"match\":%s"), globs);
	request_fails(json, PROTO_E_INVALID_DATA, "match");
	free(json);
	free(globs);
}
END_TEST

START_TEST(test_req_subscribe_events_bad)
{
	request_fails(SUB_REQ(",\"events\":\"everything\""),
	    PROTO_E_INVALID_DATA, "events");
	request_fails(SUB_REQ(",\"events\":\"dropped\""),
	    PROTO_E_INVALID_DATA, "events");
	request_fails(SUB_REQ(",\"events\":2"), PROTO_E_INVALID_DATA,
	    "events");
}
END_TEST

/* null is the same as leaving "events" out, as for other options. */
START_TEST(test_req_events_null_is_default)
{
	struct proto_request	req;
	struct proto_error	err;
	const char		*line = SUB_REQ(",\"events\":null");

	ck_assert_int_eq(proto_request_decode(line, strlen(line), &req, &err),
	    0);
	ck_assert_int_eq(req.sub->events, PROTO_EVENTS_FAILURES);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_req_subscribe_ttl_queue_bad)
{
	request_fails(SUB_REQ(",\"ttl_ms\":-1"), PROTO_E_INVALID_DATA,
	    "ttl_ms");
	request_fails(SUB_REQ(",\"ttl_ms\":315360000001"),
	    PROTO_E_INVALID_DATA, "ttl_ms");
	request_fails(SUB_REQ(",\"ttl_ms\":\"1\""), PROTO_E_INVALID_DATA,
	    "ttl_ms");
	request_fails(SUB_REQ(",\"ttl_ms\":1.5"), PROTO_E_INVALID_DATA,
	    "ttl_ms");
	request_fails(SUB_REQ(",\"queue_max\":0"), PROTO_E_INVALID_DATA,
	    "queue_max");
	request_fails(SUB_REQ(",\"queue_max\":1000001"),
	    PROTO_E_INVALID_DATA, "queue_max");
	request_fails(SUB_REQ(",\"queue_max\":-10"), PROTO_E_INVALID_DATA,
	    "queue_max");
}
END_TEST

START_TEST(test_req_subscribe_unknown_member)
{
	request_fails(SUB_REQ(",\"label\":\"web\""), PROTO_E_INVALID_DATA,
	    "label");
	request_fails(SUB_REQ(",\"subscription\":1"), PROTO_E_INVALID_DATA,
	    "subscription");
	request_fails(SUB_REQ(",\"timeout_ms\":1"), PROTO_E_INVALID_DATA,
	    "timeout_ms");
	request_fails(SUB_REQ(",\"addr\":\"127.0.0.1:9001\""),
	    PROTO_E_INVALID_DATA, "addr");
}
END_TEST

START_TEST(test_req_unsubscribe)
{
	struct proto_request	req;

	request_decode_ok(REQ("unsubscribe", ",\"subscription\":42"), &req);
	ck_assert_int_eq(req.op, PROTO_OP_UNSUBSCRIBE);
	ck_assert_int_eq(req.sub_id, 42);
	ck_assert_ptr_null(req.sub);
	proto_request_free(&req);

	request_fails(REQ("unsubscribe", ""), PROTO_E_INVALID_DATA,
	    "subscription");
	request_fails(REQ("unsubscribe", ",\"subscription\":0"),
	    PROTO_E_INVALID_DATA, "subscription");
	request_fails(REQ("unsubscribe", ",\"subscription\":-2"),
	    PROTO_E_INVALID_DATA, "subscription");
	request_fails(REQ("unsubscribe", ",\"subscription\":\"42\""),
	    PROTO_E_INVALID_DATA, "subscription");
	request_fails(REQ("unsubscribe", ",\"subscription\":null"),
	    PROTO_E_INVALID_DATA, "subscription");
	request_fails(REQ("unsubscribe", ",\"subscription\":1,"
	    "\"token\":\"" TOKEN32 "\""), PROTO_E_INVALID_DATA, "token");
}
END_TEST

START_TEST(test_req_subscriptions)
{
	struct proto_request	req;

	request_decode_ok(REQ("subscriptions", ""), &req);
	ck_assert_int_eq(req.op, PROTO_OP_SUBSCRIPTIONS);
	ck_assert_ptr_null(req.sub);
	ck_assert_uint_eq(req.match.n, 0);
	proto_request_free(&req);

	request_fails(REQ("subscriptions", ",\"match\":[\"*\"]"),
	    PROTO_E_INVALID_DATA, "match");
	request_fails(REQ("subscriptions", ",\"subscription\":1"),
	    PROTO_E_INVALID_DATA, "subscription");
}
END_TEST

START_TEST(test_req_events)
{
	struct proto_request	 req;
	char			*globs, *json;

	request_decode_ok(REQ("events", ""), &req);
	ck_assert_int_eq(req.op, PROTO_OP_EVENTS);
	ck_assert_uint_eq(req.match.n, 0);
	ck_assert_int_eq(req.events, PROTO_EVENTS_FAILURES);
	ck_assert_ptr_null(req.sub);
	proto_request_free(&req);

	request_decode_ok(REQ("events", ",\"match\":[\"web\",\"db*\"],"
	    "\"events\":\"all\""), &req);
	ck_assert_uint_eq(req.match.n, 2);
	ck_assert_str_eq(req.match.v[0], "web");
	ck_assert_str_eq(req.match.v[1], "db*");
	ck_assert_int_eq(req.events, PROTO_EVENTS_ALL);
	proto_request_free(&req);

	request_decode_ok(REQ("events", ",\"events\":\"exits\""), &req);
	ck_assert_int_eq(req.events, PROTO_EVENTS_EXITS);
	proto_request_free(&req);

	request_fails(REQ("events", ",\"events\":\"some\""),
	    PROTO_E_INVALID_DATA, "events");
	request_fails(REQ("events", ",\"match\":[\"no spaces\"]"),
	    PROTO_E_INVALID_DATA, "match[0]");
	request_fails(REQ("events", ",\"match\":{}"),
	    PROTO_E_INVALID_DATA, "match");
	request_fails(REQ("events", ",\"addr\":\"127.0.0.1:9000\""),
	    PROTO_E_INVALID_DATA, "addr");
	request_fails(REQ("events", ",\"ttl_ms\":0"),
	    PROTO_E_INVALID_DATA, "ttl_ms");

	globs = globs_json(64);
	xasprintf(&json, REQ("events", ",\"match\":%s"), globs);
	request_decode_ok(json, &req);
	ck_assert_uint_eq(req.match.n, 64);
	proto_request_free(&req);
	free(json);
	free(globs);
	globs = globs_json(65);
	xasprintf(&json, REQ("events", ",\"match\":%s"), globs);
	request_fails(json, PROTO_E_INVALID_DATA, "match");
	free(json);
	free(globs);
}
END_TEST

START_TEST(test_req_subscribe_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_SUBSCRIBE);
	in.id = 99;
	in.sub = xcalloc(1, sizeof *in.sub);
	proto_sub_init(in.sub);
	in.sub->addr = xstrdup("[2001:db8::7]:9100");
	in.sub->token = xstrdup(TOKEN32 "00");
	proto_strv_add(&in.sub->match, "web");
	proto_strv_add(&in.sub->match, "batch/*");
	in.sub->events = PROTO_EVENTS_EXITS;
	in.sub->ttl_ms = 3600000;
	in.sub->queue_max = 250;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SUBSCRIBE);
	ck_assert_int_eq(out.id, 99);
	ck_assert_ptr_nonnull(out.sub);
	ck_assert_str_eq(out.sub->addr, "[2001:db8::7]:9100");
	ck_assert_str_eq(out.sub->token, TOKEN32 "00");
	assert_strv_eq("match", &out.sub->match, &in.sub->match);
	ck_assert_int_eq(out.sub->events, PROTO_EVENTS_EXITS);
	ck_assert_int_eq(out.sub->ttl_ms, 3600000);
	ck_assert_int_eq(out.sub->queue_max, 250);
	proto_request_free(&out);
	proto_request_free(&in);

	/* Defaults, no match: the decoder's default is "*". */
	proto_request_init(&in, PROTO_OP_SUBSCRIBE);
	in.id = 0;
	in.sub = xcalloc(1, sizeof *in.sub);
	proto_sub_init(in.sub);
	in.sub->addr = xstrdup("127.0.0.1:9000");
	in.sub->token = xstrdup(TOKEN32);
	request_roundtrip(&in, &out);
	ck_assert_uint_eq(out.sub->match.n, 1);
	ck_assert_str_eq(out.sub->match.v[0], "*");
	ck_assert_int_eq(out.sub->events, PROTO_EVENTS_FAILURES);
	ck_assert_int_eq(out.sub->ttl_ms, PROTO_TTL_DEFAULT_MS);
	ck_assert_int_eq(out.sub->queue_max, PROTO_QUEUE_MAX_DEFAULT);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_unsubscribe_subscriptions_roundtrip)
{
	struct proto_request	in, out;

	proto_request_init(&in, PROTO_OP_UNSUBSCRIBE);
	in.id = 5;
	in.sub_id = PROTO_ID_MAX;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_UNSUBSCRIBE);
	ck_assert_int_eq(out.sub_id, PROTO_ID_MAX);
	proto_request_free(&out);
	proto_request_free(&in);

	proto_request_init(&in, PROTO_OP_SUBSCRIPTIONS);
	in.id = 6;
	request_roundtrip(&in, &out);
	ck_assert_int_eq(out.op, PROTO_OP_SUBSCRIPTIONS);
	ck_assert_int_eq(out.id, 6);
	ck_assert_ptr_null(out.sub);
	proto_request_free(&out);
	proto_request_free(&in);
}
END_TEST

START_TEST(test_req_events_roundtrip)
{
	struct proto_request	in, out;

	/* Every class alone, and sets of them. */
	for (int c = 1; c < 1 << PROTO_EVENTS__COUNT; c++) {
		proto_request_init(&in, PROTO_OP_EVENTS);
		in.id = 8;
		in.events = c;
		if (c == PROTO_EVENTS_ALL) {
			proto_strv_add(&in.match, "web");
			proto_strv_add(&in.match, "*-worker");
		}
		request_roundtrip(&in, &out);
		ck_assert_int_eq(out.op, PROTO_OP_EVENTS);
		ck_assert_int_eq(out.events, c);
		assert_strv_eq("match", &out.match, &in.match);
		ck_assert_ptr_null(out.sub);
		proto_request_free(&out);
		proto_request_free(&in);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Replies and the SUB view/record.                                    */
/* ------------------------------------------------------------------ */

START_TEST(test_reply_subscribe_roundtrip)
{
	static const enum proto_op ops[] = { PROTO_OP_SUBSCRIBE,
	    PROTO_OP_UNSUBSCRIBE };

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		struct proto_sub	 s;
		struct proto_reply	 rep;
		char			*line;

		sub_fill(&s);
		line = proto_reply_subs(12, ops[i], &s, 1);
		ck_assert_msg(strstr(line, TOKEN32) == NULL,
		    "token in the view: %s", line);
		ck_assert_msg(strstr(line, "\"token\"") == NULL,
		    "token in the view: %s", line);
		ck_assert_msg(strstr(line, "\"result\":{\"subscription\":"
		    "{\"id\":3,\"addr\":\"127.0.0.1:9000\",") != NULL,
		    "%s", line);
		ck_assert_msg(strstr(line, "\"created_at\":\"" T0_STR "\"") !=
		    NULL, "%s", line);
		reply_decode_line(line, ops[i], &rep);
		ck_assert_int_eq(rep.id, 12);
		ck_assert_int_eq(rep.is_error, 0);
		ck_assert_uint_eq(rep.nsubs, 1);
		assert_sub_eq(&rep.subs[0], &s, 0);
		ck_assert_uint_eq(rep.njobs, 0);
		proto_reply_free(&rep);
		ck_assert_ptr_null(rep.subs);
		proto_sub_free(&s);
	}
}
END_TEST

START_TEST(test_reply_subscriptions_empty)
{
	struct proto_reply	 rep;
	char			*line;

	line = proto_reply_subs(4, PROTO_OP_SUBSCRIPTIONS, NULL, 0);
	ck_assert_str_eq(line, "{\"v\":7,\"id\":4,\"result\":"
	    "{\"subscriptions\":[]}}\n");
	reply_decode_line(line, PROTO_OP_SUBSCRIPTIONS, &rep);
	ck_assert_int_eq(rep.id, 4);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.nsubs, 0);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_subscriptions_two)
{
	struct proto_sub	 s[2];
	struct proto_reply	 rep;
	char			*line;

	sub_fill(&s[0]);
	sub_fill2(&s[1]);
	line = proto_reply_subs(5, PROTO_OP_SUBSCRIPTIONS, s, 2);
	ck_assert_msg(strstr(line, "\"token\"") == NULL &&
	    strstr(line, TOKEN32) == NULL && strstr(line, s[1].token) == NULL,
	    "token in the view: %s", line);
	/* Unset since and last_error are null. */
	ck_assert_msg(strstr(line, "\"state\":\"retrying\",\"since\":null,")
	    != NULL, "%s", line);
	ck_assert_msg(strstr(line, "\"last_error\":null}") != NULL, "%s",
	    line);
	reply_decode_line(line, PROTO_OP_SUBSCRIPTIONS, &rep);
	ck_assert_int_eq(rep.id, 5);
	ck_assert_uint_eq(rep.nsubs, 2);
	assert_sub_eq(&rep.subs[0], &s[0], 0);
	assert_sub_eq(&rep.subs[1], &s[1], 0);
	proto_reply_free(&rep);
	proto_sub_free(&s[0]);
	proto_sub_free(&s[1]);
}
END_TEST

START_TEST(test_reply_streaming)
{
	struct proto_reply	 rep;
	char			*line;

	line = proto_reply_streaming(9);
	ck_assert_str_eq(line, "{\"v\":7,\"id\":9,\"result\":"
	    "{\"streaming\":true}}\n");
	reply_decode_line(line, PROTO_OP_EVENTS, &rep);
	ck_assert_int_eq(rep.id, 9);
	ck_assert_int_eq(rep.is_error, 0);
	ck_assert_uint_eq(rep.nsubs, 0);
	ck_assert_ptr_null(rep.subs);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_reply_subs_bad)
{
	struct proto_sub	 s;
	struct proto_reply	 rep;
	struct proto_error	 err;
	char			*line, *bad;

	reply_fails("{\"v\":7,\"id\":1,\"result\":{}}", PROTO_OP_SUBSCRIBE,
	    PROTO_E_INVALID_DATA, "subscription");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"subscription\":[]}}",
	    PROTO_OP_UNSUBSCRIBE, PROTO_E_INVALID_DATA, "subscription");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{}}",
	    PROTO_OP_SUBSCRIPTIONS, PROTO_E_INVALID_DATA, "subscriptions");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"subscriptions\":{}}}",
	    PROTO_OP_SUBSCRIPTIONS, PROTO_E_INVALID_DATA, "subscriptions");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{}}", PROTO_OP_EVENTS,
	    PROTO_E_INVALID_DATA, "streaming");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"streaming\":false}}",
	    PROTO_OP_EVENTS, PROTO_E_INVALID_DATA, "streaming");
	reply_fails("{\"v\":7,\"id\":1,\"result\":{\"streaming\":1}}",
	    PROTO_OP_EVENTS, PROTO_E_INVALID_DATA, "streaming");

	/* A bad member of the one subscription, or of the second. */
	sub_fill(&s);
	line = proto_reply_subs(1, PROTO_OP_SUBSCRIBE, &s, 1);
	line[strlen(line) - 1] = '\0';
	bad = replace1(line, "\"state\":\"connected\"",
	    "\"state\":\"sleeping\"");
	reply_fails(bad, PROTO_OP_SUBSCRIBE, PROTO_E_INVALID_DATA, "state");
	free(bad);
	bad = replace1(line, "127.0.0.1:9000", "localhost:9000");
	reply_fails(bad, PROTO_OP_SUBSCRIBE, PROTO_E_INVALID_DATA, "addr");
	free(bad);
	bad = replace1(line, "\"queue_max\":500", "\"queue_max\":0");
	reply_fails(bad, PROTO_OP_SUBSCRIBE, PROTO_E_INVALID_DATA,
	    "queue_max");
	free(bad);
	free(line);
	line = proto_reply_subs(1, PROTO_OP_SUBSCRIPTIONS, &s, 1);
	line[strlen(line) - 1] = '\0';
	bad = replace1(line, "}]}}", "},{\"id\":0}]}}");
	reply_fails(bad, PROTO_OP_SUBSCRIPTIONS, PROTO_E_INVALID_DATA, "id");
	free(bad);
	free(line);
	proto_sub_free(&s);

	/* An error reply is an error whatever the op. */
	line = xstrdup("{\"v\":7,\"id\":2,\"error\":{\"code\":"
	    "\"unknown_label\",\"message\":\"no subscription 9\","
	    "\"field\":\"subscription\"}}");
	ck_assert_int_eq(proto_reply_decode(line, strlen(line),
	    PROTO_OP_UNSUBSCRIBE, &rep, &err), 0);
	free(line);
	ck_assert_int_eq(rep.is_error, 1);
	ck_assert_int_eq(rep.error.code, PROTO_E_UNKNOWN_LABEL);
	ck_assert_str_eq(rep.error.field, "subscription");
	ck_assert_str_eq(rep.error.message, "no subscription 9");
	ck_assert_ptr_null(rep.subs);
	proto_reply_free(&rep);
}
END_TEST

START_TEST(test_sub_encode_secret_and_view)
{
	struct proto_sub	 s, d;
	struct proto_error	 err;
	char			*rec, *view;

	sub_fill(&s);
	rec = proto_sub_encode(&s, 1);
	ck_assert_msg(strstr(rec, "\"token\":\"" TOKEN32 "\"") != NULL,
	    "no token in the record: %s", rec);
	ck_assert_int_eq(rec[strlen(rec) - 1], '\n');
	ck_assert_int_eq(proto_sub_decode(rec, strlen(rec), &d, &err), 0);
	assert_sub_eq(&d, &s, 1);
	proto_sub_free(&d);
	ck_assert_ptr_null(d.token);

	view = proto_sub_encode(&s, 0);
	ck_assert_msg(strstr(view, "token") == NULL && strstr(view, TOKEN32)
	    == NULL, "token in the view: %s", view);
	ck_assert_int_eq(proto_sub_decode(view, strlen(view), &d, &err), 0);
	assert_sub_eq(&d, &s, 0);
	proto_sub_free(&d);

	/* The record and the view differ only in the token. */
	{
		char *t = replace1(rec, ",\"token\":\"" TOKEN32 "\"", "");
		ck_assert_str_eq(t, view);
		free(t);
	}
	free(rec);
	free(view);
	proto_sub_free(&s);
}
END_TEST

START_TEST(test_sub_decode_bad)
{
	static const struct {
		const char	*from, *to, *field;
	} cases[] = {
		{ "\"token\":\"" TOKEN32 "\"", "\"token\":\"abc\"", "token" },
		{ "\"token\":\"" TOKEN32 "\"", "\"token\":1", "token" },
		{ "\"events\":\"all\"", "\"events\":\"most\"", "events" },
		{ "\"id\":3", "\"id\":0", "id" },
		{ "\"addr\":\"127.0.0.1:9000\"", "\"addr\":\"1.2.3.4\"",
		    "addr" },
		{ "\"match\":[\"web*\",\"db\"]", "\"match\":\"web\"", "match" },
		{ "\"ttl_ms\":0", "\"ttl_ms\":-1", "ttl_ms" },
		{ "\"queue_max\":500", "\"queue_max\":1000001", "queue_max" },
		{ "\"created_at\":\"" T0_STR "\"", "\"created_at\":\"now\"",
		    "created_at" },
		{ "\"queued\":3", "\"queued\":-3", "queued" },
		{ "\"next_seq\":46", "\"next_seq\":\"46\"", "next_seq" },
	};
	struct proto_sub	 s, d;
	struct proto_error	 err;
	char			*rec;

	sub_fill(&s);
	rec = proto_sub_encode(&s, 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bad = replace1(rec, cases[i].from, cases[i].to);

		ck_assert_msg(proto_sub_decode(bad, strlen(bad), &d, &err) ==
		    -1, "accepted %s", bad);
		assert_error(bad, &err, PROTO_E_INVALID_DATA, cases[i].field);
		ck_assert_ptr_null(d.addr);
		ck_assert_ptr_null(d.token);
		ck_assert_ptr_null(d.match.v);
		free(bad);
	}
	ck_assert_int_eq(proto_sub_decode("[]", 2, &d, &err), -1);
	ck_assert_int_eq(err.code, PROTO_E_INVALID_PAYLOAD);
	free(rec);
	proto_sub_free(&s);
}
END_TEST

START_TEST(test_sub_copy)
{
	struct proto_sub	s, c;

	sub_fill(&s);
	proto_sub_copy(&c, &s);
	ck_assert_ptr_ne(c.addr, s.addr);
	ck_assert_ptr_ne(c.token, s.token);
	ck_assert_ptr_ne(c.match.v, s.match.v);
	ck_assert_ptr_ne(c.last_error, s.last_error);
	assert_sub_eq(&c, &s, 1);
	proto_sub_free(&s);
	/* The copy lives on alone. */
	ck_assert_str_eq(c.addr, "127.0.0.1:9000");
	ck_assert_str_eq(c.match.v[1], "db");
	proto_sub_free(&c);
	ck_assert_ptr_null(c.addr);
	ck_assert_int_eq(c.queue_max, PROTO_QUEUE_MAX_DEFAULT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HELLO and ACK.                                                      */
/* ------------------------------------------------------------------ */

#define HELLO_LINE							\
	"{\"v\":7,\"token\":\"" TOKEN32 "\",\"daemon\":\"d-1f2e\","	\
	"\"host\":\"box\",\"subscription\":7}"

static void
hello_fails(const char *line, enum proto_code code, const char *field)
{
	struct proto_hello	h;
	struct proto_error	err;

	memset(&err, 0, sizeof err);
	ck_assert_msg(proto_hello_decode(line, strlen(line), &h, &err) == -1,
	    "accepted %s", line);
	assert_error(line, &err, code, field);
	ck_assert_ptr_null(h.token);
	ck_assert_ptr_null(h.daemon);
	ck_assert_ptr_null(h.host);
	proto_hello_free(&h);
}

static void
hello_variant_fails(const char *from, const char *to, enum proto_code code,
    const char *field)
{
	char	*line = replace1(HELLO_LINE, from, to);

	hello_fails(line, code, field);
	free(line);
}

START_TEST(test_hello_roundtrip)
{
	struct proto_hello	 in = { (char *)TOKEN32, (char *)"d-1f2e",
	    (char *)"box", 7 }, out;
	struct proto_error	 err;
	char			*line;

	line = proto_hello_encode(&in);
	ck_assert_str_eq(line, HELLO_LINE "\n");
	ck_assert_int_eq(proto_hello_decode(line, strlen(line) - 1, &out,
	    &err), 0);
	ck_assert_str_eq(out.token, TOKEN32);
	ck_assert_str_eq(out.daemon, "d-1f2e");
	ck_assert_str_eq(out.host, "box");
	ck_assert_int_eq(out.subscription, 7);
	proto_hello_free(&out);
	ck_assert_ptr_null(out.token);
	free(line);
}
END_TEST

START_TEST(test_hello_decode_bad)
{
	hello_variant_fails("\"v\":7", "\"v\":2", PROTO_E_UNSUPPORTED_VERSION,
	    "v");
	hello_variant_fails("\"v\":7", "\"v\":8", PROTO_E_UNSUPPORTED_VERSION,
	    "v");
	hello_variant_fails("\"v\":7,", "", PROTO_E_INVALID_DATA, "v");
	hello_variant_fails("\"v\":7", "\"v\":\"4\"", PROTO_E_INVALID_DATA,
	    "v");
	hello_variant_fails("\"token\":\"" TOKEN32 "\",", "",
	    PROTO_E_INVALID_DATA, "token");
	hello_variant_fails("\"daemon\":\"d-1f2e\",", "",
	    PROTO_E_INVALID_DATA, "daemon");
	hello_variant_fails("\"host\":\"box\",", "", PROTO_E_INVALID_DATA,
	    "host");
	hello_variant_fails("\"subscription\":7", "\"subscription\":0",
	    PROTO_E_INVALID_DATA, "subscription");
	hello_variant_fails(",\"subscription\":7", "", PROTO_E_INVALID_DATA,
	    "subscription");
	hello_variant_fails("\"host\":\"box\",", "\"host\":\"box\","
	    "\"extra\":1,", PROTO_E_INVALID_DATA, "extra");
	hello_variant_fails("\"host\":\"box\",", "\"host\":\"box\","
	    "\"host\":\"box\",", PROTO_E_INVALID_DATA, "host");
	hello_fails("{\"ack\":0}", PROTO_E_INVALID_DATA, "ack");
	hello_fails("hello", PROTO_E_INVALID_PAYLOAD, "");
}
END_TEST

START_TEST(test_ack_roundtrip)
{
	static const int64_t seqs[] = { 0, 1, 5, 1024, PROTO_ID_MAX };
	struct proto_error	 err;
	char			*line;
	int64_t			 seq;

	line = proto_ack_encode(5);
	ck_assert_str_eq(line, "{\"ack\":5}\n");
	free(line);
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		line = proto_ack_encode(seqs[i]);
		seq = -7;
		ck_assert_int_eq(proto_ack_decode(line, strlen(line), &seq,
		    &err), 0);
		ck_assert_int_eq(seq, seqs[i]);
		free(line);
	}
}
END_TEST

START_TEST(test_ack_decode_bad)
{
	static const struct {
		const char		*line;
		enum proto_code		 code;
		const char		*field;
	} cases[] = {
		{ "{\"ack\":-1}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":\"1\"}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":1.5}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":null}", PROTO_E_INVALID_DATA, "ack" },
		{ "{}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":1,\"seq\":2}", PROTO_E_INVALID_DATA, "seq" },
		{ "{\"ack\":1,\"ack\":2}", PROTO_E_INVALID_DATA, "ack" },
		{ "ack 1", PROTO_E_INVALID_PAYLOAD, "" },
		{ "1", PROTO_E_INVALID_PAYLOAD, "" },
		{ "{\"ack\":1", PROTO_E_INVALID_PAYLOAD, "" },
		{ "{\"ack\":1}{\"ack\":2}", PROTO_E_INVALID_PAYLOAD, "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_error	err;
		int64_t			seq = -7;

		memset(&err, 0, sizeof err);
		ck_assert_msg(proto_ack_decode(cases[i].line,
		    strlen(cases[i].line), &seq, &err) == -1, "accepted %s",
		    cases[i].line);
		assert_error(cases[i].line, &err, cases[i].code,
		    cases[i].field);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* The queue journal.                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_journal_event)
{
	struct proto_journal	 j;
	struct proto_event	 ev;
	struct proto_error	 err;
	char			*body, *line;

	ev_exit(&ev, PROTO_REASON_SIGNALED, -1, SIGSEGV, 0, NULL);
	body = proto_event_body(&ev);
	line = proto_event_line(body, 17);
	ck_assert_int_eq(proto_journal_decode(line, strlen(line), &j, &err),
	    0);
	ck_assert_int_eq(j.is_event, 1);
	ev.seq = 17;
	assert_event_eq(&j.ev, &ev);
	ck_assert_int_eq(j.ack, -1);
	ck_assert_int_eq(j.next_seq, -1);
	ck_assert_int_eq(j.delivered, -1);
	ck_assert_int_eq(j.dropping, -1);
	ck_assert_int_eq(j.dropped, -1);
	proto_event_free(&j.ev);
	proto_event_free(&ev);
	free(line);
	free(body);
}
END_TEST

START_TEST(test_journal_ack)
{
	struct proto_journal	 j;
	struct proto_error	 err;
	char			*line;

	line = proto_journal_ack(5, -1, -1, -1, -1);
	ck_assert_str_eq(line, "{\"ack\":5}\n");
	ck_assert_int_eq(proto_journal_decode(line, strlen(line), &j, &err),
	    0);
	ck_assert_int_eq(j.is_event, 0);
	ck_assert_int_eq(j.ack, 5);
	ck_assert_int_eq(j.next_seq, -1);
	ck_assert_int_eq(j.delivered, -1);
	ck_assert_int_eq(j.dropping, -1);
	ck_assert_int_eq(j.dropped, -1);
	ck_assert_ptr_null(j.ev.host);
	free(line);

	/* A compacted journal's header carries every counter. */
	line = proto_journal_ack(40, 46, 40, 2, 9);
	ck_assert_str_eq(line, "{\"ack\":40,\"next_seq\":46,\"delivered\":40,"
	    "\"dropping\":2,\"dropped\":9}\n");
	ck_assert_int_eq(proto_journal_decode(line, strlen(line), &j, &err),
	    0);
	ck_assert_int_eq(j.is_event, 0);
	ck_assert_int_eq(j.ack, 40);
	ck_assert_int_eq(j.next_seq, 46);
	ck_assert_int_eq(j.delivered, 40);
	ck_assert_int_eq(j.dropping, 2);
	ck_assert_int_eq(j.dropped, 9);
	free(line);

	/* Zeros are values, not absences. */
	line = proto_journal_ack(0, 1, 0, 0, 0);
	ck_assert_int_eq(proto_journal_decode(line, strlen(line), &j, &err),
	    0);
	ck_assert_int_eq(j.ack, 0);
	ck_assert_int_eq(j.next_seq, 1);
	ck_assert_int_eq(j.delivered, 0);
	ck_assert_int_eq(j.dropping, 0);
	ck_assert_int_eq(j.dropped, 0);
	free(line);
}
END_TEST

START_TEST(test_journal_drops)
{
	struct proto_journal	 j;
	struct proto_error	 err;
	char			*line;

	line = proto_journal_drops(3, 12);
	ck_assert_str_eq(line, "{\"dropping\":3,\"dropped\":12}\n");
	ck_assert_int_eq(proto_journal_decode(line, strlen(line), &j, &err),
	    0);
	ck_assert_int_eq(j.is_event, 0);
	ck_assert_int_eq(j.ack, -1);
	ck_assert_int_eq(j.next_seq, -1);
	ck_assert_int_eq(j.delivered, -1);
	ck_assert_int_eq(j.dropping, 3);
	ck_assert_int_eq(j.dropped, 12);
	free(line);
}
END_TEST

START_TEST(test_journal_garbage)
{
	static const struct {
		const char		*line;
		enum proto_code		 code;
		const char		*field;
	} cases[] = {
		{ "", PROTO_E_INVALID_PAYLOAD, "" },
		{ "\0\0\0\0", PROTO_E_INVALID_PAYLOAD, "" },
		{ "{\"ack\":5", PROTO_E_INVALID_PAYLOAD, "" },
		{ "{\"seq\":3,\"time\":\"20", PROTO_E_INVALID_PAYLOAD, "" },
		{ "[5]", PROTO_E_INVALID_PAYLOAD, "" },
		{ "{\"ack\":\"5\"}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":-2}", PROTO_E_INVALID_DATA, "ack" },
		{ "{\"ack\":1,\"next_seq\":1.5}", PROTO_E_INVALID_DATA,
		    "next_seq" },
		{ "{\"dropping\":true,\"dropped\":1}", PROTO_E_INVALID_DATA,
		    "dropping" },
		{ "{\"dropping\":1,\"dropped\":[]}", PROTO_E_INVALID_DATA,
		    "dropped" },
		/* "seq" makes it an event, which must be whole. */
		{ "{\"seq\":3,\"ack\":2}", PROTO_E_INVALID_DATA, "time" },
		{ "{\"seq\":0}", PROTO_E_INVALID_DATA, "seq" },
		{ "{}", PROTO_E_INVALID_DATA, "" },
		{ "{\"colour\":1}", PROTO_E_INVALID_DATA, "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_journal	j;
		struct proto_error	err;
		size_t			len;

		/* Case 1 is NUL bytes: strlen would see none of them. */
		len = i == 1 ? 4 : strlen(cases[i].line);

		memset(&err, 0, sizeof err);
		ck_assert_msg(proto_journal_decode(cases[i].line, len, &j,
		    &err) == -1, "accepted %s", cases[i].line);
		assert_error(cases[i].line, &err, cases[i].code,
		    cases[i].field);
		ck_assert_int_eq(j.is_event, 0);
		ck_assert_ptr_null(j.ev.host);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names.                                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_ev_type_names)
{
	static const char *const names[] = { "exit", "start", "ready",
	    "backoff", "state", "dropped", "capacity", "stats" };

	ck_assert_int_eq(PROTO_EV__COUNT, 8);
	for (int i = 0; i < PROTO_EV__COUNT; i++) {
		ck_assert_str_eq(proto_ev_type_name((enum proto_ev_type)i),
		    names[i]);
		ck_assert_int_eq(proto_ev_type_parse(names[i]), i);
	}
	ck_assert_ptr_null(proto_ev_type_name(PROTO_EV__COUNT));
	ck_assert_ptr_null(proto_ev_type_name((enum proto_ev_type)-1));
	ck_assert_int_eq(proto_ev_type_parse("crash"), -1);
	ck_assert_int_eq(proto_ev_type_parse("Exit"), -1);
	ck_assert_int_eq(proto_ev_type_parse(""), -1);
}
END_TEST

START_TEST(test_reason_names)
{
	static const char *const names[] = { "exited", "signaled", "stopped",
	    "launch_failure", "lost" };

	ck_assert_int_eq(PROTO_REASON__COUNT, 5);
	for (int i = 0; i < PROTO_REASON__COUNT; i++) {
		ck_assert_str_eq(proto_reason_name((enum proto_reason)i),
		    names[i]);
		ck_assert_int_eq(proto_reason_parse(names[i]), i);
	}
	ck_assert_ptr_null(proto_reason_name(PROTO_REASON__COUNT));
	ck_assert_int_eq(proto_reason_parse("launch-failure"), -1);
	ck_assert_int_eq(proto_reason_parse("signalled"), -1);
	ck_assert_int_eq(proto_reason_parse(""), -1);
}
END_TEST

START_TEST(test_events_and_sub_state_names)
{
	static const char *const classes[] = { "failures", "exits", "all",
	    "stats" };
	static const char *const states[] = { "connecting", "connected",
	    "retrying", "expired" };
	static const char *const bad_sets[] = { "failure", "ALL", "",
	    ",", "all,", ",all", "all,,stats", "all,all", "stats,failure",
	    "all stats", "failuresfailures" };
	char	buf[64];

	ck_assert_int_eq(PROTO_EVENTS__COUNT, 4);
	for (int i = 0; i < PROTO_EVENTS__COUNT; i++) {
		ck_assert_str_eq(proto_events_name(1u << i), classes[i]);
		ck_assert_int_eq(proto_events_parse(classes[i]), 1 << i);
	}
	/* Sets: one name for one class only; text in class order. */
	ck_assert_ptr_null(proto_events_name(0));
	ck_assert_ptr_null(proto_events_name(PROTO_EVENTS_FAILURES |
	    PROTO_EVENTS_STATS));
	ck_assert_int_eq(proto_events_parse("stats,failures"),
	    PROTO_EVENTS_FAILURES | PROTO_EVENTS_STATS);
	proto_events_format(PROTO_EVENTS_STATS | PROTO_EVENTS_EXITS, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, "exits,stats");
	proto_events_format(0xf, buf, sizeof buf);
	ck_assert_str_eq(buf, "failures,exits,all,stats");
	for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++)
		ck_assert_msg(proto_events_parse(bad_sets[i]) == -1,
		    "accepted \"%s\"", bad_sets[i]);

	ck_assert_int_eq(PROTO_SUB__COUNT, 4);
	for (int i = 0; i < PROTO_SUB__COUNT; i++) {
		ck_assert_str_eq(proto_sub_state_name(
		    (enum proto_sub_state)i), states[i]);
		ck_assert_int_eq(proto_sub_state_parse(states[i]), i);
	}
	ck_assert_ptr_null(proto_sub_state_name(PROTO_SUB__COUNT));
	ck_assert_int_eq(proto_sub_state_parse("connect"), -1);
	ck_assert_int_eq(proto_sub_state_parse(""), -1);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *
event_suite(void)
{
	Suite	*s = suite_create("event");
	TCase	*tc;

	tc = tcase_create("event_roundtrip");
	tcase_add_test(tc, test_event_exit_code_roundtrip);
	tcase_add_test(tc, test_event_exit_ok_roundtrip);
	tcase_add_test(tc, test_event_exit_signal_roundtrip);
	tcase_add_test(tc, test_event_exit_every_reason_roundtrip);
	tcase_add_test(tc, test_event_start_ready_roundtrip);
	tcase_add_test(tc, test_event_backoff_roundtrip);
	tcase_add_test(tc, test_event_state_roundtrip);
	tcase_add_test(tc, test_event_dropped_roundtrip);
	tcase_add_test(tc, test_event_line_exact);
	tcase_add_test(tc, test_event_one_body_many_seqs);
	suite_add_tcase(s, tc);

	tc = tcase_create("event_decode");
	tcase_add_test(tc, test_event_decode_seq_bad);
	tcase_add_test(tc, test_event_decode_time_bad);
	tcase_add_test(tc, test_event_decode_time_missing);
	tcase_add_test(tc, test_event_decode_type_bad);
	tcase_add_test(tc, test_event_decode_label_bad);
	tcase_add_test(tc, test_event_decode_reason_bad);
	tcase_add_test(tc, test_event_decode_signal_bad);
	tcase_add_test(tc, test_event_decode_ok_bad);
	tcase_add_test(tc, test_event_decode_dropped_bad);
	tcase_add_test(tc, test_event_decode_other_members_bad);
	tcase_add_test(tc, test_event_decode_payload_bad);
	tcase_add_test(tc, test_event_decode_unknown_members_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("event_class_format");
	tcase_add_test(tc, test_event_in_class_exit);
	tcase_add_test(tc, test_event_in_class_job_events);
	tcase_add_test(tc, test_event_in_class_dropped);
	tcase_add_test(tc, test_event_format_exited);
	tcase_add_test(tc, test_event_format_signaled);
	tcase_add_test(tc, test_event_format_stopped);
	tcase_add_test(tc, test_event_format_launch_failure_lost);
	tcase_add_test(tc, test_event_format_job_events);
	tcase_add_test(tc, test_event_format_dropped);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr_token");
	tcase_add_test(tc, test_addr_valid_accepts);
	tcase_add_test(tc, test_addr_valid_rejects);
	tcase_add_test(tc, test_addr_valid_long_host);
	tcase_add_test(tc, test_token_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("request");
	tcase_add_test(tc, test_req_subscribe_defaults);
	tcase_add_test(tc, test_req_subscribe_every_field);
	tcase_add_test(tc, test_req_subscribe_addr_token_bad);
	tcase_add_test(tc, test_req_subscribe_match_bad);
	tcase_add_test(tc, test_req_subscribe_events_bad);
	tcase_add_test(tc, test_req_events_null_is_default);
	tcase_add_test(tc, test_req_subscribe_ttl_queue_bad);
	tcase_add_test(tc, test_req_subscribe_unknown_member);
	tcase_add_test(tc, test_req_unsubscribe);
	tcase_add_test(tc, test_req_subscriptions);
	tcase_add_test(tc, test_req_events);
	tcase_add_test(tc, test_req_subscribe_roundtrip);
	tcase_add_test(tc, test_req_unsubscribe_subscriptions_roundtrip);
	tcase_add_test(tc, test_req_events_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply_sub");
	tcase_add_test(tc, test_reply_subscribe_roundtrip);
	tcase_add_test(tc, test_reply_subscriptions_empty);
	tcase_add_test(tc, test_reply_subscriptions_two);
	tcase_add_test(tc, test_reply_streaming);
	tcase_add_test(tc, test_reply_subs_bad);
	tcase_add_test(tc, test_sub_encode_secret_and_view);
	tcase_add_test(tc, test_sub_decode_bad);
	tcase_add_test(tc, test_sub_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("hello_ack");
	tcase_add_test(tc, test_hello_roundtrip);
	tcase_add_test(tc, test_hello_decode_bad);
	tcase_add_test(tc, test_ack_roundtrip);
	tcase_add_test(tc, test_ack_decode_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("journal");
	tcase_add_test(tc, test_journal_event);
	tcase_add_test(tc, test_journal_ack);
	tcase_add_test(tc, test_journal_drops);
	tcase_add_test(tc, test_journal_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_ev_type_names);
	tcase_add_test(tc, test_reason_names);
	tcase_add_test(tc, test_events_and_sub_state_names);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return check_run(event_suite());
}
