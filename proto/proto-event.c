/*
 * Events (see event.h): encoding once per event on the daemon side, then
 * numbering per subscriber without re-encoding; decoding and a readable
 * form on the subscriber side.  As with replies, the decoder is strict
 * about the members it knows and ignores others.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

int
proto_event_in_class(unsigned set, const struct proto_event *ev)
{
	switch (ev->type) {
	case PROTO_EV_DROPPED:
		return 1;
	case PROTO_EV_STATS:
		return (set & PROTO_EVENTS_STATS) != 0;
	case PROTO_EV_EXIT:
		return (set & (PROTO_EVENTS_EXITS | PROTO_EVENTS_ALL)) != 0 ||
		    ((set & PROTO_EVENTS_FAILURES) && !ev->ok);
	default:
		return (set & PROTO_EVENTS_ALL) != 0;
	}
}

char *
proto_event_body(const struct proto_event *ev)
{
	cJSON	*o = cJSON_CreateObject();
	char	 t[40], *s;

	proto_time_format(ev->time_ms, t, sizeof t);
	cJSON_AddStringToObject(o, "time", t);
	cJSON_AddStringToObject(o, "host", ev->host != NULL ? ev->host : "");
	cJSON_AddStringToObject(o, "event", proto_ev_type_name(ev->type));
	if (ev->type == PROTO_EV_DROPPED) {
		pj_add_int(o, "count", ev->count);
		goto out;
	}
	if (ev->type == PROTO_EV_CAPACITY || ev->type == PROTO_EV_STATS) {
		pj_node_event_add(o, ev);
		goto out;
	}
	cJSON_AddStringToObject(o, "label", ev->label);
	pj_add_int(o, "id", ev->job_id);
	cJSON_AddStringToObject(o, "kind", proto_kind_name(ev->kind));
	if (ev->pid > 0)
		pj_add_int(o, "pid", ev->pid);
	else
		cJSON_AddNullToObject(o, "pid");
	pj_add_int(o, "restarts", ev->restarts);
	switch (ev->type) {
	case PROTO_EV_EXIT:
		cJSON_AddStringToObject(o, "reason",
		    proto_reason_name(ev->reason));
		if (ev->exit_code >= 0)
			pj_add_int(o, "exit_code", ev->exit_code);
		else
			cJSON_AddNullToObject(o, "exit_code");
		pj_add_string_or_null(o, "signal", ev->signal > 0 ?
		    proto_signal_name(ev->signal) : NULL);
		cJSON_AddBoolToObject(o, "ok", ev->ok);
		pj_add_string_or_null(o, "error", ev->error);
		break;
	case PROTO_EV_BACKOFF:
		pj_add_int(o, "delay_ms", ev->delay_ms);
		break;
	case PROTO_EV_STATE:
		cJSON_AddStringToObject(o, "from", proto_state_name(ev->from));
		cJSON_AddStringToObject(o, "to", proto_state_name(ev->to));
		break;
	default:
		break;
	}
out:
	s = pj_line(o);
	s[strlen(s) - 1] = '\0';
	return s;
}

char *
proto_event_line(const char *body, int64_t seq)
{
	char	*line;

	/* body is "{...}": splice the seq in front of its members. */
	xasprintf(&line, "{\"seq\":%" PRId64 ",%s\n", seq, body + 1);
	return line;
}

void
proto_event_free(struct proto_event *ev)
{
	free(ev->host);
	free(ev->label);
	free(ev->error);
	memset(ev, 0, sizeof *ev);
}

int
proto_event_decode(const char *line, size_t len, struct proto_event *ev,
    struct proto_error *err)
{
	cJSON		*o;
	const cJSON	*m;
	char		*signame = NULL;
	int		 v, rc = -1;
	int64_t		 n;

