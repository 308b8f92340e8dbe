/*
 * launch subscriptions [--json]
 *
 * The table shows what a user checks when events do not arrive: where
 * they go, whether the daemon reaches the receiver (STATE, since when),
 * and what waits (QUEUED), was lost (DROPPED) or got through
 * (DELIVERED).  LAST ERROR, the daemon's last failure to deliver, is a
 * column only when some subscription has one.  --json is the daemon's
 * SUB objects as a JSON array, compact as `list --json` (the token is
 * never among them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "event.h"
#include "human.h"
#include "subscribe.h"
#include "xmalloc.h"

static char *
subscriptions_cell(const struct proto_sub *s, size_t col, int64_t now)
{
	char	buf[2048];

	switch (col) {
	case 0:
		snprintf(buf, sizeof buf, "%lld", (long long)s->id);
		break;
	case 1:
		return xstrdup(s->addr);
	case 2:
		proto_events_format(s->events, buf, sizeof buf);
		break;
	case 3:
		subscribe_match_join(&s->match, buf, sizeof buf);
		break;
	case 4:
		return xstrdup(proto_sub_state_name(s->state));
	case 5:
		if (s->since_ms > 0)
			human_duration(now - s->since_ms, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "-");
		break;
	case 6:
		snprintf(buf, sizeof buf, "%lld", (long long)s->queued);
		break;
	case 7:
		snprintf(buf, sizeof buf, "%lld", (long long)s->dropped);
		break;
	case 8:
		snprintf(buf, sizeof buf, "%lld", (long long)s->delivered);
		break;
	default:
		return xstrdup(s->last_error != NULL ? s->last_error : "-");
	}
	return xstrdup(buf);
}

static void
subscriptions_table(const struct proto_sub *subs, size_t n)
{
	static const char *const titles[] = { "ID", "ADDRESS", "EVENTS",
	    "MATCH", "STATE", "SINCE", "QUEUED", "DROPPED", "DELIVERED",
	    "LAST ERROR" };
	int64_t	  now = output_now_ms();
	size_t	  ncols = 9;
	char	***cells;

	for (size_t i = 0; i < n; i++)
		if (subs[i].last_error != NULL)
			ncols = 10;
	cells = xcalloc(n + 1, sizeof *cells);
	for (size_t r = 0; r <= n; r++) {
		cells[r] = xcalloc(ncols, sizeof *cells[r]);
		for (size_t c = 0; c < ncols; c++)
			cells[r][c] = r == 0 ? xstrdup(titles[c]) :
			    subscriptions_cell(&subs[r - 1], c, now);
	}
	output_table(cells, n + 1, ncols);
}

static void
subscriptions_json(const struct proto_sub *subs, size_t n)
{
	char	*view;

	putchar('[');
	for (size_t i = 0; i < n; i++) {
		view = proto_sub_encode(&subs[i], 0);
		printf("%s%.*s", i > 0 ? "," : "", (int)strlen(view) - 1,
		    view);
		free(view);
	}
	printf("]\n");
}

static int
cmd_subscriptions_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct proto_reply	rep;
	int			rc, as_json;

	if ((rc = cmd_json_args(&cmd_subscriptions_entry, argc, argv, 1,
	    &as_json)) != 0)
		return rc;
	if ((rc = client_op(ctx, PROTO_OP_SUBSCRIPTIONS, &rep)) != 0)
		return rc;
	if (as_json)
		subscriptions_json(rep.subs, rep.nsubs);
	else if (rep.nsubs > 0)
		subscriptions_table(rep.subs, rep.nsubs);
	proto_reply_free(&rep);
	return rc;
}

const struct cmd_entry cmd_subscriptions_entry = {
	.name = "subscriptions",
	.usage = "[--json]",
	.summary = "list subscriptions and how their deliveries go",
	.help =
	    "One row per subscription, by id; nothing when there is none.\n"
	    "STATE is connecting, connected, retrying (the receiver cannot\n"
	    "be reached; LAST ERROR says why) or expired (unreachable for\n"
	    "longer than its TTL); SINCE is how long it has been so.  QUEUED\n"
	    "events wait for an acknowledgement, DROPPED ones did not fit in\n"
	    "the queue, DELIVERED ones were acknowledged.\n"
	    "\n"
	    "Options:\n"
	    "  --json  a JSON array of subscriptions (schema: docs/protocol.md)\n"
	    "\n"
	    "Example:\n  launch subscriptions\n",
	.exec = cmd_subscriptions_exec,
};
