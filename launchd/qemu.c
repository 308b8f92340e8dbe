/*
 * The qemu driver: a VM is a qemu process under its own shim, exactly as
 * a plain job is (proc.c, shim/shim.c), so that it survives the daemon's
 * crash, its exit status is kept, and its serial console (qemu's stdout)
 * is the job's log.  What this file adds is what happens before qemu
 * starts and how it is stopped:
 *
 * - Per instance, under STATE/vms/ID/: overlay.qcow2, a qcow2 overlay
 *   made with qemu-img over the backing image (IMAGE is a name under
 *   STATE/images/ or an absolute path); a disk_mb smaller than the image's
 *   virtual size is raised to it, as ciao did.  config.iso, a config
 *   drive made with xorriso (volume id config-2,
 *   openstack/latest/meta_data.json with a uuid and hostname = label,
 *   openstack/latest/user_data from --cloud-init).  qmp.sock, the QMP
 *   socket.  Both files are made on the first start and kept across
 *   restarts (the VM's disk persists, as a machine's does); `remove`
 *   deletes the directory.
 * - KVM only when it really works (qemu_kvm_usable: the CPU flags, then
 *   a VM and a vCPU made through /dev/kvm); else TCG.  Checked once per
 *   daemon.
 * - The command line (record "exec") is what the shim runs; the QMP path
 *   (record "qmp") tells the shim to stop the VM through QMP: the stop
 *   request becomes system_powerdown, then after the stop timeout quit,
 *   then SIGKILL (shim/qmp.c).  A stop survives the daemon's death
 *   half-way, as a process's does.
 * - After a daemon restart the shim is reattached as for any job, and the
 *   QMP socket is checked to answer.
 *
 * Errors at submit: image_failure (the image is missing or unreadable,
 * qemu-img failed), launch_failure (qemu, qemu-img or xorriso missing, a
 * file cannot be made).  The preparation runs qemu-img and xorriso to
 * completion inside the daemon (about 50 ms each, once per instance);
 * a VM that fails later (a bad kernel) ends as an exited job whose log
 * says why.
 *
 * The binaries: $LAUNCH_QEMU (default qemu-system-x86_64), qemu-img and
 * xorriso, looked up in the daemon's PATH.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

extern char	**environ;

#define QEMU_OUT_MAX	65536

static const char *
qemu_binary(void)
{
	const char	*q = getenv("LAUNCH_QEMU");

	return q != NULL && *q != '\0' ? q : "qemu-system-x86_64";
}

/* Does the CPU say it has hardware virtualisation (vmx, svm)? */
static int
qemu_cpu_virt(void)
{
	FILE	*f = fopen("/proc/cpuinfo", "re");
	char	 line[4096];
	int	 found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "flags", 5) == 0)
			found = strstr(line, " vmx") != NULL ||
			    strstr(line, " svm") != NULL;
	fclose(f);
	return found;
}

/*
 * 1 if KVM really works here (checked once): the CPU has vmx or svm,
 * /dev/kvm opens, and a VM and a vCPU can be made.  Seen on a CI sandbox:
 * /dev/kvm opened and even ran a one-instruction guest, with no vmx in
 * the CPU flags, and a Linux guest then hung at boot; so the flags are
 * required too.  LAUNCH_QEMU_ACCEL=tcg or kvm overrides the check.
 */
static int
qemu_kvm_usable(void)
{
	static int	 known = -1;
	const char	*force = getenv("LAUNCH_QEMU_ACCEL");
	int		 fd, vm, cpu;

	if (known != -1)
		return known;
	known = 0;
	if (force != NULL && (strcmp(force, "tcg") == 0 ||
	    strcmp(force, "kvm") == 0)) {
		known = strcmp(force, "kvm") == 0;
		log_info("qemu: %s (LAUNCH_QEMU_ACCEL)", force);
		return known;
	}
	if (!qemu_cpu_virt()) {
		log_info("qemu: the CPU has no vmx or svm flag; using TCG");
		return 0;
	}
	if ((fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) == -1) {
		log_info("qemu: no KVM (/dev/kvm: %s); using TCG",
		    strerror(errno));
		return 0;
	}
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		log_info("qemu: KVM API version mismatch; using TCG");
	else if ((vm = ioctl(fd, KVM_CREATE_VM, 0)) == -1)
		log_info("qemu: /dev/kvm opens but cannot create a VM (%s); "
		    "using TCG", strerror(errno));
	else {
		if ((cpu = ioctl(vm, KVM_CREATE_VCPU, 0)) == -1)
			log_info("qemu: KVM cannot create a vCPU (%s); using "
			    "TCG", strerror(errno));
		else {
			close(cpu);
			known = 1;
			log_info("qemu: KVM works");
		}
		close(vm);
	}
	close(fd);
	return known;
}

