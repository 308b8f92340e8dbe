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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "qemu.h"
#include "xmalloc.h"

#define QEMU_OVMF	"/usr/share/ovmf/OVMF.fd"	/* Debian's ovmf */

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
		proto_strv_add(a, QEMU_OVMF);
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

/* The programs a VM needs, in the daemon's PATH: 0, or -1 (why). */
static int
qemu_tools(char *why, size_t whylen)
{
	const char	*tools[][2] = {
		{ qemu_binary(), "qemu-system-x86" },
		{ "qemu-img", "qemu-utils" },
		{ "xorriso", "xorriso" },
	};

	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		if (!qemu_have(tools[i][0])) {
			snprintf(why, whylen, "%s: not found in PATH (Debian: "
			    "apt-get install %s)", tools[i][0], tools[i][1]);
			return -1;
		}
	}
	return 0;
}

/* A file the VM boots from (NULL: none) must be readable; else code,
 * naming field. */
static int
qemu_readable(struct job *j, const char *field, const char *path,
    enum proto_code code, const char *hint, char *why, size_t whylen)
{
	if (path == NULL || access(path, R_OK) == 0)
		return 0;
	snprintf(why, whylen, "%s: %s: %s%s", field, path, strerror(errno),
	    hint);
	job_fail_code(j, code, field);
	return -1;
}

static int
qemu_start(struct job *j, char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	char			 dir[4200], image[4400], qmp[4300];

	if (qemu_tools(why, whylen) == -1 ||
	    qemu_readable(j, "qemu.kernel", j->spec.qemu->kernel,
	    PROTO_E_IMAGE_FAILURE, "", why, whylen) == -1 ||
	    qemu_readable(j, "qemu.initrd", j->spec.qemu->initrd,
	    PROTO_E_IMAGE_FAILURE, "", why, whylen) == -1 ||
	    qemu_readable(j, "qemu.efi", j->spec.qemu->efi ? QEMU_OVMF : NULL,
	    PROTO_E_LAUNCH_FAILURE, " (Debian: apt-get install ovmf)", why,
	    whylen) == -1)
		return -1;
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
	/* Its own directory: a planted symlink would redirect the overlay,
	 * the config drive and the QMP socket. */
	if (file_mkdirs(dir, 0700) == -1 || file_dir_own(dir, 0) == -1) {
		snprintf(why, whylen, "%s: %s", dir, file_strerror(errno));
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
