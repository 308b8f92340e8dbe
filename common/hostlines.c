#include "config.h"

#include <string.h>

#include "hostlines.h"

void
hostlines_print(FILE *f, const char *host, struct buf *b,
    enum hostlines_form form, int flush)
{
	const char	*line;
	char		*nl;
	size_t		 len, hl = strlen(host);

	while (buf_used(b) > 0) {
		nl = memchr(buf_head(b), '\n', buf_used(b));
		if (nl == NULL && !flush)
			break;
		line = buf_head(b);
		len = nl != NULL ? (size_t)(nl - line) : buf_used(b);
		if (form == HOSTLINES_PLAIN)
			fprintf(f, "%.*s\n", (int)len, line);
		else if (form == HOSTLINES_OUT)
			fprintf(f, "%s: %.*s\n", host, (int)len, line);
		else if (len > 8 + hl + 1 && strncmp(line, "launch: ", 8) ==
		    0 && strncmp(line + 8, host, hl) == 0 &&
		    line[8 + hl] == ':')
			fprintf(f, "%.*s\n", (int)len, line);
		else if (len >= 8 && strncmp(line, "launch: ", 8) == 0)
			fprintf(f, "launch: %s: %.*s\n", host, (int)len - 8,
			    line + 8);
		else
			fprintf(f, "launch: %s: %.*s\n", host, (int)len, line);
		buf_consume(b, nl != NULL ? len + 1 : len);
	}
	fflush(f);
}
