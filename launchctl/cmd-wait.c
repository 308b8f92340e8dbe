/*
 * launch wait [-t SECS] LABEL|GLOB...
 *
 * Waits until every job the names match has ended, and prints a JSON
 * summary of what succeeded and what failed (proto_wait_summary).  The
 * daemon does the waiting (op "wait") and keeps the time, so the same
 * command works over ssh, where this side has no timer of its own.  The
 * jobs are those matched when the command starts; a job in backoff has
 * not ended (see launchd/wait.c for the rules).
 *
 * Exit codes: 0 every job succeeded (exited 0); 1 a job failed or a name
 * matched nothing; EXIT_TIMEOUT (6) the timeout came first, whatever else
 * happened, since the batch is not done; otherwise as for every command
 * (2 usage, 3 no daemon, 5 protocol).
 *
 * Progress, one line per job as it ends ("[3/10] c failed (exit 2)"),
 * goes to stderr when stderr is a terminal; the daemon is asked for it
 * only then.
 *
 * Several hosts (-H a,b): one wait per host, all at once (remote.c's
 * fan-out), each host's daemon keeping the same timeout; one summary in
 * which each label is {"host", "label"} and elapsed_s is the longest.
 * A host that could not be asked (unreachable, no daemon, protocol
 * error) decides the exit code first (the largest of theirs), then the
 * rules above over every host that answered.  Progress comes through
 * the fan-out as "launch: HOST: [1/3] ...".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "xmalloc.h"

/* "[2/3] web failed (exit 2)": the outcome in colour when stderr takes
 * it (the lines are for a person at a terminal). */
static void
wait_print_progress(const struct cmd_ctx *ctx,
    const struct proto_wait_progress *p)
{
	char	outcome[600], *how, *word;

	if (p->succeeded) {
		word = output_paint(ctx->color_err, OUTPUT_TONE_GOOD,
		    "succeeded");
		fprintf(stderr, "[%lld/%lld] %s %s\n", (long long)p->ended,
		    (long long)p->total, p->job.label, word);
		free(word);
		return;
	}
	proto_wait_job_outcome(&p->job, outcome, sizeof outcome);
	xasprintf(&how, "failed (%s)", outcome);
	word = output_paint(ctx->color_err, OUTPUT_TONE_BAD, how);
	fprintf(stderr, "[%lld/%lld] %s %s\n", (long long)p->ended,
	    (long long)p->total, p->job.label, word);
	free(word);
	free(how);
}

/* req on ctx's daemon: 0 with rep holding its result, or an exit code
 * after printing why.  Progress lines are printed as they come. */
static int
wait_call(const struct cmd_ctx *ctx, struct proto_request *req,
    struct proto_reply *rep)
{
	struct client	c;
	int		rc;

	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	rc = client_send(&c, req);
	while (rc == 0 && (rc = client_receive(&c, req, rep)) == 0 &&
	    rep->is_progress) {
		wait_print_progress(ctx, &rep->progress);
		fflush(stderr);
		proto_reply_free(rep);
	}
	client_close(&c);
	if (rc == 0 && rep->is_error) {
		rc = client_report_error(&rep->error);
		proto_reply_free(rep);
	}
	return rc;
}

/* Print the summary, and the timeout on stderr: the exit code (err: the
 * code the errors called for, 0 if none). */
static int
wait_report(const struct proto_wait *w, const struct proto_wait_job *unknown,
    size_t nunknown, int err)
{
	char	*summary, msg[128];

	summary = proto_wait_summary(w, unknown, nunknown);
	fputs(summary, stdout);
	free(summary);
	fflush(stdout);
	if (w->timed_out) {
		proto_wait_timeout_message(w, msg, sizeof msg);
		fprintf(stderr, "launch: %s:", msg);
		for (size_t i = 0; i < w->nleft; i++) {
			fprintf(stderr, "%s %s", i > 0 ? "," : "",
			    w->left[i].label);
			if (w->left[i].host != NULL)
				fprintf(stderr, " (%s)", w->left[i].host);
		}
		fputc('\n', stderr);
		return EXIT_TIMEOUT;
	}
	if (err != 0)
		return err;
	return w->nfailed > 0 ? EXIT_NO : 0;
}

/* Append the reply's errors (names that matched nothing) to *unknown,
 * tagged with host unless it is NULL, and print each if print is set:
 * the exit code they call for, 0 if none. */
static int
wait_errors(const struct proto_reply *rep, const char *host, int print,
    struct proto_wait_job **unknown, size_t *n)
{
	int	rc = 0;

	*unknown = xreallocarray(*unknown, *n + rep->nerrors + 1,
	    sizeof **unknown);
	for (size_t i = 0; i < rep->nerrors; i++) {
		struct proto_wait_job *u = &(*unknown)[(*n)++];
		if (print)
			client_report_label_error(rep->errors[i].label,
			    rep->errors[i].code, rep->errors[i].message);
		proto_wait_job_set(u, rep->errors[i].label, PROTO_STATE_EXITED,
		    -1, 0, rep->errors[i].message);
		u->host = host != NULL ? xstrdup(host) : NULL;
		rc = client_exit_code(rep->errors[i].code);
	}
	return rc;
}

static void
wait_unknown_free(struct proto_wait_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		proto_wait_job_free(&v[i]);
	free(v);
}

/* One host of a fan-out: the reply as a line on stdout, for wait_fanout;
 * what went wrong on stderr. */
