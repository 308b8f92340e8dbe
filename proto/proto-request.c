/*
 * Requests: encoding (client side) and strict decoding (daemon side).
 * See proto.h for every operation's fields.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

/* Members each operation accepts (submit also takes the SPEC members). */
static const char *const members_ping[] = { "v", "id", "op", NULL };
static const char *const members_submit[] = { "v", "id", "op", "wait_ready",
    "ready_timeout_ms", NULL };
static const char *const members_batch[] = { "v", "id", "op", "jobs",
    "wait_ready", "ready_timeout_ms", NULL };
static const char *const members_list[] = { "v", "id", "op", "match",
    "usage", NULL };
static const char *const members_start[] = { "v", "id", "op", "match",
    NULL };
static const char *const members_status[] = { "v", "id", "op", "label",
    NULL };
static const char *const members_stop[] = { "v", "id", "op", "match",
    "timeout_ms", "signal", NULL };
static const char *const members_shutdown[] = { "v", "id", "op",
    "timeout_ms", NULL };
static const char *const members_remove[] = { "v", "id", "op", "match",
    "timeout_ms", NULL };

static const char *const members_subscribe[] = { "v", "id", "op", "addr",
    "token", "match", "events", "ttl_ms", "queue_max", NULL };
static const char *const members_unsubscribe[] = { "v", "id", "op",
    "subscription", NULL };
static const char *const members_events[] = { "v", "id", "op", "match",
    "events", NULL };
static const char *const members_wait[] = { "v", "id", "op", "match",
    "timeout_ms", "progress", NULL };

static const char *const *const op_members[PROTO_OP__COUNT] = {
	[PROTO_OP_PING] = members_ping,
	[PROTO_OP_SUBMIT] = members_submit,
	[PROTO_OP_LIST] = members_list,
	[PROTO_OP_STATUS] = members_status,
	[PROTO_OP_STOP] = members_stop,
	[PROTO_OP_SHUTDOWN] = members_shutdown,
	[PROTO_OP_START] = members_start,
	[PROTO_OP_RESTART] = members_stop,
	[PROTO_OP_REMOVE] = members_remove,
	[PROTO_OP_SUBSCRIBE] = members_subscribe,
	[PROTO_OP_UNSUBSCRIBE] = members_unsubscribe,
	[PROTO_OP_SUBSCRIPTIONS] = members_ping,
	[PROTO_OP_STATS] = members_ping,
	[PROTO_OP_EVENTS] = members_events,
	[PROTO_OP_WAIT] = members_wait,
	[PROTO_OP_SUBMIT_BATCH] = members_batch,
};

void
proto_request_init(struct proto_request *req, enum proto_op op)
{
	memset(req, 0, sizeof *req);
	req->id = -1;
	req->op = op;
	req->timeout_ms = op == PROTO_OP_WAIT ? -1 : PROTO_STOP_TIMEOUT_MS;
	req->signal = SIGTERM;
	proto_submit_init(&req->submit);
}

void
proto_request_free(struct proto_request *req)
{
	proto_submit_free(&req->submit);
	for (size_t i = 0; i < req->njobs; i++)
		proto_submit_free(&req->jobs[i]);
	free(req->jobs);
	req->jobs = NULL;
	req->njobs = 0;
	free(req->label);
	proto_strv_free(&req->match);
	req->label = NULL;
	if (req->sub != NULL) {
		proto_sub_free(req->sub);
		free(req->sub);
		req->sub = NULL;
	}
}

size_t
proto_spec_encoded_len(const struct proto_submit *spec)
{
	cJSON	*o = cJSON_CreateObject();
	char	*s;
	size_t	 len;

	pj_spec_add(o, spec, 0);
	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		abort();
	len = strlen(s);
	cJSON_free(s);
	cJSON_Delete(o);
	return len;
}

