/*
 * The receiver's state file (see event.h): what `launch subscribe
 * --serve` keeps so that a receiver restarted after a crash registers the
 * same token again (the daemon then resumes the subscription and its
 * queue) and drops the events it printed before the crash.
 *
 * The file is the receiver's own: decoding is as strict as for the wire,
 * so a hand-edited file that does not mean what it seems is refused
 * rather than half-used.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "xmalloc.h"

char *
proto_receiver_encode(const struct proto_receiver_state *st)
{
	cJSON	*o = cJSON_CreateObject();
	cJSON	*seen;

	pj_add_int(o, "v", PROTO_RECEIVER_VERSION);
	cJSON_AddStringToObject(o, "token", st->token);
	seen = cJSON_AddObjectToObject(o, "seen");
	for (size_t i = 0; i < st->nseen; i++)
		pj_add_int(seen, st->seen[i].key, st->seen[i].seq);
	return pj_line(o);
}

void
proto_receiver_free(struct proto_receiver_state *st)
{
	for (size_t i = 0; i < st->nseen; i++)
		free(st->seen[i].key);
	free(st->seen);
	free(st->token);
	memset(st, 0, sizeof *st);
}

static int
receiver_decode_seen(const cJSON *seen, struct proto_receiver_state *st,
    struct proto_error *err)
{
	const cJSON	*m, *o;
	size_t		 n;

	if (!cJSON_IsObject(seen)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "seen",
		    "seen: must be an object");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(seen);
	if (n > PROTO_RECEIVER_SEEN_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "seen",
		    "seen: more than %d entries", PROTO_RECEIVER_SEEN_MAX);
		return -1;
	}
	st->seen = xcalloc(n + 1, sizeof *st->seen);
	cJSON_ArrayForEach(m, seen) {
		if (*m->string == '\0' || strchr(m->string, '/') == NULL) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "seen",
			    "seen: \"%.64s\" is not DAEMON/SUBSCRIPTION",
			    m->string);
			return -1;
		}
		for (o = seen->child; o != m; o = o->next) {
			if (strcmp(o->string, m->string) == 0) {
				proto_error_set(err, PROTO_E_INVALID_DATA,
				    "seen", "seen.%.64s: duplicate entry",
				    m->string);
				return -1;
			}
		}
		if (!pj_is_int(m, 0, PROTO_ID_MAX)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "seen",
			    "seen.%.64s: must be a seq (an integer >= 0)",
			    m->string);
			return -1;
		}
		st->seen[st->nseen].key = xstrdup(m->string);
		st->seen[st->nseen].seq = (int64_t)m->valuedouble;
		st->nseen++;
	}
	return 0;
}

int
proto_receiver_decode(const char *text, size_t len,
    struct proto_receiver_state *st, struct proto_error *err)
{
	static const char *const members[] = { "v", "token", "seen", NULL };
	cJSON	*o;
	int64_t	 v;
	int	 rc = -1;

	memset(st, 0, sizeof *st);
	if ((o = pj_parse(text, len, err)) == NULL)
		return -1;
	if (pj_check_members(o, members, NULL, "", err) == -1 ||
	    pj_int(o, "v", 1, 0, INT32_MAX, &v, err) == -1)
		goto out;
	if (v != PROTO_RECEIVER_VERSION) {
		proto_error_set(err, PROTO_E_UNSUPPORTED_VERSION, "v",
		    "v: version %lld is not supported (this side reads %d)",
		    (long long)v, PROTO_RECEIVER_VERSION);
		goto out;
	}
	if (pj_string(o, "token", 1, &st->token, err) == -1)
		goto out;
	if (!proto_token_valid(st->token)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "token",
		    "token: must be %d to %d hex digits", PROTO_TOKEN_MIN,
		    PROTO_TOKEN_MAX);
		goto out;
	}
	if (receiver_decode_seen(cJSON_GetObjectItemCaseSensitive(o, "seen"),
	    st, err) == -1)
		goto out;
	rc = 0;
out:
	cJSON_Delete(o);
	if (rc == -1)
		proto_receiver_free(st);
	return rc;
}
