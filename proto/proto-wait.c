/*
 * wait: the reply (WAIT), its progress lines, and `launch wait`'s
 * summary.  See proto.h for the messages.
 *
 * Decoding is strict, as for every reply: the members this client knows
 * must have their types, labels must be labels, a progress line's counts
 * must make sense (1 <= ended <= total) and a job it calls succeeded
 * must have exited 0; "left" is not empty only when "timed_out" is true.
 * Unknown members are ignored, as in proto-reply.c.
 *
 * The summary is for people and scripts alike: one JSON object indented
 * by two spaces, its members in a fixed order (succeeded, failed,
 * elapsed_s, then timeout and unknown when there are any), objects down
 * two levels and arrays of objects one element per line, everything
 * deeper on one line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "human.h"
#include "proto-json.h"
#include "xmalloc.h"

void
proto_wait_job_set(struct proto_wait_job *j, const char *label,
    enum proto_state state, int exit_code, int sig, const char *error)
{
	memset(j, 0, sizeof *j);
	j->label = xstrdup(label);
	j->state = state;
	j->exit_code = exit_code;
	j->signal = sig;
	j->error = error != NULL ? xstrdup(error) : NULL;
}

void
proto_wait_job_free(struct proto_wait_job *j)
{
	free(j->label);
	free(j->error);
	free(j->host);
	memset(j, 0, sizeof *j);
}

static void
wait_jobs_free(struct proto_wait_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		proto_wait_job_free(&v[i]);
	free(v);
}

void
proto_wait_free(struct proto_wait *w)
{
	wait_jobs_free(w->succeeded, w->nsucceeded);
	wait_jobs_free(w->failed, w->nfailed);
	wait_jobs_free(w->left, w->nleft);
	memset(w, 0, sizeof *w);
}

/* ---- encoding ---- */

static void
wait_job_add_members(cJSON *o, const struct proto_wait_job *j)
{
	cJSON_AddStringToObject(o, "label", j->label);
	cJSON_AddStringToObject(o, "state", proto_state_name(j->state));
	pj_add_exit(o, j->exit_code, j->signal);
	pj_add_string_or_null(o, "error", j->error);
}

static cJSON *
wait_labels(const struct proto_wait_job *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i].label));
	return a;
}

char *
proto_reply_wait(int64_t id, const struct proto_wait *w,
    const struct proto_label_error *errors, size_t n)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*r = cJSON_AddObjectToObject(o, "result");
	cJSON	*a;

	cJSON_AddItemToObject(r, "succeeded", wait_labels(w->succeeded,
	    w->nsucceeded));
	a = cJSON_AddArrayToObject(r, "failed");
	for (size_t i = 0; i < w->nfailed; i++) {
		cJSON *f = cJSON_CreateObject();
		wait_job_add_members(f, &w->failed[i]);
		cJSON_AddItemToArray(a, f);
	}
	cJSON_AddItemToObject(r, "left", wait_labels(w->left, w->nleft));
	cJSON_AddBoolToObject(r, "timed_out", w->timed_out);
	pj_add_int(r, "elapsed_ms", w->elapsed_ms);
	a = cJSON_AddArrayToObject(r, "errors");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, pj_label_error_object(errors[i].label,
		    errors[i].code, errors[i].message));
	return pj_line(o);
}

char *
proto_wait_progress_line(int64_t id, const struct proto_wait_progress *p)
{
	cJSON	*o = pj_envelope(id);
	cJSON	*m = cJSON_AddObjectToObject(o, "progress");

	wait_job_add_members(m, &p->job);
	cJSON_AddBoolToObject(m, "succeeded", p->succeeded);
	pj_add_int(m, "ended", p->ended);
	pj_add_int(m, "total", p->total);
	return pj_line(o);
}

/* ---- decoding ---- */

static int
wait_label_decode(const cJSON *e, const char *field, char **out,
    struct proto_error *err)
{
	char	why[128];

	if (!cJSON_IsString(e)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, field,
		    "%s: must be a label", field);
		return -1;
	}
	if (!proto_label_valid(e->valuestring, why, sizeof why)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, field, "%s: %s",
		    field, why);
		return -1;
	}
	*out = xstrdup(e->valuestring);
	return 0;
}

/* WAIT_JOB's members of o into j; field names o for messages. */
static int
wait_job_decode(const cJSON *o, const char *field, struct proto_wait_job *j,
    struct proto_error *err)
{
	char	*signame = NULL;
	int64_t	 n = -1;
	int	 state;

