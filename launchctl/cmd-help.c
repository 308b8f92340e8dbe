#include "config.h"

#include <stdio.h>

#include "launch.h"

static int
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e;

	if (argc < 2) {
		fprintf(stdout, "usage: launch COMMAND [ARGS...]; "
		    "launch --help lists the commands\n");
		return 0;
	}
	if ((e = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "launch: unknown command \"%s\"\n", argv[1]);
		return EXIT_USAGE;
	}
	cmd_print_help(e);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show a command's options and an example",
	.help = "Example:\n  launch help submit\n",
	.exec = cmd_help_exec,
	.where = CMD_NODAEMON,
};
