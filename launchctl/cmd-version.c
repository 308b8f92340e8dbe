#include "config.h"

#include <stdio.h>

#include "launch.h"

static int
cmd_version_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	printf("launch %s (protocol %d)\n", PACKAGE_VERSION, PROTO_VERSION);
	return 0;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "",
	.summary = "print the client's version (as launch --version)",
	.help = "The daemon's version is in `launch ping`.\n"
	    "\n"
	    "Example:\n  launch version\n",
	.exec = cmd_version_exec,
	.where = CMD_NODAEMON,
};
