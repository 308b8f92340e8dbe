/*
 * list replies encoded job by job (proto/proto-list.c): the bytes equal
 * those of the cJSON tree (pj_job_object, proto_jobs_reply_finish) for
 * every job shape and every byte in a string, a reply of many hostile
 * jobs decodes with the strict decoder and gives back the same jobs, and
 * the client's frame check passes the array through only when the line
 * is exactly that frame.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "buf.h"
#include "check-helpers.h"
#include "check-run.h"
#include "proto.h"
#include "proto-spec.h"
#include "xmalloc.h"

/* 2026-11-18T11:06:40.123Z */
#define T0	INT64_C(1795000000123)

/* What the tree encoder prints of j, as a string to free. */
static char *
tree_json(const struct proto_job *j)
{
	cJSON	*o = pj_job_object(j);
	char	*s = cJSON_PrintUnformatted(o);

	ck_assert_ptr_nonnull(s);
	cJSON_Delete(o);
	return s;
}

static void
assert_same_as_tree(const char *what, const struct proto_job *j)
{
	struct buf	 b;
	char		*want = tree_json(j);

	memset(&b, 0, sizeof b);
	proto_job_encode(&b, j);
	ck_assert_msg(buf_used(&b) == strlen(want) &&
	    memcmp(buf_head(&b), want, strlen(want)) == 0,
	    "%s:\n got %.*s\nwant %s", what, (int)buf_used(&b),
	    buf_head(&b), want);
	cJSON_free(want);
	buf_free(&b);
}

/* A process job with nothing optional set. */
static void
job_plain(struct proto_job *j, const char *label)
{
	memset(j, 0, sizeof *j);
	proto_submit_init(&j->spec);
	j->spec.label = xstrdup(label);
	proto_strv_add(&j->spec.argv, "sleep");
	proto_strv_add(&j->spec.argv, "1000");
	j->id = 1;
	j->kind = PROTO_KIND_PROCESS;
	j->state = PROTO_STATE_RUNNING;
	j->pid = 4242;
	j->started_ms = T0;
	j->exit_code = -1;
	j->stdout_log = xstrdup("/state/logs/1/stdout.log");
	j->stderr_log = xstrdup("/state/logs/1/stderr.log");
	j->usage.pss_kb = j->usage.shim_pss_kb = -1;
}

/* Every member set, hostile strings s wherever a string may be. */
static void
job_full(struct proto_job *j, const char *label, const char *s)
{
	char	*env, *abs;

	job_plain(j, label);
	proto_strv_add(&j->spec.argv, s);
	proto_strv_add(&j->spec.argv, "");
	xasprintf(&env, "%s=%s", "NAME", s);
	proto_strv_add(&j->spec.env, env);
	free(env);
	/* A name ends at its first '=' (s may have one). */
	xasprintf(&env, "V_%s=%s", s, s);
	proto_strv_add(&j->spec.env, env);
	free(env);
	proto_strv_add(&j->spec.env, "EMPTY=");
	proto_strv_add(&j->spec.env, "NO_EQUALS_SIGN");	/* left out */
	xasprintf(&abs, "/%s", s);
	j->spec.cwd = xstrdup(abs);
	j->spec.path = xstrdup(s);
	j->spec.stdout_path = xstrdup(abs);
	j->spec.stderr_path = abs;
	j->spec.restart = PROTO_RESTART_ON_FAILURE;
	j->spec.max_restarts = 7;
	j->spec.ready_fd = 3;
	j->spec.umask = 023;
	proto_submit_set_rlimit(&j->spec, RLIMIT_NOFILE, 1024, 4096);
	proto_submit_set_rlimit(&j->spec, RLIMIT_CORE, -1, -1);
	j->id = INT64_MAX / 2;
	j->state = PROTO_STATE_EXITED;
	j->pid = 0;
	j->ready_ms = T0 + 1500;
	j->ended_ms = T0 + 61333;
	j->exit_code = 255;
	j->signal = SIGKILL;
	j->restarts = UINT32_MAX;
	j->error = xstrdup(s);
	free(j->stdout_log);
	j->stdout_log = NULL;
	free(j->stderr_log);
	j->stderr_log = xstrdup(s);
	j->container = xstrdup(s);
	j->host = xstrdup(s);
	j->usage.have = 1;
	j->usage.cpu_pct = 12.3456;
	j->usage.rss_kb = (INT64_C(1) << 53) - 1;	/* exact in a double */
	j->usage.pss_kb = 0;
	j->usage.procs = 3;
	j->usage.shim_pss_kb = 155;
}