/* submit's and submit_batch's readiness members. */
static void
encode_ready(cJSON *o, const struct proto_request *req)
{
	if (req->wait_ready)
		cJSON_AddTrueToObject(o, "wait_ready");
	if (req->ready_timeout_ms > 0)
		pj_add_int(o, "ready_timeout_ms", req->ready_timeout_ms);
}

char *
proto_request_encode(const struct proto_request *req)
{
	cJSON				*o = pj_envelope(req->id);
	const struct proto_submit	*s = &req->submit;

	cJSON_AddStringToObject(o, "op", proto_op_name(req->op));
	switch (req->op) {
	case PROTO_OP_SUBMIT:
		pj_spec_add(o, s, 0);
		encode_ready(o, req);
		break;
	case PROTO_OP_SUBMIT_BATCH: {
		cJSON *a = cJSON_AddArrayToObject(o, "jobs");
		for (size_t i = 0; i < req->njobs; i++) {
			cJSON *job = cJSON_CreateObject();
			pj_spec_add(job, &req->jobs[i], 0);
			cJSON_AddItemToArray(a, job);
		}
		encode_ready(o, req);
		break;
	}
	case PROTO_OP_STATUS:
		cJSON_AddStringToObject(o, "label", req->label);
		break;
	case PROTO_OP_LIST:
		if (req->match.n > 0)
			cJSON_AddItemToObject(o, "match",
			    pj_strv_array(&req->match));
		if (req->usage)
			cJSON_AddTrueToObject(o, "usage");
		break;
	case PROTO_OP_START:
		cJSON_AddItemToObject(o, "match", pj_strv_array(&req->match));
		break;
	case PROTO_OP_REMOVE:
		cJSON_AddItemToObject(o, "match", pj_strv_array(&req->match));
		pj_add_int(o, "timeout_ms", req->timeout_ms);
		break;
	case PROTO_OP_STOP:
	case PROTO_OP_RESTART:
		cJSON_AddItemToObject(o, "match", pj_strv_array(&req->match));
		pj_add_int(o, "timeout_ms", req->timeout_ms);
		cJSON_AddStringToObject(o, "signal",
		    proto_signal_name(req->signal));
		break;
	case PROTO_OP_SHUTDOWN:
		pj_add_int(o, "timeout_ms", req->timeout_ms);
		break;
	case PROTO_OP_SUBSCRIBE:
		cJSON_AddStringToObject(o, "addr", req->sub->addr);
		cJSON_AddStringToObject(o, "token", req->sub->token);
		if (req->sub->match.n > 0)
			cJSON_AddItemToObject(o, "match",
			    pj_strv_array(&req->sub->match));
		pj_add_events(o, req->sub->events);
		pj_add_int(o, "ttl_ms", req->sub->ttl_ms);
		pj_add_int(o, "queue_max", req->sub->queue_max);
		break;
	case PROTO_OP_UNSUBSCRIBE:
		pj_add_int(o, "subscription", req->sub_id);
		break;
	case PROTO_OP_EVENTS:
		if (req->match.n > 0)
			cJSON_AddItemToObject(o, "match",
			    pj_strv_array(&req->match));
		pj_add_events(o, (unsigned)req->events);
		break;
	case PROTO_OP_WAIT:
		cJSON_AddItemToObject(o, "match", pj_strv_array(&req->match));
		if (req->timeout_ms >= 0)
			pj_add_int(o, "timeout_ms", req->timeout_ms);
		if (req->progress)
			cJSON_AddTrueToObject(o, "progress");
		break;
	default:
		break;
	}
	return pj_line(o);
}

static int
decode_ready(const cJSON *o, struct proto_request *req,
    struct proto_error *err)
{
	if (pj_bool(o, "wait_ready", &req->wait_ready, err) == -1)
		return -1;
	return pj_int(o, "ready_timeout_ms", 0, 0, 86400000,
	    &req->ready_timeout_ms, err);
}

static int
decode_submit(const cJSON *o, struct proto_request *req,
    struct proto_error *err)
{
	if (pj_spec_decode(o, &req->submit, 0, err) == -1)
		return -1;
	return decode_ready(o, req, err);
}

