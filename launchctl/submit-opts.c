/*
 * launch submit's command line: options into a submit request.  What is
 * resolved against this machine (paths made absolute, the client's PATH)
 * is left to cmd-submit.c, which knows whether the job runs here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "submit.h"
#include "xmalloc.h"

/* Long options without a short form. */
enum {
	OPT_STDOUT = 256,
	OPT_STDERR,
	OPT_RESTART,
	OPT_MAX_RESTARTS,
	OPT_READY_FD,
	OPT_WAIT_READY,
	OPT_UMASK,
	OPT_RLIMIT,
	OPT_ENV_FILE,
	OPT_INHERIT_ENV,
	OPT_PLACE
};

/* A path the job's side opens (-d, --stdout, a VM's image or kernel):
 * absolute, or made so against our directory if the job runs here; a
 * relative one for another host is refused.  NULL after an error
 * (printed). */
char *
submit_job_path(const char *opt, const char *arg, const struct submit_opts *o)
{
	char	*cwd, *abs;

	if (arg[0] == '/')
		return xstrdup(arg);
	if (o->remote) {
		cmd_usage_error(&cmd_submit_entry, "%s %s: the job runs on "
		    "another host: give an absolute path", opt, arg);
		return NULL;
	}
	if ((cwd = getcwd(NULL, 0)) == NULL) {
		fprintf(stderr, "launch: getcwd: %s\n", strerror(errno));
		return NULL;
	}
	xasprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, arg);
	free(cwd);
	return abs;
}

/* Set K=V in env, replacing an earlier K. */
static void
submit_setenv(struct proto_strv *env, const char *kv)
{
	size_t	klen = (size_t)(strchr(kv, '=') - kv);

	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], kv, klen + 1) == 0) {
			free(env->v[i]);
			env->v[i] = xstrdup(kv);
			return;
		}
	}
	proto_strv_add(env, kv);
}

/*
 * --inherit-env: the client's environment under env's variables, which
 * were set by -e and --env-file and so take precedence whatever the order
 * on the command line.
 */
void
submit_inherit_env(struct proto_strv *env)
{
	extern char		**environ;
	struct proto_strv	  all;

	memset(&all, 0, sizeof all);
	for (char **ep = environ; *ep != NULL; ep++) {
		if (**ep == '=' || strchr(*ep, '=') == NULL)
			continue;
		/* When the client itself runs as a job these name that job;
		 * the daemon sets the new job's own. */
		if (strncmp(*ep, "LAUNCH_LABEL=", 13) == 0 ||
		    strncmp(*ep, "LAUNCH_JOB_ID=", 14) == 0)
			continue;
		submit_setenv(&all, *ep);
	}
	for (size_t i = 0; i < env->n; i++)
		submit_setenv(&all, env->v[i]);
	proto_strv_free(env);
	*env = all;
}

/*
 * --env-file: NAME=VALUE lines.  Blank lines and "#" comments are
 * skipped and a leading "export " is allowed, so a file written for sh's
 * `.` works; VALUE is literal (no expansion, no escapes) except that one
 * pair of matching surrounding quotes is removed.  0, or -1 after a
 * usage error naming the line.
 */
