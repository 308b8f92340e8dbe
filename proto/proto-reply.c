/*
 * Replies and the job view: encoding (daemon side) and decoding (client
 * side).  The client's decoder is strict about the types of the members it
 * knows and ignores members it does not, so a newer daemon speaking the
 * same version may add informational members.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

struct proto_jobs_reply {
	cJSON	*jobs;
	cJSON	*errors;
	size_t	 count;
};

cJSON *
pj_job_object(const struct proto_job *j)
{
	cJSON	*o = cJSON_CreateObject();
	cJSON	*logs;
	char	 t[40];

	pj_add_int(o, "id", j->id);
	pj_spec_add(o, &j->spec, 1);	/* with "kind" */
	cJSON_AddStringToObject(o, "state", proto_state_name(j->state));
	if (j->pid > 0)
		pj_add_int(o, "pid", j->pid);
	else
		cJSON_AddNullToObject(o, "pid");
#define TIME(name, ms) do {						\
	proto_time_format((ms), t, sizeof t);				\
	pj_add_string_or_null(o, (name), (ms) > 0 ? t : NULL);		\
} while (0)
	TIME("started_at", j->started_ms);
	TIME("ready_at", j->ready_ms);
	TIME("ended_at", j->ended_ms);
#undef TIME
	pj_add_exit(o, j->exit_code, j->signal);
	pj_add_int(o, "restarts", j->restarts);
	pj_add_string_or_null(o, "error", j->error);
	logs = cJSON_AddObjectToObject(o, "logs");
	pj_add_string_or_null(logs, "stdout", j->stdout_log);
	pj_add_string_or_null(logs, "stderr", j->stderr_log);
	pj_add_string_or_null(o, "container", j->container);
	pj_usage_add(o, &j->usage);
	if (j->host != NULL)
		cJSON_AddStringToObject(o, "host", j->host);
	return o;
}

char *
proto_reply_error(int64_t id, const struct proto_error *err)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*e = cJSON_AddObjectToObject(o, "error");

	cJSON_AddStringToObject(e, "code", proto_code_name(err->code));
	cJSON_AddStringToObject(e, "message", err->message);
	if (err->field[0] != '\0')
		cJSON_AddStringToObject(e, "field", err->field);
	return pj_line(o);
}

char *
proto_reply_ping(int64_t id, const struct proto_ping *p)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");

	pj_add_int(r, "pid", p->pid);
	cJSON_AddStringToObject(r, "version", p->version);
	pj_add_int(r, "proto", p->proto);
	pj_add_int(r, "jobs", p->jobs);
	return pj_line(o);
}

char *
proto_reply_job(int64_t id, const struct proto_job *j)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");

	cJSON_AddItemToObject(r, "job", pj_job_object(j));
	return pj_line(o);
}

struct proto_jobs_reply *
proto_jobs_reply_new(void)
{
	struct proto_jobs_reply	*b = xcalloc(1, sizeof *b);

	b->jobs = cJSON_CreateArray();
	b->errors = cJSON_CreateArray();
	return b;
}

void
proto_jobs_reply_add(struct proto_jobs_reply *b, const struct proto_job *j)
{
	cJSON_AddItemToArray(b->jobs, pj_job_object(j));
	b->count++;
}

cJSON *
pj_label_error_object(const char *label, enum proto_code code,
    const char *message)
{
	cJSON	*e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "label", label);
	cJSON_AddStringToObject(e, "code", proto_code_name(code));
	cJSON_AddStringToObject(e, "message", message);
	return e;
}

void
proto_jobs_reply_add_error(struct proto_jobs_reply *b, const char *label,
    enum proto_code code, const char *message)
{
	cJSON_AddItemToArray(b->errors, pj_label_error_object(label, code,
	    message));
}

size_t
proto_jobs_reply_count(const struct proto_jobs_reply *b)
{
	return b->count;
}