	memset(j, 0, sizeof *j);
	j->exit_code = -1;
	if (!cJSON_IsObject(o)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, field,
		    "%s: must be an object", field);
		return -1;
	}
	if (wait_label_decode(cJSON_GetObjectItemCaseSensitive(o, "label"),
	    "label", &j->label, err) == -1 ||
	    pj_enum(o, "state", proto_state_parse, &state, err) == -1 ||
	    pj_int(o, "exit_code", 0, 0, 255, &n, err) == -1 ||
	    pj_string(o, "signal", 0, &signame, err) == -1 ||
	    pj_string(o, "error", 0, &j->error, err) == -1)
		goto fail;
	j->state = (enum proto_state)state;
	j->exit_code = (int)n;
	if (signame != NULL && (strncmp(signame, "SIG", 3) != 0 ||
	    (j->signal = proto_signal_parse(signame)) <= 0)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "signal",
		    "signal: unknown signal \"%.32s\"", signame);
		goto fail;
	}
	free(signame);
	return 0;
fail:
	free(signame);
	proto_wait_job_free(j);
	return -1;
}

/* A required boolean (pj_bool's are optional). */
static int
wait_bool(const cJSON *o, const char *name, int *out,
    struct proto_error *err)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, name);

	if (m == NULL || cJSON_IsNull(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: missing required field", name);
		return -1;
	}
	return pj_bool(o, name, out, err);
}

/* The array name of r: labels (objects is 0) or WAIT_JOBs. */
static int
wait_list_decode(const cJSON *r, const char *name, int objects,
    struct proto_wait_job **out, size_t *nout, struct proto_error *err)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(r, name);
	const cJSON	*e;
	char		 field[64];
	int		 rc;

	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be an array", name);
		return -1;
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof **out);
	cJSON_ArrayForEach(e, a) {
		struct proto_wait_job *j = &(*out)[*nout];
		snprintf(field, sizeof field, "%s[%zu]", name, *nout);
		if (objects)
			rc = wait_job_decode(e, field, j, err);
		else {
			memset(j, 0, sizeof *j);
			j->exit_code = -1;
			rc = wait_label_decode(e, field, &j->label, err);
		}
		if (rc == -1)
			return -1;
		(*nout)++;
	}
	return 0;
}

int
pj_wait_decode(const cJSON *r, struct proto_wait *w, struct proto_error *err)
{
	memset(w, 0, sizeof *w);
	if (wait_list_decode(r, "succeeded", 0, &w->succeeded, &w->nsucceeded,
	    err) == -1 ||
	    wait_list_decode(r, "failed", 1, &w->failed, &w->nfailed,
	    err) == -1 ||
	    wait_list_decode(r, "left", 0, &w->left, &w->nleft, err) == -1 ||
	    wait_bool(r, "timed_out", &w->timed_out, err) == -1 ||
	    pj_int(r, "elapsed_ms", 1, 0, INT64_MAX / 2, &w->elapsed_ms,
	    err) == -1)
		return -1;
	if (!w->timed_out && w->nleft > 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "left",
		    "left: jobs left without a timeout");
		return -1;
	}
	return 0;
}

int
pj_wait_progress_decode(const cJSON *m, struct proto_wait_progress *p,
    struct proto_error *err)
{
	memset(p, 0, sizeof *p);
	if (wait_job_decode(m, "progress", &p->job, err) == -1)
		return -1;
	if (wait_bool(m, "succeeded", &p->succeeded, err) == -1 ||
	    pj_int(m, "total", 1, 1, INT64_MAX / 2, &p->total, err) == -1 ||
	    pj_int(m, "ended", 1, 1, p->total, &p->ended, err) == -1)
		return -1;
	if (p->succeeded && (p->job.state != PROTO_STATE_EXITED ||
	    p->job.exit_code != 0 || p->job.error != NULL)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "succeeded",
		    "succeeded: true for a job that did not exit 0");
		return -1;
	}
	return 0;
}

/* ---- for people ---- */

void
proto_wait_job_outcome(const struct proto_wait_job *j, char *buf,
    size_t len)
{
	const char	*sep = j->error != NULL ? "; " : "";

	if (j->signal > 0)
		snprintf(buf, len, "%s%s%s", proto_signal_name(j->signal), sep,
		    j->error != NULL ? j->error : "");
	else if (j->exit_code >= 0)
		snprintf(buf, len, "exit %d%s%s", j->exit_code, sep,
		    j->error != NULL ? j->error : "");
	else if (j->error != NULL)
		snprintf(buf, len, "%s", j->error);
	else
		snprintf(buf, len, "%s", proto_state_name(j->state));
}

