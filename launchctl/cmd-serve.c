#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "server.h"


/* A size like 10485760, 512K, 10M or 1G. */
static int
serve_parse_size(const char *s, int64_t *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || n <= 0)
		return -1;
	switch (*end) {
	case 'K': case 'k': n *= 1024; end++; break;
	case 'M': case 'm': n *= 1024 * 1024; end++; break;
	case 'G': case 'g': n *= 1024 * 1024 * 1024; end++; break;
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

static int
serve_parse_count(const char *s, long long min, long long max, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < min ||
	    *out > max ? -1 : 0;
}

static int
cmd_serve_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 'D' },
		{ "history", required_argument, NULL, 'H' },
		{ "log-size", required_argument, NULL, 'z' },
		{ "log-files", required_argument, NULL, 'n' },
		{ "max-jobs", required_argument, NULL, 'm' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct server_options	opt;
	int			ch, verbose = ctx->verbose, quiet = ctx->quiet;
	long long		n;

	memset(&opt, 0, sizeof opt);
	opt.socket = ctx->socket;
	opt.level = LOG_LEVEL_INFO;
	opt.history = 1000;
	opt.stats_interval = 30;
	while ((ch = getopt_long(argc, argv, "+S:vq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			opt.socket = optarg;
			break;
		case 'D':
			opt.state.dir = optarg;
			break;
		case 'H':
			if (serve_parse_count(optarg, 0, 100000000, &n) == -1) {
				cmd_usage_error(&cmd_serve_entry, "--history "
				    "%s: expected a count of ended jobs",
				    optarg);
				return EXIT_USAGE;
			}
			opt.history = (size_t)n;
			break;
		case 'z':
			if (serve_parse_size(optarg, &opt.state.log_size) ==
			    -1) {
				cmd_usage_error(&cmd_serve_entry, "--log-size "
				    "%s: expected bytes, e.g. 10M", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (serve_parse_count(optarg, 0, 1000000, &n) == -1) {
				cmd_usage_error(&cmd_serve_entry, "--max-jobs "
				    "%s: expected 0 (no limit) to 1000000",
				    optarg);
				return EXIT_USAGE;
			}
			opt.max_jobs = n;
			break;
		case 'i':
			if (serve_parse_count(optarg, 1, 86400, &n) == -1) {
				cmd_usage_error(&cmd_serve_entry,
				    "--stats-interval %s: expected seconds, 1 "
				    "to 86400", optarg);
				return EXIT_USAGE;
			}
			opt.stats_interval = (double)n;
			break;
		case 'n':
			if (serve_parse_count(optarg, 1, 1000, &n) == -1) {
				cmd_usage_error(&cmd_serve_entry, "--log-files "
				    "%s: expected 1 to 1000", optarg);
				return EXIT_USAGE;
			}
			opt.state.log_files = (int)n;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			cmd_usage_error(&cmd_serve_entry, "bad option");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_usage_error(&cmd_serve_entry, "unexpected argument \"%s\"",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (quiet)
		opt.level = LOG_LEVEL_QUIET;
	else if (verbose)
		opt.level = LOG_LEVEL_DEBUG;
	return server_run(&opt);
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.usage = "[-S SOCKET] [-v] [-q] [--state-dir DIR] [--history N] "
	    "[--log-size BYTES] [--log-files N] [--max-jobs N] "
	    "[--stats-interval SECS]",
	.summary = "run the daemon in the foreground",
	.help =
	    "Runs the supervisor in the foreground, logging to stderr.  Only\n"
	    "one daemon serves a socket: a second one exits with code 4 and\n"
	    "names the first one's pid.  SIGTERM or SIGINT stop every job and\n"
	    "exit, as `launch shutdown` does.\n"
	    "\n"
	    "Started by systemd's launch.socket (LISTEN_PID, LISTEN_FDS), it\n"
	    "serves the listening socket passed as fd 3, which must be bound\n"
	    "where it would bind its own, and never removes it.  Clients with\n"
	    "LAUNCH_AUTOSTART=1 start it themselves, logging to serve.log in\n"
	    "the state directory (docs/startup.md).\n"
	    "\n"
	    "Jobs run under small per-job shims, so they keep running (and\n"
	    "logging) if the daemon dies; a new daemon reattaches to them and\n"
	    "learns how the others ended.\n"
	    "\n"
	    "Options:\n"
	    "  -S SOCKET         the socket to serve (or $LAUNCH_SOCKET)\n"
	    "  -v                debug logging\n"
	    "  -q                warnings only\n"
	    "  --state-dir DIR   jobs and logs (default $LAUNCH_STATE_DIR, else\n"
	    "                    $XDG_STATE_HOME/launch, else "
	    "~/.local/state/launch)\n"
	    "  --history N       ended jobs kept (default 1000)\n"
	    "  --max-jobs N      refuse (\"full\") a submit or start beyond N\n"
	    "                    jobs running or restarting (default 0: no\n"
	    "                    limit); becoming full or ready again is a\n"
	    "                    \"capacity\" event (--events all)\n"
	    "  --stats-interval SECS\n"
	    "                    send a \"stats\" event this often to those\n"
	    "                    that ask (--events stats; default 30)\n"
	    "  --log-size BYTES  rotate a job's log at this size (default 10M)\n"
	    "  --log-files N     log files kept per stream (default 5)\n"
	    "\n"
	    "Example:\n  launch serve -v\n",
	.exec = cmd_serve_exec,
	.where = CMD_LOCAL,
};