char *
proto_jobs_reply_finish(struct proto_jobs_reply *b, int64_t id)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");

	cJSON_AddItemToObject(r, "jobs", b->jobs);
	cJSON_AddItemToObject(r, "errors", b->errors);
	free(b);
	return pj_line(o);
}

void
proto_jobs_reply_free(struct proto_jobs_reply *b)
{
	if (b == NULL)
		return;
	cJSON_Delete(b->jobs);
	cJSON_Delete(b->errors);
	free(b);
}

char *
proto_jobs_json(const struct proto_job *jobs, size_t n, int pretty)
{
	cJSON	*a = cJSON_CreateArray();
	char	*s, *out;

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, pj_job_object(&jobs[i]));
	if (!pretty)
		return pj_line(a);
	s = cJSON_Print(a);
	cJSON_Delete(a);
	if (s == NULL)
		abort();
	xasprintf(&out, "%s\n", s);
	cJSON_free(s);
	return out;
}

int
proto_jobs_decode(const char *text, size_t len, struct proto_job **jobs,
    size_t *n, struct proto_error *err)
{
	cJSON		*a;
	const cJSON	*e;

	*jobs = NULL;
	*n = 0;
	if ((a = pj_parse_any(text, len, err)) == NULL)
		return -1;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "not a JSON array of jobs");
		return -1;
	}
	*jobs = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof **jobs);
	cJSON_ArrayForEach(e, a) {
		if (pj_job_decode(e, &(*jobs)[*n], err) == -1) {
			for (size_t i = 0; i < *n; i++)
				proto_job_free(&(*jobs)[i]);
			free(*jobs);
			*jobs = NULL;
			*n = 0;
			cJSON_Delete(a);
			return -1;
		}
		(*n)++;
	}
	cJSON_Delete(a);
	return 0;
}

void
proto_job_free(struct proto_job *j)
{
	proto_submit_free(&j->spec);
	free(j->error);
	free(j->stdout_log);
	free(j->stderr_log);
	free(j->host);
	free(j->container);
	memset(j, 0, sizeof *j);
}

void
proto_reply_free(struct proto_reply *r)
{
	for (size_t i = 0; i < r->njobs; i++)
		proto_job_free(&r->jobs[i]);
	free(r->jobs);
	for (size_t i = 0; i < r->nerrors; i++) {
		free(r->errors[i].label);
		free(r->errors[i].message);
	}
	free(r->errors);
	free(r->ping.version);
	for (size_t i = 0; i < r->nsubs; i++)
		proto_sub_free(&r->subs[i]);
	free(r->subs);
	proto_wait_free(&r->wait);
	proto_wait_job_free(&r->progress.job);
	memset(r, 0, sizeof *r);
}

int
pj_time_decode(const cJSON *o, const char *name, int64_t *ms,
    struct proto_error *err)
{
	char	*s;

