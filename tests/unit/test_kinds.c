/*
 * Job kinds in proto/ (proto-kinds.c): SPEC's "kind", "qemu" and "docker"
 * members through a submit request and back, every error they can
 * raise, the record's "exec" and "qmp", the container name mapping and
 * the engine's container create body.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "check-run.h"
#include "proto.h"
#include "xmalloc.h"

#define SUBMIT(rest)	"{\"v\":7,\"id\":1,\"op\":\"submit\",\"label\":\"vm1\"," rest "}"

static void
submit_fails(const char *json, const char *field)
{
	struct proto_request	req;
	struct proto_error	err;

	ck_assert_msg(proto_request_decode(json, strlen(json), &req, &err) ==
	    -1, "accepted: %s", json);
	assert_error(json, &err, PROTO_E_INVALID_DATA, field);
	ck_assert_ptr_null(req.submit.qemu);
	ck_assert_ptr_null(req.submit.docker);
	proto_request_free(&req);
}

START_TEST(test_qemu_roundtrip)
{
	struct proto_request	req, *out;
	struct proto_qemu	*q;

	proto_request_init(&req, PROTO_OP_SUBMIT);
	req.id = 3;
	req.submit.label = xstrdup("vm/a");
	req.submit.kind = PROTO_KIND_QEMU;
	q = req.submit.qemu = xcalloc(1, sizeof *q);
	q->image = xstrdup("/srv/images/debian.qcow2");
	q->vcpus = 2;
	q->mem_mb = 256;
	q->disk_mb = 4096;
	q->user_data = xstrdup("#cloud-config\nhostname: x\n");
	q->efi = 1;
	q->kernel = xstrdup("/boot/vmlinuz");
	q->initrd = xstrdup("/boot/initrd.img");
	q->append = xstrdup("console=ttyS0 quiet");
	out = xcalloc(1, sizeof *out);
	request_roundtrip(&req, out);
	ck_assert_int_eq(out->submit.kind, PROTO_KIND_QEMU);
	ck_assert_ptr_null(out->submit.docker);
	ck_assert_ptr_nonnull(out->submit.qemu);
	ck_assert_str_eq(out->submit.qemu->image, q->image);
	ck_assert_int_eq(out->submit.qemu->vcpus, 2);
	ck_assert_int_eq(out->submit.qemu->mem_mb, 256);
	ck_assert_int_eq(out->submit.qemu->disk_mb, 4096);
	ck_assert_str_eq(out->submit.qemu->user_data, q->user_data);
	ck_assert_int_eq(out->submit.qemu->efi, 1);
	ck_assert_str_eq(out->submit.qemu->kernel, q->kernel);
	ck_assert_str_eq(out->submit.qemu->initrd, q->initrd);
	ck_assert_str_eq(out->submit.qemu->append, q->append);
	ck_assert_uint_eq(out->submit.argv.n, 0);
	proto_request_free(out);
	free(out);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_qemu_defaults)
{
	struct proto_request	req;

	request_decode_ok(SUBMIT("\"kind\":\"qemu\",\"qemu\":{\"image\":"
	    "\"debian-12.qcow2\"}"), &req);
	ck_assert_int_eq(req.submit.qemu->vcpus, 1);
	ck_assert_int_eq(req.submit.qemu->mem_mb, 512);
	ck_assert_int_eq(req.submit.qemu->disk_mb, 0);
	ck_assert_ptr_null(req.submit.qemu->user_data);
	ck_assert_ptr_null(req.submit.qemu->kernel);
	ck_assert_int_eq(req.submit.qemu->efi, 0);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_docker_roundtrip)
{
	struct proto_request	req, *out;

	proto_request_init(&req, PROTO_OP_SUBMIT);
	req.id = 4;
	req.submit.label = xstrdup("web@1");
	req.submit.kind = PROTO_KIND_DOCKER;
	req.submit.docker = xcalloc(1, sizeof *req.submit.docker);
	req.submit.docker->image = xstrdup("localhost/busybox:latest");
	req.submit.docker->memory_mb = 64;
	req.submit.docker->cpus = 0.5;
	proto_strv_add(&req.submit.env, "K=V");
	out = xcalloc(1, sizeof *out);
	request_roundtrip(&req, out);
	ck_assert_int_eq(out->submit.kind, PROTO_KIND_DOCKER);
	ck_assert_str_eq(out->submit.docker->image, "localhost/busybox:latest");
	ck_assert_int_eq(out->submit.docker->memory_mb, 64);
	ck_assert_double_eq(out->submit.docker->cpus, 0.5);
	ck_assert_uint_eq(out->submit.argv.n, 0);	/* the image's own */
	ck_assert_str_eq(out->submit.env.v[0], "K=V");
	proto_request_free(out);
	free(out);
	proto_request_free(&req);
}
END_TEST

