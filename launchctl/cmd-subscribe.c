/*
 * launch subscribe [--serve] [-a [HOST]:PORT] [-f GLOB]... [--events CLASS[,CLASS]...]
 *     [--json] [--exec CMD] [--ttl DURATION] [--queue-max N] [--token HEX]
 *     [--state FILE]
 *
 * Without --serve, only registers a subscription for a receiver that
 * listens elsewhere (the form used through ssh: `ssh box launch subscribe
 * -a me:9000 --token T`) and prints its id and token: unlike the other
 * commands that change something, it is not quiet on success, since the
 * token it made up exists nowhere else (the daemon never shows it) and
 * the id is what unsubscribe takes (-q silences it).  With --serve, is
 * that receiver (subscribe/receiver.c).  Options are checked here, all of
 * them before anything is sent.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "subscribe.h"
#include "xmalloc.h"

enum {
	OPT_SERVE = 256,
	OPT_EVENTS,
	OPT_JSON,
	OPT_EXEC,
	OPT_TTL,
	OPT_QUEUE_MAX,
	OPT_TOKEN,
	OPT_STATE
};

/* 500ms, 30s, 10m, 24h, 2d, or 0 (never expires). */
static int
subscribe_parse_ttl(const char *s, int64_t *ms)
{
	static const struct {
		const char	*unit;
		int64_t		 ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 },
		{ "h", 3600 * 1000 }, { "d", 86400 * 1000 },
	};
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == '\0') {
		*ms = 0;
		return n == 0 ? 0 : -1;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (n > PROTO_TTL_MAX_MS / units[i].ms)
			return -1;
		*ms = n * units[i].ms;
		return 0;
	}
	return -1;
}

static int
subscribe_parse_options(struct cmd_ctx *ctx, struct subscribe_opts *o,
    int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "serve", no_argument, NULL, OPT_SERVE },
		{ "addr", required_argument, NULL, 'a' },
		{ "filter", required_argument, NULL, 'f' },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ "queue-max", required_argument, NULL, OPT_QUEUE_MAX },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "host", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_subscribe_entry;
	const char		*addr = ":9000";
	char			 why[160], *end;
	long long		 n;
	int			 ch, v;

	while ((ch = getopt_long(argc, argv, "a:f:H:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'H':
			/* As `launch -H HOST subscribe`: one daemon. */
			if (strchr(optarg, ',') != NULL) {
				cmd_usage_error(e, "-H %s: a subscription "
				    "lives on one daemon: one receiver per "
				    "host", optarg);
				return -1;
			}
			ctx->host = optarg;
			break;
		case OPT_SERVE:
			o->serve = 1;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'f':
			if (!proto_glob_valid(optarg, why, sizeof why)) {
				cmd_usage_error(e, "-f %s: %s", optarg, why);
				return -1;
			}
			if (o->sub.match.n == PROTO_SUB_MATCH_MAX) {
				cmd_usage_error(e, "-f: at most %d filters",
				    PROTO_SUB_MATCH_MAX);
				return -1;
			}
			proto_strv_add(&o->sub.match, optarg);
			break;
		case OPT_EVENTS:
			if ((v = cmd_events_parse(e, optarg)) == -1)
				return -1;
			o->sub.events = (unsigned)v;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_EXEC:
			o->exec = optarg;
			break;
		case OPT_TTL:
			if (subscribe_parse_ttl(optarg, &o->sub.ttl_ms) == -1) {
				cmd_usage_error(e, "--ttl %s: expected a "
				    "duration such as 500ms, 30s, 10m, 24h or "
				    "2d (at most ten years), or 0 for never",
				    optarg);
				return -1;
			}
			break;
		case OPT_QUEUE_MAX:
			errno = 0;
			n = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    n < 1 || n > PROTO_QUEUE_MAX_LIMIT) {
				cmd_usage_error(e, "--queue-max %s: expected "
				    "a number of events from 1 to %d", optarg,
				    PROTO_QUEUE_MAX_LIMIT);
				return -1;
			}
			o->sub.queue_max = n;
			break;
		case OPT_TOKEN:
			if (!proto_token_valid(optarg)) {
				cmd_usage_error(e, "--token: expected %d to %d "
				    "hex digits", PROTO_TOKEN_MIN,
				    PROTO_TOKEN_MAX);
				return -1;
			}
			free(o->sub.token);
			o->sub.token = xstrdup(optarg);
			break;
		case OPT_STATE:
			if (*optarg == '\0') {
				cmd_usage_error(e, "--state: expected a file");
				return -1;
			}
			o->state = optarg;
			break;
		default:
			cmd_usage_error(e, "bad option");
			return -1;
		}
	}
	if (optind < argc) {
		cmd_usage_error(e, "unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (subscribe_addr_parse(addr, o->host, sizeof o->host, &o->port, why,
	    sizeof why) == -1) {
		cmd_usage_error(e, "-a %s: %s", addr, why);
		return -1;
	}
	if (!o->serve && o->port == 0) {
		cmd_usage_error(e, "-a %s: port 0 (any free port) needs "
		    "--serve", addr);
		return -1;
	}
	if (!o->serve && (o->exec != NULL || o->state != NULL)) {
		cmd_usage_error(e, "%s needs --serve", o->exec != NULL ?
		    "--exec" : "--state");
		return -1;
	}
	return 0;
}

