/*
 * Names of the protocol's enumerations, signals and times, and the small
 * value helpers every side shares.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "event.h"
#include "proto.h"
#include "xmalloc.h"

static const char *const op_names[PROTO_OP__COUNT] = {
	"ping", "submit", "list", "status", "stop", "shutdown", "start",
	"restart", "remove", "subscribe", "unsubscribe", "subscriptions",
	"events", "stats", "wait", "submit_batch",
};

static const char *const restart_names[PROTO_RESTART__COUNT] = {
	"no", "on-failure", "always",
};

static const char *const code_names[PROTO_E__COUNT] = {
	"ok", "invalid_payload", "invalid_data", "unknown_label",
	"already_running", "instance_exists", "launch_failure",
	"image_failure", "network_failure", "full", "permission_denied",
	"unsupported_version", "internal",
};

static const char *const kind_names[PROTO_KIND__COUNT] = {
	"process", "qemu", "docker",
};

static const char *const state_names[PROTO_STATE__COUNT] = {
	"starting", "running", "stopping", "exited", "failed", "backoff",
};

static const char *const ev_type_names[PROTO_EV__COUNT] = {
	"exit", "start", "ready", "backoff", "state", "dropped", "capacity",
	"stats",
};
static const char *const reason_names[PROTO_REASON__COUNT] = {
	"exited", "signaled", "stopped", "launch_failure", "lost",
};
static const char *const events_names[PROTO_EVENTS__COUNT] = {
	"failures", "exits", "all", "stats",
};
static const char *const sub_state_names[PROTO_SUB__COUNT] = {
	"connecting", "connected", "retrying", "expired",
};

static int
name_lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define NAME_FUNCS(type, prefix, table, count)				\
const char *								\
prefix##_name(enum type v)						\
{									\
	return ((int)v >= 0 && (int)v < (count)) ? table[v] : NULL;	\
}									\
int									\
prefix##_parse(const char *s)						\
{									\
	return name_lookup(table, (count), s);				\
}

NAME_FUNCS(proto_op, proto_op, op_names, PROTO_OP__COUNT)
NAME_FUNCS(proto_code, proto_code, code_names, PROTO_E__COUNT)
NAME_FUNCS(proto_kind, proto_kind, kind_names, PROTO_KIND__COUNT)
NAME_FUNCS(proto_state, proto_state, state_names, PROTO_STATE__COUNT)
NAME_FUNCS(proto_restart, proto_restart, restart_names, PROTO_RESTART__COUNT)
NAME_FUNCS(proto_ev_type, proto_ev_type, ev_type_names, PROTO_EV__COUNT)
NAME_FUNCS(proto_reason, proto_reason, reason_names, PROTO_REASON__COUNT)
NAME_FUNCS(proto_sub_state, proto_sub_state, sub_state_names, PROTO_SUB__COUNT)

const char *
proto_events_name(unsigned set)
{
	for (int i = 0; i < PROTO_EVENTS__COUNT; i++)
		if (set == 1u << i)
			return events_names[i];
	return NULL;
}

void
proto_events_format(unsigned set, char *buf, size_t len)
{
	size_t	used = 0;

	buf[0] = '\0';
	for (int i = 0; i < PROTO_EVENTS__COUNT && used < len; i++)
		if (set & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used > 0 ? "," : "", events_names[i]);
}

int
proto_events_parse(const char *s)
{
	const char	*end;
	char		 name[16];
	int		 set = 0, bit;

	for (;;) {
		end = s + strcspn(s, ",");
		if (end == s || (size_t)(end - s) >= sizeof name)
			return -1;
		memcpy(name, s, (size_t)(end - s));
		name[end - s] = '\0';
		if ((bit = name_lookup(events_names, PROTO_EVENTS__COUNT,
		    name)) == -1 || (set & (1 << bit)))
			return -1;
		set |= 1 << bit;
		if (*end == '\0')
			return set;
		s = end + 1;
	}
}

/* setrlimit(2) resources by their prlimit(1) names. */
static const struct {
	const char	*name;
	int		 resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "stack", RLIMIT_STACK },
};

const char *
proto_rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0];
	    i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}

int
proto_rlimit_parse(const char *name)
{
	for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0];
	    i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

/*
 * Signals travel by name ("SIGTERM"), since numbers differ between
 * architectures.  glibc's sigabbrev_np gives the name without "SIG";
 * real-time signals have none and are not accepted.
 */
const char *
proto_signal_name(int sig)
{
	static char	 names[NSIG][16];
	const char	*abbrev;

	if (sig <= 0 || sig >= NSIG || (abbrev = sigabbrev_np(sig)) == NULL)
		return NULL;
	if (names[sig][0] == '\0')
		snprintf(names[sig], sizeof names[sig], "SIG%s", abbrev);
	return names[sig];
}

int
proto_signal_parse(const char *s)
{
	char	*end;
	long	 n;

	if (s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || n <= 0 || n >= NSIG ||
		    sigabbrev_np((int)n) == NULL)
			return -1;
		return (int)n;
	}
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev != NULL && strcmp(abbrev, s) == 0)
			return sig;
	}
	return -1;
}

void
proto_time_format(int64_t ms, char *buf, size_t len)
{
	time_t		t;
	struct tm	tm;

	if (ms < 0)
		ms = 0;
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

int
proto_time_parse(const char *s, int64_t *ms)
{
	struct tm	 tm;
	const char	*p;
	int		 frac = 0;

	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' ||
		    p[3] < '0' || p[3] > '9')
			return -1;
		frac = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 4;
	}
	if (strcmp(p, "Z") != 0)
		return -1;
	int64_t t = (int64_t)timegm(&tm) * 1000 + frac;
	/* Only the canonical form: no missing digits, no 31 February. */
	char canon[40];
	proto_time_format(t, canon, sizeof canon);
	if ((p - s != 19 && p - s != 23) || strncmp(s, canon, 19) != 0)
		return -1;
	*ms = t;
	return 0;
}

void
proto_error_set(struct proto_error *err, enum proto_code code,
    const char *field, const char *fmt, ...)
{
	va_list	ap;

	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

void
proto_strv_add(struct proto_strv *sv, const char *s)
{
	sv->v = xreallocarray(sv->v, sv->n + 2, sizeof *sv->v);
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

void
proto_strv_free(struct proto_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void
proto_strv_copy(struct proto_strv *dst, const struct proto_strv *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->n; i++)
		proto_strv_add(dst, src->v[i]);
}