START_TEST(test_plain_job)
{
	struct proto_job	j;

	job_plain(&j, "web");
	assert_same_as_tree("plain", &j);
	j.pid = 0;
	j.started_ms = 0;
	j.state = PROTO_STATE_FAILED;
	assert_same_as_tree("never started", &j);
	proto_job_free(&j);
}
END_TEST

/* Every byte value 1..255 in every string member, alone and in runs. */
START_TEST(test_every_byte)
{
	struct proto_job	j;
	char			s[8], all[256];

	for (int c = 1; c < 256; c++) {
		snprintf(s, sizeof s, "%c", c);
		job_full(&j, "x", s);
		assert_same_as_tree(s, &j);
		proto_job_free(&j);
		snprintf(s, sizeof s, "a%cb%c", c, c);
		job_full(&j, "x", s);
		assert_same_as_tree(s, &j);
		proto_job_free(&j);
		all[c - 1] = (char)c;
	}
	all[255] = '\0';
	job_full(&j, "x", all);
	assert_same_as_tree("all bytes", &j);
	proto_job_free(&j);
	/* Invalid UTF-8 passes as it is, as cJSON leaves it. */
	job_full(&j, "x", "\xc3\x28 \xe2\x82 \xf0\x9f\x98\x80 \xff\xfe");
	assert_same_as_tree("bad UTF-8", &j);
	proto_job_free(&j);
}
END_TEST

START_TEST(test_kinds_and_usage)
{
	static const double	 cpus[] = { 0, 1, 0.5, 0.1, 1.0 / 3, 1e-7,
	    1024, 2.675, 123456.789 };
	static const double	 pct[] = { 0, 0.04, 0.05, 5.55, 99.95, 200,
	    1e9, 1234567.89 };
	struct proto_job	 j;

	job_plain(&j, "vm/1");
	j.spec.kind = j.kind = PROTO_KIND_QEMU;
	proto_strv_free(&j.spec.argv);
	j.spec.qemu = xcalloc(1, sizeof *j.spec.qemu);
	j.spec.qemu->image = xstrdup("debian.qcow2");
	j.spec.qemu->vcpus = 2;
	j.spec.qemu->mem_mb = 512;
	assert_same_as_tree("qemu, defaults", &j);
	j.spec.qemu->user_data = xstrdup("#cloud-config\n\"x\"\t\\");
	j.spec.qemu->efi = 1;
	j.spec.qemu->kernel = xstrdup("/boot/vmlinuz");
	j.spec.qemu->initrd = xstrdup("/boot/initrd");
	j.spec.qemu->append = xstrdup("console=ttyS0,115200 quiet");
	assert_same_as_tree("qemu, all", &j);
	proto_job_free(&j);

	for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++) {
		job_plain(&j, "c/1");
		j.spec.kind = j.kind = PROTO_KIND_DOCKER;
		j.spec.docker = xcalloc(1, sizeof *j.spec.docker);
		j.spec.docker->image = xstrdup("busybox:latest");
		j.spec.docker->memory_mb = 64;
		j.spec.docker->cpus = cpus[i];
		j.container = xstrdup("0123abcd");
		free(j.stdout_log);
		free(j.stderr_log);
		j.stdout_log = j.stderr_log = NULL;
		assert_same_as_tree("docker", &j);
		proto_job_free(&j);
	}
	for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		job_plain(&j, "u");
		j.usage.have = 1;
		j.usage.cpu_pct = pct[i];
		j.usage.rss_kb = 1412;
		j.usage.procs = 1;
		assert_same_as_tree("usage", &j);
		j.usage.pss_kb = 97;
		j.usage.shim_pss_kb = 0;
		assert_same_as_tree("usage, pss", &j);
		proto_job_free(&j);
	}
	for (int state = 0; state < PROTO_STATE__COUNT; state++) {
		job_plain(&j, "s");
		j.state = (enum proto_state)state;
		j.exit_code = state;
		j.signal = state == 0 ? 0 : SIGTERM;
		j.restarts = (unsigned)state;
		j.id = -state;
		assert_same_as_tree("states", &j);
		proto_job_free(&j);
	}
}
END_TEST