START_TEST(test_kind_errors)
{
	submit_fails(SUBMIT("\"kind\":\"vm\",\"argv\":[\"x\"]"), "kind");
	submit_fails(SUBMIT("\"kind\":3,\"argv\":[\"x\"]"), "kind");
	/* A process still needs a command. */
	submit_fails(SUBMIT("\"argv\":[]"), "argv");
	submit_fails(SUBMIT("\"kind\":\"process\""), "argv");
	/* Each object only with its kind. */
	submit_fails(SUBMIT("\"argv\":[\"x\"],\"qemu\":{\"image\":\"a\"}"),
	    "qemu");
	submit_fails(SUBMIT("\"kind\":\"qemu\",\"docker\":{\"image\":\"a\"}"),
	    "docker");
	submit_fails(SUBMIT("\"kind\":\"qemu\""), "qemu");
	submit_fails(SUBMIT("\"kind\":\"docker\",\"docker\":\"busybox\""),
	    "docker");
}
END_TEST

START_TEST(test_qemu_errors)
{
#define Q(members)	SUBMIT("\"kind\":\"qemu\",\"qemu\":{" members "}")
	char	*big, *json;
	size_t	 len;

	submit_fails(Q("\"vcpus\":1"), "qemu.image");
	submit_fails(Q("\"image\":\"\""), "qemu.image");
	submit_fails(Q("\"image\":\"../etc/passwd\""), "qemu.image");
	submit_fails(Q("\"image\":\"sub/dir.qcow2\""), "qemu.image");
	submit_fails(Q("\"image\":\".hidden\""), "qemu.image");
	submit_fails(Q("\"image\":\"a\",\"vcpus\":0"), "qemu.vcpus");
	submit_fails(Q("\"image\":\"a\",\"vcpus\":257"), "qemu.vcpus");
	submit_fails(Q("\"image\":\"a\",\"mem_mb\":8"), "qemu.mem_mb");
	submit_fails(Q("\"image\":\"a\",\"disk_mb\":-1"), "qemu.disk_mb");
	submit_fails(Q("\"image\":\"a\",\"efi\":\"yes\""), "qemu.efi");
	submit_fails(Q("\"image\":\"a\",\"kernel\":\"vmlinuz\""),
	    "qemu.kernel");
	submit_fails(Q("\"image\":\"a\",\"initrd\":\"/boot/i\""),
	    "qemu.initrd");
	submit_fails(Q("\"image\":\"a\",\"append\":\"quiet\""), "qemu.append");
	submit_fails(Q("\"image\":\"a\",\"cdrom\":\"/x.iso\""), "qemu.cdrom");
	/* The image boots: no command, and no process-only members. */
	submit_fails(SUBMIT("\"kind\":\"qemu\",\"qemu\":{\"image\":\"a\"},"
	    "\"argv\":[\"sh\"]"), "argv");
	submit_fails(SUBMIT("\"kind\":\"qemu\",\"qemu\":{\"image\":\"a\"},"
	    "\"ready_fd\":3"), "ready_fd");
	submit_fails(SUBMIT("\"kind\":\"qemu\",\"qemu\":{\"image\":\"a\"},"
	    "\"rlimits\":{\"nofile\":[1,1]}"), "rlimits");
	/* user_data is bounded. */
	big = repeat('u', 65537);
	len = strlen(big) + 128;
	json = xmalloc(len);
	snprintf(json, len, SUBMIT("\"kind\":\"qemu\",\"qemu\":{\"image\":"
	    "\"a\",\"user_data\":\"%s\"}"), big);
	submit_fails(json, "qemu.user_data");
	free(json);
	free(big);
#undef Q
}
END_TEST

START_TEST(test_docker_errors)
{
#define D(members)	SUBMIT("\"kind\":\"docker\",\"docker\":{" members "}")
	submit_fails(D("\"memory_mb\":1"), "docker.image");
	submit_fails(D("\"image\":\"\""), "docker.image");
	submit_fails(D("\"image\":\"bad image\""), "docker.image");
	submit_fails(D("\"image\":\"a\",\"cpus\":-1"), "docker.cpus");
	submit_fails(D("\"image\":\"a\",\"cpus\":\"2\""), "docker.cpus");
	submit_fails(D("\"image\":\"a\",\"memory_mb\":1.5"), "docker.memory_mb");
	submit_fails(D("\"image\":\"a\",\"privileged\":true"),
	    "docker.privileged");
	submit_fails(SUBMIT("\"kind\":\"docker\",\"docker\":{\"image\":\"a\"},"
	    "\"cwd\":\"/tmp\""), "cwd");
	submit_fails(SUBMIT("\"kind\":\"docker\",\"docker\":{\"image\":\"a\"},"
	    "\"stdout\":\"/tmp/o\""), "stdout");
	submit_fails(SUBMIT("\"kind\":\"docker\",\"docker\":{\"image\":\"a\"},"
	    "\"argv\":[\"\"]"), "argv");
#undef D
}
END_TEST

