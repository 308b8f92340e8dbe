/*
 * Label and glob rules.  A label is 1..255 bytes of [A-Za-z0-9._:/@+-]
 * (so "github.com/relab/goxos/kvs/kvsd" is one).  A "/" in a label reads
 * as a path separator to people and to tools (log names, container names
 * derived from labels), so a label that could never be meant as a name is
 * refused even though no daemon path is built from it today: an empty
 * segment ("/x", "x/", "a//b") and a "." or ".." segment (".", "a/../b").
 * "..." or "a..b" are ordinary names and stay valid.  A glob is matched with
 * fnmatch(3) and no flags: without FNM_PATHNAME "*" also matches "/", and
 * without FNM_PERIOD a leading "." is not special.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

static int
label_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._:/@+-", c) != NULL;
}

/* Every "/"-separated segment of s is non-empty and neither "." nor "..". */
static int
label_segments_valid(const char *s, char *why, size_t whylen)
{
	const char	*seg = s, *end;
	size_t		 n;

	for (;;) {
		end = strchr(seg, '/');
		n = end != NULL ? (size_t)(end - seg) : strlen(seg);
		if (n == 0) {
			snprintf(why, whylen, "label has an empty segment at "
			    "byte %zu (a leading or trailing '/' or '//')",
			    (size_t)(seg - s));
			return 0;
		}
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.')) {
			snprintf(why, whylen, "label has a '%.*s' segment at "
			    "byte %zu; '.' and '..' are not names", (int)n,
			    seg, (size_t)(seg - s));
			return 0;
		}
		if (end == NULL)
			return 1;
		seg = end + 1;
	}
}

/* What every label ever accepted satisfies: 1..255 bytes of the set. */
int
proto_label_known_valid(const char *s, char *why, size_t whylen)
{
	size_t	n = strlen(s);

	if (n == 0) {
		snprintf(why, whylen, "label is empty");
		return 0;
	}
	if (n > PROTO_LABEL_MAX) {
		snprintf(why, whylen, "label is %zu bytes long, at most %d",
		    n, PROTO_LABEL_MAX);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!label_char_ok((unsigned char)s[i])) {
			unsigned char c = (unsigned char)s[i];
			if (c >= 0x20 && c < 0x7f)
				snprintf(why, whylen, "label has '%c' at byte "
				    "%zu; allowed are A-Z a-z 0-9 and ._:/@+-",
				    c, i);
			else
				snprintf(why, whylen, "label has byte 0x%02x "
				    "at %zu; allowed are A-Z a-z 0-9 and "
				    "._:/@+-", c, i);
			return 0;
		}
	}
	return 1;
}

int
proto_label_valid(const char *s, char *why, size_t whylen)
{
	return proto_label_known_valid(s, why, whylen) &&
	    label_segments_valid(s, why, whylen);
}

int
proto_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int
proto_glob_valid(const char *s, char *why, size_t whylen)
{
	size_t	n = strlen(s);

	if (!proto_is_glob(s))
		return proto_label_valid(s, why, whylen);
	if (n > PROTO_GLOB_MAX) {
		snprintf(why, whylen, "glob is %zu bytes long, at most %d",
		    n, PROTO_GLOB_MAX);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f) {
			snprintf(why, whylen, "glob has byte 0x%02x at %zu; "
			    "only printable ASCII is allowed", c, i);
			return 0;
		}
	}
	return 1;
}

int
proto_glob_match(const char *glob, const char *label)
{
	return fnmatch(glob, label, 0) == 0;
}
