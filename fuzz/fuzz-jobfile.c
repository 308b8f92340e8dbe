/*
 * Target "jobfile": `launch submit -f FILE` reading a job file, as
 * proto_jobfile_decode sees it (the whole text, a copy of exactly its
 * length).  An accepted file is encoded as `launch export` prints it,
 * and that must be accepted too, with the same number of jobs, and
 * encode to the same text: an export can always be submitted again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"

int
fuzz_jobfile(const uint8_t *data, size_t size)
{
	struct proto_submit	*specs, *again;
	struct proto_error	 err;
	size_t			 n, n2;
	char			*text, *out, *out2;

	text = fuzz_copy(data, size);
	if (proto_jobfile_decode(text, size, &specs, &n, &err) == -1) {
		free(text);
		return 0;
	}
	free(text);
	out = proto_jobfile_encode(specs, n);
	if (proto_jobfile_decode(out, strlen(out), &again, &n2, &err) == -1 ||
	    n2 != n)
		abort();
	out2 = proto_jobfile_encode(again, n2);
	if (strcmp(out, out2) != 0)
		abort();
	free(out);
	free(out2);
	proto_specs_free(again, n2);
	proto_specs_free(specs, n);
	return 0;
}
