/*
 * Target "request": what the daemon does with the bytes a client writes
 * to its socket, short of acting on them.  The input is a stream; it is
 * cut into lines as launchd/peer.c cuts it (at '\n', a trailing '\r'
 * dropped, blank lines skipped), and each line goes, as a copy of
 * exactly its length, to proto_request_decode.  A refusal is answered as
 * the daemon answers it (proto_reply_error, echoing the id); an accepted
 * request is encoded again as the client would send it, and that line
 * must decode too and encode to the same bytes: whatever the daemon
 * accepts, the client can say.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"

static void
request_line(const uint8_t *data, size_t len)
{
	struct proto_request	 req, again;
	struct proto_error	 err;
	char			*line, *out, *out2;

	line = fuzz_copy(data, len);
	if (proto_request_decode(line, len, &req, &err) == -1) {
		free(line);
		out = proto_reply_error(req.id, &err);
		free(out);
		proto_request_free(&req);
		return;
	}
	free(line);
	out = proto_request_encode(&req);
	/* Without its newline, as peer.c passes it. */
	if (proto_request_decode(out, strlen(out) - 1, &again, &err) == -1)
		abort();
	out2 = proto_request_encode(&again);
	if (strcmp(out, out2) != 0)
		abort();
	free(out);
	free(out2);
	proto_request_free(&again);
	proto_request_free(&req);
}

int
fuzz_request(const uint8_t *data, size_t size)
{
	const uint8_t	*nl;
	size_t		 len;

	while (size > 0) {
		nl = memchr(data, '\n', size);
		len = nl != NULL ? (size_t)(nl - data) : size;
		if (len > PROTO_LINE_MAX)
			return 0;	/* the daemon closes the connection */
		if (len > 0 && data[len - 1] == '\r')
			len--;
		if (len > 0)
			request_line(data, len);
		if (nl == NULL)
			break;
		size -= (size_t)(nl - data) + 1;
		data = nl + 1;
	}
	return 0;
}