/* Register only: the receiver is elsewhere.  The exit code. */
static int
subscribe_only(const struct cmd_ctx *ctx, struct subscribe_opts *o)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct proto_sub	 got;
	char			 addr[SUBSCRIBE_ADDR_MAX], why[512];
	char			 token[2 * SUBSCRIBE_TOKEN_BYTES + 1];
	char			*view;
	int			 rc;

	if (o->host[0] == '\0')
		snprintf(addr, sizeof addr, "127.0.0.1:%d", o->port);
	else if (subscribe_resolve(o->host, o->port, &ss, &sslen, why,
	    sizeof why) == 0) {
		subscribe_addr_reachable(&ss);
		subscribe_addr_format((struct sockaddr *)&ss, addr,
		    sizeof addr);
	} else {
		cmd_usage_error(&cmd_subscribe_entry, "-a: %s", why);
		return EXIT_USAGE;
	}
	if (o->sub.token == NULL) {
		if (subscribe_token_new(token, sizeof token) == -1) {
			fprintf(stderr, "launch: getrandom: %s\n",
			    strerror(errno));
			return EXIT_NO;
		}
		o->sub.token = xstrdup(token);
	}
	o->sub.addr = xstrdup(addr);
	if ((rc = subscribe_register(ctx, &o->sub, o->host[0] == '\0',
	    &got)) != 0)
		return rc;
	if (o->json) {
		/* The daemon's view, and the token it never shows. */
		view = proto_sub_encode(&got, 0);
		printf("{\"subscription\":%.*s,\"token\":\"%s\"}\n",
		    (int)strlen(view) - 1, view, o->sub.token);
		free(view);
	} else if (!ctx->quiet)
		printf("subscription %lld for %s, token %s\n",
		    (long long)got.id, got.addr, o->sub.token);
	proto_sub_free(&got);
	return 0;
}

static int
cmd_subscribe_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct subscribe_opts	o;
	int			rc;

	memset(&o, 0, sizeof o);
	proto_sub_init(&o.sub);
	if (ctx->fanout) {
		cmd_usage_error(&cmd_subscribe_entry, "a subscription lives "
		    "on one daemon: run one receiver per host (-H HOST)");
		return EXIT_USAGE;
	}
	if (subscribe_parse_options(ctx, &o, argc, argv) == -1)
		rc = EXIT_USAGE;
	else if (o.serve) {
		/* A receiver does not start a daemon (autostart.c). */
		ctx->autostart = 0;
		rc = receiver_run(ctx, &o);
	} else
		rc = subscribe_only(ctx, &o);
	proto_sub_free(&o.sub);
	return rc;
}

