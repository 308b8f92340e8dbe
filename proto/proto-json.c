#include "config.h"

#include <math.h>	/* isfinite, a macro: no libm */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "xmalloc.h"

/*
 * cJSON decodes "\u0000" into a NUL that silently cuts the string, so the
 * raw line is scanned first.  A backslash always starts an escape inside a
 * JSON string (and is invalid outside one), so skipping each escape's
 * second byte is enough to find every real \u0000.
 */
static int
pj_has_nul_escape(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;

	/* memchr to each backslash: a list reply is most of a megabyte. */
	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL &&
	    end - p > 1) {
		if (p[1] == 'u' && end - p > 5 && p[2] == '0' &&
		    p[3] == '0' && p[4] == '0' && p[5] == '0')
			return 1;
		p += 2;
	}
	return memchr(s, '\0', len) != NULL;
}

cJSON *
pj_parse_any(const char *line, size_t len, struct proto_error *err)
{
	const char	*end = NULL;
	cJSON		*obj;

	if (pj_has_nul_escape(line, len)) {
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "NUL characters (\\u0000) are not allowed");
		return NULL;
	}
	obj = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (obj == NULL) {
		end = cJSON_GetErrorPtr();
		size_t at = (end >= line && end <= line + len) ?
		    (size_t)(end - line) : 0;
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "not valid JSON (error near byte %zu)", at);
		return NULL;
	}
	while (end < line + len && strchr(" \t\r\n", *end) != NULL)
		end++;
	if (end != line + len) {
		cJSON_Delete(obj);
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "trailing bytes after the JSON value (at byte %zu)",
		    (size_t)(end - line));
		return NULL;
	}
	return obj;
}

cJSON *
pj_parse(const char *line, size_t len, struct proto_error *err)
{
	cJSON	*obj;

	if ((obj = pj_parse_any(line, len, err)) == NULL)
		return NULL;
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "a message must be a JSON object");
		return NULL;
	}
	return obj;
}

static int
pj_listed(const char *const *list, const char *name)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

int
pj_check_members(const cJSON *obj, const char *const *allowed,
    const char *const *also, const char *prefix, struct proto_error *err)
{
	const cJSON	*m, *o;

	cJSON_ArrayForEach(m, obj) {
		if (!pj_listed(allowed, m->string) &&
		    !pj_listed(also, m->string)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, m->string,
			    "%s%s: unknown field", prefix, m->string);
			return -1;
		}
		for (o = obj->child; o != m; o = o->next) {
			if (strcmp(o->string, m->string) == 0) {
				proto_error_set(err, PROTO_E_INVALID_DATA,
				    m->string, "%s%s: duplicate field",
				    prefix, m->string);
				return -1;
			}
		}
	}
	return 0;
}

/* Find a member: 1 present, 0 absent (or null) and optional, -1 error. */
static int
pj_member(const cJSON *obj, const char *name, int required, const cJSON **m,
    struct proto_error *err)
{
	*m = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (*m != NULL && (required || !cJSON_IsNull(*m)))
		return 1;
	if (!required)
		return 0;
	proto_error_set(err, PROTO_E_INVALID_DATA, name,
	    "%s: missing required field", name);
	return -1;
}

int
pj_bool(const cJSON *obj, const char *name, int *out,
    struct proto_error *err)
{
	const cJSON	*m;
	int		 rc;

	*out = 0;
	if ((rc = pj_member(obj, name, 0, &m, err)) <= 0)
		return rc;
	if (!cJSON_IsBool(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be true or false", name);
		return -1;
	}
	*out = cJSON_IsTrue(m);
	return 0;
}

int
pj_string(const cJSON *obj, const char *name, int required, char **out,
    struct proto_error *err)
{
	const cJSON	*m;
	int		 rc;

