/*
 * The files of a VM instance (see qemu.c): the qcow2 overlay over its
 * image (qemu-img) and its config drive (xorriso), made once, on the
 * first start, by running the tools to completion.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "qemu.h"
#include "xmalloc.h"

extern char	**environ;

#define QEMU_OUT_MAX	65536

/* Run argv to completion, its stdout and stderr into out (cut at
 * outlen); its exit code, or -1 (why set). */
static int
qemu_run(char *const argv[], char *out, size_t outlen, char *why,
    size_t whylen)
{
	posix_spawn_file_actions_t	fa;
	pid_t				pid;
	int				p[2], rc, status;
	size_t				used = 0;
	ssize_t				n;
	char				sink[4096];

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(why, whylen, "%s: %s", argv[0], strerror(rc));
		return -1;
	}
	for (;;) {
		if (used + 1 < outlen)
			n = read(p[0], out + used, outlen - used - 1);
		else
			n = read(p[0], sink, sizeof sink);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < outlen)
			used += (size_t)n;
	}
	out[used] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status)) {
		snprintf(why, whylen, "%s: killed by signal %d", argv[0],
		    WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

/* The first line of a tool's output, for an error message. */
static const char *
first_line(char *s)
{
	char	*nl = strchr(s, '\n');

	if (nl != NULL)
		*nl = '\0';
	return s;
}

void
qemu_dir(const struct job *j, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vms/%lld", state_dir(), (long long)j->id);
}

/* The backing image's path, readable; image_failure otherwise. */
int
qemu_image(struct job *j, char *path, size_t len, char *why, size_t whylen)
{
	const char	*image = j->spec.qemu->image;
	int		 fd;

	if (image[0] == '/')
		snprintf(path, len, "%s", image);
	else
		snprintf(path, len, "%s/images/%s", state_dir(), image);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "qemu.image: %s: %s", path,
		    strerror(errno));
		job_fail_code(j, PROTO_E_IMAGE_FAILURE, "qemu.image");
		return -1;
	}
	close(fd);
	return 0;
}

/* Make overlay.qcow2 over the image, unless it is there already. */
int
qemu_overlay(struct job *j, const char *dir, const char *image, char *why,
    size_t whylen)
{
	char		 overlay[4400], size[32], *out, fmt[32];
	const cJSON	*vs, *f;
	cJSON		*info;
	int64_t		 bytes;
	int		 rc;

	snprintf(overlay, sizeof overlay, "%s/overlay.qcow2", dir);
	if (access(overlay, F_OK) == 0)
		return 0;
	out = xmalloc(QEMU_OUT_MAX);
	char *info_argv[] = { "qemu-img", "info", "--output=json",
	    (char *)image, NULL };
	rc = qemu_run(info_argv, out, QEMU_OUT_MAX, why, whylen);
	if (rc != 0) {
		if (rc > 0)
			snprintf(why, whylen, "qemu.image: qemu-img info %s: "
			    "%s", image, first_line(out));
		job_fail_code(j, PROTO_E_IMAGE_FAILURE, "qemu.image");
		free(out);
		return -1;
	}
	info = cJSON_Parse(out);
	vs = cJSON_GetObjectItemCaseSensitive(info, "virtual-size");
	f = cJSON_GetObjectItemCaseSensitive(info, "format");
	if (!cJSON_IsNumber(vs) || !cJSON_IsString(f) ||
	    strlen(f->valuestring) >= sizeof fmt) {
		snprintf(why, whylen, "qemu.image: qemu-img info %s: no size "
		    "or format in its answer", image);
		job_fail_code(j, PROTO_E_IMAGE_FAILURE, "qemu.image");
		cJSON_Delete(info);
		free(out);
		return -1;
	}
	bytes = (int64_t)vs->valuedouble;
	snprintf(fmt, sizeof fmt, "%s", f->valuestring);
	cJSON_Delete(info);
	/* A disk smaller than the image is raised to it (as ciao did). */
	if (j->spec.qemu->disk_mb * 1048576 > bytes)
		bytes = j->spec.qemu->disk_mb * 1048576;
	snprintf(size, sizeof size, "%lld", (long long)bytes);
	char *create_argv[] = { "qemu-img", "create", "-q", "-f", "qcow2",
	    "-F", fmt, "-b", (char *)image, overlay, size, NULL };
	rc = qemu_run(create_argv, out, QEMU_OUT_MAX, why, whylen);
	if (rc != 0) {
		if (rc > 0)
			snprintf(why, whylen, "qemu.image: qemu-img create "
			    "over %s: %s", image, first_line(out));
		job_fail_code(j, PROTO_E_IMAGE_FAILURE, "qemu.image");
		unlink(overlay);
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

/* Make config.iso (a config drive), unless it is there already. */
int
qemu_config_drive(struct job *j, const char *dir, char *why, size_t whylen)
{
	char		 iso[4400], stage[4400], latest[4500], *meta, *out;
	char		 uuid[40];
	unsigned char	 r[16];
	cJSON		*o;
	int		 rc = -1;

	snprintf(iso, sizeof iso, "%s/config.iso", dir);
	if (access(iso, F_OK) == 0)
		return 0;
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		snprintf(why, whylen, "getrandom: %s", strerror(errno));
		return -1;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);	/* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(uuid, sizeof uuid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
	    r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	    r[14], r[15]);
	snprintf(stage, sizeof stage, "%s/config-drive", dir);
	snprintf(latest, sizeof latest, "%s/openstack/latest", stage);
	if (file_mkdirs(latest, 0700) == -1) {
		snprintf(why, whylen, "mkdir %s: %s", latest, strerror(errno));
		return -1;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "uuid", uuid);
	cJSON_AddStringToObject(o, "hostname", j->spec.label);
	cJSON_AddStringToObject(o, "name", j->spec.label);
	meta = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (file_replace(latest, "meta_data.json", meta, strlen(meta)) ==
	    -1 || (j->spec.qemu->user_data != NULL && file_replace(latest,
	    "user_data", j->spec.qemu->user_data,
	    strlen(j->spec.qemu->user_data)) == -1)) {
		snprintf(why, whylen, "writing %s: %s", latest,
		    strerror(errno));
		free(meta);
		goto out;
	}
	free(meta);
	out = xmalloc(QEMU_OUT_MAX);
	char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-o", iso,
	    "-V", "config-2", "-J", "-R", stage, NULL };
	rc = qemu_run(argv, out, QEMU_OUT_MAX, why, whylen);
	if (rc > 0) {
		snprintf(why, whylen, "xorriso: %s", first_line(out));
		unlink(iso);
		rc = -1;
	}
	free(out);
out:
	/* The staging tree: two levels of directories and two files. */
	snprintf(latest, sizeof latest, "%s/openstack/latest", stage);
	file_remove_dir(latest);
	snprintf(latest, sizeof latest, "%s/openstack", stage);
	file_remove_dir(latest);
	file_remove_dir(stage);
	return rc;
}
