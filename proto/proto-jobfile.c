/*
 * Job files: a JSON array of SPEC objects, as `launch submit -f` reads and
 * `launch export` writes.  The whole file is validated before anything is
 * returned, so a bad job anywhere starts nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

void
proto_specs_free(struct proto_submit *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		proto_submit_free(&specs[i]);
	free(specs);
}

/* Prefix err's message (and field) with which job it concerns. */
static void
jobfile_blame(struct proto_error *err, size_t i, const cJSON *job)
{
	const cJSON	*label = cJSON_GetObjectItemCaseSensitive(job, "label");
	char		 prefix[100];
	size_t		 plen;

	if (cJSON_IsString(label))
		snprintf(prefix, sizeof prefix, "job %zu (%.64s): ", i,
		    label->valuestring);
	else
		snprintf(prefix, sizeof prefix, "job %zu: ", i);
	plen = strlen(prefix);
	/* Shift the message right, cutting its end if it must. */
	memmove(err->message + plen, err->message,
	    sizeof err->message - plen - 1);
	err->message[sizeof err->message - 1] = '\0';
	memcpy(err->message, prefix, plen);
}

int
proto_jobfile_decode(const char *text, size_t len, struct proto_submit **out,
    size_t *nout, struct proto_error *err)
{
	const cJSON		*job, *other;
	cJSON			*a;
	struct proto_submit	*specs;
	size_t			 n = 0, i = 0;

	*out = NULL;
	*nout = 0;
	memset(err, 0, sizeof *err);
	if ((a = pj_parse_any(text, len, err)) == NULL)
		return -1;
	if (!cJSON_IsArray(a)) {
		proto_error_set(err, PROTO_E_INVALID_PAYLOAD, "",
		    "a job file must be a JSON array of jobs");
		cJSON_Delete(a);
		return -1;
	}
	/* Before the quadratic duplicate check below. */
	if ((n = (size_t)cJSON_GetArraySize(a)) > PROTO_JOBFILE_JOBS_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "",
		    "%zu jobs, at most %d in one file", n,
		    PROTO_JOBFILE_JOBS_MAX);
		cJSON_Delete(a);
		return -1;
	}
	specs = xcalloc(n ? n : 1, sizeof *specs);
	cJSON_ArrayForEach(job, a) {
		if (!cJSON_IsObject(job)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "",
			    "must be an object");
			goto fail;
		}
		if (pj_check_members(job, pj_spec_members, NULL, "", err) == -1 ||
		    pj_spec_decode(job, &specs[i], 0, err) == -1)
			goto fail;
		for (other = a->child; other != job; other = other->next) {
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(other,
			    "label");
			if (strcmp(l->valuestring, specs[i].label) == 0) {
				proto_error_set(err, PROTO_E_INVALID_DATA,
				    "label", "label: %s is used twice in the "
				    "file", specs[i].label);
				proto_submit_free(&specs[i]);
				goto fail;
			}
		}
		i++;
	}
	cJSON_Delete(a);
	*out = specs;
	*nout = n;
	return 0;
fail:
	jobfile_blame(err, i, job);
	cJSON_Delete(a);
	proto_specs_free(specs, i);
	return -1;
}

char *
proto_jobfile_encode(const struct proto_submit *specs, size_t n)
{
	cJSON	*a = cJSON_CreateArray();
	char	*s, *out;

	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		pj_spec_add(o, &specs[i], 0);
		cJSON_AddItemToArray(a, o);
	}
	if ((s = cJSON_Print(a)) == NULL)
		abort();
	cJSON_Delete(a);
	xasprintf(&out, "%s\n", s);
	cJSON_free(s);
	return out;
}