	*ms = 0;
	if (pj_string(o, name, 0, &s, err) == -1)
		return -1;
	if (s != NULL && proto_time_parse(s, ms) == -1) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: not an RFC 3339 UTC time", name);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

int
pj_job_decode(const cJSON *o, struct proto_job *j, struct proto_error *err)
{
	const cJSON	*logs;
	int		 state, sig = 0;
	int64_t		 n;
	char		*signame = NULL;

	memset(j, 0, sizeof *j);
	proto_submit_init(&j->spec);
	j->exit_code = -1;
	if (!cJSON_IsObject(o)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "job",
		    "job: must be an object");
		return -1;
	}
	if (pj_spec_decode(o, &j->spec, 1, err) == -1)
		return -1;
	if (pj_int(o, "id", 1, 0, INT64_MAX / 2, &j->id, err) == -1 ||
	    pj_enum(o, "state", proto_state_parse, &state, err) == -1 ||
	    pj_int(o, "pid", 0, 0, INT32_MAX, &j->pid, err) == -1 ||
	    pj_time_decode(o, "started_at", &j->started_ms, err) == -1 ||
	    pj_time_decode(o, "ready_at", &j->ready_ms, err) == -1 ||
	    pj_time_decode(o, "ended_at", &j->ended_ms, err) == -1 ||
	    pj_string(o, "signal", 0, &signame, err) == -1 ||
	    pj_string(o, "error", 0, &j->error, err) == -1)
		goto fail;
	j->kind = j->spec.kind;
	j->state = (enum proto_state)state;
	n = -1;
	if (pj_int(o, "exit_code", 0, 0, 255, &n, err) == -1)
		goto fail;
	j->exit_code = (int)n;
	n = 0;
	if (pj_int(o, "restarts", 0, 0, UINT32_MAX, &n, err) == -1)
		goto fail;
	j->restarts = (unsigned)n;
	if (signame != NULL && (sig = proto_signal_parse(signame)) <= 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "signal",
		    "signal: unknown signal \"%.32s\"", signame);
		goto fail;
	}
	j->signal = sig;
	logs = cJSON_GetObjectItemCaseSensitive(o, "logs");
	if (cJSON_IsObject(logs) &&
	    (pj_string(logs, "stdout", 0, &j->stdout_log, err) == -1 ||
	    pj_string(logs, "stderr", 0, &j->stderr_log, err) == -1))
		goto fail;
	if (pj_string(o, "host", 0, &j->host, err) == -1 ||
	    pj_string(o, "container", 0, &j->container, err) == -1 ||
	    pj_usage_decode(o, &j->usage, err) == -1)
		goto fail;
	free(signame);
	return 0;
fail:
	free(signame);
	proto_job_free(j);
	return -1;
}

static int
decode_jobs(const cJSON *r, struct proto_reply *rep, struct proto_error *err)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(r, "jobs");
	const cJSON	*e;
	size_t		 n;

	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "jobs",
		    "jobs: must be an array");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(a);
	rep->jobs = xcalloc(n ? n : 1, sizeof *rep->jobs);
	cJSON_ArrayForEach(e, a) {
		if (pj_job_decode(e, &rep->jobs[rep->njobs], err) == -1)
			return -1;
		rep->njobs++;
	}
	return pj_label_errors_decode(r, rep, err);
}

int
pj_label_errors_decode(const cJSON *r, struct proto_reply *rep,
    struct proto_error *err)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(r, "errors");
	const cJSON	*e;
	size_t		 n;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "errors",
		    "errors: must be an array");
		return -1;
	}
	n = (size_t)cJSON_GetArraySize(a);
	rep->errors = xcalloc(n ? n : 1, sizeof *rep->errors);
	cJSON_ArrayForEach(e, a) {
		struct proto_label_error *le = &rep->errors[rep->nerrors];
		int code;
		if (!cJSON_IsObject(e) ||
		    pj_string(e, "label", 1, &le->label, err) == -1 ||
		    pj_string(e, "message", 1, &le->message, err) == -1 ||
		    pj_enum(e, "code", proto_code_parse, &code, err) == -1) {
			if (err->code == PROTO_OK)
				proto_error_set(err, PROTO_E_INVALID_DATA,
				    "errors", "errors: must hold objects");
			free(le->label);
			free(le->message);
			return -1;
		}
		le->code = (enum proto_code)code;
		rep->nerrors++;
	}
	return 0;
}

static int
decode_error(const cJSON *e, struct proto_reply *rep, struct proto_error *err)
{
	char	*code = NULL, *message = NULL, *field = NULL;
	int	 c, rc = -1;

	if (!cJSON_IsObject(e)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "error",
		    "error: must be an object");
		return -1;
	}
	if (pj_string(e, "code", 1, &code, err) == -1 ||
	    pj_string(e, "message", 1, &message, err) == -1 ||
	    pj_string(e, "field", 0, &field, err) == -1)
		goto out;
	/* A code this client does not know is still an error: keep it. */
	c = proto_code_parse(code);
	rep->is_error = 1;
	proto_error_set(&rep->error, c > 0 ? (enum proto_code)c :
	    PROTO_E_INTERNAL, field, "%s", message);
	rc = 0;