void
proto_wait_timeout_message(const struct proto_wait *w, char *buf, size_t len)
{
	char	at[24];

	/* Seconds with a decimal for a short wait; "1h05m" for a long
	 * one, where the seconds would be hard to read. */
	if (w->elapsed_ms < 60000)
		snprintf(at, sizeof at, "%.1f s", (double)w->elapsed_ms / 1000.);
	else
		human_duration(w->elapsed_ms, at, sizeof at);
	snprintf(buf, len, "Timeout reached at %s with %zu job%s left", at,
	    w->nleft, w->nleft == 1 ? "" : "s");
}

/* The labels of v as strings, or as {"host", "label"} when tagged. */
static cJSON *
summary_labels(const struct proto_wait_job *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray(), *e;

	for (size_t i = 0; i < n; i++) {
		if (v[i].host == NULL) {
			cJSON_AddItemToArray(a, cJSON_CreateString(v[i].label));
			continue;
		}
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "host", v[i].host);
		cJSON_AddStringToObject(e, "label", v[i].label);
		cJSON_AddItemToArray(a, e);
	}
	return a;
}

static cJSON *
summary_group(cJSON *o, const char *name, const struct proto_wait_job *v,
    size_t n)
{
	cJSON	*g = cJSON_AddObjectToObject(o, name);

	pj_add_int(g, "count", (int64_t)n);
	cJSON_AddItemToObject(g, "labels", summary_labels(v, n));
	return g;
}

static void
summary_scalar(FILE *f, const cJSON *v)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		abort();
	fputs(s, f);
	cJSON_free(s);
}

static int
summary_has_containers(const cJSON *v)
{
	const cJSON	*c;

	cJSON_ArrayForEach(c, v)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			return 1;
	return 0;
}

static void
summary_print(FILE *f, const cJSON *v, int depth)
{
	const cJSON	*c;
	cJSON		*key;
	int		 obj = cJSON_IsObject(v), expand;

	if (!obj && !cJSON_IsArray(v)) {
		summary_scalar(f, v);
		return;
	}
	expand = v->child != NULL && ((obj && depth < 2) ||
	    (!obj && depth < 3 && summary_has_containers(v)));
	fputc(obj ? '{' : '[', f);
	for (c = v->child; c != NULL; c = c->next) {
		if (expand)
			fprintf(f, "\n%*s", 2 * (depth + 1), "");
		if (obj) {
			key = cJSON_CreateString(c->string);
			summary_scalar(f, key);
			cJSON_Delete(key);
			fputs(": ", f);
		}
		summary_print(f, c, depth + 1);
		if (c->next != NULL)
			fputs(expand ? "," : ", ", f);
	}
	if (expand)
		fprintf(f, "\n%*s", 2 * depth, "");
	fputc(obj ? '}' : ']', f);
}

char *
proto_wait_summary(const struct proto_wait *w,
    const struct proto_wait_job *unknown, size_t nunknown)
{
	cJSON	*o = cJSON_CreateObject(), *g, *a;
	char	*text = NULL, num[32], msg[128];
	size_t	 len = 0;
	FILE	*f;

	summary_group(o, "succeeded", w->succeeded, w->nsucceeded);
	g = summary_group(o, "failed", w->failed, w->nfailed);
	a = cJSON_AddArrayToObject(g, "jobs");
	for (size_t i = 0; i < w->nfailed; i++) {
		cJSON *j = cJSON_CreateObject();
		if (w->failed[i].host != NULL)
			cJSON_AddStringToObject(j, "host", w->failed[i].host);
		wait_job_add_members(j, &w->failed[i]);
		cJSON_AddItemToArray(a, j);
	}
	snprintf(num, sizeof num, "%.1f", (double)w->elapsed_ms / 1000.);
	cJSON_AddRawToObject(o, "elapsed_s", num);
	if (w->timed_out) {
		proto_wait_timeout_message(w, msg, sizeof msg);
		g = cJSON_AddObjectToObject(o, "timeout");
		cJSON_AddStringToObject(g, "message", msg);
		pj_add_int(g, "count", (int64_t)w->nleft);
		cJSON_AddItemToObject(g, "labels", summary_labels(w->left,
		    w->nleft));
	}
	if (nunknown > 0)
		summary_group(o, "unknown", unknown, nunknown);
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	summary_print(f, o, 0);
	fputc('\n', f);
	if (fclose(f) != 0)
		abort();
	cJSON_Delete(o);
	return text;
}
