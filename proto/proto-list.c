/*
 * `list` replies encoded as they are sent, and passed through by the
 * client (DESIGN, Speed: "Replies are encoded as they are sent, never
 * built as one tree for the whole table.  A client passes --json through
 * when it has nothing to merge").
 *
 * The daemon writes the reply into the peer's output buffer in three
 * steps: proto_list_begin (`{"v":6,"id":N,"result":{"jobs":[`), one
 * proto_list_add per job, proto_list_end (`],"errors":[]}}` and the
 * newline).  The bytes are exactly those that cJSON_PrintUnformatted
 * makes of the tree proto_jobs_reply_finish builds (pj_job_object), so
 * every decoder reads them as before, and a client that prints the jobs
 * array as it came prints what it printed when it decoded the reply and
 * encoded each job again.
 *
 * Why JOB is encoded by hand here, when pj_job_object (proto-reply.c)
 * already encodes it with cJSON: cJSON has no streaming writer, and its
 * tree costs about 35 allocations per job (a node per member, a copy of
 * every key and value) plus the frees: at 1000 jobs the daemon spent
 * more time in malloc and free than the 5 ms that a whole `list --json`
 * may take (docs/bench.md, row 3).  This encoder allocates nothing.  It
 * is kept small on purpose:
 * - strings are escaped as cJSON escapes them (print_string_ptr): `"`
 *   and `\` with a backslash, \b \f \n \r \t, every other byte below
 *   0x20 as \u00xx with lower-case hex, every other byte as it is (UTF-8
 *   passes through; JSON needs nothing else escaped);
 * - integers as "%lld" writes them (pj_int_item);
 * - the only doubles (usage.cpu_pct, docker.cpus) are left to cJSON
 *   itself: one number item printed into a small buffer;
 * - members in pj_job_object's order, with its nulls.
 * tests/unit/test_list.c checks it against pj_job_object byte for byte
 * (every byte value in strings, every kind, usage, host) and against the
 * strict decoder; the fuzz target "decoders" does the same for every job
 * it decodes.  Any member added to pj_job_object must be added here: the
 * unit test fails until it is.
 *
 * The client's side, proto_list_jobs: whether a reply line is a list
 * result in exactly this form for the request's id, and where its jobs
 * array is.  Only the frame is checked (version, id, members around the
 * array), not each job: the jobs come from the daemon of the same user
 * (checked by SO_PEERCRED, or reached through the user's own ssh), which
 * wrote them with this encoder.  A reply in any other form (an error, an
 * older or other encoder's member order) is decoded strictly, as before.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <math.h>	/* isfinite, a macro: no libm */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "proto.h"
#include "proto-json.h"

#define LIST_TAIL	"],\"errors\":[]}}"

/* A constant: the caller's literal, without its NUL. */
#define LIT(b, s)	buf_add((b), (s), sizeof (s) - 1)

/* The n bytes at s as a JSON string. */
static void
list_escape_n(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s, *run;
	const unsigned char	*end = p + n;
	char			*out;

	buf_add(b, "\"", 1);
	for (;;) {
		run = p;
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		buf_add(b, run, (size_t)(p - run));
		if (p == end)
			break;
		out = buf_reserve(b, 6);
		out[0] = '\\';
		switch (*p) {
		case '"':
		case '\\':
			out[1] = (char)*p;
			break;
		case '\b':
			out[1] = 'b';
			break;
		case '\f':
			out[1] = 'f';
			break;
		case '\n':
			out[1] = 'n';
			break;
		case '\r':
			out[1] = 'r';
			break;
		case '\t':
			out[1] = 't';
			break;
		default:
			memcpy(out + 1, "u00", 3);
			out[4] = hex[*p >> 4];
			out[5] = hex[*p & 0xf];
			b->len += 6;
			p++;
			continue;
		}
		b->len += 2;
		p++;
	}
	buf_add(b, "\"", 1);
}

static void
list_escape(struct buf *b, const char *s)
{
	list_escape_n(b, s, strlen(s));
}