/* A hostile string for job i: quotes, backslashes, control bytes, UTF-8
 * of 2, 3 and 4 bytes, and a long run. */
static char *
hostile(size_t i)
{
	static const char *const parts[] = { "\"", "\\", "\\\"", "\n", "\r\n",
	    "\t", "\b\f", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80", "'", "/", "</script>", "\\u0000", "{}[],:",
	    " ", "=" };
	size_t	 np = sizeof parts / sizeof parts[0];
	struct buf b;
	char	*s;

	memset(&b, 0, sizeof b);
	for (size_t k = 0; k < 1 + i % 13; k++) {
		const char *p = parts[(i * 7 + k * 3) % np];
		buf_add(&b, p, strlen(p));
	}
	if (i % 97 == 0)
		for (size_t k = 0; k < 1500; k++)
			buf_add(&b, "\x02\"", 2);
	buf_add(&b, "", 1);
	s = xstrdup(buf_head(&b));
	buf_free(&b);
	return s;
}

#define MANY	3000

START_TEST(test_many_hostile_jobs_decode)
{
	struct proto_jobs_reply	*tree = proto_jobs_reply_new();
	struct proto_job	*jobs = xcalloc(MANY, sizeof *jobs);
	struct proto_reply	 rep;
	struct proto_error	 err;
	struct buf		 b, back;
	char			 label[64], *want, *s;

	memset(&b, 0, sizeof b);
	proto_list_begin(&b, 77);
	for (size_t i = 0; i < MANY; i++) {
		/* Labels in label order, with every byte a label may have. */
		snprintf(label, sizeof label, "%05zu/a-b_c.d:e@f+g/%s", i,
		    i % 2 ? "Z9" : "z0");
		s = hostile(i);
		if (i % 3 == 0)
			job_plain(&jobs[i], label);
		else
			job_full(&jobs[i], label, s);
		free(s);
		jobs[i].id = (int64_t)i + 1;
		free(jobs[i].host);	/* a daemon sends no "host" */
		jobs[i].host = NULL;
		proto_list_add(&b, &jobs[i], i);
		proto_jobs_reply_add(tree, &jobs[i]);
	}
	proto_list_end(&b);

	/* Byte for byte what the tree made. */
	want = proto_jobs_reply_finish(tree, 77);
	ck_assert_uint_eq(buf_used(&b), strlen(want));
	ck_assert(memcmp(buf_head(&b), want, strlen(want)) == 0);
	free(want);
	*buf_reserve(&b, 1) = '\0';	/* a string, the NUL not counted */
	ck_assert_uint_eq(assert_framed(buf_head(&b)), buf_used(&b));

	/* The strict decoder takes it, and gives back the same jobs. */
	ck_assert_msg(proto_reply_decode(buf_head(&b), buf_used(&b) - 1,
	    PROTO_OP_LIST, &rep, &err) == 0, "%s", err.message);
	ck_assert(!rep.is_error);
	ck_assert_int_eq(rep.id, 77);
	ck_assert_uint_eq(rep.njobs, MANY);
	ck_assert_uint_eq(rep.nerrors, 0);
	memset(&back, 0, sizeof back);
	for (size_t i = 0; i < MANY; i++) {
		struct buf one;

		memset(&one, 0, sizeof one);
		back.off = back.len = 0;
		proto_job_encode(&back, &rep.jobs[i]);
		proto_job_encode(&one, &jobs[i]);
		ck_assert_msg(buf_used(&back) == buf_used(&one) &&
		    memcmp(buf_head(&back), buf_head(&one),
		    buf_used(&one)) == 0, "job %zu differs after decoding:\n"
		    "%.*s\n%.*s", i, (int)buf_used(&back), buf_head(&back),
		    (int)buf_used(&one), buf_head(&one));
		assert_strv_eq("argv", &rep.jobs[i].spec.argv,
		    &jobs[i].spec.argv);
		assert_str_eq_or_null("cwd", rep.jobs[i].spec.cwd,
		    jobs[i].spec.cwd);
		assert_str_eq_or_null("error", rep.jobs[i].error,
		    jobs[i].error);
		buf_free(&one);
	}
	buf_free(&back);

	/* The client's frame check finds the array, which reads back as
	 * `list --json` output. */
	{
		size_t			 off, n, k;
		struct proto_job	*again;

		ck_assert(proto_list_jobs(buf_head(&b), buf_used(&b) - 1, 77,
		    &off, &n));
		ck_assert_int_eq(buf_head(&b)[off], '[');
		ck_assert_int_eq(buf_head(&b)[off + n - 1], ']');
		ck_assert_msg(proto_jobs_decode(buf_head(&b) + off, n, &again,
		    &k, &err) == 0, "%s", err.message);
		ck_assert_uint_eq(k, MANY);
		for (size_t i = 0; i < k; i++)
			proto_job_free(&again[i]);
		free(again);
	}
	proto_reply_free(&rep);
	for (size_t i = 0; i < MANY; i++)
		proto_job_free(&jobs[i]);
	free(jobs);
	buf_free(&b);
}
END_TEST