static int
wait_host(struct cmd_ctx *ctx, void *arg)
{
	struct proto_reply	 rep;
	char			*line;
	int			 rc;

	if ((rc = wait_call(ctx, arg, &rep)) != 0)
		return rc;
	for (size_t i = 0; i < rep.nerrors; i++)
		client_report_label_error(rep.errors[i].label,
		    rep.errors[i].code, rep.errors[i].message);
	line = proto_reply_wait(rep.id, &rep.wait, rep.errors, rep.nerrors);
	fputs(line, stdout);
	free(line);
	proto_reply_free(&rep);
	return 0;
}

/* Move every job of from (n of them) to the end of *to, tagged with
 * host. */
static void
wait_take(struct proto_wait_job **to, size_t *nto, struct proto_wait_job *from,
    size_t n, const char *host)
{
	*to = xreallocarray(*to, *nto + n + 1, sizeof **to);
	for (size_t i = 0; i < n; i++) {
		(*to)[*nto] = from[i];
		(*to)[(*nto)++].host = xstrdup(host);
		memset(&from[i], 0, sizeof from[i]);
	}
}

static int
wait_fanout(struct cmd_ctx *ctx, struct proto_request *req)
{
	struct proto_wait	 all;
	struct proto_wait_job	*unknown = NULL;
	struct proto_reply	 rep;
	struct proto_error	 err;
	struct buf		*outs = xcalloc(ctx->nhosts, sizeof *outs);
	int			*rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	size_t			 nunknown = 0, len;
	int			 rc, host_rc = 0, err_rc = 0;

	memset(&all, 0, sizeof all);
	remote_fanout(ctx, wait_host, req, outs, rcs);
	for (size_t i = 0; i < ctx->nhosts; i++) {
		const char *host = ctx->hosts[i];
		len = buf_used(&outs[i]);
		if (rcs[i] == 0 && (len == 0 || proto_reply_decode(
		    buf_head(&outs[i]), len - 1, PROTO_OP_WAIT, &rep,
		    &err) == -1)) {
			fprintf(stderr, "launch: %s: bad wait reply: %s\n",
			    host, len == 0 ? "none" : err.message);
			rcs[i] = EXIT_PROTOCOL;
		}
		buf_free(&outs[i]);
		if (rcs[i] != 0) {
			if (rcs[i] > host_rc)
				host_rc = rcs[i];
			continue;
		}
		if ((rc = wait_errors(&rep, host, 0, &unknown,
		    &nunknown)) != 0)
			err_rc = rc;
		wait_take(&all.succeeded, &all.nsucceeded, rep.wait.succeeded,
		    rep.wait.nsucceeded, host);
		wait_take(&all.failed, &all.nfailed, rep.wait.failed,
		    rep.wait.nfailed, host);
		wait_take(&all.left, &all.nleft, rep.wait.left,
		    rep.wait.nleft, host);
		all.timed_out |= rep.wait.timed_out;
		if (rep.wait.elapsed_ms > all.elapsed_ms)
			all.elapsed_ms = rep.wait.elapsed_ms;
		proto_reply_free(&rep);
	}
	free(outs);
	free(rcs);
	rc = wait_report(&all, unknown, nunknown, err_rc);
	proto_wait_free(&all);
	wait_unknown_free(unknown, nunknown);
	return host_rc != 0 ? host_rc : rc;
}

static int
cmd_wait_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct proto_wait_job	*unknown = NULL;
	size_t			 nunknown = 0;
	int			 rc;

	proto_request_init(&req, PROTO_OP_WAIT);
	if ((rc = cmd_jobs_args(&cmd_wait_entry, &req, argc, argv)) != 0)
		goto out;
	req.progress = isatty(STDERR_FILENO);
	if (ctx->fanout) {
		rc = wait_fanout(ctx, &req);
		goto out;
	}
	if ((rc = wait_call(ctx, &req, &rep)) != 0)
		goto out;
	rc = wait_errors(&rep, NULL, 1, &unknown, &nunknown);
	rc = wait_report(&rep.wait, unknown, nunknown, rc);
	wait_unknown_free(unknown, nunknown);
	proto_reply_free(&rep);
out:
	proto_request_free(&req);
	return rc;
}

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.usage = "[-t SECS] [--json] LABEL|GLOB...",
	.summary = "wait until jobs have ended; summarise what succeeded",
	.help =
	    "Waits until every job matched when the command starts has ended\n"
	    "(exited or failed; a job in backoff has not: its restart policy\n"
	    "runs it again; jobs submitted later are not waited for), then\n"
	    "prints a JSON summary on stdout: \"succeeded\" and \"failed\" (each\n"
	    "with \"count\" and \"labels\"; \"failed\" also with how each job\n"
	    "ended), \"elapsed_s\", \"timeout\" when -t ran out (its message,\n"
	    "and the jobs left) and \"unknown\" for names that matched no job.\n"
	    "A job succeeded if it exited 0.  When stderr is a terminal, a\n"
	    "line there for each job as it ends.\n"
	    "\n"
	    "Options:\n"
	    "  -t SECS  give up after SECS (decimals allowed; at most 604800,\n"
	    "           a week); the daemon keeps the time, also with -H\n"
	    "  --json   accepted for uniformity: the summary is always JSON\n"
	    "           (schema: docs/json.md)\n"
	    "\n"
	    "Exit codes: 0 every job succeeded; 1 a job failed or a name\n"
	    "matched no job; 6 the timeout came first (jobs still running).\n"
	    "\n"
	    "With several hosts (launch -H a,b wait), one summary in which\n"
	    "each label is {\"host\", \"label\"}.\n"
	    "\n"
	    "Example:\n  launch wait -t 600 'batch/*'\n",
	.exec = cmd_wait_exec,
	.where = CMD_FANOUT,
};
