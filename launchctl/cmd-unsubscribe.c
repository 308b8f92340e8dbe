/*
 * launch unsubscribe ID...
 *
 * Every id is checked before anything is sent; then one request per id
 * on one connection.  An unknown id is reported and the others are still
 * removed (exit 1 at the end), as `stop` does with labels.  Quiet on
 * success, as every command that changes something; -v says what went.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "launch.h"
#include "event.h"

static int
unsubscribe_parse_id(const char *s, int64_t *id)
{
	char		*end;
	long long	 n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > PROTO_ID_MAX)
		return -1;
	*id = n;
	return 0;
}

static int
cmd_unsubscribe_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_unsubscribe_entry;
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct client		 c;
	int64_t			 id;
	int			 rc, worst = 0;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		cmd_usage_error(e, "bad option \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	if (argc < 2) {
		cmd_usage_error(e, "expected at least one subscription ID");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (unsubscribe_parse_id(argv[i], &id) == -1) {
			cmd_usage_error(e, "\"%s\": expected a subscription "
			    "ID, a number from 1 (see launch subscriptions)",
			    argv[i]);
			return EXIT_USAGE;
		}
	}
	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	for (int i = 1; i < argc; i++) {
		unsubscribe_parse_id(argv[i], &id);
		proto_request_init(&req, PROTO_OP_UNSUBSCRIBE);
		req.sub_id = id;
		rc = client_call(&c, &req, &rep);
		proto_request_free(&req);
		if (rc != 0) {
			worst = rc;
			break;
		}
		if (rep.is_error) {
			rc = client_report_error(&rep.error);
			if (rc > worst)
				worst = rc;
		} else if (ctx->verbose)
			printf("unsubscribed %lld (%s)\n",
			    (long long)rep.subs[0].id, rep.subs[0].addr);
		proto_reply_free(&rep);
	}
	client_close(&c);
	return worst;
}

const struct cmd_entry cmd_unsubscribe_entry = {
	.name = "unsubscribe",
	.usage = "ID...",
	.summary = "remove subscriptions, their queued events with them",
	.help =
	    "Removes each subscription (ids as `launch subscriptions` shows\n"
	    "them).  The daemon stops delivering to it at once; queued\n"
	    "events are discarded.  An unknown id is reported and the rest\n"
	    "are still removed (exit 1).  Quiet on success; with -v, prints\n"
	    "\"unsubscribed ID (ADDRESS)\" for each.\n"
	    "\n"
	    "Example:\n  launch unsubscribe 3 4\n",
	.exec = cmd_unsubscribe_exec,
};