/* "name": (keys are the encoder's own constants: nothing to escape). */
static void
list_key(struct buf *b, const char *name)
{
	size_t	 n = strlen(name);
	char	*out = buf_reserve(b, n + 4);

	out[0] = ',';
	out[1] = '"';
	memcpy(out + 2, name, n);
	out[n + 2] = '"';
	out[n + 3] = ':';
	b->len += n + 4;
}

static void
list_int(struct buf *b, int64_t v)
{
	char		 tmp[24];
	size_t		 i = sizeof tmp;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--i] = '-';
	buf_add(b, tmp + i, sizeof tmp - i);
}

/* A double as cJSON prints it (see the top). */
static void
list_double(struct buf *b, double v)
{
	cJSON	*n = cJSON_CreateNumber(v);
	char	 tmp[64];

	if (n == NULL || !cJSON_PrintPreallocated(n, tmp, sizeof tmp, 0))
		abort();
	cJSON_Delete(n);
	buf_add(b, tmp, strlen(tmp));
}

static void
list_string_or_null(struct buf *b, const char *name, const char *s)
{
	list_key(b, name);
	if (s != NULL)
		list_escape(b, s);
	else
		LIT(b, "null");
}

static void
list_int_member(struct buf *b, const char *name, int64_t v)
{
	list_key(b, name);
	list_int(b, v);
}

static void
list_time(struct buf *b, const char *name, int64_t ms)
{
	char	t[40];

	list_key(b, name);
	if (ms <= 0) {
		LIT(b, "null");
		return;
	}
	proto_time_format(ms, t, sizeof t);
	list_escape(b, t);
}

/* What pj_kind_add adds with nulls: "kind", then "qemu" or "docker". */
static void
list_kind(struct buf *b, const struct proto_submit *s)
{
	list_key(b, "kind");
	list_escape(b, proto_kind_name(s->kind));
	if (s->qemu != NULL) {
		const struct proto_qemu *q = s->qemu;

		LIT(b, ",\"qemu\":{\"image\":");
		list_escape(b, q->image);
		list_int_member(b, "vcpus", q->vcpus);
		list_int_member(b, "mem_mb", q->mem_mb);
		list_int_member(b, "disk_mb", q->disk_mb);
		list_string_or_null(b, "user_data", q->user_data);
		list_key(b, "efi");
		if (q->efi)
			LIT(b, "true");
		else
			LIT(b, "false");
		list_string_or_null(b, "kernel", q->kernel);
		list_string_or_null(b, "initrd", q->initrd);
		list_string_or_null(b, "append", q->append);
		LIT(b, "}");
	}
	if (s->docker != NULL) {
		LIT(b, ",\"docker\":{\"image\":");
		list_escape(b, s->docker->image);
		list_int_member(b, "memory_mb", s->docker->memory_mb);
		list_key(b, "cpus");
		list_double(b, s->docker->cpus);
		LIT(b, "}");
	}
}

/* pj_spec_add with nulls, after "label" and the kind. */
static void
list_spec(struct buf *b, const struct proto_submit *s)
{
	LIT(b, ",\"argv\":[");
	for (size_t i = 0; i < s->argv.n; i++) {
		if (i > 0)
			LIT(b, ",");
		list_escape(b, s->argv.v[i]);
	}
	LIT(b, "],\"env\":{");
	for (size_t i = 0, k = 0; i < s->env.n; i++) {
		const char	*eq = strchr(s->env.v[i], '=');

		if (eq == NULL)
			continue;
		if (k++ > 0)
			LIT(b, ",");
		list_escape_n(b, s->env.v[i], (size_t)(eq - s->env.v[i]));
		LIT(b, ":");
		list_escape(b, eq + 1);
	}
	LIT(b, "}");
	list_string_or_null(b, "cwd", s->cwd);
	list_string_or_null(b, "path", s->path);
	list_string_or_null(b, "stdout", s->stdout_path);
	list_string_or_null(b, "stderr", s->stderr_path);
	list_string_or_null(b, "restart", proto_restart_name(s->restart));
	list_int_member(b, "max_restarts", s->max_restarts);
	list_key(b, "ready_fd");
	if (s->ready_fd > 0)
		list_int(b, s->ready_fd);
	else
		LIT(b, "null");
	list_key(b, "umask");
	if (s->umask >= 0)
		list_int(b, s->umask);
	else
		LIT(b, "null");
	LIT(b, ",\"rlimits\":{");
	for (size_t i = 0; i < s->nrlimits; i++) {
		if (i > 0)
			LIT(b, ",");
		list_escape(b, proto_rlimit_name(s->rlimits[i].resource));
		LIT(b, ":[");
		list_int(b, s->rlimits[i].soft);
		LIT(b, ",");
		list_int(b, s->rlimits[i].hard);
		LIT(b, "]");
	}
	LIT(b, "}");
}