	*out = NULL;
	if ((rc = pj_member(obj, name, required, &m, err)) <= 0)
		return rc;
	if (!cJSON_IsString(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be a string", name);
		return -1;
	}
	*out = xstrdup(m->valuestring);
	return 0;
}

int
pj_is_int(const cJSON *m, int64_t min, int64_t max)
{
	double	d;

	if (!cJSON_IsNumber(m))
		return 0;
	d = m->valuedouble;
	/* Integral, and within int64_t, so that the cast is defined (no
	 * floor(): launch does not link libm, docs/design.md). */
	return isfinite(d) && d >= (double)min && d <= (double)max &&
	    d >= -0x1p63 && d < 0x1p63 && (double)(int64_t)d == d;
}

double
pj_round(double x)
{
	/* Half away from zero, as round(3), for |x| < 2^62: every figure
	 * rounded here is bounded far below (PROTO_FIGURE_MAX and the
	 * like). */
	if (!(x > -0x1p62 && x < 0x1p62))
		return x;
	return x < 0 ? -(double)(int64_t)(-x + 0.5) : (double)(int64_t)(x + 0.5);
}

int
pj_int(const cJSON *obj, const char *name, int required, int64_t min,
    int64_t max, int64_t *out, struct proto_error *err)
{
	const cJSON	*m;
	int		 rc;

	if ((rc = pj_member(obj, name, required, &m, err)) <= 0)
		return rc;
	if (!pj_is_int(m, min, max)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be an integer from %lld to %lld", name,
		    (long long)min, (long long)max);
		return -1;
	}
	*out = (int64_t)m->valuedouble;
	return 0;
}

int
pj_strv(const cJSON *obj, const char *name, int required,
    struct proto_strv *sv, struct proto_error *err)
{
	return pj_strv_max(obj, name, required, SIZE_MAX, SIZE_MAX, sv, err);
}

/* The count is checked before anything is copied, so that an oversized
 * array costs one walk of the parsed JSON and no allocation. */
int
pj_strv_max(const cJSON *obj, const char *name, int required, size_t max_n,
    size_t max_len, struct proto_strv *sv, struct proto_error *err)
{
	const cJSON	*m, *e;
	char		 f[64];
	size_t		 i = 0, n, len;
	int		 rc;

	memset(sv, 0, sizeof *sv);
	if ((rc = pj_member(obj, name, required, &m, err)) <= 0)
		return rc;
	if (!cJSON_IsArray(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be an array of strings", name);
		return -1;
	}
	if ((n = (size_t)cJSON_GetArraySize(m)) > max_n) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: %zu entries, at most %zu", name, n, max_n);
		return -1;
	}
	cJSON_ArrayForEach(e, m) {
		snprintf(f, sizeof f, "%s[%zu]", name, i);
		if (!cJSON_IsString(e)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: must be a string", f);
			proto_strv_free(sv);
			return -1;
		}
		if ((len = strlen(e->valuestring)) > max_len) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: %zu bytes, at most %zu", f, len, max_len);
			proto_strv_free(sv);
			return -1;
		}
		proto_strv_add(sv, e->valuestring);
		i++;
	}
	return 0;
}

int
pj_env(const cJSON *obj, const char *name, struct proto_strv *sv,
    struct proto_error *err)
{
	const cJSON	*m, *e, *o;
	char		*kv, f[64];
	size_t		 n;

	memset(sv, 0, sizeof *sv);
	if (pj_member(obj, name, 0, &m, err) == 0)
		return 0;
	if (!cJSON_IsObject(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: must be an object of strings", name);
		return -1;
	}
	/* Before the quadratic duplicate check below. */
	if ((n = (size_t)cJSON_GetArraySize(m)) > PROTO_ENV_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: %zu variables, at most %d", name, n, PROTO_ENV_MAX);
		return -1;
	}
	cJSON_ArrayForEach(e, m) {
		snprintf(f, sizeof f, "%s.%.40s", name, e->string);
		if (*e->string == '\0' || strchr(e->string, '=') != NULL) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: a variable name must be non-empty and "
			    "without '='", f);
			goto fail;
		}
		if (!cJSON_IsString(e)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: must be a string", f);
			goto fail;
		}
		for (o = m->child; o != e; o = o->next) {
			if (strcmp(o->string, e->string) == 0) {
				proto_error_set(err, PROTO_E_INVALID_DATA, f,
				    "%s: duplicate variable", f);
				goto fail;
			}
		}
		if ((n = strlen(e->string) + 1 + strlen(e->valuestring)) >
		    PROTO_ARG_LEN_MAX) {
			proto_error_set(err, PROTO_E_INVALID_DATA, f,
			    "%s: %zu bytes as NAME=VALUE, at most %d", f, n,
			    PROTO_ARG_LEN_MAX);
			goto fail;
		}
		xasprintf(&kv, "%s=%s", e->string, e->valuestring);
		proto_strv_add(sv, kv);
		free(kv);
	}
	return 0;
