/*
 * libFuzzer's entry point for one target: compiled once per target with
 * -DFUZZ_TARGET=fuzz_NAME (see `make fuzz` in Makefile.am).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_TARGET(data, size);
}
