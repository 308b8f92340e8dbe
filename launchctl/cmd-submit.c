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

#include "submit.h"
#include "xmalloc.h"

/* Far more than any sensible job file; stops `-f /dev/zero` early. */
#define SUBMIT_FILE_MAX		(64 * 1024 * 1024)

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
	if (submit_kind_check(s, o->first < argc) == -1)
		return EXIT_USAGE;
	if (s->kind == PROTO_KIND_PROCESS && (o->first >= argc ||
	    argv[o->first][0] == '\0')) {
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

	if (s->kind != PROTO_KIND_PROCESS)
		return 0;	/* no directory or PATH of ours */
	/* Remote: the remote user's home unless -d says otherwise. */
	if (!o->remote && s->cwd == NULL &&
	    (s->cwd = getcwd(NULL, 0)) == NULL) {
		fprintf(stderr, "launch: getcwd: %s\n", strerror(errno));
		return EXIT_NO;
	}
	if ((path = submit_path(s, o->remote)) != NULL)
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
		rc = client_report_job_error(req->submit.label, &rep.error);
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
	int			 rc = 0, r, remote = ctx->host != NULL;

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
		if (req.submit.cwd == NULL && !remote &&
		    req.submit.kind == PROTO_KIND_PROCESS)
			req.submit.cwd = xstrdup(cwd);
		if (req.submit.path == NULL &&
		    req.submit.kind == PROTO_KIND_PROCESS &&
		    (path = submit_path(&req.submit, remote)) != NULL)
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
			r = client_report_job_error(label, &rep.error);
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

/*
 * --place: the host with the most room (proto_stats_room: the least of
 * free memory, free CPU and free job slots), judged from every host's
 * stats gathered in parallel.  Hosts within PLACE_TIE of the best are
 * equal (hosts sharing a kernel, or sampled a moment apart, differ by
 * noise): among them the one running the fewest jobs, then the first
 * given.  A host that does not answer, or is full, is passed over.
 * The chosen host is printed on stdout.
 */
#define PLACE_TIE	0.05

static int
submit_place(struct cmd_ctx *ctx, struct proto_request *req,
    const struct submit_opts *o, int argc, char **argv)
{
	struct proto_stats	*stats = xcalloc(ctx->nhosts, sizeof *stats);
	int			*rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	struct cmd_ctx		 one = *ctx;
	double			 best = -1, room;
	size_t			 i, pick = ctx->nhosts;
	int			 rc;

	stats_gather(ctx, stats, rcs);
	for (i = 0; i < ctx->nhosts; i++)
		if (rcs[i] == 0 && !stats[i].full &&
		    (room = proto_stats_room(&stats[i])) > best)
			best = room;
	for (i = 0; i < ctx->nhosts; i++) {
		if (rcs[i] != 0 || stats[i].full ||
		    proto_stats_room(&stats[i]) < best - PLACE_TIE)
			continue;
		if (pick == ctx->nhosts ||
		    stats[i].jobs_running < stats[pick].jobs_running)
			pick = i;
	}
	if (pick == ctx->nhosts) {
		fprintf(stderr, "launch: %s: no host has room for it (%s)\n",
		    req->submit.label != NULL ? req->submit.label : "--place",
		    remote_exit_code(rcs, ctx->nhosts) != 0 ?
		    "unreachable or full" : "every one is full");
		free(stats);
		free(rcs);
		return EXIT_NO;
	}
	if (ctx->verbose)
		fprintf(stderr, "launch: placing on %s: room %.2f, %lld jobs "
		    "running\n", ctx->hosts[pick], proto_stats_room(
		    &stats[pick]), (long long)stats[pick].jobs_running);
	free(stats);
	free(rcs);
	one.host = ctx->hosts[pick];
	one.fanout = 0;
	if ((rc = submit_one_prepare(argc, argv, req, o)) == 0 &&
	    (rc = submit_one(&one, req)) == 0)
		printf("%s\n", one.host);
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
	o.remote = ctx->host != NULL || ctx->nhosts > 0;
	proto_request_init(&req, PROTO_OP_SUBMIT);
	if ((rc = submit_parse(argc, argv, &req, &o)) != 0) {
		proto_request_free(&req);
		if (rc == 1) {
			cmd_print_help(e);
			return 0;
		}
		return EXIT_USAGE;
	}
	if (o.place && ctx->nhosts == 0) {
		cmd_usage_error(e, "--place picks one of several hosts: give "
		    "them with -H a,b,c or --hosts FILE");
		rc = EXIT_USAGE;
	} else if (o.place && o.file == NULL) {
		rc = submit_place(ctx, &req, &o, argc, argv);
	} else if (ctx->fanout && !o.place) {
		/* The same job (or job file) on every host. */
		proto_request_free(&req);
		optind = 0;
		return remote_fanout_cmd(e, ctx, argc, argv);
	} else if (o.timeout_given && !req.wait_ready) {
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
	    "  -l, --label LABEL 1-255 bytes of A-Z a-z 0-9 ._:/@+-, no empty,\n"
	    "                    '.' or '..' segment between the /s\n"
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
	    "  --qemu IMAGE      a VM booting IMAGE (a name under the state\n"
	    "                    directory's images/, or a path), with:\n"
	    "    --vcpus N (1)  --mem MB (512)  --disk MB (the image's size)\n"
	    "    --cloud-init FILE (its user_data)  --efi\n"
	    "    --kernel FILE [--initrd FILE] [--append ARGS]\n"
	    "                    no CMD; `launch logs` is its serial console\n"
	    "  --docker IMAGE    a container of IMAGE; CMD (optional) is its\n"
	    "                    command, -e its environment, with:\n"
	    "    --memory MB (no limit)  --cpus N (no limit; 0.5: half a CPU)\n"
	    "                    run by the engine at the daemon's\n"
	    "                    DOCKER_HOST (unix:// only; default\n"
	    "                    /var/run/docker.sock); IMAGE is not pulled\n"
	    "  --place           with several hosts (launch -H a,b,c): start\n"
	    "                    the job on the one with the most room (free\n"
	    "                    memory, load per CPU, job slots) and print\n"
	    "                    its name; without --place every host gets\n"
	    "                    the job\n"
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
	    "  launch submit -f jobs.json\n"
	    "  launch submit -l vm1 --qemu debian-12.qcow2 --mem 1024 \\\n"
	    "      --cloud-init user-data.yaml\n"
	    "  launch submit -l cache --docker redis:7 --memory 256\n"
	    "  launch -H a,b,c submit --place -l batch/7 -- ./crunch 7\n",
	.exec = cmd_submit_exec,
	.where = CMD_FANOUT,
	.flags = CMD_AUTOSTART,
};
