/*
 * launch ping [--json]
 *
 * Whether a daemon answers (exit 3 if none), and what it is: its pid,
 * version, protocol and number of jobs, and where it was reached (the
 * socket, or the host through ssh).  The plain line is for people; -q
 * prints nothing (a script's "is it up?"); --json is for programs
 * (docs/json.md).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

static int
cmd_ping_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct client		 c;
	char			*json;
	int			 rc, as_json;

	if ((rc = cmd_json_args(&cmd_ping_entry, argc, argv, 1,
	    &as_json)) != 0)
		return rc;
	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	proto_request_init(&req, PROTO_OP_PING);
	rc = client_call(&c, &req, &rep);
	client_close(&c);
	if (rc != 0)
		return rc;
	if (rep.is_error)
		rc = client_report_error(&rep.error);
	else if (as_json) {
		json = proto_ping_json(&rep.ping, ctx->host == NULL ? c.path :
		    NULL, ctx->host);
		fputs(json, stdout);
		free(json);
	} else if (!ctx->quiet)
		printf("launch %s, pid %lld, protocol %d, %lld jobs, at %s\n",
		    rep.ping.version, (long long)rep.ping.pid, rep.ping.proto,
		    (long long)rep.ping.jobs, c.path);
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.usage = "[--json]",
	.summary = "check that a daemon answers (exit 3 if none)",
	.help =
	    "Prints the daemon's version, pid, protocol, number of jobs and\n"
	    "where it was reached; nothing with -q.\n"
	    "\n"
	    "Options:\n"
	    "  --json  one object: pid, version, proto, jobs, socket, host\n"
	    "          (docs/json.md)\n"
	    "\n"
	    "Example:\n  launch ping --json | jq .jobs\n",
	.exec = cmd_ping_exec,
};