const struct cmd_entry cmd_subscribe_entry = {
	.name = "subscribe",
	.usage = "[--serve] [-a [HOST]:PORT] [-H HOST] [-f GLOB]... [--json]\n"
	    "                        [--events CLASS[,CLASS]...] [--exec CMD] "
	    "[--ttl DURATION]\n"
	    "                        [--queue-max N] [--token HEX] "
	    "[--state FILE]",
	.summary = "have job events sent to a TCP receiver (--serve: be it)",
	.help =
	    "Registers a subscription: the daemon connects to ADDR, sends\n"
	    "the events that match, and sends them again until they are\n"
	    "acknowledged (from a queue that survives a daemon restart).\n"
	    "Without --serve, prints \"subscription ID for ADDR, token TOKEN\"\n"
	    "(even without -v: the token is known nowhere else; -q: nothing)\n"
	    "for a receiver run elsewhere with that token.  With --serve,\n"
	    "listens on ADDR, registers, prints\n"
	    "\"launch: listening on ADDR, subscription ID (...)\" on stderr,\n"
	    "then one line per event on stdout, each exactly once, until\n"
	    "SIGINT, which unsubscribes (exit 0; 1 when the daemon could\n"
	    "not be told), or SIGTERM, which keeps the subscription if\n"
	    "there is a state file (a port other than 0, or --state): the\n"
	    "daemon queues meanwhile and the same command resumes it.\n"
	    "\n"
	    "Options:\n"
	    "  --serve            be the receiver\n"
	    "  -a, --addr [HOST]:PORT\n"
	    "                     where the daemon connects (default :9000).\n"
	    "                     No HOST: 127.0.0.1 (with --serve, listen on\n"
	    "                     every IPv4 address); a name is resolved\n"
	    "                     here; IPv6 as [::1]:9000.  Port 0 (--serve\n"
	    "                     only): any free port.  With -H and no HOST:\n"
	    "                     this side's address of the ssh connection\n"
	    "  -H, --host [USER@]HOST[:PORT]\n"
	    "                     register with the daemon on HOST, through\n"
	    "                     ssh (as launch -H HOST subscribe)\n"
	    CMD_HELP_FILTER_EVENTS
	    "  --json             print each event as its JSON line; without\n"
	    "                     --serve, print {\"subscription\": SUB,\n"
	    "                     \"token\": TOKEN}\n"
	    "  --exec CMD         (--serve) run `/bin/sh -c CMD` for each\n"
	    "                     event, waiting for it, with LAUNCH_EVENT,\n"
	    "                     LAUNCH_SEQ, LAUNCH_TIME, LAUNCH_HOST,\n"
	    "                     LAUNCH_LABEL, LAUNCH_JOB_ID, LAUNCH_KIND,\n"
	    "                     LAUNCH_PID, LAUNCH_REASON, LAUNCH_EXIT_CODE,\n"
	    "                     LAUNCH_SIGNAL, LAUNCH_OK, LAUNCH_RESTARTS,\n"
	    "                     LAUNCH_ERROR, LAUNCH_COUNT, LAUNCH_DELAY_MS,\n"
	    "                     LAUNCH_FROM, LAUNCH_TO, LAUNCH_STATUS,\n"
	    "                     LAUNCH_JOBS_ACTIVE, LAUNCH_MAX_JOBS (those\n"
	    "                     that apply) and LAUNCH_EVENT_JSON set\n"
	    "  --ttl DURATION     the subscription expires once the receiver\n"
	    "                     has been unreachable this long (500ms,\n"
	    "                     30s, 10m, 24h, 2d; 0: never; default 24h)\n"
	    "  --queue-max N      events kept for an absent receiver (default\n"
	    "                     10000; beyond, a \"dropped\" event says how\n"
	    "                     many were lost)\n"
	    "  --token HEX        the secret the daemon's HELLO must carry\n"
	    "                     (32 to 128 hex digits; default: random, or\n"
	    "                     with --serve the state file's)\n"
	    "  --state FILE       (--serve) keep the token and the last event\n"
	    "                     seen per daemon here (default, for a port\n"
	    "                     other than 0: STATE_DIR/receivers/\n"
	    "                     receiver-PORT.json; port 0: in memory)\n"
	    "\n"
	    "A receiver restarted with the same command resumes where it\n"
	    "stopped: same token, same subscription, queued events delivered,\n"
	    "none printed twice.\n"
	    "\n"
	    "Examples:\n"
	    "  launch subscribe --serve -a :9001 -f 'web*' --events exits\n"
	    "  ssh box launch subscribe -a me.example.net:9001 --token $TOKEN\n",
	.exec = cmd_subscribe_exec,
	.where = CMD_FANOUT,
	.flags = CMD_AUTOSTART,
};