/* Name job i in err: its field "argv" becomes "jobs[3].argv", and the
 * message, which begins with the field ("argv: missing"), likewise. */
static void
batch_blame(struct proto_error *err, size_t i)
{
	char	prefix[64], field[sizeof err->field];
	size_t	flen = strlen(err->field), plen;
	int	named;

	/* The message names the field when it begins with "field:". */
	named = flen > 0 && strncmp(err->message, err->field, flen) == 0 &&
	    err->message[flen] == ':';
	snprintf(prefix, sizeof prefix, "jobs[%zu]%s", i, named ? "." : ": ");
	/* A field too long for its buffer is cut (as it is everywhere). */
	if (snprintf(field, sizeof field, "jobs[%zu]%s%s", i,
	    flen > 0 ? "." : "", err->field) >= (int)sizeof field)
		field[sizeof field - 1] = '\0';
	memcpy(err->field, field, sizeof field);
	/* Shift the message right, cutting its end if it must. */
	plen = strlen(prefix);
	memmove(err->message + plen, err->message,
	    sizeof err->message - plen - 1);
	err->message[sizeof err->message - 1] = '\0';
	memcpy(err->message, prefix, plen);
}

/* By label, then by place: of two jobs with one label the later sorts
 * after. */
static int
label_cmp(const void *a, const void *b)
{
	const struct proto_submit *const *x = a, *const *y = b;
	int	c = strcmp((*x)->label, (*y)->label);

	if (c != 0)
		return c;
	return *x < *y ? -1 : *x > *y;
}

/* "jobs": 1..PROTO_BATCH_JOBS_MAX SPECs with distinct labels. */
static int
decode_batch(const cJSON *o, struct proto_request *req,
    struct proto_error *err)
{
	const cJSON		 *a = cJSON_GetObjectItemCaseSensitive(o, "jobs");
	const cJSON		 *job;
	const struct proto_submit **sorted;
	size_t			  n, i = 0, dup = SIZE_MAX;

	if (a == NULL) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "jobs",
		    "jobs: missing required field");
		return -1;
	}
	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "jobs",
		    "jobs: must be an array of jobs");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(a);
	if (n == 0 || n > PROTO_BATCH_JOBS_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "jobs",
		    "jobs: %zu jobs; one request takes 1 to %d", n,
		    PROTO_BATCH_JOBS_MAX);
		return -1;
	}
	req->jobs = xcalloc(n, sizeof *req->jobs);
	cJSON_ArrayForEach(job, a) {
		if (!cJSON_IsObject(job)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "",
			    "must be an object");
			batch_blame(err, i);
			return -1;
		}
		if (pj_check_members(job, pj_spec_members, NULL, "", err) ==
		    -1 || pj_spec_decode(job, &req->jobs[i], 0, err) == -1) {
			batch_blame(err, i);
			return -1;
		}
		req->njobs = ++i;
	}
	/* Distinct labels, so that each result names one job: sorted, a
	 * label used twice is next to itself. */
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	for (i = 0; i < n; i++)
		sorted[i] = &req->jobs[i];
	qsort(sorted, n, sizeof *sorted, label_cmp);
	for (i = 1; i < n; i++) {
		size_t k = (size_t)(sorted[i] - req->jobs);
		if (strcmp(sorted[i - 1]->label, sorted[i]->label) == 0 &&
		    (dup == SIZE_MAX || k < dup))
			dup = k;
	}
	if (dup != SIZE_MAX) {
		/* The first job whose label an earlier one has. */
		proto_error_set(err, PROTO_E_INVALID_DATA, "label",
		    "label: %s is used twice in the request",
		    req->jobs[dup].label);
		batch_blame(err, dup);
		free(sorted);
		return -1;
	}
	free(sorted);
	return decode_ready(o, req, err);
}

static int
decode_match(const cJSON *o, int required, struct proto_strv *match,
    struct proto_error *err)
{
	char	why[128], field[32];

