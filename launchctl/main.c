/*
 * `launch`: one binary, one table of subcommands (after tmux's
 * cmd_table).  Adding a command is a new cmd-NAME.c and one line here.
 *
 *   launch [-S SOCKET] [-H HOSTS | --hosts FILE] [--accept-new-host]
 *          [--color=WHEN] [-v] [-q] COMMAND [ARGS...]
 *
 * Where a command runs is decided here, from its entry's `where`: on the
 * local daemon, on one remote host (the command's client connects
 * through ssh), or on many hosts (remote.c fans it out).
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "shim.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_serve_entry,
	&cmd_submit_entry,
	&cmd_list_entry,
	&cmd_status_entry,
	&cmd_stop_entry,
	&cmd_start_entry,
	&cmd_restart_entry,
	&cmd_remove_entry,
	&cmd_wait_entry,
	&cmd_logs_entry,
	&cmd_export_entry,
	&cmd_events_entry,
	&cmd_subscribe_entry,
	&cmd_subscriptions_entry,
	&cmd_unsubscribe_entry,
	&cmd_shutdown_entry,
	&cmd_stats_entry,
	&cmd_ping_entry,
	&cmd_bridge_entry,
	&cmd_help_entry,
	&cmd_version_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static void
main_usage(FILE *f)
{
	int	width = 0;

	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if ((int)strlen(cmd_table[i]->name) > width)
			width = (int)strlen(cmd_table[i]->name);
	fprintf(f,
	    "usage: launch [-S SOCKET] [-H HOSTS | --hosts FILE] "
	    "[--accept-new-host]\n"
	    "              [--color=WHEN] [-v] [-q] COMMAND [ARGS...]\n"
	    "\n"
	    "A per-user process supervisor.  Start the daemon with `launch "
	    "serve`,\nthen drive it with the other commands.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-*s  %s\n", width, cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(f,
	    "\n"
	    "Options:\n"
	    "  -S SOCKET   the daemon's socket (default: $LAUNCH_SOCKET, else\n"
	    "              $XDG_RUNTIME_DIR/launch/sock, else "
	    "/tmp/launch-$UID/sock)\n"
	    "  -H [USER@]HOST[:PORT][,...]\n"
	    "              run the command on the daemon of HOST, through ssh\n"
	    "              (default: $LAUNCH_HOST); several hosts in parallel\n"
	    "  --hosts FILE  the hosts, one per line ('#' comments)\n"
	    "  --accept-new-host  trust and record an unknown host key\n"
	    "              (a changed key is always refused)\n"
	    "  --color=WHEN  auto (default: when stdout is a terminal and\n"
	    "              TERM is not dumb), always or never; a non-empty\n"
	    "              NO_COLOR means never, whatever WHEN is\n"
	    "  -v          more output (serve: debug logs)\n"
	    "  -q          less output (serve: warnings only)\n"
	    "  -h, --help  this help; `launch help COMMAND` for a command\n"
	    "  -V, --version\n"
	    "\n"
	    "Exit codes: 0 ok, 1 a label failed or was not found, 2 usage,\n"
	    "3 no daemon reachable, 4 a daemon is already serving (serve),\n"
	    "5 refused by the daemon or protocol error, 6 wait timed out.\n");
}

void
cmd_print_help(const struct cmd_entry *e)
{
	printf("usage: launch %s%s%s\n\n%s\n", e->name,
	    *e->usage != '\0' ? " " : "", e->usage, e->summary);
	if (e->help != NULL && *e->help != '\0')
		printf("\n%s", e->help);
}

void
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "launch %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: launch %s %s\n", e->name, e->usage);
}

int
cmd_json_args(const struct cmd_entry *e, int argc, char **argv, int noargs,
    int *as_json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	*as_json = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j') {
			cmd_usage_error(e, "bad option");
			return EXIT_USAGE;
		}
		*as_json = 1;
	}
	if (noargs && optind < argc) {
		cmd_usage_error(e, "unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

int
cmd_help_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "hosts", required_argument, NULL, 'F' },
		{ "accept-new-host", no_argument, NULL, 'A' },
		{ "color", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_ctx		 ctx;
	const struct cmd_entry	*e;
	const char		*hosts = NULL, *hosts_file = NULL;
	int			 ch, rc, color = OUTPUT_COLOR_AUTO;

	/* The per-job shim is an internal mode of the same binary. */
	if (argc > 1 && strcmp(argv[1], "shim") == 0)
		return shim_main(argc - 1, argv + 1);
	memset(&ctx, 0, sizeof ctx);
	/* "+": stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+S:H:vqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			ctx.socket = optarg;
			break;
		case 'H':
			hosts = optarg;
			break;
		case 'F':
			hosts_file = optarg;
			break;
		case 'A':
			ctx.accept_new_host = 1;
			break;
		case 'C':
			if ((color = output_color_parse(optarg)) == -1) {
				fprintf(stderr, "launch: --color=%s: expected "
				    "auto, always or never\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'q':
			ctx.quiet = 1;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'V':
			printf("launch %s (protocol %d)\n", PACKAGE_VERSION,
			    PROTO_VERSION);
			return 0;
		default:
			main_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	ctx.color = output_color_wanted(color, STDOUT_FILENO);
	ctx.color_err = output_color_wanted(color, STDERR_FILENO);
	if (argc == 0) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if ((e = cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "launch: unknown command \"%s\" (see launch "
		    "--help)\n", argv[0]);
		return EXIT_USAGE;
	}
	if (cmd_help_requested(argc, argv) && e != &cmd_submit_entry) {
		cmd_print_help(e);
		return 0;
	}
	if (hosts != NULL && hosts_file != NULL) {
		fprintf(stderr, "launch: -H and --hosts: give one of them\n");
		return EXIT_USAGE;
	}
	/* LAUNCH_HOST is a default for commands that can go elsewhere: a
	 * local-only one (serve, or bridge run by sshd) ignores it. */
	if (hosts == NULL && hosts_file == NULL && e->where != CMD_LOCAL &&
	    (hosts = getenv("LAUNCH_HOST")) != NULL && *hosts == '\0')
		hosts = NULL;
	if (e->where == CMD_NODAEMON)
		hosts = hosts_file = NULL;
	if ((hosts != NULL || hosts_file != NULL) && e->where == CMD_LOCAL) {
		fprintf(stderr, "launch: %s runs on this machine only; on "
		    "another one run: ssh HOST launch %s\n", e->name, e->name);
		return EXIT_USAGE;
	}
	if (hosts != NULL && (rc = remote_hosts_add(&ctx, hosts)) != 0)
		goto out;
	if (hosts_file != NULL &&
	    (rc = remote_hosts_file(&ctx, hosts_file)) != 0)
		goto out;
	if (ctx.nhosts == 1 && !ctx.fanout)
		ctx.host = ctx.hosts[0];
	/* Only the local daemon is ever started (autostart.c). */
	if ((e->flags & CMD_AUTOSTART) && ctx.nhosts == 0 &&
	    (rc = autostart_enabled(&ctx)) != 0)
		goto out;
	optind = 0;	/* reset getopt for the command */
	if (ctx.fanout && e->where == CMD_DAEMON)
		rc = remote_fanout_cmd(e, &ctx, argc, argv);
	else
		rc = e->exec(&ctx, argc, argv);
out:
	remote_hosts_free(&ctx);
	return rc;
}
