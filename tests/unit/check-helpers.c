/*
 * Helpers shared by the Check unit tests of proto/ (test_proto.c,
 * test_event.c): string assertions and request round trips.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "xmalloc.h"

void
assert_str_eq_or_null(const char *what, const char *got, const char *want)
{
	if (want == NULL) {
		ck_assert_msg(got == NULL, "%s: got \"%s\", want NULL", what,
		    got);
		return;
	}
	ck_assert_msg(got != NULL, "%s: got NULL, want \"%s\"", what, want);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"",
	    what, got, want);
}

void
assert_strv_eq(const char *what, const struct proto_strv *got,
    const struct proto_strv *want)
{
	ck_assert_msg(got->n == want->n, "%s: %zu entries, want %zu", what,
	    got->n, want->n);
	for (size_t i = 0; i < want->n; i++)
		assert_str_eq_or_null(what, got->v[i], want->v[i]);
	if (got->n > 0)
		ck_assert_ptr_null(got->v[got->n]);
}

size_t
assert_framed(const char *line)
{
	size_t	len;

	ck_assert_ptr_nonnull(line);
	len = strlen(line);
	ck_assert_uint_gt(len, 1);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_msg(memchr(line, '\n', len - 1) == NULL,
	    "newline inside the message: %s", line);
	return len;
}

/* A string of n copies of c; free it. */
char *
repeat(char c, size_t n)
{
	char	*s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Decode a request that must be accepted. */
void
request_decode_ok(const char *json, struct proto_request *req)
{
	struct proto_error	err;
	int			rc;

	rc = proto_request_decode(json, strlen(json), req, &err);
	ck_assert_msg(rc == 0, "rejected %s: %s (field \"%s\")", json,
	    err.message, err.field);
}

/*
 * Encode a request, check the framing (one line ending in "\n") and
 * decode the line without its newline into out.
 */
void
request_roundtrip(const struct proto_request *in, struct proto_request *out)
{
	struct proto_error	 err;
	char			*line;
	size_t			 len;
	int			 rc;

	line = proto_request_encode(in);
	len = assert_framed(line);
	rc = proto_request_decode(line, len - 1, out, &err);
	ck_assert_msg(rc == 0, "decode of %s failed: %s", line, err.message);
	ck_assert_int_eq(err.code, PROTO_OK);
	free(line);
}

/* Decode an encoded reply line (and free it); it must be accepted. */
void
reply_decode_line(char *line, enum proto_op op, struct proto_reply *rep)
{
	struct proto_error	 err;
	size_t			 len;
	int			 rc;

	len = assert_framed(line);
	rc = proto_reply_decode(line, len - 1, op, rep, &err);
	ck_assert_msg(rc == 0, "decode of %s failed: %s", line, err.message);
	ck_assert_int_eq(err.code, PROTO_OK);
	free(line);
}

void
assert_error(const char *what, const struct proto_error *err,
    enum proto_code code, const char *field)
{
	ck_assert_msg(err->code == code, "%s: code %s, want %s", what,
	    proto_code_name(err->code), proto_code_name(code));
	ck_assert_msg(strcmp(err->field, field) == 0,
	    "%s: field \"%s\", want \"%s\"", what, err->field, field);
	ck_assert_msg(err->message[0] != '\0', "%s: empty message", what);
	if (field[0] != '\0')
		ck_assert_msg(strstr(err->message, field) != NULL,
		    "%s: message \"%s\" does not name \"%s\"", what,
		    err->message, field);
}
