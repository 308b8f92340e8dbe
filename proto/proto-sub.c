/*
 * Subscriptions (see event.h): the SUB view and record, the lines of a
 * notification connection (HELLO, ACK) and of a queue journal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

void
proto_sub_init(struct proto_sub *s)
{
	memset(s, 0, sizeof *s);
	s->events = PROTO_EVENTS_FAILURES;
	s->ttl_ms = PROTO_TTL_DEFAULT_MS;
	s->queue_max = PROTO_QUEUE_MAX_DEFAULT;
}

void
proto_sub_free(struct proto_sub *s)
{
	free(s->addr);
	free(s->token);
	free(s->last_error);
	proto_strv_free(&s->match);
	proto_sub_init(s);
}

void
proto_sub_copy(struct proto_sub *dst, const struct proto_sub *src)
{
	*dst = *src;
	dst->addr = src->addr != NULL ? xstrdup(src->addr) : NULL;
	dst->token = src->token != NULL ? xstrdup(src->token) : NULL;
	dst->last_error = src->last_error != NULL ?
	    xstrdup(src->last_error) : NULL;
	memset(&dst->match, 0, sizeof dst->match);
	proto_strv_copy(&dst->match, &src->match);
}

cJSON *
pj_sub_object(const struct proto_sub *s, int secret)
{
	cJSON	*o = cJSON_CreateObject();
	char	 t[40];

	pj_add_int(o, "id", s->id);
	cJSON_AddStringToObject(o, "addr", s->addr);
	if (secret)
		cJSON_AddStringToObject(o, "token", s->token);
	cJSON_AddItemToObject(o, "match", pj_strv_array(&s->match));
	pj_add_events(o, s->events);
	pj_add_int(o, "ttl_ms", s->ttl_ms);
	pj_add_int(o, "queue_max", s->queue_max);
	proto_time_format(s->created_ms, t, sizeof t);
	cJSON_AddStringToObject(o, "created_at", t);
	cJSON_AddStringToObject(o, "state", proto_sub_state_name(s->state));
	proto_time_format(s->since_ms, t, sizeof t);
	pj_add_string_or_null(o, "since", s->since_ms > 0 ? t : NULL);
	pj_add_int(o, "queued", s->queued);
	pj_add_int(o, "dropped", s->dropped);
	pj_add_int(o, "delivered", s->delivered);
	pj_add_int(o, "next_seq", s->next_seq);
	pj_add_string_or_null(o, "last_error", s->last_error);
	return o;
}

char *
proto_sub_encode(const struct proto_sub *s, int secret)
{
	return pj_line(pj_sub_object(s, secret));
}

int
pj_sub_decode(const cJSON *o, struct proto_sub *s, struct proto_error *err)
{
	char	why[128];
	int	v;

	proto_sub_init(s);
	if (!cJSON_IsObject(o)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "subscription",
		    "subscription: must be an object");
		return -1;
	}
	if (pj_int(o, "id", 1, 1, PROTO_ID_MAX, &s->id, err) == -1 ||
	    pj_string(o, "addr", 1, &s->addr, err) == -1 ||
	    pj_string(o, "token", 0, &s->token, err) == -1 ||
	    pj_strv(o, "match", 1, &s->match, err) == -1 ||
	    pj_enum(o, "events", proto_events_parse, &v, err) == -1)
		goto fail;
	s->events = (enum proto_events)v;
	if (pj_int(o, "ttl_ms", 1, 0, PROTO_ID_MAX, &s->ttl_ms, err) == -1 ||
	    pj_int(o, "queue_max", 1, 1, PROTO_QUEUE_MAX_LIMIT,
	    &s->queue_max, err) == -1 ||
	    pj_time_decode(o, "created_at", &s->created_ms, err) == -1 ||
	    pj_enum(o, "state", proto_sub_state_parse, &v, err) == -1)
		goto fail;
	s->state = (enum proto_sub_state)v;
	if (pj_time_decode(o, "since", &s->since_ms, err) == -1 ||
	    pj_int(o, "queued", 0, 0, PROTO_ID_MAX, &s->queued, err) == -1 ||
	    pj_int(o, "dropped", 0, 0, PROTO_ID_MAX, &s->dropped, err) == -1 ||
	    pj_int(o, "delivered", 0, 0, PROTO_ID_MAX, &s->delivered,
	    err) == -1 ||
	    pj_int(o, "next_seq", 0, 0, PROTO_ID_MAX, &s->next_seq,
	    err) == -1 ||
	    pj_string(o, "last_error", 0, &s->last_error, err) == -1)
		goto fail;
	if (!proto_addr_valid(s->addr, why, sizeof why)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "addr", "addr: %s",
		    why);
		goto fail;
	}
	if (s->token != NULL && !proto_token_valid(s->token)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "token",
		    "token: must be %d to %d hex digits", PROTO_TOKEN_MIN,
		    PROTO_TOKEN_MAX);
		goto fail;
	}
	return 0;
fail:
	proto_sub_free(s);
	return -1;
}

int
proto_sub_decode(const char *line, size_t len, struct proto_sub *s,
    struct proto_error *err)
{
	cJSON	*o;
	int	 rc;

	if ((o = pj_parse(line, len, err)) == NULL) {
		proto_sub_init(s);
		return -1;
	}
	rc = pj_sub_decode(o, s, err);
	cJSON_Delete(o);
	return rc;
}

/* ---- replies ---- */

