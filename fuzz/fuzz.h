/*
 * The fuzz targets (fuzz-*.c), each a named function over one input so
 * that two programs can link them: the libFuzzer binaries (libfuzzer.c,
 * compiled once per target with FUZZ_TARGET naming the function; built
 * by `make fuzz` with clang) and the Check test that replays the seed
 * corpora and the regression inputs in `make check` (tests/unit/
 * test_fuzz.c, built with the project's compiler).
 *
 * A target returns 0 and crashes (abort, or a sanitizer's report) on a
 * bug.  It frees everything it allocates, so that LeakSanitizer's report
 * is a real leak.  See docs/fuzzing.md for what each one covers.
 */
#ifndef LAUNCH_FUZZ_H
#define LAUNCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xmalloc.h"

typedef int (*fuzz_target)(const uint8_t *, size_t);

int	fuzz_request(const uint8_t *, size_t);
int	fuzz_decoders(const uint8_t *, size_t);
int	fuzz_jobfile(const uint8_t *, size_t);
int	fuzz_receiver(const uint8_t *, size_t);
int	fuzz_sshconfig(const uint8_t *, size_t);

/* A malloc'd copy of exactly n bytes, with no NUL after them, so that a
 * decoder reading past its length is caught by ASan. */
static inline char *
fuzz_copy(const uint8_t *data, size_t n)
{
	char	*p = xmalloc(n);

	if (n > 0)
		memcpy(p, data, n);
	return p;
}

#endif