static void
list_usage(struct buf *b, const struct proto_usage *u)
{
	if (!u->have)
		return;
	LIT(b, ",\"usage\":{\"cpu_pct\":");
	/* One decimal, as pj_usage_add rounds it. */
	list_double(b, pj_round(u->cpu_pct * 10) / 10);
	list_int_member(b, "rss_kb", u->rss_kb);
	list_key(b, "pss_kb");
	if (u->pss_kb >= 0)
		list_int(b, u->pss_kb);
	else
		LIT(b, "null");
	list_int_member(b, "procs", u->procs);
	list_key(b, "shim_pss_kb");
	if (u->shim_pss_kb >= 0)
		list_int(b, u->shim_pss_kb);
	else
		LIT(b, "null");
	LIT(b, "}");
}

void
proto_job_encode(struct buf *b, const struct proto_job *j)
{
	LIT(b, "{\"id\":");
	list_int(b, j->id);
	LIT(b, ",\"label\":");
	list_escape(b, j->spec.label);
	list_kind(b, &j->spec);
	list_spec(b, &j->spec);
	list_key(b, "state");
	list_escape(b, proto_state_name(j->state));
	list_key(b, "pid");
	if (j->pid > 0)
		list_int(b, j->pid);
	else
		LIT(b, "null");
	list_time(b, "started_at", j->started_ms);
	list_time(b, "ready_at", j->ready_ms);
	list_time(b, "ended_at", j->ended_ms);
	list_key(b, "exit_code");
	if (j->exit_code >= 0)
		list_int(b, j->exit_code);
	else
		LIT(b, "null");
	list_string_or_null(b, "signal", j->signal > 0 ?
	    proto_signal_name(j->signal) : NULL);
	list_int_member(b, "restarts", j->restarts);
	list_string_or_null(b, "error", j->error);
	LIT(b, ",\"logs\":{\"stdout\":");
	if (j->stdout_log != NULL)
		list_escape(b, j->stdout_log);
	else
		LIT(b, "null");
	list_string_or_null(b, "stderr", j->stderr_log);
	LIT(b, "}");
	list_string_or_null(b, "container", j->container);
	list_usage(b, &j->usage);
	if (j->host != NULL)
		list_string_or_null(b, "host", j->host);
	LIT(b, "}");
}

void
proto_list_begin(struct buf *b, int64_t id)
{
	LIT(b, "{\"v\":");
	list_int(b, PROTO_VERSION);
	LIT(b, ",\"id\":");
	if (id >= 0)
		list_int(b, id);
	else
		LIT(b, "null");
	LIT(b, ",\"result\":{\"jobs\":[");
}

void
proto_list_add(struct buf *b, const struct proto_job *j, size_t index)
{
	if (index > 0)
		LIT(b, ",");
	proto_job_encode(b, j);
}

void
proto_list_end(struct buf *b)
{
	LIT(b, LIST_TAIL "\n");
}

int
proto_list_jobs(const char *line, size_t len, int64_t id, size_t *off,
    size_t *jobs_len)
{
	struct buf	head;
	size_t		tail = sizeof LIST_TAIL - 1;
	int		match;

	memset(&head, 0, sizeof head);
	proto_list_begin(&head, id);
	/* The array's own '[' is part of the head: step back over it. */
	match = len >= buf_used(&head) + tail &&
	    memcmp(line, buf_head(&head), buf_used(&head)) == 0 &&
	    memcmp(line + len - tail, LIST_TAIL, tail) == 0;
	*off = buf_used(&head) - 1;
	*jobs_len = len - tail + 1 - *off;
	buf_free(&head);
	return match;
}