char *
proto_reply_subs(int64_t id, enum proto_op op, const struct proto_sub *subs,
    size_t n)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");

	if (op == PROTO_OP_SUBSCRIPTIONS) {
		cJSON *a = cJSON_AddArrayToObject(r, "subscriptions");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, pj_sub_object(&subs[i], 0));
	} else
		cJSON_AddItemToObject(r, "subscription",
		    pj_sub_object(&subs[0], 0));
	return pj_line(o);
}

char *
proto_reply_streaming(int64_t id)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");

	cJSON_AddTrueToObject(r, "streaming");
	return pj_line(o);
}

int
pj_subs_reply_decode(const cJSON *r, enum proto_op op,
    struct proto_reply *rep, struct proto_error *err)
{
	const cJSON	*a, *e;
	size_t		 n;

	if (op == PROTO_OP_EVENTS) {
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
		    "streaming"))) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "streaming",
			    "streaming: must be true");
			return -1;
		}
		return 0;
	}
	if (op != PROTO_OP_SUBSCRIPTIONS) {
		rep->subs = xcalloc(1, sizeof *rep->subs);
		if (pj_sub_decode(cJSON_GetObjectItemCaseSensitive(r,
		    "subscription"), rep->subs, err) == -1)
			return -1;
		rep->nsubs = 1;
		return 0;
	}
	a = cJSON_GetObjectItemCaseSensitive(r, "subscriptions");
	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "subscriptions",
		    "subscriptions: must be an array");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(a);
	rep->subs = xcalloc(n + 1, sizeof *rep->subs);
	cJSON_ArrayForEach(e, a) {
		if (pj_sub_decode(e, &rep->subs[rep->nsubs], err) == -1)
			return -1;
		rep->nsubs++;
	}
	return 0;
}

/* ---- the notification connection ---- */

char *
proto_hello_encode(const struct proto_hello *h)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "v", PROTO_VERSION);
	cJSON_AddStringToObject(o, "token", h->token);
	cJSON_AddStringToObject(o, "daemon", h->daemon);
	cJSON_AddStringToObject(o, "host", h->host);
	pj_add_int(o, "subscription", h->subscription);
	return pj_line(o);
}

void
proto_hello_free(struct proto_hello *h)
{
	free(h->token);
	free(h->daemon);
	free(h->host);
	memset(h, 0, sizeof *h);
}

