/* Helpers shared by the proto/ unit tests (check-helpers.c). */
#ifndef LAUNCH_CHECK_HELPERS_H
#define LAUNCH_CHECK_HELPERS_H

#include <stddef.h>

#include "proto.h"

void	 assert_str_eq_or_null(const char *what, const char *got,
	    const char *want);
void	 assert_strv_eq(const char *what, const struct proto_strv *got,
	    const struct proto_strv *want);
/* One non-empty line ending in its only newline: its length. */
size_t	 assert_framed(const char *line);
/* err is code, its field is field, its message is not empty and (unless
 * field is "") names field; what says which input. */
void	 assert_error(const char *what, const struct proto_error *err,
	    enum proto_code code, const char *field);
/* A string of n copies of c; free it. */
char	*repeat(char c, size_t n);
/* Decode json, which must be accepted. */
void	 request_decode_ok(const char *json, struct proto_request *req);
/* Encode in, check the framing, decode into out. */
void	 request_roundtrip(const struct proto_request *in,
	    struct proto_request *out);
/* Decode an encoded reply line (and free it); it must be accepted. */
void	 reply_decode_line(char *line, enum proto_op op,
	    struct proto_reply *rep);

#endif