fail:
	proto_strv_free(sv);
	return -1;
}

cJSON *
pj_strv_array(const struct proto_strv *sv)
{
	cJSON	*a = cJSON_CreateArray();

	for (size_t i = 0; i < sv->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sv->v[i]));
	return a;
}

cJSON *
pj_env_object(const struct proto_strv *sv)
{
	cJSON	*o = cJSON_CreateObject();

	for (size_t i = 0; i < sv->n; i++) {
		const char *eq = strchr(sv->v[i], '=');
		if (eq == NULL)
			continue;
		char *k = xstrndup(sv->v[i], (size_t)(eq - sv->v[i]));
		cJSON_AddItemToObject(o, k, cJSON_CreateString(eq + 1));
		free(k);
	}
	return o;
}

/*
 * Integers are printed exactly: cJSON prints numbers with "%1.15g" when
 * that reads back "close enough", which alters integers above 10^15.
 */
cJSON *
pj_int_item(int64_t n)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)n);
	return cJSON_CreateRaw(buf);
}

void
pj_add_int(cJSON *obj, const char *name, int64_t n)
{
	cJSON_AddItemToObject(obj, name, pj_int_item(n));
}

void
pj_add_string_or_null(cJSON *obj, const char *name, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(obj, name, s);
	else
		cJSON_AddNullToObject(obj, name);
}

void
pj_add_exit(cJSON *obj, int exit_code, int sig)
{
	if (exit_code >= 0)
		pj_add_int(obj, "exit_code", exit_code);
	else
		cJSON_AddNullToObject(obj, "exit_code");
	pj_add_string_or_null(obj, "signal", sig > 0 ?
	    proto_signal_name(sig) : NULL);
}

char *
pj_line(cJSON *obj)
{
	char	*s, *line;

	if ((s = cJSON_PrintUnformatted(obj)) == NULL) {
		/* cJSON returns NULL only when allocation fails. */
		fprintf(stderr, "launch: out of memory printing JSON\n");
		abort();
	}
	cJSON_Delete(obj);
	xasprintf(&line, "%s\n", s);
	cJSON_free(s);
	return line;
}

cJSON *
pj_envelope(int64_t id)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "v", PROTO_VERSION);
	if (id >= 0)
		pj_add_int(o, "id", id);
	else
		cJSON_AddNullToObject(o, "id");
	return o;
}

int
pj_enum(const cJSON *o, const char *name, int (*parse)(const char *),
    int *out, struct proto_error *err)
{
	char	*s;

	if (pj_string(o, name, 1, &s, err) == -1)
		return -1;
	*out = parse(s);
	if (*out < 0) {
		proto_error_set(err, PROTO_E_INVALID_DATA, name,
		    "%s: unknown value \"%.64s\"", name, s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

/* Prefix s (a buffer of size len) with "OBJ.", cutting its end. */
static void
prefix(char *s, size_t len, const char *obj)
{
	size_t	plen = strlen(obj) + 1;

	memmove(s + plen, s, len - plen - 1);
	s[len - 1] = '\0';
	memcpy(s, obj, plen - 1);
	s[plen - 1] = '.';
}

void
pj_blame(struct proto_error *err, const char *obj)
{
	prefix(err->field, sizeof err->field, obj);
	prefix(err->message, sizeof err->message, obj);
}

void
pj_add_events(cJSON *o, unsigned set)
{
	char	buf[64];

	proto_events_format(set, buf, sizeof buf);
	cJSON_AddStringToObject(o, "events", buf);
}
