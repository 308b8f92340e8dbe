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
 * jobs as a batch (submit_batch): the daemon starts them all at once and
 * answers when each has exec'd or failed.  A big file goes as several
 * requests, one after another over one connection.
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
 * A job file goes as submit_batch requests, one after another on one
 * connection: each carries at most PROTO_BATCH_JOBS_MAX jobs and about
 * SUBMIT_BATCH_BYTES of specs, well under a line's PROTO_LINE_MAX.  A
 * job whose spec alone would not fit in a line is refused here.
 */
#define SUBMIT_BATCH_BYTES	(768 * 1024)
#define SUBMIT_ENVELOPE_MAX	256	/* the request around "jobs" */

/* A job's place in a batch reply: in "jobs" or in "errors". */
struct submit_result {
	const char	*label;
	size_t		 index;
	int		 is_error;
};

static int
submit_result_cmp(const void *a, const void *b)
{
	const struct submit_result	*x = a, *y = b;

	return strcmp(x->label, y->label);
}

/*
 * What the daemon said of a batch's jobs, in the file's order: each
 * error as "launch: LABEL: message", each started job with -v.  Labels
 * are distinct within a batch, so each names one result.  The exit code
 * is the first failure's.
 */
static int
submit_batch_report(struct cmd_ctx *ctx, const struct proto_request *req,
    const struct proto_reply *rep)
{
	struct submit_result	*v, key, *hit;
	size_t			 n = rep->njobs + rep->nerrors, i;
	int			 rc = 0, r;

	v = xreallocarray(NULL, n ? n : 1, sizeof *v);
	for (i = 0; i < rep->njobs; i++)
		v[i] = (struct submit_result){ rep->jobs[i].spec.label, i, 0 };
	for (i = 0; i < rep->nerrors; i++)
		v[rep->njobs + i] = (struct submit_result){
		    rep->errors[i].label, i, 1 };
	qsort(v, n, sizeof *v, submit_result_cmp);
	for (i = 0; i < req->njobs; i++) {
		key.label = req->jobs[i].label;
		if ((hit = bsearch(&key, v, n, sizeof *v,
		    submit_result_cmp)) == NULL) {
			fprintf(stderr, "launch: %s: the daemon's reply does "
			    "not mention it\n", key.label);
			r = EXIT_PROTOCOL;
		} else if (hit->is_error) {
			const struct proto_label_error *e =
			    &rep->errors[hit->index];
			r = client_report_label_error(key.label, e->code,
			    e->message);
		} else {
			if (ctx->verbose)
				submit_print(&rep->jobs[hit->index]);
			r = 0;
		}
		if (rc == 0)
			rc = r;
	}
	free(v);
	return rc;
}

/*
 * -f: validate the whole file, then submit its jobs in batches on one
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
	const char		*path;
	char			*cwd;
	size_t			 n, i, start, bytes, *lens;
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
	for (i = 0; i < n; i++) {
		struct proto_submit *s = &specs[i];
		if (s->cwd == NULL && !remote && s->kind == PROTO_KIND_PROCESS)
			s->cwd = xstrdup(cwd);
		if (s->path == NULL && s->kind == PROTO_KIND_PROCESS &&
		    (path = submit_path(s, remote)) != NULL)
			s->path = xstrdup(path);
	}
	free(cwd);
	if ((r = client_open(&c, ctx)) != 0) {
		proto_specs_free(specs, n);
		return r;
	}
	lens = xreallocarray(NULL, n, sizeof *lens);
	for (i = 0; i < n; i++)
		lens[i] = proto_spec_encoded_len(&specs[i]) + 1;
	for (i = 0; i < n; ) {
		if (lens[i] > PROTO_LINE_MAX - SUBMIT_ENVELOPE_MAX) {
			fprintf(stderr, "launch: %s: too big to submit: its "
			    "spec is %zu bytes, a request at most %d\n",
			    specs[i].label, lens[i] - 1, PROTO_LINE_MAX);
			if (rc == 0)
				rc = EXIT_USAGE;
			i++;
			continue;
		}
		/* As many jobs as fit, at least one. */
		start = i;
		bytes = lens[i++];
		while (i < n && i - start < PROTO_BATCH_JOBS_MAX &&
		    lens[i] <= PROTO_LINE_MAX - SUBMIT_ENVELOPE_MAX &&
		    bytes + lens[i] <= SUBMIT_BATCH_BYTES)
			bytes += lens[i++];
		proto_request_init(&req, PROTO_OP_SUBMIT_BATCH);
		req.njobs = i - start;
		req.jobs = xcalloc(req.njobs, sizeof *req.jobs);
		for (size_t k = 0; k < req.njobs; k++) {
			req.jobs[k] = specs[start + k];
			proto_submit_init(&specs[start + k]);
		}
		req.wait_ready = tmpl->wait_ready;
		req.ready_timeout_ms = tmpl->wait_ready ?
		    tmpl->ready_timeout_ms : 0;
		if ((r = client_call(&c, &req, &rep)) != 0) {
			/* The connection is gone: say what was not sent. */
			if (rc == 0)
				rc = r;
			for (size_t k = 0; k < req.njobs; k++)
				fprintf(stderr, "launch: %s: not known whether "
				    "submitted\n", req.jobs[k].label);
			proto_request_free(&req);
			break;
		}
		if (rep.is_error) {
			/* The whole request was refused (the daemon is
			 * shutting down): none of its jobs was submitted. */
			r = client_report_error(&rep.error);
			if (rc == 0)
				rc = r;
			for (size_t k = 0; k < req.njobs; k++)
				fprintf(stderr, "launch: %s: not submitted\n",
				    req.jobs[k].label);
		} else if ((r = submit_batch_report(ctx, &req, &rep)) != 0 &&
		    rc == 0)
			rc = r;
		proto_reply_free(&rep);
		proto_request_free(&req);
	}
	/* After a break, the jobs behind the batch whose call failed. */
	for (; i < n; i++)
		fprintf(stderr, "launch: %s: not submitted\n", specs[i].label);
	client_close(&c);
	free(lens);
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
	    "first, then its jobs are started together; one that fails is\n"
	    "reported (in the file's order) and the others still start.  A\n"
	    "job without \"cwd\" runs in the current directory, one without\n"
	    "\"path\" looks its command up as above.  Of the other options\n"
	    "only --wait-ready (for the jobs with a ready_fd) and -t (for\n"
	    "them all: a job not ready by then is reported) go with -f.\n"
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