/* Is prog runnable (a path, or found in PATH)? */
static int
qemu_have(const char *prog)
{
	const char	*path = getenv("PATH");
	char		 buf[4200];

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	if (path == NULL)
		path = "/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
		if (n > 0 && access(buf, X_OK) == 0)
			return 1;
		if (e == NULL)
			return 0;
		p = e;
	}
}

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

static void
qemu_dir(const struct job *j, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vms/%lld", state_dir(), (long long)j->id);
}

/* The backing image's path, readable; image_failure otherwise. */
static int
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
static int
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
static int
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

/* A -name or file= value: qemu's option syntax doubles commas. */
static char *
qemu_opt_escape(const char *prefix, const char *v)
{
	size_t	n = strlen(prefix), len = n + 2 * strlen(v) + 1;
	char	*s = xmalloc(len), *o = s + n;

	memcpy(s, prefix, n);
	for (; *v != '\0'; v++) {
		if (*v == ',')
			*o++ = ',';
		*o++ = *v;
	}
	*o = '\0';
	return s;
}

static void
qemu_build_argv(struct job *j, const char *dir)
{
	const struct proto_qemu	*q = j->spec.qemu;
	struct proto_strv	*a = &j->exec;
	char			 buf[4600], *s;
	int			 kvm = qemu_kvm_usable();

	proto_strv_free(a);
	proto_strv_add(a, qemu_binary());
	s = qemu_opt_escape("guest=", j->spec.label);
	proto_strv_add(a, "-name");
	proto_strv_add(a, s);
	free(s);
	proto_strv_add(a, "-machine");
	proto_strv_add(a, kvm ? "q35,accel=kvm" : "q35,accel=tcg");
	if (kvm) {
		proto_strv_add(a, "-cpu");
		proto_strv_add(a, "host");
	}
	proto_strv_add(a, "-smp");
	snprintf(buf, sizeof buf, "%lld", (long long)q->vcpus);
	proto_strv_add(a, buf);
	proto_strv_add(a, "-m");
	snprintf(buf, sizeof buf, "%lld", (long long)q->mem_mb);
	proto_strv_add(a, buf);
	/* No default devices, no display: the serial console is stdout,
	 * which the shim writes to the job's log. */
	proto_strv_add(a, "-nodefaults");
	proto_strv_add(a, "-no-user-config");
	proto_strv_add(a, "-display");
	proto_strv_add(a, "none");
	proto_strv_add(a, "-serial");
	proto_strv_add(a, "stdio");
	if (q->efi) {
		proto_strv_add(a, "-bios");
		proto_strv_add(a, "/usr/share/ovmf/OVMF.fd");
	}
	snprintf(buf, sizeof buf, "%s/overlay.qcow2", dir);
	s = qemu_opt_escape("if=virtio,format=qcow2,file=", buf);
	proto_strv_add(a, "-drive");
	proto_strv_add(a, s);
	free(s);
	snprintf(buf, sizeof buf, "%s/config.iso", dir);
	s = qemu_opt_escape("if=virtio,format=raw,readonly=on,file=", buf);
	proto_strv_add(a, "-drive");
	proto_strv_add(a, s);
	free(s);
	proto_strv_add(a, "-nic");
	proto_strv_add(a, "user,model=virtio-net-pci");
	s = qemu_opt_escape("unix:", j->qmp);
	snprintf(buf, sizeof buf, "%s,server=on,wait=off", s);
	free(s);
	proto_strv_add(a, "-qmp");
	proto_strv_add(a, buf);
	if (q->kernel != NULL) {
		proto_strv_add(a, "-kernel");
		proto_strv_add(a, q->kernel);
		if (q->initrd != NULL) {
			proto_strv_add(a, "-initrd");
			proto_strv_add(a, q->initrd);
		}
		if (q->append != NULL) {
			proto_strv_add(a, "-append");
			proto_strv_add(a, q->append);
		}
	}
}