	memset(ev, 0, sizeof *ev);
	ev->exit_code = -1;
	if ((o = pj_parse(line, len, err)) == NULL)
		return -1;
	if (pj_int(o, "seq", 1, 1, PROTO_ID_MAX, &ev->seq, err) == -1)
		goto out;
	m = cJSON_GetObjectItemCaseSensitive(o, "time");
	if (m == NULL || cJSON_IsNull(m)) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "time",
		    "time: missing required field");
		goto out;
	}
	if (pj_time_decode(o, "time", &ev->time_ms, err) == -1 ||
	    pj_string(o, "host", 1, &ev->host, err) == -1 ||
	    pj_enum(o, "event", proto_ev_type_parse, &v, err) == -1)
		goto out;
	ev->type = (enum proto_ev_type)v;
	if (ev->type == PROTO_EV_DROPPED) {
		rc = pj_int(o, "count", 1, 1, PROTO_ID_MAX, &ev->count, err);
		goto out;
	}
	if (ev->type == PROTO_EV_CAPACITY || ev->type == PROTO_EV_STATS) {
		rc = pj_node_event_decode(o, ev, err);
		goto out;
	}
	if (pj_string(o, "label", 1, &ev->label, err) == -1 ||
	    pj_check_label("label", ev->label, err) == -1 ||
	    pj_int(o, "id", 1, 0, PROTO_ID_MAX, &ev->job_id, err) == -1 ||
	    pj_enum(o, "kind", proto_kind_parse, &v, err) == -1)
		goto out;
	ev->kind = (enum proto_kind)v;
	if (pj_int(o, "pid", 0, 1, INT32_MAX, &ev->pid, err) == -1 ||
	    pj_int(o, "restarts", 1, 0, UINT32_MAX, &ev->restarts, err) == -1)
		goto out;
	switch (ev->type) {
	case PROTO_EV_EXIT: {
		const cJSON *ok;

		if (pj_enum(o, "reason", proto_reason_parse, &v, err) == -1)
			goto out;
		ev->reason = (enum proto_reason)v;
		n = -1;
		if (pj_int(o, "exit_code", 0, 0, 255, &n, err) == -1 ||
		    pj_string(o, "signal", 0, &signame, err) == -1 ||
		    pj_string(o, "error", 0, &ev->error, err) == -1)
			goto out;
		ev->exit_code = (int)n;
		if (signame != NULL && (strncmp(signame, "SIG", 3) != 0 ||
		    (ev->signal = proto_signal_parse(signame)) <= 0)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "signal",
			    "signal: unknown signal \"%.32s\"", signame);
			goto out;
		}
		ok = cJSON_GetObjectItemCaseSensitive(o, "ok");
		if (!cJSON_IsBool(ok)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "ok",
			    "ok: must be true or false");
			goto out;
		}
		ev->ok = cJSON_IsTrue(ok);
		break;
	}
	case PROTO_EV_BACKOFF:
		if (pj_int(o, "delay_ms", 1, 0, PROTO_ID_MAX, &ev->delay_ms,
		    err) == -1)
			goto out;
		break;
	case PROTO_EV_STATE:
		if (pj_enum(o, "from", proto_state_parse, &v, err) == -1)
			goto out;
		ev->from = (enum proto_state)v;
		if (pj_enum(o, "to", proto_state_parse, &v, err) == -1)
			goto out;
		ev->to = (enum proto_state)v;
		break;
	default:
		break;
	}
	rc = 0;
out:
	free(signame);
	cJSON_Delete(o);
	if (rc == -1)
		proto_event_free(ev);
	return rc;
}

static void
format_exit(const struct proto_event *ev, char *buf, size_t len)
{
	char	status[64];

	if (ev->signal > 0)
		snprintf(status, sizeof status, "killed by %s",
		    proto_signal_name(ev->signal));
	else if (ev->exit_code >= 0)
		snprintf(status, sizeof status, "exit code %d", ev->exit_code);
	else
		snprintf(status, sizeof status, "no status");
	switch (ev->reason) {
	case PROTO_REASON_EXITED:
		snprintf(buf, len, "exited with code %d", ev->exit_code);
		break;
	case PROTO_REASON_SIGNALED:
		snprintf(buf, len, "%s", status);
		break;
	case PROTO_REASON_STOPPED:
		snprintf(buf, len, "stopped (%s)", status);
		break;
	case PROTO_REASON_LAUNCH_FAILURE:
		snprintf(buf, len, "failed to launch: %s",
		    ev->error != NULL ? ev->error : "unknown error");
		break;
	default:
		snprintf(buf, len, "%s", ev->error != NULL ? ev->error :
		    "lost");
		break;
	}
}