int
proto_hello_decode(const char *line, size_t len, struct proto_hello *h,
    struct proto_error *err)
{
	static const char *const members[] = { "v", "token", "daemon",
	    "host", "subscription", NULL };
	cJSON	*o;
	int64_t	 v;
	int	 rc = -1;

	memset(h, 0, sizeof *h);
	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;
	if (pj_check_members(o, members, NULL, "", err) == -1 ||
	    pj_int(o, "v", 1, 0, INT32_MAX, &v, err) == -1)
		goto out;
	if (v != PROTO_VERSION) {
		proto_error_set(err, PROTO_E_UNSUPPORTED_VERSION, "v",
		    "v: protocol version %lld is not supported (this side "
		    "speaks %d)", (long long)v, PROTO_VERSION);
		goto out;
	}
	if (pj_string(o, "token", 1, &h->token, err) == -1 ||
	    pj_string(o, "daemon", 1, &h->daemon, err) == -1 ||
	    pj_string(o, "host", 1, &h->host, err) == -1 ||
	    pj_int(o, "subscription", 1, 1, PROTO_ID_MAX, &h->subscription,
	    err) == -1)
		goto out;
	rc = 0;
out:
	cJSON_Delete(o);
	if (rc == -1)
		proto_hello_free(h);
	return rc;
}

char *
proto_ack_encode(int64_t seq)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "ack", seq);
	return pj_line(o);
}

int
proto_ack_decode(const char *line, size_t len, int64_t *seq,
    struct proto_error *err)
{
	static const char *const members[] = { "ack", NULL };
	cJSON	*o;
	int	 rc = -1;

	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;
	if (pj_check_members(o, members, NULL, "", err) == 0 &&
	    pj_int(o, "ack", 1, 0, PROTO_ID_MAX, seq, err) == 0)
		rc = 0;
	cJSON_Delete(o);
	return rc;
}

/* ---- the queue journal ---- */

char *
proto_journal_ack(int64_t ack, int64_t next_seq, int64_t delivered,
    int64_t dropping, int64_t dropped)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "ack", ack);
	if (next_seq >= 0) {
		pj_add_int(o, "next_seq", next_seq);
		pj_add_int(o, "delivered", delivered);
		pj_add_int(o, "dropping", dropping);
		pj_add_int(o, "dropped", dropped);
	}
	return pj_line(o);
}

char *
proto_journal_drops(int64_t dropping, int64_t dropped)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "dropping", dropping);
	pj_add_int(o, "dropped", dropped);
	return pj_line(o);
}

int
proto_journal_decode(const char *line, size_t len, struct proto_journal *j,
    struct proto_error *err)
{
	cJSON	*o;
	int	 rc = -1;

	memset(j, 0, sizeof *j);
	j->ack = j->next_seq = j->delivered = j->dropping = j->dropped = -1;
	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "seq") != NULL) {
		cJSON_Delete(o);
		if (proto_event_decode(line, len, &j->ev, err) == -1)
			return -1;
		j->is_event = 1;
		return 0;
	}
	if (pj_int(o, "ack", 0, -1, PROTO_ID_MAX, &j->ack, err) == 0 &&
	    pj_int(o, "next_seq", 0, -1, PROTO_ID_MAX, &j->next_seq,
	    err) == 0 &&
	    pj_int(o, "delivered", 0, -1, PROTO_ID_MAX, &j->delivered,
	    err) == 0 &&
	    pj_int(o, "dropping", 0, -1, PROTO_ID_MAX, &j->dropping,
	    err) == 0 &&
	    pj_int(o, "dropped", 0, -1, PROTO_ID_MAX, &j->dropped, err) == 0)
		rc = 0;
	if (rc == 0 && j->ack < 0 && j->dropping < 0 && j->dropped < 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "",
		    "not a journal record (no seq, ack or dropping)");
		rc = -1;
	}
	cJSON_Delete(o);
	return rc;
}