START_TEST(test_record_exec_qmp)
{
	struct proto_record	rec, back;
	struct proto_error	err;
	char			*line;

	memset(&rec, 0, sizeof rec);
	proto_submit_init(&rec.job.spec);
	rec.job.spec.label = xstrdup("vm1");
	rec.job.spec.kind = rec.job.kind = PROTO_KIND_QEMU;
	rec.job.spec.qemu = xcalloc(1, sizeof *rec.job.spec.qemu);
	rec.job.spec.qemu->image = xstrdup("img");
	rec.job.spec.qemu->vcpus = 1;
	rec.job.spec.qemu->mem_mb = 128;
	rec.job.id = 8;
	rec.job.state = PROTO_STATE_RUNNING;
	rec.job.exit_code = -1;
	rec.job.container = xstrdup("c0ffee");
	proto_strv_add(&rec.exec, "qemu-system-x86_64");
	proto_strv_add(&rec.exec, "-m");
	rec.qmp = xstrdup("/state/vms/8/qmp.sock");
	snprintf(rec.shim.sock, sizeof rec.shim.sock, "s");
	snprintf(rec.shim.boot_id, sizeof rec.shim.boot_id, "b");
	line = proto_record_encode(&rec);
	ck_assert_int_eq(proto_record_decode(line, strlen(line), &back, &err),
	    0);
	ck_assert_int_eq(back.job.kind, PROTO_KIND_QEMU);
	ck_assert_int_eq(back.job.spec.qemu->mem_mb, 128);
	assert_strv_eq("exec", &back.exec, &rec.exec);
	ck_assert_str_eq(back.qmp, rec.qmp);
	ck_assert_str_eq(back.job.container, "c0ffee");
	free(line);
	proto_record_free(&back);
	proto_record_free(&rec);
}
END_TEST

START_TEST(test_container_name)
{
	char	buf[PROTO_CONTAINER_NAME_MAX], *label;

	proto_container_name("web", buf, sizeof buf);
	ck_assert_str_eq(buf, "launch-web");
	proto_container_name("github.com/relab/kvs:1@a+b_c-d", buf,
	    sizeof buf);
	ck_assert_str_eq(buf,
	    "launch-github.com_2frelab_2fkvs_3a1_40a_2bb_5fc-d");
	/* One to one: "_" is escaped too, so "a_2f" and "a/" differ. */
	proto_container_name("a_2f", buf, sizeof buf);
	ck_assert_str_eq(buf, "launch-a_5f2f");
	/* The longest label fits. */
	label = repeat('/', 255);
	proto_container_name(label, buf, sizeof buf);
	ck_assert_uint_eq(strlen(buf), PROTO_CONTAINER_NAME_MAX - 1);
	free(label);
}
END_TEST

START_TEST(test_docker_create_body)
{
	struct proto_submit	 s;
	char			*body;

	proto_submit_init(&s);
	s.kind = PROTO_KIND_DOCKER;
	s.label = xstrdup("app/web");
	s.docker = xcalloc(1, sizeof *s.docker);
	s.docker->image = xstrdup("redis:7");
	/* No argv, no limits: the image's command, no HostConfig limits. */
	body = proto_docker_create_body(&s, 42);
	ck_assert_str_eq(body, "{\"Image\":\"redis:7\",\"Env\":[],"
	    "\"Labels\":{\"launch.label\":\"app/web\",\"launch.job\":"
	    "\"42\"},\"HostConfig\":{}}\n");
	free(body);
	proto_strv_add(&s.argv, "sh");
	proto_strv_add(&s.argv, "-c");
	proto_strv_add(&s.argv, "echo \"$A\"");
	proto_strv_add(&s.env, "A=1");
	s.docker->memory_mb = 16777216;
	/* 0.3 CPU is not a whole number of nanoseconds in binary. */
	s.docker->cpus = 0.3;
	body = proto_docker_create_body(&s, 7);
	ck_assert_str_eq(body, "{\"Image\":\"redis:7\",\"Cmd\":[\"sh\","
	    "\"-c\",\"echo \\\"$A\\\"\"],\"Env\":[\"A=1\"],\"Labels\":"
	    "{\"launch.label\":\"app/web\",\"launch.job\":\"7\"},"
	    "\"HostConfig\":{\"Memory\":17592186044416,"
	    "\"NanoCpus\":300000000}}\n");
	free(body);
	s.docker->cpus = 1024;
	s.docker->memory_mb = 0;
	body = proto_docker_create_body(&s, 7);
	ck_assert_ptr_nonnull(strstr(body, "\"HostConfig\":{\"NanoCpus\":"
	    "1024000000000}"));
	free(body);
	proto_submit_free(&s);
}
END_TEST

static Suite *
kinds_suite(void)
{
	Suite	*s = suite_create("kinds");
	TCase	*tc = tcase_create("spec");

	tcase_add_test(tc, test_qemu_roundtrip);
	tcase_add_test(tc, test_qemu_defaults);
	tcase_add_test(tc, test_docker_roundtrip);
	tcase_add_test(tc, test_kind_errors);
	tcase_add_test(tc, test_qemu_errors);
	tcase_add_test(tc, test_docker_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("state");
	tcase_add_test(tc, test_record_exec_qmp);
	tcase_add_test(tc, test_container_name);
	tcase_add_test(tc, test_docker_create_body);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(kinds_suite());
}
