/*
 * The on-disk records (see proto.h): the daemon's jobs/ID.json and the
 * shim's jobs/ID.status.  Both are written whole and renamed into place,
 * so a reader sees the old or the new version; a file that does not
 * decode is reported by the reader and skipped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

static int
state_version(const cJSON *o, struct proto_error *err)
{
	int64_t	v;

	if (pj_int(o, "v", 1, 0, INT32_MAX, &v, err) == -1)
		return -1;
	if (v != PROTO_STATE_VERSION) {
		proto_error_set(err, PROTO_E_UNSUPPORTED_VERSION, "v",
		    "v: state format %lld is not supported (this is %d)",
		    (long long)v, PROTO_STATE_VERSION);
		return -1;
	}
	return 0;
}

static void
copy_string(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

char *
proto_record_encode(const struct proto_record *st)
{
	cJSON	*o = pj_job_object(&st->job);
	cJSON	*shim;

	pj_add_int(o, "v", PROTO_STATE_VERSION);
	shim = cJSON_AddObjectToObject(o, "shim");
	pj_add_int(shim, "pid", st->shim.pid);
	cJSON_AddStringToObject(shim, "sock", st->shim.sock);
	cJSON_AddStringToObject(shim, "boot_id", st->shim.boot_id);
	cJSON_AddBoolToObject(o, "user_stopped", st->user_stopped);
	pj_add_int(o, "backoff", st->backoff);
	if (st->fresh)
		cJSON_AddBoolToObject(o, "fresh", 1);
	if (st->exec.n > 0)
		cJSON_AddItemToObject(o, "exec", pj_strv_array(&st->exec));
	if (st->qmp != NULL)
		cJSON_AddStringToObject(o, "qmp", st->qmp);
	return pj_line(o);
}

int
proto_record_decode(const char *text, size_t len, struct proto_record *st,
    struct proto_error *err)
{
	cJSON		*o;
	const cJSON	*shim, *m;
	char		*s;
	int64_t		 n;
	int		 rc = -1;

	memset(st, 0, sizeof *st);
	memset(err, 0, sizeof *err);
	if ((o = pj_parse(text, len, err)) == NULL)
		return -1;
	if (state_version(o, err) == -1 ||
	    pj_job_decode(o, &st->job, err) == -1)
		goto out;
	shim = cJSON_GetObjectItemCaseSensitive(o, "shim");
	if (!cJSON_IsObject(shim)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "shim",
		    "shim: missing or not an object");
		goto fail;
	}
	if (pj_int(shim, "pid", 1, 0, INT32_MAX, &st->shim.pid, err) == -1)
		goto fail;
	if (pj_string(shim, "sock", 1, &s, err) == -1)
		goto fail;
	copy_string(st->shim.sock, sizeof st->shim.sock, s);
	free(s);
	if (pj_string(shim, "boot_id", 1, &s, err) == -1)
		goto fail;
	copy_string(st->shim.boot_id, sizeof st->shim.boot_id, s);
	free(s);
	m = cJSON_GetObjectItemCaseSensitive(o, "user_stopped");
	st->user_stopped = cJSON_IsTrue(m);
	st->fresh = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "fresh"));
	n = 0;
	if (pj_int(o, "backoff", 0, 0, 64, &n, err) == -1)
		goto fail;
	st->backoff = (int)n;
	if (pj_strv(o, "exec", 0, &st->exec, err) == -1 ||
	    pj_string(o, "qmp", 0, &st->qmp, err) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	proto_record_free(st);
out:
	cJSON_Delete(o);
	return rc;
}

char *
proto_forget_encode(int64_t id)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "v", PROTO_STATE_VERSION);
	pj_add_int(o, "forget", id);
	return pj_line(o);
}

int
proto_journal_line_decode(const char *text, size_t len,
    struct proto_record *st, int64_t *forget, struct proto_error *err)
{
	cJSON	*o;
	int	 rc = -1;

	*forget = 0;
	memset(st, 0, sizeof *st);
	memset(err, 0, sizeof *err);
	if ((o = pj_parse(text, len, err)) == NULL)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "forget") == NULL) {
		cJSON_Delete(o);
		return proto_record_decode(text, len, st, err);
	}
	if (state_version(o, err) == -1 ||
	    pj_int(o, "forget", 1, 1, INT64_MAX, forget, err) == -1)
		goto out;
	if (cJSON_GetArraySize(o) != 2) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "forget",
		    "forget: a line with other members");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}

void
proto_record_free(struct proto_record *st)
{
	proto_job_free(&st->job);
	proto_strv_free(&st->exec);
	free(st->qmp);
	st->qmp = NULL;
}

static void
add_time(cJSON *o, const char *name, int64_t ms)
{
	char	t[40];

	proto_time_format(ms, t, sizeof t);
	pj_add_string_or_null(o, name, ms > 0 ? t : NULL);
}

char *
proto_shim_status_encode(const struct proto_shim_status *st)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "v", PROTO_STATE_VERSION);
	pj_add_int(o, "shim_pid", st->shim_pid);
	pj_add_int(o, "pid", st->pid);
	add_time(o, "started_at", st->started_ms);
	add_time(o, "ready_at", st->ready_ms);
	add_time(o, "ended_at", st->ended_ms);
	if (st->wstatus >= 0)
		pj_add_int(o, "wstatus", st->wstatus);
	else
		cJSON_AddNullToObject(o, "wstatus");
	cJSON_AddBoolToObject(o, "stopping", st->stopping);
	pj_add_string_or_null(o, "error", st->error);
	return pj_line(o);
}

int
proto_shim_status_decode(const char *text, size_t len,
    struct proto_shim_status *st, struct proto_error *err)
{
	cJSON	*o;
	int64_t	 n = -1;
	int	 rc = -1;

	memset(st, 0, sizeof *st);
	st->wstatus = -1;
	memset(err, 0, sizeof *err);
	if ((o = pj_parse(text, len, err)) == NULL)
		return -1;
	if (state_version(o, err) == -1 ||
	    pj_int(o, "shim_pid", 1, 0, INT32_MAX, &st->shim_pid, err) == -1 ||
	    pj_int(o, "pid", 1, 0, INT32_MAX, &st->pid, err) == -1 ||
	    pj_time_decode(o, "started_at", &st->started_ms, err) == -1 ||
	    pj_time_decode(o, "ready_at", &st->ready_ms, err) == -1 ||
	    pj_time_decode(o, "ended_at", &st->ended_ms, err) == -1 ||
	    pj_int(o, "wstatus", 0, 0, 0xffff, &n, err) == -1 ||
	    pj_string(o, "error", 0, &st->error, err) == -1)
		goto out;
	st->wstatus = (int)n;
	st->stopping = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "stopping"));
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}
