/*
 * JSON that `launch` prints and no daemon sends (docs/json.md): ping
 * --json, version --json, and a fan-out's merge, which turns each host's
 * --json output (one value: an array of objects, or an object) into one
 * array whose objects carry "host" (put first, where a reader looks),
 * as `list --json` does with several hosts.  A host's "host" member, if
 * it has one, is replaced: in a merge "host" is always the host as given
 * to -H.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "proto-json.h"
#include "xmalloc.h"

struct proto_hosts_json {
	cJSON	*all;
};

char *
proto_ping_json(const struct proto_ping *p, const char *socket,
    const char *host)
{
	cJSON	*o = cJSON_CreateObject();

	pj_add_int(o, "pid", p->pid);
	cJSON_AddStringToObject(o, "version", p->version);
	pj_add_int(o, "proto", p->proto);
	pj_add_int(o, "jobs", p->jobs);
	pj_add_string_or_null(o, "socket", socket);
	pj_add_string_or_null(o, "host", host);
	return pj_line(o);
}

char *
proto_version_json(const char *version)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "version", version);
	pj_add_int(o, "proto", PROTO_VERSION);
	return pj_line(o);
}

struct proto_hosts_json *
proto_hosts_json_new(void)
{
	struct proto_hosts_json	*h = xcalloc(1, sizeof *h);

	h->all = cJSON_CreateArray();
	return h;
}

/* o, with "host" first, into the array. */
static void
hosts_json_take(struct proto_hosts_json *h, const char *host, cJSON *o)
{
	cJSON	*tagged = cJSON_CreateObject(), *m;

	cJSON_AddStringToObject(tagged, "host", host);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "host");
	while ((m = o->child) != NULL) {
		cJSON_DetachItemViaPointer(o, m);
		cJSON_AddItemToObject(tagged, m->string, m);
	}
	cJSON_Delete(o);
	cJSON_AddItemToArray(h->all, tagged);
}

int
proto_hosts_json_add(struct proto_hosts_json *h, const char *host,
    const char *text, size_t len, struct proto_error *err)
{
	cJSON	*v, *e;

	if ((v = pj_parse_any(text, len, err)) == NULL)
		return -1;
	if (cJSON_IsObject(v)) {
		hosts_json_take(h, host, v);
		return 0;
	}
	if (!cJSON_IsArray(v)) {
		cJSON_Delete(v);
		proto_error_set(err, PROTO_E_INVALID_DATA, "",
		    "expected a JSON array or object");
		return -1;
	}
	for (e = v->child; e != NULL; e = e->next) {
		if (!cJSON_IsObject(e)) {
			cJSON_Delete(v);
			proto_error_set(err, PROTO_E_INVALID_DATA, "",
			    "expected an array of objects");
			return -1;
		}
	}
	while ((e = v->child) != NULL)
		hosts_json_take(h, host, cJSON_DetachItemViaPointer(v, e));
	cJSON_Delete(v);
	return 0;
}

char *
proto_hosts_json_finish(struct proto_hosts_json *h)
{
	cJSON	*all = h->all;

	free(h);
	return pj_line(all);
}