out:
	free(code);
	free(message);
	free(field);
	return rc;
}

int
proto_reply_decode(const char *line, size_t len, enum proto_op op,
    struct proto_reply *rep, struct proto_error *err)
{
	cJSON		*o;
	const cJSON	*m, *r;
	int64_t		 v;
	int		 rc = -1;

	memset(rep, 0, sizeof *rep);
	memset(err, 0, sizeof *err);
	rep->id = -1;
	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;
	if (pj_int(o, "v", 1, 0, INT32_MAX, &v, err) == -1)
		goto out;
	if (v != PROTO_VERSION) {
		proto_error_set(err, PROTO_E_UNSUPPORTED_VERSION, "v",
		    "v: the daemon speaks protocol %lld, this client %d",
		    (long long)v, PROTO_VERSION);
		goto out;
	}
	m = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (m != NULL && pj_is_int(m, 0, PROTO_ID_MAX))
		rep->id = (int64_t)m->valuedouble;
	else if (m == NULL || !cJSON_IsNull(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "id",
		    "id: must be an integer or null");
		goto out;
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(o, "progress")) != NULL &&
	    op == PROTO_OP_WAIT) {
		/* Strict: a progress line has nothing else to say. */
		if (cJSON_GetObjectItemCaseSensitive(o, "result") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(o, "error") != NULL) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "progress",
			    "progress: not allowed with a result or an error");
			goto out;
		}
		if (rep->id == -1) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "id",
			    "id: a progress line must have the request's id");
			goto out;
		}
		if (pj_wait_progress_decode(m, &rep->progress, err) == -1)
			goto out;
		rep->is_progress = 1;
		rc = 0;
		goto out;
	}
	if ((m = cJSON_GetObjectItemCaseSensitive(o, "error")) != NULL) {
		rc = decode_error(m, rep, err);
		goto out;
	}
	r = cJSON_GetObjectItemCaseSensitive(o, "result");
	if (!cJSON_IsObject(r)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "result",
		    "result: missing, or not an object");
		goto out;
	}
	switch (op) {
	case PROTO_OP_STATS:
		if (pj_stats_decode(r, &rep->stats, err) == -1)
			goto out;
		break;
	case PROTO_OP_PING:
		if (pj_int(r, "pid", 1, 1, INT32_MAX, &rep->ping.pid, err)
		    == -1 ||
		    pj_string(r, "version", 1, &rep->ping.version, err) == -1 ||
		    pj_int(r, "proto", 1, 0, INT32_MAX, &v, err) == -1 ||
		    pj_int(r, "jobs", 1, 0, INT64_MAX / 2, &rep->ping.jobs,
		    err) == -1)
			goto out;
		rep->ping.proto = (int)v;
		break;
	case PROTO_OP_SUBMIT:
	case PROTO_OP_STATUS:
		rep->jobs = xcalloc(1, sizeof *rep->jobs);
		if (pj_job_decode(cJSON_GetObjectItemCaseSensitive(r, "job"),
		    rep->jobs, err) == -1)
			goto out;
		rep->njobs = 1;
		break;
	case PROTO_OP_SUBSCRIBE:
	case PROTO_OP_UNSUBSCRIBE:
	case PROTO_OP_SUBSCRIPTIONS:
	case PROTO_OP_EVENTS:
		if (pj_subs_reply_decode(r, op, rep, err) == -1)
			goto out;
		break;
	case PROTO_OP_WAIT:
		if (pj_wait_decode(r, &rep->wait, err) == -1 ||
		    pj_label_errors_decode(r, rep, err) == -1)
			goto out;
		break;
	default:
		if (decode_jobs(r, rep, err) == -1)
			goto out;
		break;
	}
	rc = 0;
out:
	cJSON_Delete(o);
	if (rc == -1)
		proto_reply_free(rep);
	return rc;
}
