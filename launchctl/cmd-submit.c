/*
 * launch submit -l LABEL [OPTIONS] (-- CMD [ARG...] | -p CMD [ARG...])
 * launch submit -f FILE [--wait-ready [-t SECS]]
 *
 * What the client resolves before sending (the daemon may run elsewhere
 * one day, so the request carries only absolute, explicit values):
 * - the working directory: -d made absolute, else the client's own cwd;
 * - --stdout/--stderr: made absolute against the client's cwd, as a
 *   shell redirection would be;
 * - the search path for CMD: the job's PATH (from -e or --env-file) if
 *   set, else the client's PATH, so the command is found as the user's
 *   shell finds it.
 * The job's environment is the daemon's small base set (HOME, USER, PATH,
 * LAUNCH_LABEL, ...) plus what the spec lists: nothing of the client's
 * environment leaks into a job unless asked for with --inherit-env, so
 * a job behaves the same whichever shell submitted it.
 *
 * A job file (-f) holds complete specs; the client only fills in what a
 * spec leaves to the submitter (cwd and path, as above) and submits the
 * jobs in order over one connection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "xmalloc.h"

/* Far more than any sensible job file; stops `-f /dev/zero` early. */
#define SUBMIT_FILE_MAX		(64 * 1024 * 1024)

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
	OPT_INHERIT_ENV
};

/* What the command line says beyond the request itself. */
struct submit_opts {
	const char	*file;		/* -f */
	char		 spec_opt[32];	/* the first option that sets a spec
					   field: not allowed with -f */
	int		 inherit_env;
	int		 timeout_given;
	int		 first;		/* argv index of CMD, or -1 */
};

