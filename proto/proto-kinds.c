/*
 * SPEC's "kind" and its "qemu" and "docker" objects (see proto.h), and
 * the container name a label maps to.  What is checked here is only what
 * can be checked without the machine: that an image file exists, that
 * qemu or a container engine is there, is the daemon's business at
 * submit (launchd/qemu.c, launchd/docker.c).  Also the body of the
 * engine's container create, which is what a docker SPEC means there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-json.h"
#include "proto-spec.h"
#include "xmalloc.h"

#define KIND_MB_MAX		16777216	/* 16 TiB */

static const char *const qemu_members[] = { "image", "vcpus", "mem_mb",
    "disk_mb", "user_data", "efi", "kernel", "initrd", "append", NULL };
static const char *const docker_members[] = { "image", "memory_mb", "cpus",
    NULL };

void
proto_container_name(const char *label, char *buf, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			o;

	o = (size_t)snprintf(buf, len, "launch-");
	for (const unsigned char *p = (const unsigned char *)label;
	    *p != '\0' && o + 3 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-')
			buf[o++] = (char)*p;
		else {
			buf[o++] = '_';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	buf[o] = '\0';
}

char *
proto_docker_create_body(const struct proto_submit *s, int64_t job_id)
{
	const struct proto_docker	*d = s->docker;
	cJSON				*o, *a, *hc;
	char				 id[32];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Image", d->image);
	if (s->argv.n > 0) {
		a = cJSON_AddArrayToObject(o, "Cmd");
		for (size_t i = 0; i < s->argv.n; i++)
			cJSON_AddItemToArray(a,
			    cJSON_CreateString(s->argv.v[i]));
	}
	a = cJSON_AddArrayToObject(o, "Env");
	for (size_t i = 0; i < s->env.n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s->env.v[i]));
	a = cJSON_AddObjectToObject(o, "Labels");
	cJSON_AddStringToObject(a, "launch.label", s->label);
	snprintf(id, sizeof id, "%lld", (long long)job_id);
	cJSON_AddStringToObject(a, "launch.job", id);
	hc = cJSON_AddObjectToObject(o, "HostConfig");
	/* Whole numbers: the engine refuses a fractional NanoCpus. */
	if (d->memory_mb > 0)
		cJSON_AddNumberToObject(hc, "Memory",
		    (double)(d->memory_mb * 1048576));
	if (d->cpus > 0)
		cJSON_AddNumberToObject(hc, "NanoCpus",
		    pj_round(d->cpus * 1e9));
	return pj_line(o);	/* a final newline is still JSON */
}

static void
qemu_free(struct proto_qemu *q)
{
	if (q == NULL)
		return;
	free(q->image);
	free(q->user_data);
	free(q->kernel);
	free(q->initrd);
	free(q->append);
	free(q);
}

static void
docker_free(struct proto_docker *d)
{
	if (d == NULL)
		return;
	free(d->image);
	free(d);
}

void
pj_kind_free(struct proto_submit *s)
{
	qemu_free(s->qemu);
	docker_free(s->docker);
	s->qemu = NULL;
	s->docker = NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
pj_kind_copy(struct proto_submit *dst, const struct proto_submit *src)
{
	dst->qemu = NULL;
	dst->docker = NULL;
	if (src->qemu != NULL) {
		dst->qemu = xcalloc(1, sizeof *dst->qemu);
		*dst->qemu = *src->qemu;
		dst->qemu->image = dup_or_null(src->qemu->image);
		dst->qemu->user_data = dup_or_null(src->qemu->user_data);
		dst->qemu->kernel = dup_or_null(src->qemu->kernel);
		dst->qemu->initrd = dup_or_null(src->qemu->initrd);
		dst->qemu->append = dup_or_null(src->qemu->append);
	}
	if (src->docker != NULL) {
		dst->docker = xcalloc(1, sizeof *dst->docker);
		*dst->docker = *src->docker;
		dst->docker->image = dup_or_null(src->docker->image);
	}
}

void
pj_kind_add(cJSON *o, const struct proto_submit *s, int with_nulls)
{
	cJSON	*k;

	if (s->kind != PROTO_KIND_PROCESS || with_nulls)
		cJSON_AddStringToObject(o, "kind", proto_kind_name(s->kind));
	if (s->qemu != NULL) {
		const struct proto_qemu *q = s->qemu;

		k = cJSON_AddObjectToObject(o, "qemu");
		cJSON_AddStringToObject(k, "image", q->image);
		pj_add_int(k, "vcpus", q->vcpus);
		pj_add_int(k, "mem_mb", q->mem_mb);
		pj_add_int(k, "disk_mb", q->disk_mb);
		if (q->user_data != NULL || with_nulls)
			pj_add_string_or_null(k, "user_data", q->user_data);
		if (q->efi || with_nulls)
			cJSON_AddBoolToObject(k, "efi", q->efi);
		if (q->kernel != NULL || with_nulls)
			pj_add_string_or_null(k, "kernel", q->kernel);
		if (q->initrd != NULL || with_nulls)
			pj_add_string_or_null(k, "initrd", q->initrd);
		if (q->append != NULL || with_nulls)
			pj_add_string_or_null(k, "append", q->append);
	}
	if (s->docker != NULL) {
		k = cJSON_AddObjectToObject(o, "docker");
		cJSON_AddStringToObject(k, "image", s->docker->image);
		pj_add_int(k, "memory_mb", s->docker->memory_mb);
		cJSON_AddNumberToObject(k, "cpus", s->docker->cpus);
	}
}

/* An image: a plain name (under images/) or an absolute path. */
static int
check_vm_image(const char *image, struct proto_error *err)
{
	if (image[0] == '/')
		return 0;
	if (image[0] == '\0' || image[0] == '.' ||
	    strspn(image, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._+-") != strlen(image) || strlen(image) > 255) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "image",
		    "image: must be an absolute path or a name of 1-255 "
		    "[A-Za-z0-9._+-] not starting with '.' (a file under the "
		    "state directory's images/)");
		return -1;
	}
	return 0;
}

static int
decode_qemu(const cJSON *m, struct proto_qemu *q, struct proto_error *err)
{
	q->vcpus = 1;
	q->mem_mb = 512;
	if (pj_check_members(m, qemu_members, NULL, "", err) == -1 ||
	    pj_string(m, "image", 1, &q->image, err) == -1 ||
	    check_vm_image(q->image, err) == -1 ||
	    pj_int(m, "vcpus", 0, 1, 256, &q->vcpus, err) == -1 ||
	    pj_int(m, "mem_mb", 0, 16, 1048576, &q->mem_mb, err) == -1 ||
	    pj_int(m, "disk_mb", 0, 0, KIND_MB_MAX, &q->disk_mb, err) == -1 ||
	    pj_string(m, "user_data", 0, &q->user_data, err) == -1 ||
	    pj_string(m, "kernel", 0, &q->kernel, err) == -1 ||
	    pj_check_abs_path("kernel", q->kernel, err) == -1 ||
	    pj_string(m, "initrd", 0, &q->initrd, err) == -1 ||
	    pj_check_abs_path("initrd", q->initrd, err) == -1 ||
	    pj_string(m, "append", 0, &q->append, err) == -1 ||
	    pj_check_length("append", q->append, PROTO_ARG_LEN_MAX, err) == -1)
		return -1;
	if (q->user_data != NULL && strlen(q->user_data) > PROTO_USER_DATA_MAX) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "user_data",
		    "user_data: longer than %d bytes", PROTO_USER_DATA_MAX);
		return -1;
	}
	if (q->kernel == NULL && (q->initrd != NULL || q->append != NULL)) {
		proto_error_set(err, PROTO_E_INVALID_DATA,
		    q->initrd != NULL ? "initrd" : "append",
		    "%s: needs kernel", q->initrd != NULL ? "initrd" :
		    "append");
		return -1;
	}
	return pj_bool(m, "efi", &q->efi, err);
}

