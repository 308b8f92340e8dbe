#include "config.h"

#include <stdio.h>

#include "launch.h"

static int
cmd_ping_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_request	req;
	struct proto_reply	rep;
	struct client		c;
	int			rc;

	if (argc != 1) {
		cmd_usage_error(&cmd_ping_entry, "unexpected argument \"%s\"",
		    argv[1]);
		return EXIT_USAGE;
	}
	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	proto_request_init(&req, PROTO_OP_PING);
	rc = client_call(&c, &req, &rep);
	client_close(&c);
	if (rc != 0)
		return rc;
	if (rep.is_error)
		rc = client_report_error(&rep.error);
	else if (!ctx->quiet)
		printf("launch %s, pid %lld, protocol %d, %lld jobs, at %s\n",
		    rep.ping.version, (long long)rep.ping.pid, rep.ping.proto,
		    (long long)rep.ping.jobs, c.path);
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.usage = "",
	.summary = "check that a daemon answers (exit 3 if none)",
	.help = "Example:\n  launch ping\n",
	.exec = cmd_ping_exec,
};
