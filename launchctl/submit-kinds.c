/*
 * launch submit's options for VMs and containers (--qemu, --docker and
 * theirs): they fill SPEC's "qemu" or "docker" object.  A path the
 * daemon opens (a VM image given as a path, --kernel, --initrd) is made
 * absolute here when the job runs on this machine and must be absolute
 * when it does not; a plain image name is a file under the daemon's
 * images/ directory.  --cloud-init is read here and sent as its text, so
 * that it works for another host too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "submit.h"
#include "xmalloc.h"

static struct proto_qemu *
kind_qemu(struct proto_submit *s)
{
	if (s->qemu == NULL) {
		s->qemu = xcalloc(1, sizeof *s->qemu);
		s->qemu->vcpus = 1;
		s->qemu->mem_mb = 512;
	}
	return s->qemu;
}

static struct proto_docker *
kind_docker(struct proto_submit *s)
{
	if (s->docker == NULL)
		s->docker = xcalloc(1, sizeof *s->docker);
	return s->docker;
}

static int
kind_number(const char *opt, const char *arg, long long min, long long max,
    int64_t *out)
{
	long long	n;

	if (submit_number(arg, min, max, &n) == -1) {
		cmd_usage_error(&cmd_submit_entry, "%s %s: expected a number "
		    "from %lld to %lld", opt, arg, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
kind_is(struct proto_submit *s, enum proto_kind want, const char *opt)
{
	if (s->kind != want) {
		cmd_usage_error(&cmd_submit_entry, "%s goes with %s", opt,
		    want == PROTO_KIND_QEMU ? "--qemu IMAGE" :
		    "--docker IMAGE");
		return -1;
	}
	return 0;
}

/* Kind options may come before --qemu or --docker: they are checked
 * once the whole line is read (submit_kind_check). */
int
submit_kind_option(int opt, const char *name, const char *arg,
    struct proto_submit *s, const struct submit_opts *o)
{
	char	*text, *end;
	size_t	 len;
	double	 d;

	switch (opt) {
	case SUBMIT_OPT_QEMU:
	case SUBMIT_OPT_DOCKER: {
		enum proto_kind k = opt == SUBMIT_OPT_QEMU ? PROTO_KIND_QEMU :
		    PROTO_KIND_DOCKER;
		if (s->kind != PROTO_KIND_PROCESS && s->kind != k) {
			cmd_usage_error(&cmd_submit_entry, "--qemu and "
			    "--docker: a job is one or the other");
			return -1;
		}
		s->kind = k;
		if (k == PROTO_KIND_DOCKER) {
			free(kind_docker(s)->image);
			s->docker->image = xstrdup(arg);
			return 0;
		}
		free(kind_qemu(s)->image);
		s->qemu->image = strchr(arg, '/') != NULL ?
		    submit_job_path("--qemu", arg, o) : xstrdup(arg);
		return s->qemu->image == NULL ? -1 : 0;
	}
	case SUBMIT_OPT_VCPUS:
		return kind_number(name, arg, 1, 256, &kind_qemu(s)->vcpus);
	case SUBMIT_OPT_MEM:
		return kind_number(name, arg, 16, 1048576,
		    &kind_qemu(s)->mem_mb);
	case SUBMIT_OPT_DISK:
		return kind_number(name, arg, 0, 16777216,
		    &kind_qemu(s)->disk_mb);
	case SUBMIT_OPT_EFI:
		kind_qemu(s)->efi = 1;
		return 0;
	case SUBMIT_OPT_KERNEL:
	case SUBMIT_OPT_INITRD: {
		char **slot = opt == SUBMIT_OPT_KERNEL ? &kind_qemu(s)->kernel :
		    &kind_qemu(s)->initrd;
		free(*slot);
		*slot = submit_job_path(name, arg, o);
		return *slot == NULL ? -1 : 0;
	}
	case SUBMIT_OPT_APPEND:
		free(kind_qemu(s)->append);
		s->qemu->append = xstrdup(arg);
		return 0;
	case SUBMIT_OPT_CLOUD_INIT:
		if ((text = file_read(arg, &len)) == NULL) {
			fprintf(stderr, "launch: --cloud-init %s: %s\n", arg,
			    strerror(errno));
			return -1;
		}
		if (len > PROTO_USER_DATA_MAX || memchr(text, '\0', len) !=
		    NULL) {
			fprintf(stderr, "launch: --cloud-init %s: %s\n", arg,
			    len > PROTO_USER_DATA_MAX ? "larger than 64 KiB" :
			    "contains a NUL byte");
			free(text);
			return -1;
		}
		free(kind_qemu(s)->user_data);
		s->qemu->user_data = text;
		return 0;
	case SUBMIT_OPT_MEMORY:
		return kind_number(name, arg, 0, 16777216,
		    &kind_docker(s)->memory_mb);
	case SUBMIT_OPT_CPUS:
		errno = 0;
		d = strtod(arg, &end);
		if (*arg == '\0' || *end != '\0' || errno != 0 || !(d >= 0) ||
		    d > 1024) {
			cmd_usage_error(&cmd_submit_entry, "--cpus %s: "
			    "expected a number from 0 to 1024 (0.5: half a "
			    "CPU)", arg);
			return -1;
		}
		kind_docker(s)->cpus = d;
		return 0;
	}
	return -1;
}

/* After the whole line: the options match the kind, and the kind's
 * rules hold (a VM has no command; only a process has a ready fd...). */
int
submit_kind_check(struct proto_submit *s, int has_command)
{
	if (s->qemu != NULL && kind_is(s, PROTO_KIND_QEMU,
	    "--vcpus, --mem, --disk, --efi, --kernel, --initrd, --append "
	    "and --cloud-init") == -1)
		return -1;
	if (s->docker != NULL && kind_is(s, PROTO_KIND_DOCKER,
	    "--memory and --cpus") == -1)
		return -1;
	if (s->kind == PROTO_KIND_QEMU) {
		if (has_command) {
			cmd_usage_error(&cmd_submit_entry, "--qemu: a VM "
			    "has no command; its image boots");
			return -1;
		}
		if ((s->qemu->initrd != NULL || s->qemu->append != NULL) &&
		    s->qemu->kernel == NULL) {
			cmd_usage_error(&cmd_submit_entry, "--initrd and "
			    "--append need --kernel");
			return -1;
		}
	}
	if (s->kind != PROTO_KIND_PROCESS && (s->ready_fd > 0 ||
	    s->umask >= 0 || s->nrlimits > 0)) {
		cmd_usage_error(&cmd_submit_entry, "--ready-fd, --umask and "
		    "--rlimit are for processes, not %s jobs",
		    proto_kind_name(s->kind));
		return -1;
	}
	if (s->kind == PROTO_KIND_DOCKER && (s->cwd != NULL ||
	    s->stdout_path != NULL || s->stderr_path != NULL)) {
		cmd_usage_error(&cmd_submit_entry, "-d, --stdout and --stderr "
		    "are not for docker jobs (the container has its own "
		    "directory, and its logs are the engine's)");
		return -1;
	}
	return 0;
}