	if (pj_strv_max(o, "match", required, PROTO_MATCH_MAX, SIZE_MAX,
	    match, err) == -1)
		return -1;
	if (required && match->n == 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "match",
		    "match: needs at least one label or glob");
		return -1;
	}
	for (size_t i = 0; i < match->n; i++) {
		if (!proto_glob_valid(match->v[i], why, sizeof why)) {
			snprintf(field, sizeof field, "match[%zu]", i);
			proto_error_set(err, PROTO_E_INVALID_DATA, field,
			    "%s: %s", field, why);
			return -1;
		}
	}
	return 0;
}

static int
decode_stop_options(const cJSON *o, struct proto_request *req,
    struct proto_error *err)
{
	char	*signame = NULL;

	/* A day is a generous upper bound that keeps ev_tstamp exact. */
	if (pj_int(o, "timeout_ms", 0, 0, 86400000, &req->timeout_ms,
	    err) == -1)
		return -1;
	if (req->op != PROTO_OP_STOP && req->op != PROTO_OP_RESTART)
		return 0;
	if (pj_string(o, "signal", 0, &signame, err) == -1)
		return -1;
	if (signame != NULL) {
		int sig = strncmp(signame, "SIG", 3) == 0 ?
		    proto_signal_parse(signame) : -1;
		if (sig <= 0 || sig == SIGKILL || sig == SIGSTOP) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "signal",
			    "signal: \"%.32s\" is not a usable stop signal "
			    "name such as \"SIGTERM\"", signame);
			free(signame);
			return -1;
		}
		req->signal = sig;
		free(signame);
	}
	return 0;
}

static int
decode_events_class(const cJSON *o, int *out, struct proto_error *err)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, "events");

	if (m == NULL || cJSON_IsNull(m)) {
		*out = PROTO_EVENTS_FAILURES;
		return 0;
	}
	return pj_enum(o, "events", proto_events_parse, out, err);
}

static int
decode_subscribe(const cJSON *o, struct proto_request *req,
    struct proto_error *err)
{
	struct proto_sub	*sub;
	char			 why[160];
	int			 cls;

	sub = req->sub = xcalloc(1, sizeof *req->sub);
	proto_sub_init(sub);
	if (pj_string(o, "addr", 1, &sub->addr, err) == -1)
		return -1;
	if (!proto_addr_valid(sub->addr, why, sizeof why)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "addr", "addr: %s",
		    why);
		return -1;
	}
	if (pj_string(o, "token", 1, &sub->token, err) == -1)
		return -1;
	if (!proto_token_valid(sub->token)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "token",
		    "token: must be %d to %d hex digits", PROTO_TOKEN_MIN,
		    PROTO_TOKEN_MAX);
		return -1;
	}
	if (decode_match(o, 0, &sub->match, err) == -1)
		return -1;
	if (sub->match.n == 0 && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o,
	    "match"))) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "match",
		    "match: needs 1 to %d globs (leave it out for \"*\")",
		    PROTO_SUB_MATCH_MAX);
		return -1;
	}
	if (sub->match.n > PROTO_SUB_MATCH_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "match",
		    "match: at most %d globs", PROTO_SUB_MATCH_MAX);
		return -1;
	}
	if (sub->match.n == 0)
		proto_strv_add(&sub->match, "*");
	if (decode_events_class(o, &cls, err) == -1)
		return -1;
	sub->events = (enum proto_events)cls;
	/* Ten years: beyond that "never" (0) says it better. */
	return pj_int(o, "ttl_ms", 0, 0, 315360000000LL, &sub->ttl_ms,
	    err) == -1 || pj_int(o, "queue_max", 0, 1, PROTO_QUEUE_MAX_LIMIT,
	    &sub->queue_max, err) == -1 ? -1 : 0;
}

int
proto_request_decode(const char *line, size_t len, struct proto_request *req,
    struct proto_error *err)
{
	cJSON		*o;
	const cJSON	*m;
	int64_t		 v;
	char		*opname = NULL;
	int		 op, rc = -1;

