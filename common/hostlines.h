/*
 * Another machine's output as launch prints it: each line prefixed by
 * the host it came from, so that the lines of several hosts (the
 * fan-out, launchctl/remote.c) or of a remote command (launch-ssh's
 * relay of its stderr, ssh/main.c) can be told apart.
 */
#ifndef LAUNCH_HOSTLINES_H
#define LAUNCH_HOSTLINES_H

#include <stdio.h>

#include "buf.h"

enum hostlines_form {
	HOSTLINES_PLAIN,	/* the line as it is */
	HOSTLINES_OUT,		/* "HOST: line" */
	/* "launch: HOST: message": a line that already starts with
	 * "launch: HOST:" is kept, "launch: X" becomes "launch: HOST: X". */
	HOSTLINES_ERR,
};

/* Print b's complete lines to f in that form and consume them; with
 * flush, an unfinished last line too.  f is flushed. */
void	hostlines_print(FILE *f, const char *host, struct buf *b,
	    enum hostlines_form form, int flush);

#endif