void
proto_event_format(const struct proto_event *ev, char *buf, size_t len)
{
	char	t[40], what[600], pid[32] = "";

	proto_time_format(ev->time_ms, t, sizeof t);
	if (ev->type == PROTO_EV_DROPPED) {
		snprintf(buf, len, "%s %s: %" PRId64 " events dropped (the "
		    "queue was full)", t, ev->host, ev->count);
		return;
	}
	if (ev->type == PROTO_EV_CAPACITY || ev->type == PROTO_EV_STATS) {
		proto_node_event_format(ev, what, sizeof what);
		snprintf(buf, len, "%s %s: %s", t, ev->host, what);
		return;
	}
	switch (ev->type) {
	case PROTO_EV_EXIT:
		format_exit(ev, what, sizeof what);
		break;
	case PROTO_EV_START:
		snprintf(what, sizeof what, "started");
		break;
	case PROTO_EV_READY:
		snprintf(what, sizeof what, "ready");
		break;
	case PROTO_EV_BACKOFF:
		snprintf(what, sizeof what, "restarting in %.1fs",
		    (double)ev->delay_ms / 1000.);
		break;
	default:
		snprintf(what, sizeof what, "%s -> %s",
		    proto_state_name(ev->from), proto_state_name(ev->to));
		break;
	}
	if (ev->pid > 0)
		snprintf(pid, sizeof pid, "pid %" PRId64 ", ", ev->pid);
	snprintf(buf, len, "%s %s %s: %s (%srestarts %" PRId64 ")", t,
	    ev->host, ev->label, what, pid, ev->restarts);
}

int
proto_addr_valid(const char *addr, char *why, size_t whylen)
{
	const char		*colon;
	char			 host[65];	/* 64 bytes quoted at most */
	unsigned char		 bin[16];
	size_t			 hlen;
	long			 port;
	char			*end;
	int			 v6 = addr[0] == '[';

	if (v6) {
		const char *close = strchr(addr, ']');
		if (close == NULL || close[1] != ':') {
			snprintf(why, whylen, "\"[IPv6]:PORT\" needs a ']' "
			    "then ':'");
			return 0;
		}
		hlen = (size_t)(close - addr - 1);
		colon = close + 1;
		if (hlen > sizeof host - 1)
			hlen = sizeof host;	/* too long: quoted, cut */
		memcpy(host, addr + 1, hlen < sizeof host ? hlen :
		    sizeof host - 1);
	} else {
		if ((colon = strrchr(addr, ':')) == NULL) {
			snprintf(why, whylen, "needs the form IP:PORT");
			return 0;
		}
		hlen = (size_t)(colon - addr);
		if (hlen > sizeof host - 1)
			hlen = sizeof host;	/* too long: quoted, cut */
		memcpy(host, addr, hlen < sizeof host ? hlen :
		    sizeof host - 1);
	}
	host[hlen < sizeof host ? hlen : sizeof host - 1] = '\0';
	if (hlen == sizeof host ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1)
		goto badhost;
	if (!isdigit((unsigned char)colon[1])) {
		snprintf(why, whylen, "port: must be a number from 1 to 65535");
		return 0;
	}
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535) {
		snprintf(why, whylen, "port: must be a number from 1 to 65535");
		return 0;
	}
	return 1;
badhost:
	snprintf(why, whylen, "\"%.64s\" is not a numeric IP%s address "
	    "(names are resolved by the client)", host, v6 ? "v6" : "v4");
	return 0;
}

int
proto_token_valid(const char *s)
{
	size_t	n = strlen(s);

	if (n < PROTO_TOKEN_MIN || n > PROTO_TOKEN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}
