/*
 * launch version [--json]: the client's own version and protocol (as
 * launch --version), without asking a daemon: `launch ping` has the
 * daemon's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "launch.h"

static int
cmd_version_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char	*json;
	int	 rc, as_json;

	(void)ctx;
	if ((rc = cmd_json_args(&cmd_version_entry, argc, argv, 1,
	    &as_json)) != 0)
		return rc;
	if (as_json) {
		json = proto_version_json(PACKAGE_VERSION);
		fputs(json, stdout);
		free(json);
	} else
		printf("launch %s (protocol %d)\n", PACKAGE_VERSION,
		    PROTO_VERSION);
	return 0;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "[--json]",
	.summary = "print the client's version (as launch --version)",
	.help = "The daemon's version is in `launch ping`.\n"
	    "\n"
	    "Options:\n"
	    "  --json  {\"version\": \"0.1.0\", \"proto\": 7} (docs/json.md)\n"
	    "\n"
	    "Example:\n  launch version --json\n",
	.exec = cmd_version_exec,
	.where = CMD_NODAEMON,
};
