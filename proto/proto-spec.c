/*
 * SPEC: a job's definition, shared by submit requests, job views, job
 * files and the daemon's state files.  Encoding adds the members to an
 * object; decoding reads them and validates each value.  Which other
 * members may stand beside them is the caller's business.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

const char *const pj_spec_members[] = { "label", "argv", "env", "cwd",
    "path", "stdout", "stderr", "restart", "max_restarts", "ready_fd",
    "umask", "rlimits", "kind", "qemu", "docker", NULL };

void
proto_submit_init(struct proto_submit *s)
{
	memset(s, 0, sizeof *s);
	s->restart = PROTO_RESTART_NO;
	s->max_restarts = -1;
	s->umask = -1;
}

static char *
strdup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
proto_submit_free(struct proto_submit *s)
{
	free(s->label);
	proto_strv_free(&s->argv);
	proto_strv_free(&s->env);
	free(s->cwd);
	free(s->path);
	free(s->stdout_path);
	free(s->stderr_path);
	free(s->rlimits);
	pj_kind_free(s);
	proto_submit_init(s);
}

void
proto_submit_copy(struct proto_submit *dst, const struct proto_submit *src)
{
	*dst = *src;
	dst->label = strdup_or_null(src->label);
	proto_strv_copy(&dst->argv, &src->argv);
	proto_strv_copy(&dst->env, &src->env);
	dst->cwd = strdup_or_null(src->cwd);
	dst->path = strdup_or_null(src->path);
	dst->stdout_path = strdup_or_null(src->stdout_path);
	dst->stderr_path = strdup_or_null(src->stderr_path);
	dst->rlimits = NULL;
	if (src->nrlimits > 0) {
		dst->rlimits = xreallocarray(NULL, src->nrlimits,
		    sizeof *dst->rlimits);
		memcpy(dst->rlimits, src->rlimits,
		    src->nrlimits * sizeof *dst->rlimits);
	}
	pj_kind_copy(dst, src);
}

void
proto_submit_set_rlimit(struct proto_submit *s, int resource, int64_t soft,
    int64_t hard)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		if (s->rlimits[i].resource == resource) {
			s->rlimits[i].soft = soft;
			s->rlimits[i].hard = hard;
			return;
		}
	}
	s->rlimits = xreallocarray(s->rlimits, s->nrlimits + 1,
	    sizeof *s->rlimits);
	s->rlimits[s->nrlimits].resource = resource;
	s->rlimits[s->nrlimits].soft = soft;
	s->rlimits[s->nrlimits].hard = hard;
	s->nrlimits++;
}

void
pj_spec_add(cJSON *o, const struct proto_submit *s, int with_nulls)
{
	cJSON	*r;

	cJSON_AddStringToObject(o, "label", s->label);
	pj_kind_add(o, s, with_nulls);
	cJSON_AddItemToObject(o, "argv", pj_strv_array(&s->argv));
	if (s->env.n > 0 || with_nulls)
		cJSON_AddItemToObject(o, "env", pj_env_object(&s->env));
#define OPT_STRING(name, v) do {					\
	if ((v) != NULL)						\
		cJSON_AddStringToObject(o, (name), (v));		\
	else if (with_nulls)						\
		cJSON_AddNullToObject(o, (name));			\
} while (0)
	OPT_STRING("cwd", s->cwd);
	OPT_STRING("path", s->path);
	OPT_STRING("stdout", s->stdout_path);
	OPT_STRING("stderr", s->stderr_path);
#undef OPT_STRING
	if (s->restart != PROTO_RESTART_NO || with_nulls)
		cJSON_AddStringToObject(o, "restart",
		    proto_restart_name(s->restart));
	if (s->max_restarts != -1 || with_nulls)
		pj_add_int(o, "max_restarts", s->max_restarts);
	if (s->ready_fd > 0)
		pj_add_int(o, "ready_fd", s->ready_fd);
	else if (with_nulls)
		cJSON_AddNullToObject(o, "ready_fd");
	if (s->umask >= 0)
		pj_add_int(o, "umask", s->umask);
	else if (with_nulls)
		cJSON_AddNullToObject(o, "umask");
	if (s->nrlimits > 0 || with_nulls) {
		r = cJSON_AddObjectToObject(o, "rlimits");
		for (size_t i = 0; i < s->nrlimits; i++) {
			cJSON *pair = cJSON_CreateArray();
			cJSON_AddItemToArray(pair,
			    pj_int_item(s->rlimits[i].soft));
			cJSON_AddItemToArray(pair,
			    pj_int_item(s->rlimits[i].hard));
			cJSON_AddItemToObject(r,
			    proto_rlimit_name(s->rlimits[i].resource), pair);
		}
	}
}

static int
check_label(const char *field, const char *label, int known,
    struct proto_error *err)
{
	char	why[128];

	if (!(known ? proto_label_known_valid(label, why, sizeof why) :
	    proto_label_valid(label, why, sizeof why))) {
		proto_error_set(err, PROTO_E_INVALID_DATA, field, "%s: %s",
		    field, why);
		return -1;
	}
	return 0;
}

int
pj_check_label(const char *field, const char *label, struct proto_error *err)
{
	return check_label(field, label, 0, err);
}

int
pj_check_length(const char *field, const char *s, size_t max,
    struct proto_error *err)
{
	size_t	n;

	if (s != NULL && (n = strlen(s)) > max) {
		proto_error_set(err, PROTO_E_INVALID_DATA, field,
		    "%s: %zu bytes, at most %zu", field, n, max);
		return -1;
	}
	return 0;
}

int
pj_check_abs_path(const char *field, const char *path, struct proto_error *err)
{
	if (path != NULL && path[0] != '/') {
		proto_error_set(err, PROTO_E_INVALID_DATA, field,
		    "%s: must be an absolute path", field);
		return -1;
	}
	return pj_check_length(field, path, PROTO_PATH_LEN_MAX, err);
}

static int
decode_rlimits(const cJSON *o, struct proto_submit *s, struct proto_error *err)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, "rlimits");
	const cJSON	*e, *v;
	char		 f[64];
	int		 res;
	int64_t		 lim[2];

	if (m == NULL || cJSON_IsNull(m))
		return 0;
	if (!cJSON_IsObject(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "rlimits",
		    "rlimits: must be an object of [soft, hard] pairs");
		return -1;
	}
	cJSON_ArrayForEach(e, m) {
		snprintf(f, sizeof f, "rlimits.%.32s", e->string);
		for (const cJSON *o2 = m->child; o2 != e; o2 = o2->next) {
			if (strcmp(o2->string, e->string) == 0) {
				proto_error_set(err, PROTO_E_INVALID_DATA, f,
				    "%s: duplicate resource", f);
				return -1;
			}
		}
		if ((res = proto_rlimit_parse(e->string)) < 0) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: unknown resource (known: as core cpu data "
			    "fsize locks memlock msgqueue nice nofile nproc "
			    "rss rtprio stack)", f);
			return -1;
		}
		if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 2)
			goto bad;
		for (int i = 0; i < 2; i++) {
			v = cJSON_GetArrayItem(e, i);
			if (!pj_is_int(v, -1, INT64_MAX / 2))
				goto bad;
			lim[i] = (int64_t)v->valuedouble;
		}
		if (lim[1] != -1 && (lim[0] == -1 || lim[0] > lim[1])) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: the soft limit exceeds the hard limit", f);
			return -1;
		}
		proto_submit_set_rlimit(s, res, lim[0], lim[1]);
	}
	return 0;
bad:
	proto_error_set(err, PROTO_E_INVALID_DATA, f,
	    "%s: must be [soft, hard], integers >= 0 or -1 (unlimited)", f);
	return -1;
}

int
pj_spec_decode(const cJSON *o, struct proto_submit *s, int known,
    struct proto_error *err)
{
	char	*restart = NULL;
	int64_t	 n;
	int	 r;

	proto_submit_init(s);
	if (pj_string(o, "label", 1, &s->label, err) == -1 ||
	    check_label("label", s->label, known, err) == -1 ||
	    pj_strv_max(o, "argv", 0, PROTO_ARGV_MAX, PROTO_ARG_LEN_MAX,
	    &s->argv, err) == -1 ||
	    pj_env(o, "env", &s->env, err) == -1 ||
	    pj_string(o, "cwd", 0, &s->cwd, err) == -1 ||
	    pj_check_abs_path("cwd", s->cwd, err) == -1 ||
	    pj_string(o, "path", 0, &s->path, err) == -1 ||
	    pj_check_length("path", s->path, PROTO_ARG_LEN_MAX, err) == -1 ||
	    pj_string(o, "stdout", 0, &s->stdout_path, err) == -1 ||
	    pj_check_abs_path("stdout", s->stdout_path, err) == -1 ||
	    pj_string(o, "stderr", 0, &s->stderr_path, err) == -1 ||
	    pj_check_abs_path("stderr", s->stderr_path, err) == -1 ||
	    pj_string(o, "restart", 0, &restart, err) == -1 ||
	    pj_int(o, "max_restarts", 0, -1, INT32_MAX, &s->max_restarts,
	    err) == -1)
		goto fail;
	if (pj_kind_decode(o, s, err) == -1)
		goto fail;
	if (s->kind == PROTO_KIND_PROCESS &&
	    cJSON_GetObjectItemCaseSensitive(o, "argv") == NULL) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "argv",
		    "argv: missing");
		goto fail;
	}
	if ((s->kind == PROTO_KIND_PROCESS && s->argv.n == 0) ||
	    (s->argv.n > 0 && s->argv.v[0][0] == '\0')) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "argv",
		    "argv: needs a non-empty command name in argv[0]");
		goto fail;
	}
	if (restart != NULL) {
		if ((r = proto_restart_parse(restart)) < 0) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "restart",
			    "restart: must be \"no\", \"on-failure\" or "
			    "\"always\"");
			goto fail;
		}
		s->restart = (enum proto_restart)r;
	}
	n = 0;
	if (pj_int(o, "ready_fd", 0, 3, 1023, &n, err) == -1)
		goto fail;
	s->ready_fd = (int)n;
	n = -1;
	if (pj_int(o, "umask", 0, 0, 0777, &n, err) == -1)
		goto fail;
	s->umask = (int)n;
	if (decode_rlimits(o, s, err) == -1)
		goto fail;
	free(restart);
	return 0;
fail:
	free(restart);
	proto_submit_free(s);
	return -1;
}