static int
decode_docker(const cJSON *m, struct proto_docker *d, struct proto_error *err)
{
	const cJSON	*cpus;
	size_t		 len;

	if (pj_check_members(m, docker_members, NULL, "", err) == -1 ||
	    pj_string(m, "image", 1, &d->image, err) == -1 ||
	    pj_int(m, "memory_mb", 0, 0, KIND_MB_MAX, &d->memory_mb, err) ==
	    -1)
		return -1;
	len = strlen(d->image);
	if (len == 0 || len > 255) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "image",
		    "image: must be 1-255 bytes");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (d->image[i] <= ' ' || d->image[i] == 0x7f) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "image",
			    "image: must not contain spaces or control "
			    "characters");
			return -1;
		}
	}
	cpus = cJSON_GetObjectItemCaseSensitive(m, "cpus");
	if (cpus != NULL && !cJSON_IsNull(cpus)) {
		if (!cJSON_IsNumber(cpus) || !(cpus->valuedouble >= 0) ||
		    cpus->valuedouble > 1024) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "cpus",
			    "cpus: must be a number from 0 to 1024");
			return -1;
		}
		d->cpus = cpus->valuedouble;
	}
	return 0;
}

/* A member that does not apply to kind must be absent (or null). */
static int
not_for(const cJSON *o, const char *member, const char *kind,
    struct proto_error *err)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, member);

	if (m == NULL || cJSON_IsNull(m) ||
	    (cJSON_IsObject(m) && m->child == NULL))	/* views: {} */
		return 0;
	proto_error_set(err, PROTO_E_INVALID_DATA, member,
	    "%s: does not apply to %s jobs", member, kind);
	return -1;
}

