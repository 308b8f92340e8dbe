/*
 * launch submit -l LABEL [-e K=V]... [-d DIR] [--stdout FILE]
 *     [--stderr FILE] (-- CMD [ARG...] | -p CMD [ARG...])
 *
 * What the client resolves before sending (the daemon may run elsewhere
 * one day, so the request carries only absolute, explicit values):
 * - the working directory: -d made absolute, else the client's own cwd;
 * - --stdout/--stderr: made absolute against the client's cwd, as a
 *   shell redirection would be;
 * - the search path for CMD: the -e PATH=... value if given, else the
 *   client's PATH, so the command is found as the user's shell finds it.
 * The job's environment is the daemon's plus the -e variables.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "xmalloc.h"

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

static int
submit_parse(int argc, char **argv, struct proto_submit *s, int *help)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "env", required_argument, NULL, 'e' },
		{ "dir", required_argument, NULL, 'd' },
		{ "stdout", required_argument, NULL, 'o' },
		{ "stderr", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_submit_entry;
	char			 why[160];
	int			 ch, first = -1;

	while ((ch = getopt_long(argc, argv, "+l:e:d:p:h", longopts,
	    NULL)) != -1) {
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
		case 'd':
		case 'o':
		case 'E': {
			char **slot = ch == 'd' ? &s->cwd : ch == 'o' ?
			    &s->stdout_path : &s->stderr_path;
			free(*slot);
			if ((*slot = submit_absolute(optarg)) == NULL) {
				fprintf(stderr, "launch: getcwd: %s\n",
				    strerror(errno));
				return -1;
			}
			break;
		}
		case 'p':
			/* goxos's form: -p CMD [ARG...] takes the rest. */
			first = optind - 1;
			goto done;
		case 'h':
			*help = 1;
			return 0;
		default:
			cmd_usage_error(e, "bad option");
			return -1;
		}
	}
	first = optind;
done:
	if (s->label == NULL) {
		cmd_usage_error(e, "-l LABEL is required");
		return -1;
	}
	if (!proto_label_valid(s->label, why, sizeof why)) {
		fprintf(stderr, "launch: %s: %s\n", s->label, why);
		return -1;
	}
	if (first >= argc || argv[first][0] == '\0') {
		cmd_usage_error(e, "no command given (use -- CMD or -p CMD)");
		return -1;
	}
	for (int i = first; i < argc; i++)
		proto_strv_add(&s->argv, argv[i]);
	return 0;
}

static int
cmd_submit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct proto_submit	*s = &req.submit;
	const char		*path;
	int			 rc, help = 0;

	proto_request_init(&req, PROTO_OP_SUBMIT);
	if (submit_parse(argc, argv, s, &help) == -1) {
		proto_request_free(&req);
		return EXIT_USAGE;
	}
	if (help) {
		proto_request_free(&req);
		cmd_print_help(&cmd_submit_entry);
		return 0;
	}
	if (s->cwd == NULL && (s->cwd = getcwd(NULL, 0)) == NULL) {
		fprintf(stderr, "launch: getcwd: %s\n", strerror(errno));
		proto_request_free(&req);
		return EXIT_NO;
	}
	path = getenv("PATH");
	for (size_t i = 0; i < s->env.n; i++)
		if (strncmp(s->env.v[i], "PATH=", 5) == 0)
			path = s->env.v[i] + 5;
	if (path != NULL)
		s->path = xstrdup(path);

	if ((rc = client_request(ctx, &req, &rep)) == 0) {
		if (rep.is_error)
			rc = client_report_error(&rep.error);
		else if (ctx->verbose)
			printf("%s: %s, pid %lld\n", rep.jobs[0].label,
			    proto_state_name(rep.jobs[0].state),
			    (long long)rep.jobs[0].pid);
		proto_reply_free(&rep);
	}
	proto_request_free(&req);
	return rc;
}

const struct cmd_entry cmd_submit_entry = {
	.name = "submit",
	.usage = "-l LABEL [-e K=V]... [-d DIR] [--stdout FILE] "
	    "[--stderr FILE] -- CMD [ARG...]\n"
	    "       launch submit -l LABEL [OPTIONS] -p CMD [ARG...]",
	.summary = "start a job under a label",
	.help =
	    "Starts CMD as a job and returns once exec has succeeded; an exec\n"
	    "failure is reported (exit 1) and leaves no job behind.  The job\n"
	    "runs in its own session and process group, with stdin from\n"
	    "/dev/null and the daemon's environment plus -e variables.  CMD is\n"
	    "looked up in your PATH.  Quiet on success unless -v.\n"
	    "\n"
	    "Options:\n"
	    "  -l, --label LABEL  1-255 bytes of A-Z a-z 0-9 ._:/@+-\n"
	    "  -e, --env K=V      set a variable (repeatable)\n"
	    "  -d, --dir DIR      working directory (default: the current one)\n"
	    "  --stdout FILE      append the job's stdout to FILE\n"
	    "  --stderr FILE      append the job's stderr to FILE\n"
	    "  -p CMD [ARG...]    the command, as the rest of the line\n"
	    "\n"
	    "Example:\n"
	    "  launch submit -l web --stdout web.log -- python3 -m http.server "
	    "8080\n",
	.exec = cmd_submit_exec,
};
