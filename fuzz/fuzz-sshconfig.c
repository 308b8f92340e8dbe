/*
 * Target "sshconfig": what `launch -H SPEC` makes of SPEC and of
 * ~/.ssh/config (common/sshconfig.c).  The input's first line is the
 * spec (as argv gives it: up to a NUL), the rest the file's text, passed
 * by length as launchctl/ssh.c passes it.  A spec that does not parse is
 * replaced by "alias", so that every file is read.  An accepted result
 * must hold what the transport relies on: a host and a user, neither
 * empty nor starting with '-', and a port from 1 to 65535.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sshconfig.h"
#include "xmalloc.h"

static void
sshconfig_check(const struct ssh_target *t)
{
	if (t->host == NULL || t->host[0] == '\0' || t->host[0] == '-' ||
	    t->user == NULL || t->user[0] == '\0' || t->user[0] == '-' ||
	    t->port < 1 || t->port > 65535)
		abort();
	for (size_t i = 0; i < t->nidentity; i++)
		if (t->identity[i] == NULL)
			abort();
}

int
fuzz_sshconfig(const uint8_t *data, size_t size)
{
	struct ssh_target	 t;
	const uint8_t		*nl;
	char			 err[512], *spec, *text;
	size_t			 speclen;

	nl = memchr(data, '\n', size);
	speclen = nl != NULL ? (size_t)(nl - data) : size;
	spec = xstrndup((const char *)data, speclen);
	if (ssh_target_parse(spec, &t, err, sizeof err) == -1 &&
	    ssh_target_parse("alias", &t, err, sizeof err) == -1)
		abort();
	free(spec);
	if (nl != NULL) {
		data = nl + 1;
		size -= speclen + 1;
	} else
		size = 0;
	text = fuzz_copy(data, size);
	if (sshconfig_apply(text, size, &t, "/home/fuzz", "fuzz", err,
	    sizeof err) == 0)
		sshconfig_check(&t);
	free(text);
	ssh_target_free(&t);
	return 0;
}