static char *
submit_absolute(const char *path)
{
	char	*cwd, *abs;

	if (path[0] == '/')
		return xstrdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	xasprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
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
static void
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

/* A decimal integer from min to max, digits only; 0 or -1. */
static int
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
static int
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_submit_entry;
	struct proto_submit	*s = &req->submit;
	long long		 n;
	int			 ch, r, li = -1;

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
		li = -1;
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
		case 'd':
		case OPT_STDOUT:
		case OPT_STDERR: {
			char **slot = ch == 'd' ? &s->cwd : ch == OPT_STDOUT ?
			    &s->stdout_path : &s->stderr_path;
			free(*slot);
			if ((*slot = submit_absolute(optarg)) == NULL) {
				fprintf(stderr, "launch: getcwd: %s\n",
				    strerror(errno));
				return -1;
			}
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
static const char *
submit_path(const struct proto_submit *s)
{
	const char	*path = getenv("PATH");

	for (size_t i = 0; i < s->env.n; i++)
		if (strncmp(s->env.v[i], "PATH=", 5) == 0)
			path = s->env.v[i] + 5;
	return path;
}

/* Checks of the single-job form, and the values resolved here; 0 or an
 * exit code. */
static int
submit_one_prepare(int argc, char **argv, struct proto_request *req,
    const struct submit_opts *o)
{
	const struct cmd_entry	*e = &cmd_submit_entry;
	struct proto_submit	*s = &req->submit;
	const char		*path;
	char			 why[160];

	if (s->label == NULL) {
		cmd_usage_error(e, "-l LABEL is required");
		return EXIT_USAGE;
	}
	if (!proto_label_valid(s->label, why, sizeof why)) {
		fprintf(stderr, "launch: %s: %s\n", s->label, why);
		return EXIT_USAGE;
	}
	if (o->first >= argc || argv[o->first][0] == '\0') {
		cmd_usage_error(e, "no command given (use -- CMD or -p CMD)");
		return EXIT_USAGE;
	}
	/* Without a ready fd the job has no way to say it is ready. */
	if (req->wait_ready && s->ready_fd == 0) {
		cmd_usage_error(e, "--wait-ready needs --ready-fd");
		return EXIT_USAGE;
	}
	for (int i = o->first; i < argc; i++)
		proto_strv_add(&s->argv, argv[i]);
	if (o->inherit_env)
		submit_inherit_env(&s->env);

	if (s->cwd == NULL && (s->cwd = getcwd(NULL, 0)) == NULL) {
		fprintf(stderr, "launch: getcwd: %s\n", strerror(errno));
		return EXIT_NO;
	}
	if ((path = submit_path(s)) != NULL)
		s->path = xstrdup(path);
	return 0;
}

static void
submit_print(const struct proto_job *j)
{
	printf("%s: %s, pid %lld\n", j->spec.label, proto_state_name(j->state),
	    (long long)j->pid);
}

static int
submit_one(struct cmd_ctx *ctx, struct proto_request *req)
{
	struct proto_reply	rep;
	int			rc;

	if ((rc = client_request(ctx, req, &rep)) != 0)
		return rc;
	if (rep.is_error)
		rc = client_report_error(&rep.error);
	else if (ctx->verbose)
		submit_print(&rep.jobs[0]);
	proto_reply_free(&rep);
	return rc;
}

/* The whole of FILE ("-": stdin) into b; 0, or -1 after printing why. */
static int
submit_read_file(const char *file, struct buf *b)
{
	const char	*name = strcmp(file, "-") == 0 ? "stdin" : file;
	ssize_t		 n;
	int		 fd;

	if (strcmp(file, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "launch: %s: %s\n", name, strerror(errno));
		return -1;
	}
	for (;;) {
		if (buf_used(b) > SUBMIT_FILE_MAX) {
			fprintf(stderr, "launch: %s: larger than %d MiB\n",
			    name, SUBMIT_FILE_MAX / 1024 / 1024);
			break;
		}
		n = read(fd, buf_reserve(b, 65536), 65536);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "launch: %s: %s\n", name,
			    strerror(errno));
			break;
		}
		if (n == 0) {
			if (fd != STDIN_FILENO)
				close(fd);
			return 0;
		}
		b->len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

/* The error of job label, prefixed with the label unless the daemon's
 * message already starts with it ("web is already running"). */
static int
submit_report_job_error(const char *label, const struct proto_error *err)
{
	size_t	len = strlen(label);

	if (strncmp(err->message, label, len) == 0 &&
	    (err->message[len] == ' ' || err->message[len] == ':'))
		fprintf(stderr, "launch: %s\n", err->message);
	else
		fprintf(stderr, "launch: %s: %s\n", label, err->message);
	return client_exit_code(err->code);
}

/*
 * -f: validate the whole file, then submit its jobs in order on one
 * connection.  A job the daemon refuses is reported and the rest are
 * still submitted; the exit code is the first failure's.
 */
static int
submit_file(struct cmd_ctx *ctx, const struct proto_request *tmpl,
    const char *file)
{
	struct buf		 text;
	struct proto_submit	*specs;
	struct proto_error	 err;
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct client		 c;
	const char		*path, *label;
	char			*cwd;
	size_t			 n, i;
	int			 rc = 0, r;

	memset(&text, 0, sizeof text);
	if (submit_read_file(file, &text) == -1) {
		buf_free(&text);
		return EXIT_USAGE;
	}
	r = proto_jobfile_decode(buf_head(&text), buf_used(&text), &specs, &n,
	    &err);
	buf_free(&text);
	if (r == -1) {
		fprintf(stderr, "launch: %s: %s\n",
		    strcmp(file, "-") == 0 ? "stdin" : file, err.message);
		return EXIT_USAGE;
	}
	if (n == 0) {
		proto_specs_free(specs, n);
		return 0;
	}
	if ((cwd = getcwd(NULL, 0)) == NULL) {
		fprintf(stderr, "launch: getcwd: %s\n", strerror(errno));
		proto_specs_free(specs, n);
		return EXIT_NO;
	}
	if ((r = client_open(&c, ctx)) != 0) {
		free(cwd);
		proto_specs_free(specs, n);
		return r;
	}
	for (i = 0; i < n; i++) {
		proto_request_init(&req, PROTO_OP_SUBMIT);
		req.submit = specs[i];
		proto_submit_init(&specs[i]);
		/* Only a job with a ready fd can say it is ready; the
		 * others are ready once running. */
		req.wait_ready = tmpl->wait_ready && req.submit.ready_fd > 0;
		req.ready_timeout_ms = req.wait_ready ?
		    tmpl->ready_timeout_ms : 0;
		if (req.submit.cwd == NULL)
			req.submit.cwd = xstrdup(cwd);
		if (req.submit.path == NULL &&
		    (path = submit_path(&req.submit)) != NULL)
			req.submit.path = xstrdup(path);
		label = req.submit.label;
		if ((r = client_call(&c, &req, &rep)) != 0) {
			/* The connection is gone: say what was not sent. */
			if (rc == 0)
				rc = r;
			fprintf(stderr, "launch: %s: not known whether "
			    "submitted\n", label);
			proto_request_free(&req);
			break;
		}
		if (rep.is_error) {
			r = submit_report_job_error(label, &rep.error);
			if (rc == 0)
				rc = r;
		} else if (ctx->verbose)
			submit_print(&rep.jobs[0]);
		proto_reply_free(&rep);
		proto_request_free(&req);
	}
	/* After a break, the jobs behind the one whose call failed. */
	for (i++; i < n; i++)
		fprintf(stderr, "launch: %s: not submitted\n", specs[i].label);
	client_close(&c);
	free(cwd);
	proto_specs_free(specs, n);
	return rc;
}

static int
cmd_submit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_submit_entry;
	struct proto_request	 req;
	struct submit_opts	 o;
	int			 rc;

	memset(&o, 0, sizeof o);
	proto_request_init(&req, PROTO_OP_SUBMIT);
	if ((rc = submit_parse(argc, argv, &req, &o)) != 0) {
		proto_request_free(&req);
		if (rc == 1) {
			cmd_print_help(e);
			return 0;
		}
		return EXIT_USAGE;
	}
	if (o.timeout_given && !req.wait_ready) {
		cmd_usage_error(e, "-t is the ready timeout: it needs "
		    "--wait-ready");
		rc = EXIT_USAGE;
	} else if (o.file != NULL) {
		if (o.spec_opt[0] != '\0') {
			cmd_usage_error(e, "-f: the file describes the jobs, "
			    "%s is not allowed with it", o.spec_opt);
			rc = EXIT_USAGE;
		} else if (o.first < argc) {
			cmd_usage_error(e, "-f: the file describes the jobs, "
			    "a command is not allowed with it");
			rc = EXIT_USAGE;
		} else
			rc = submit_file(ctx, &req, o.file);
	} else if ((rc = submit_one_prepare(argc, argv, &req, &o)) == 0)
		rc = submit_one(ctx, &req);
	proto_request_free(&req);
	return rc;
}

const struct cmd_entry cmd_submit_entry = {
	.name = "submit",
	.usage = "-l LABEL [OPTIONS] -- CMD [ARG...]\n"
	    "       launch submit -l LABEL [OPTIONS] -p CMD [ARG...]\n"
	    "       launch submit -f FILE [--wait-ready [-t SECS]]",
	.summary = "start a job under a label",
	.help =
	    "Starts CMD as a job and returns once exec has succeeded (with\n"
	    "--wait-ready: once the job says it is ready); an exec failure is\n"
	    "reported (exit 1) and leaves no job behind.  The job runs in its\n"
	    "own session and process group, with stdin from /dev/null, in the\n"
	    "current directory unless -d.  Quiet on success unless -v.\n"
	    "\n"
	    "Its environment is a small base set (HOME, USER, LOGNAME, SHELL,\n"
	    "PATH=/usr/local/bin:/usr/bin:/bin, LAUNCH_LABEL, LAUNCH_JOB_ID)\n"
	    "plus, lowest precedence first: your environment with\n"
	    "--inherit-env, then --env-file and -e in command-line order.\n"
	    "CMD is looked up in the job's PATH if you set one, else in\n"
	    "yours.\n"
	    "\n"
	    "Options:\n"
	    "  -l, --label LABEL 1-255 bytes of A-Z a-z 0-9 ._:/@+-\n"
	    "  -e, --env K=V     set a variable (repeatable)\n"
	    "  --env-file FILE   K=V lines (repeatable): blank lines and #\n"
	    "                    comments are skipped, \"export \" is\n"
	    "                    allowed, V is literal but for one pair of\n"
	    "                    enclosing quotes\n"
	    "  --inherit-env     pass your whole environment (except\n"
	    "                    LAUNCH_LABEL and LAUNCH_JOB_ID)\n"
	    "  -d, --dir DIR     working directory (default: the current one)\n"
	    "  --stdout FILE     append the job's stdout to FILE (default: a\n"
	    "                    rotated log kept by the daemon: launch logs)\n"
	    "  --stderr FILE     the same for stderr\n"
	    "  --restart POLICY  no (default), on-failure or always\n"
	    "  --max-restarts N  give up after N restarts (default: never)\n"
	    "  --ready-fd N      the job writes a newline to fd N (3-1023)\n"
	    "                    once it is ready\n"
	    "  --wait-ready      return only once the job is ready (needs\n"
	    "                    --ready-fd)\n"
	    "  -t, --timeout SECS\n"
	    "                    with --wait-ready: fail unless the job is\n"
	    "                    ready within SECS (decimals allowed; 0 or\n"
	    "                    none: wait as long as it takes)\n"
	    "  --umask MODE      octal, e.g. 027\n"
	    "  --rlimit NAME=SOFT[:HARD]\n"
	    "                    a resource limit (repeatable).  NAME: as\n"
	    "                    core cpu data fsize locks memlock msgqueue\n"
	    "                    nice nofile nproc rss rtprio stack.  SOFT\n"
	    "                    and HARD: numbers or \"unlimited\"; one\n"
	    "                    value sets both\n"
	    "  -p CMD [ARG...]   the command, as the rest of the line\n"
	    "  -f, --file FILE   submit the jobs of a job file (\"-\": stdin)\n"
	    "\n"
	    "A job file is what `launch export` prints: a JSON array of job\n"
	    "objects (fields: docs/protocol.md).  The whole file is checked\n"
	    "first, then the jobs are submitted in order; one that fails is\n"
	    "reported and the others are still submitted.  A job without\n"
	    "\"cwd\" runs in the current directory, one without \"path\"\n"
	    "looks its command up as above.  Of the other options only\n"
	    "--wait-ready (for the jobs with a ready_fd) and -t go with -f.\n"
	    "\n"
	    "Example:\n"
	    "  launch submit -l web --stdout web.log -- python3 -m http.server "
	    "8080\n"
	    "  launch submit -l worker --restart on-failure --max-restarts 5 "
	    "\\\n"
	    "      -- ./worker --queue jobs\n"
	    "  launch submit -f jobs.json\n",
	.exec = cmd_submit_exec,
};
