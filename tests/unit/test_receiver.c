/*
 * Unit tests for the receiver's state file codec (proto/proto-receiver.c,
 * declared in proto/event.h): what `launch subscribe --serve` keeps to
 * resume after a crash.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "xmalloc.h"
#include "check-run.h"

#define TOKEN	"0123456789abcdef0123456789abcdef"

static int
decode(const char *text, struct proto_receiver_state *st,
    struct proto_error *err)
{
	return proto_receiver_decode(text, strlen(text), st, err);
}

START_TEST(test_receiver_roundtrip)
{
	struct proto_receiver_state	st, back;
	struct proto_error		err;
	struct proto_seen		seen[2] = {
		{ "d1a2/1", 42 }, { "other/host/7", 9007199254740991LL },
	};
	char				*text;

	memset(&st, 0, sizeof st);
	st.token = TOKEN;
	st.seen = seen;
	st.nseen = 2;
	text = proto_receiver_encode(&st);
	ck_assert_str_eq(text, "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":"
	    "{\"d1a2/1\":42,\"other/host/7\":9007199254740991}}\n");
	ck_assert_int_eq(decode(text, &back, &err), 0);
	ck_assert_str_eq(back.token, TOKEN);
	ck_assert_uint_eq(back.nseen, 2);
	ck_assert_str_eq(back.seen[0].key, "d1a2/1");
	ck_assert_int_eq(back.seen[0].seq, 42);
	ck_assert_str_eq(back.seen[1].key, "other/host/7");
	ck_assert_int_eq(back.seen[1].seq, 9007199254740991LL);
	proto_receiver_free(&back);
	free(text);
}
END_TEST

START_TEST(test_receiver_empty_seen)
{
	struct proto_receiver_state	st;
	struct proto_error		err;

	ck_assert_int_eq(decode("{\"v\":1,\"token\":\"" TOKEN "\","
	    "\"seen\":{}}", &st, &err), 0);
	ck_assert_uint_eq(st.nseen, 0);
	proto_receiver_free(&st);
}
END_TEST

START_TEST(test_receiver_bad)
{
	static const struct {
		const char	*text;
		const char	*message;
	} cases[] = {
		{ "", "not valid JSON" },
		{ "[]", "must be a JSON object" },
		{ "{\"v\":2,\"token\":\"" TOKEN "\",\"seen\":{}}",
		    "v: version 2 is not supported" },
		{ "{\"token\":\"" TOKEN "\",\"seen\":{}}",
		    "v: missing required field" },
		{ "{\"v\":1,\"seen\":{}}", "token: missing required field" },
		{ "{\"v\":1,\"token\":\"abc\",\"seen\":{}}",
		    "token: must be 32 to 128 hex digits" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\"}",
		    "seen: must be an object" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":[]}",
		    "seen: must be an object" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{\"x\":1}}",
		    "is not DAEMON/SUBSCRIPTION" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{\"d/1\":-1}}",
		    "seen.d/1: must be a seq" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{\"d/1\":1.5}}",
		    "seen.d/1: must be a seq" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{\"d/1\":\"1\"}}",
		    "seen.d/1: must be a seq" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{\"d/1\":1,"
		    "\"d/1\":2}}", "seen.d/1: duplicate entry" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{},\"x\":1}",
		    "x: unknown field" },
		{ "{\"v\":1,\"token\":\"" TOKEN "\",\"seen\":{}} x",
		    "trailing bytes" },
	};
	struct proto_receiver_state	st;
	struct proto_error		err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&err, 0, sizeof err);
		ck_assert_msg(decode(cases[i].text, &st, &err) == -1,
		    "case %zu decoded: %s", i, cases[i].text);
		ck_assert_msg(strstr(err.message, cases[i].message) != NULL,
		    "case %zu: message \"%s\" lacks \"%s\"", i, err.message,
		    cases[i].message);
		ck_assert_ptr_null(st.token);
		ck_assert_ptr_null(st.seen);
	}
}
END_TEST

START_TEST(test_receiver_too_many)
{
	struct proto_receiver_state	st;
	struct proto_error		err;
	char				*text, *p;
	size_t				 n = PROTO_RECEIVER_SEEN_MAX + 1;

	text = xmalloc(64 + n * 32);
	p = text + sprintf(text, "{\"v\":1,\"token\":\"" TOKEN "\","
	    "\"seen\":{");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\"d/%zu\":1", i > 0 ? "," : "", i + 1);
	strcpy(p, "}}");
	ck_assert_int_eq(decode(text, &st, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.message, "more than"));
	free(text);
}
END_TEST

static Suite *
receiver_suite(void)
{
	Suite	*s = suite_create("receiver");
	TCase	*tc = tcase_create("state");

	tcase_add_test(tc, test_receiver_roundtrip);
	tcase_add_test(tc, test_receiver_empty_seen);
	tcase_add_test(tc, test_receiver_bad);
	tcase_add_test(tc, test_receiver_too_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(receiver_suite());
}