START_TEST(test_empty_and_null_id)
{
	struct proto_jobs_reply	*tree;
	struct buf		 b;
	char			*want;
	size_t			 off, n;

	for (int64_t id = -1; id <= PROTO_ID_MAX; id += PROTO_ID_MAX) {
		memset(&b, 0, sizeof b);
		proto_list_begin(&b, id);
		proto_list_end(&b);
		tree = proto_jobs_reply_new();
		want = proto_jobs_reply_finish(tree, id);
		ck_assert_str_eq(want, (buf_add(&b, "", 1), buf_head(&b)));
		free(want);
		if (id >= 0) {
			ck_assert(proto_list_jobs(buf_head(&b),
			    strlen(buf_head(&b)) - 1, id, &off, &n));
			ck_assert_uint_eq(n, 2);
			ck_assert(memcmp(buf_head(&b) + off, "[]", 2) == 0);
		}
		buf_free(&b);
		if (id == PROTO_ID_MAX)
			break;
	}
}
END_TEST

/* Anything but the exact frame is left to the decoder. */
START_TEST(test_frame_refused)
{
	static const char *const lines[] = {
		"",
		"[]",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[],\"errors\":[]}}x",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[],\"errors\":[]}",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[]}}",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[],\"errors\":[{}]}}",
		"{\"v\":7,\"id\":6,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"v\":7,\"id\":null,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"v\":5,\"id\":5,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"v\":7,\"id\":55,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"id\":5,\"v\":7,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"v\":7, \"id\":5,\"result\":{\"jobs\":[],\"errors\":[]}}",
		"{\"v\":7,\"id\":5,\"result\":{\"errors\":[],\"jobs\":[]}}",
		"{\"v\":7,\"id\":5,\"error\":{\"code\":\"internal\","
		    "\"message\":\"x\"}}",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[",
		"{\"v\":7,\"id\":5,\"result\":{\"jobs\":[],\"errors\":[]}} ",
	};
	size_t	off, n;

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		ck_assert_msg(!proto_list_jobs(lines[i], strlen(lines[i]), 5,
		    &off, &n), "passed: %s", lines[i]);
	ck_assert(proto_list_jobs(lines[2], strlen(lines[2]) - 1, 5, &off,
	    &n));
	ck_assert_uint_eq(off, 31);
	ck_assert_uint_eq(n, 2);
}
END_TEST

static Suite *
list_suite(void)
{
	Suite	*s = suite_create("list");
	TCase	*tc = tcase_create("encode");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plain_job);
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_kinds_and_usage);
	tcase_add_test(tc, test_many_hostile_jobs_decode);
	tcase_add_test(tc, test_empty_and_null_id);
	tcase_add_test(tc, test_frame_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(list_suite());
}