	proto_request_init(req, PROTO_OP_PING);
	memset(err, 0, sizeof *err);
	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;

	/* The id first, so that every later error can echo it. */
	m = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (m == NULL) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "id",
		    "id: missing required field");
		goto out;
	}
	if (!pj_is_int(m, 0, PROTO_ID_MAX)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "id",
		    "id: must be an integer from 0 to 2^53-1");
		goto out;
	}
	req->id = (int64_t)m->valuedouble;

	if (pj_int(o, "v", 1, 0, INT32_MAX, &v, err) == -1)
		goto out;
	if (v != PROTO_VERSION) {
		proto_error_set(err, PROTO_E_UNSUPPORTED_VERSION, "v",
		    "v: protocol version %lld is not supported (this daemon "
		    "speaks %d)", (long long)v, PROTO_VERSION);
		goto out;
	}
	if (pj_string(o, "op", 1, &opname, err) == -1)
		goto out;
	if ((op = proto_op_parse(opname)) < 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "op",
		    "op: unknown operation \"%.64s\"", opname);
		goto out;
	}
	req->op = (enum proto_op)op;
	if (pj_check_members(o, op_members[op], op == PROTO_OP_SUBMIT ?
	    pj_spec_members : NULL, "", err) == -1)
		goto out;

	switch (req->op) {
	case PROTO_OP_SUBMIT:
		if (decode_submit(o, req, err) == -1)
			goto out;
		break;
	case PROTO_OP_SUBMIT_BATCH:
		if (decode_batch(o, req, err) == -1)
			goto out;
		break;
	case PROTO_OP_STATUS:
		if (pj_string(o, "label", 1, &req->label, err) == -1 ||
		    pj_check_label("label", req->label, err) == -1)
			goto out;
		break;
	case PROTO_OP_LIST:
		if (decode_match(o, 0, &req->match, err) == -1 ||
		    pj_bool(o, "usage", &req->usage, err) == -1)
			goto out;
		break;
	case PROTO_OP_START:
		if (decode_match(o, 1, &req->match, err) == -1)
			goto out;
		break;
	case PROTO_OP_STOP:
	case PROTO_OP_RESTART:
	case PROTO_OP_REMOVE:
		if (decode_match(o, 1, &req->match, err) == -1 ||
		    decode_stop_options(o, req, err) == -1)
			goto out;
		break;
	case PROTO_OP_SHUTDOWN:
		if (decode_stop_options(o, req, err) == -1)
			goto out;
		break;
	case PROTO_OP_SUBSCRIBE:
		if (decode_subscribe(o, req, err) == -1)
			goto out;
		break;
	case PROTO_OP_UNSUBSCRIBE:
		if (pj_int(o, "subscription", 1, 1, PROTO_ID_MAX,
		    &req->sub_id, err) == -1)
			goto out;
		break;
	case PROTO_OP_EVENTS:
		if (decode_match(o, 0, &req->match, err) == -1 ||
		    decode_events_class(o, &req->events, err) == -1)
			goto out;
		if (req->match.n > PROTO_SUB_MATCH_MAX) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "match",
			    "match: at most %d globs", PROTO_SUB_MATCH_MAX);
			goto out;
		}
		break;
	case PROTO_OP_WAIT:
		req->timeout_ms = -1;
		if (decode_match(o, 1, &req->match, err) == -1 ||
		    pj_int(o, "timeout_ms", 0, 0, PROTO_WAIT_TIMEOUT_MAX_MS,
		    &req->timeout_ms, err) == -1 ||
		    pj_bool(o, "progress", &req->progress, err) == -1)
			goto out;
		break;
	default:
		break;
	}
	rc = 0;
out:
	free(opname);
	cJSON_Delete(o);
	if (rc == -1) {
		int64_t id = req->id;
		proto_request_free(req);
		proto_request_init(req, req->op);
		req->id = id;
	}
	return rc;
}