static int
qemu_start(struct job *j, char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	char			 dir[4200], image[4400], qmp[4300];

	if (!qemu_have(qemu_binary())) {
		snprintf(why, whylen, "%s: not found in PATH (Debian: "
		    "apt-get install qemu-system-x86)", qemu_binary());
		return -1;
	}
	if (!qemu_have("qemu-img") || !qemu_have("xorriso")) {
		snprintf(why, whylen, "%s: not found in PATH (Debian: "
		    "apt-get install %s)", qemu_have("qemu-img") ? "xorriso" :
		    "qemu-img", qemu_have("qemu-img") ? "xorriso" :
		    "qemu-utils");
		return -1;
	}
	for (const char *f = j->spec.qemu->kernel; f != NULL;
	    f = f == j->spec.qemu->kernel ? j->spec.qemu->initrd : NULL) {
		if (access(f, R_OK) == -1) {
			snprintf(why, whylen, "qemu.%s: %s: %s",
			    f == j->spec.qemu->kernel ? "kernel" : "initrd", f,
			    strerror(errno));
			job_fail_code(j, PROTO_E_IMAGE_FAILURE,
			    f == j->spec.qemu->kernel ? "qemu.kernel" :
			    "qemu.initrd");
			return -1;
		}
	}
	if (j->spec.qemu->efi && access("/usr/share/ovmf/OVMF.fd", R_OK) ==
	    -1) {
		snprintf(why, whylen, "qemu.efi: /usr/share/ovmf/OVMF.fd: %s "
		    "(Debian: apt-get install ovmf)", strerror(errno));
		job_fail_code(j, PROTO_E_LAUNCH_FAILURE, "qemu.efi");
		return -1;
	}
	if (qemu_image(j, image, sizeof image, why, whylen) == -1)
		return -1;
	qemu_dir(j, dir, sizeof dir);
	snprintf(qmp, sizeof qmp, "%s/qmp.sock", dir);
	if (strlen(qmp) >= sizeof sun.sun_path) {
		snprintf(why, whylen, "the QMP socket path %s is longer than "
		    "a Unix socket allows (%zu); use a shorter state "
		    "directory", qmp, sizeof sun.sun_path - 1);
		return -1;
	}
	if (file_mkdirs(dir, 0700) == -1) {
		snprintf(why, whylen, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (qemu_overlay(j, dir, image, why, whylen) == -1 ||
	    qemu_config_drive(j, dir, why, whylen) == -1)
		return -1;
	free(j->qmp);
	j->qmp = xstrdup(qmp);
	unlink(qmp);		/* a previous run's */
	qemu_build_argv(j, dir);
	return proc_start(j, why, whylen);
}

/* After a restart: the shim is reattached; the VM's QMP socket should
 * answer too (qemu keeps listening for a new client). */
static int
qemu_adopt(struct job *j)
{
	struct sockaddr_un	sun;
	int			fd;

	if (proc_adopt(j) == -1)
		return -1;
	if (j->qmp == NULL || strlen(j->qmp) >= sizeof sun.sun_path)
		return 0;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, j->qmp, strlen(j->qmp));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0)
		log_info("%s: its QMP socket answers", j->spec.label);
	else
		log_warnx("%s: its QMP socket %s does not answer (%s); a stop "
		    "will end in SIGKILL", j->spec.label, j->qmp,
		    strerror(errno));
	if (fd != -1)
		close(fd);
	return 0;
}

static void
qemu_forget(struct job *j)
{
	char	dir[4200];

	qemu_dir(j, dir, sizeof dir);
	if (file_remove_dir(dir) == -1)
		log_warn("removing %s", dir);
}

const struct driver qemu_driver = {
	.kind = PROTO_KIND_QEMU,
	.shim = 1,
	.start = qemu_start,
	.stop = proc_stop,
	.adopt = qemu_adopt,
	.cleanup = proc_cleanup,
	.forget = qemu_forget,
};