static int
submit_env_file(const char *path, struct proto_strv *env)
{
	const struct cmd_entry	*e = &cmd_submit_entry;
	FILE			*f;
	char			*line = NULL, *name, *eq, *v, *kv;
	size_t			 size = 0, lineno = 0, vlen;
	ssize_t			 len;
	int			 rc = 0;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &size, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			cmd_usage_error(e, "%s:%zu: contains a NUL byte", path, lineno);
			rc = -1;
			break;
		}
		name = line + strspn(line, " \t");
		if (*name == '\0' || *name == '#')
			continue;
		if (strncmp(name, "export", 6) == 0 &&
		    (name[6] == ' ' || name[6] == '\t'))
			name += 6 + strspn(name + 6, " \t");
		eq = strchr(name, '=');
		/* "A = b" would silently set "A " to " b": refuse it. */
		if (eq == NULL || eq == name ||
		    strcspn(name, " \t") < (size_t)(eq - name)) {
			cmd_usage_error(e, "%s:%zu: expected NAME=VALUE", path,
			    lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		v = eq + 1;
		vlen = strlen(v);
		if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[vlen - 1] == v[0]) {
			v[vlen - 1] = '\0';
			v++;
		}
		xasprintf(&kv, "%s=%s", name, v);
		submit_setenv(env, kv);
		free(kv);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "launch: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

int
submit_number(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* One rlimit value: a number or "unlimited" (-1).  Up to 2^53-1, what a
 * JSON number carries exactly. */
static int
submit_rlimit_value(const char *s, int64_t *v)
{
	long long	n;

	if (strcmp(s, "unlimited") == 0) {
		*v = -1;
		return 0;
	}
	if (submit_number(s, 0, PROTO_ID_MAX, &n) == -1)
		return -1;
	*v = n;
	return 0;
}

/* --rlimit NAME=SOFT[:HARD]; 0, or -1 after a usage error. */
static int
submit_rlimit(const char *arg, struct proto_submit *s)
{
	const struct cmd_entry	*e = &cmd_submit_entry;
	char			*name, *soft, *hard;
	int64_t			 lim[2];
	int			 res, rc = -1;

	name = xstrdup(arg);
	if ((soft = strchr(name, '=')) == NULL) {
		cmd_usage_error(e, "--rlimit %s: expected NAME=SOFT[:HARD]",
		    arg);
		goto out;
	}
	*soft++ = '\0';
	if ((res = proto_rlimit_parse(name)) < 0) {
		cmd_usage_error(e, "--rlimit %s: unknown resource \"%s\" "
		    "(known: as core cpu data fsize locks memlock msgqueue "
		    "nice nofile nproc rss rtprio stack)", arg, name);
		goto out;
	}
	if ((hard = strchr(soft, ':')) != NULL)
		*hard++ = '\0';
	if (submit_rlimit_value(soft, &lim[0]) == -1 ||
	    submit_rlimit_value(hard != NULL ? hard : soft, &lim[1]) == -1) {
		cmd_usage_error(e, "--rlimit %s: a limit is a number or "
		    "\"unlimited\"", arg);
		goto out;
	}
	/* -1 is unlimited: above any number. */
	if (lim[1] != -1 && (lim[0] == -1 || lim[0] > lim[1])) {
		cmd_usage_error(e, "--rlimit %s: the soft limit exceeds the "
		    "hard limit", arg);
		goto out;
	}
	proto_submit_set_rlimit(s, res, lim[0], lim[1]);
	rc = 0;
out:
	free(name);
	return rc;
}

/* --umask: octal, 0 to 0777. */
static int
submit_umask(const char *s, int *mask)
{
	char	*end;
	long	 n;

	if (*s == '\0' || strspn(s, "01234567") != strlen(s))
		return -1;
	errno = 0;
	n = strtol(s, &end, 8);
	if (errno != 0 || n > 0777)
		return -1;
	*mask = (int)n;
	return 0;
}

/* 0, 1 for --help, or -1 after a usage error. */
int
submit_parse(int argc, char **argv, struct proto_request *req,
    struct submit_opts *o)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "env", required_argument, NULL, 'e' },
		{ "dir", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stdout", required_argument, NULL, OPT_STDOUT },
		{ "stderr", required_argument, NULL, OPT_STDERR },
		{ "restart", required_argument, NULL, OPT_RESTART },
		{ "max-restarts", required_argument, NULL, OPT_MAX_RESTARTS },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "wait-ready", no_argument, NULL, OPT_WAIT_READY },
		{ "umask", required_argument, NULL, OPT_UMASK },
		{ "rlimit", required_argument, NULL, OPT_RLIMIT },
		{ "env-file", required_argument, NULL, OPT_ENV_FILE },
		{ "inherit-env", no_argument, NULL, OPT_INHERIT_ENV },
		{ "place", no_argument, NULL, OPT_PLACE },
		{ "qemu", required_argument, NULL, SUBMIT_OPT_QEMU },
		{ "vcpus", required_argument, NULL, SUBMIT_OPT_VCPUS },
		{ "mem", required_argument, NULL, SUBMIT_OPT_MEM },
		{ "disk", required_argument, NULL, SUBMIT_OPT_DISK },
		{ "cloud-init", required_argument, NULL,
		    SUBMIT_OPT_CLOUD_INIT },
		{ "efi", no_argument, NULL, SUBMIT_OPT_EFI },
		{ "kernel", required_argument, NULL, SUBMIT_OPT_KERNEL },
		{ "initrd", required_argument, NULL, SUBMIT_OPT_INITRD },
		{ "append", required_argument, NULL, SUBMIT_OPT_APPEND },
		{ "docker", required_argument, NULL, SUBMIT_OPT_DOCKER },
		{ "memory", required_argument, NULL, SUBMIT_OPT_MEMORY },
		{ "cpus", required_argument, NULL, SUBMIT_OPT_CPUS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_submit_entry;
	struct proto_submit	*s = &req->submit;
	long long		 n;
	int			 ch, r, li = -1, kli;

	o->first = -1;
	while ((ch = getopt_long(argc, argv, "+l:e:d:p:f:t:h", longopts,
	    &li)) != -1) {
		/* Remember the first option that describes the job itself:
		 * with -f, the file does. */
		if (o->spec_opt[0] == '\0' && ch != 'f' && ch != 't' &&
		    ch != 'h' && ch != OPT_WAIT_READY && ch != '?') {
			if (li != -1)
				snprintf(o->spec_opt, sizeof o->spec_opt,
				    "--%s", longopts[li].name);
			else
				snprintf(o->spec_opt, sizeof o->spec_opt,
				    "-%c", ch);
		}
		kli = li;
		li = -1;
		if (ch >= SUBMIT_OPT_QEMU && ch < SUBMIT_OPT__END) {
			char name[32];
			snprintf(name, sizeof name, "--%s",
			    kli >= 0 ? longopts[kli].name : "?");
			if (submit_kind_option(ch, name, optarg, s, o) == -1)
				return -1;
			continue;
		}
		switch (ch) {
		case 'l':
			free(s->label);
			s->label = xstrdup(optarg);
			break;
		case 'e':
			if (strchr(optarg, '=') == NULL || optarg[0] == '=') {
				cmd_usage_error(e, "-e %s: expected NAME=VALUE",
				    optarg);
				return -1;
			}
			submit_setenv(&s->env, optarg);
			break;
		case OPT_ENV_FILE:
			if (submit_env_file(optarg, &s->env) == -1)
				return -1;
			break;
		case OPT_INHERIT_ENV:
			o->inherit_env = 1;
			break;
		case OPT_PLACE:
			o->place = 1;
			break;
		case 'd':
		case OPT_STDOUT:
		case OPT_STDERR: {
			char **slot = ch == 'd' ? &s->cwd : ch == OPT_STDOUT ?
			    &s->stdout_path : &s->stderr_path;
			free(*slot);
			*slot = submit_job_path(ch == 'd' ? "-d" :
			    ch == OPT_STDOUT ? "--stdout" : "--stderr", optarg, o);
			if (*slot == NULL)
				return -1;
			break;
		}
		case OPT_RESTART:
			if ((r = proto_restart_parse(optarg)) < 0) {
				cmd_usage_error(e, "--restart %s: expected no, "
				    "on-failure or always", optarg);
				return -1;
			}
			s->restart = (enum proto_restart)r;
			break;
		case OPT_MAX_RESTARTS:
			if (submit_number(optarg, 0, INT32_MAX, &n) == -1) {
				cmd_usage_error(e, "--max-restarts %s: "
				    "expected a number >= 0", optarg);
				return -1;
			}
			s->max_restarts = n;
			break;
		case OPT_READY_FD:
			if (submit_number(optarg, 3, 1023, &n) == -1) {
				cmd_usage_error(e, "--ready-fd %s: expected a "
				    "descriptor from 3 to 1023", optarg);
				return -1;
			}
			s->ready_fd = (int)n;
			break;
		case OPT_WAIT_READY:
			req->wait_ready = 1;
			break;
		case 't':
			if (cmd_parse_timeout(e, optarg,
			    &req->ready_timeout_ms) == -1)
				return -1;
			o->timeout_given = 1;
			break;
		case OPT_UMASK:
			if (submit_umask(optarg, &s->umask) == -1) {
				cmd_usage_error(e, "--umask %s: expected an "
				    "octal mode from 0 to 0777", optarg);
				return -1;
			}
			break;
		case OPT_RLIMIT:
			if (submit_rlimit(optarg, s) == -1)
				return -1;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'p':
			/* goxos's form: -p CMD [ARG...] takes the rest.  In
			 * "-pCMD" the word is the option's, not CMD. */
			if (optarg != argv[optind - 1]) {
				cmd_usage_error(e, "-p: give CMD as a word of "
				    "its own");
				return -1;
			}
			o->first = optind - 1;
			return 0;
		case 'h':
			return 1;
		default:
			cmd_usage_error(e, "bad option");
			return -1;
		}
	}
	o->first = optind;
	return 0;
}

/* Where to look CMD up: the job's own PATH if it sets one, else ours. */
const char *
submit_path(const struct proto_submit *s, int remote)
{
	const char	*path = remote ? NULL : getenv("PATH");

	for (size_t i = 0; i < s->env.n; i++)
		if (strncmp(s->env.v[i], "PATH=", 5) == 0)
			path = s->env.v[i] + 5;
	return path;
}