int
pj_kind_decode(const cJSON *o, struct proto_submit *s, struct proto_error *err)
{
	const cJSON	*q, *d;
	char		*kind = NULL;
	int		 k;

	if (pj_string(o, "kind", 0, &kind, err) == -1)
		return -1;
	if (kind != NULL) {
		k = proto_kind_parse(kind);
		free(kind);
		if (k < 0) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "kind",
			    "kind: must be \"process\", \"qemu\" or "
			    "\"docker\"");
			return -1;
		}
		s->kind = (enum proto_kind)k;
	}
	q = cJSON_GetObjectItemCaseSensitive(o, "qemu");
	d = cJSON_GetObjectItemCaseSensitive(o, "docker");
	if (q != NULL && cJSON_IsNull(q))
		q = NULL;
	if (d != NULL && cJSON_IsNull(d))
		d = NULL;
	if (s->kind != PROTO_KIND_QEMU && q != NULL) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "qemu",
		    "qemu: only with \"kind\": \"qemu\"");
		return -1;
	}
	if (s->kind != PROTO_KIND_DOCKER && d != NULL) {
		proto_error_set(err, PROTO_E_INVALID_DATA, "docker",
		    "docker: only with \"kind\": \"docker\"");
		return -1;
	}
	switch (s->kind) {
	case PROTO_KIND_QEMU:
		if (!cJSON_IsObject(q)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "qemu",
			    "qemu: an object with at least \"image\" is "
			    "needed for a qemu job");
			return -1;
		}
		s->qemu = xcalloc(1, sizeof *s->qemu);
		if (decode_qemu(q, s->qemu, err) == -1) {
			pj_blame(err, "qemu");
			return -1;
		}
		if (s->argv.n > 0) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "argv",
			    "argv: a qemu job has no command; the image "
			    "boots");
			return -1;
		}
		return not_for(o, "ready_fd", "qemu", err) == -1 ||
		    not_for(o, "umask", "qemu", err) == -1 ||
		    not_for(o, "rlimits", "qemu", err) == -1 ? -1 : 0;
	case PROTO_KIND_DOCKER:
		if (!cJSON_IsObject(d)) {
			proto_error_set(err, PROTO_E_INVALID_DATA, "docker",
			    "docker: an object with at least \"image\" is "
			    "needed for a docker job");
			return -1;
		}
		s->docker = xcalloc(1, sizeof *s->docker);
		if (decode_docker(d, s->docker, err) == -1) {
			pj_blame(err, "docker");
			return -1;
		}
		return not_for(o, "cwd", "docker", err) == -1 ||
		    not_for(o, "path", "docker", err) == -1 ||
		    not_for(o, "stdout", "docker", err) == -1 ||
		    not_for(o, "stderr", "docker", err) == -1 ||
		    not_for(o, "ready_fd", "docker", err) == -1 ||
		    not_for(o, "umask", "docker", err) == -1 ||
		    not_for(o, "rlimits", "docker", err) == -1 ? -1 : 0;
	default:
		return 0;
	}
}
