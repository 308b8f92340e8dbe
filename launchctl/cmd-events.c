/*
 * launch events [-f GLOB]... [--events CLASS[,CLASS]...] [--json]
 *
 * Watches the daemon's events live over its own socket: no TCP, no
 * token, no queue.  After the {"streaming": true} reply every line is an
 * EVENT; the daemon may have sent some in the same segment as the reply,
 * and client_call leaves those in the client's buffer, where
 * client_read_line finds them first.
 *
 * Each event is printed and flushed at once.  The stream ends with ^C or
 * SIGTERM (exit 0; exiting in the handler, as `logs -f` does, since a
 * flag would be missed by a blocking read) or when the daemon closes it
 * (exit 0, after saying so on stderr).  A line that is not an EVENT is a
 * protocol error (exit 5); stdout failing ends it with exit 1.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "event.h"

enum {
	OPT_EVENTS = 256,
	OPT_JSON
};

static void
events_signal(int sig)
{
	_exit(0);
}

/* Print each event until the stream ends: the exit code. */
static int
events_stream(struct client *c, int as_json)
{
	struct proto_event	 ev;
	struct proto_error	 err;
	char			 text[8192], *line;
	ssize_t			 n;
	size_t			 len;
	int			 rc;

	for (;;) {
		if ((n = client_read_line(c)) == -1) {
			if (errno != ECONNRESET) {
				fprintf(stderr, "launch: reading events: %s\n",
				    strerror(errno));
				return EXIT_PROTOCOL;
			}
			/* Through ssh, the end may be the connection's:
			 * launch-ssh has said so, and its code says how. */
			if (c->helper > 0 && (rc = remote_client_end(c)) != 0)
				return rc;
			fprintf(stderr, "launch: the daemon closed the "
			    "stream\n");
			return 0;
		}
		line = buf_head(&c->in);
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0) {
			buf_consume(&c->in, (size_t)n + 1);
			continue;
		}
		if (proto_event_decode(line, len, &ev, &err) == -1) {
			fprintf(stderr, "launch: bad event from the daemon: "
			    "%s\n", err.message);
			return EXIT_PROTOCOL;
		}
		if (as_json) {
			fwrite(line, 1, len, stdout);
			putchar('\n');
		} else {
			proto_event_format(&ev, text, sizeof text);
			puts(text);
		}
		proto_event_free(&ev);
		buf_consume(&c->in, (size_t)n + 1);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			fprintf(stderr, "launch: stdout: %s\n",
			    strerror(errno));
			return EXIT_NO;
		}
	}
}

int
cmd_events_parse(const struct cmd_entry *e, const char *arg)
{
	int	v;

	if ((v = proto_events_parse(arg)) == -1)
		cmd_usage_error(e, "--events %s: expected failures, exits, all "
		    "or stats, or several joined by commas", arg);
	return v;
}

static int
cmd_events_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_events_entry;
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct sigaction	 sa;
	struct client		 c;
	char			 why[160];
	int			 ch, rc, v, as_json = 0;

	proto_request_init(&req, PROTO_OP_EVENTS);
	req.events = PROTO_EVENTS_FAILURES;
	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (!proto_glob_valid(optarg, why, sizeof why)) {
				cmd_usage_error(e, "-f %s: %s", optarg, why);
				goto usage;
			}
			proto_strv_add(&req.match, optarg);
			break;
		case OPT_EVENTS:
			if ((v = cmd_events_parse(e, optarg)) == -1)
				goto usage;
			req.events = v;
			break;
		case OPT_JSON:
			as_json = 1;
			break;
		default:
			cmd_usage_error(e, "bad option");
			goto usage;
		}
	}
	if (optind < argc) {
		cmd_usage_error(e, "unexpected argument \"%s\" (filters go "
		    "after -f)", argv[optind]);
		goto usage;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = events_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = client_open(&c, ctx)) != 0) {
		proto_request_free(&req);
		return rc;
	}
	rc = client_call(&c, &req, &rep);
	proto_request_free(&req);
	if (rc == 0) {
		if (rep.is_error)
			rc = client_report_error(&rep.error);
		proto_reply_free(&rep);
		if (rc == 0)
			rc = events_stream(&c, as_json);
	}
	client_close(&c);
	return rc;
usage:
	proto_request_free(&req);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.usage = "[-f GLOB]... [--events CLASS[,CLASS]...] [--json]",
	.summary = "print the daemon's events as they happen",
	.help =
	    "Prints one line per event, as it happens, until interrupted\n"
	    "(^C or SIGTERM: exit 0) or until the daemon stops (exit 0 too,\n"
	    "with \"launch: the daemon closed the stream\" on stderr).  Only\n"
	    "events from now on: for delivery that survives restarts, see\n"
	    "`launch subscribe`.\n"
	    "\n"
	    "Options:\n"
	    CMD_HELP_FILTER_EVENTS
	    "  --json             each event as its JSON line (schema:\n"
	    "                     docs/protocol.md)\n"
	    "\n"
	    "Example:\n  launch events --events all -f 'web*'\n",
	.exec = cmd_events_exec,
};
