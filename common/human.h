/*
 * Figures for people (tables, status, event lines); JSON keeps the
 * numbers.  The formatters write at most len bytes (24 is always
 * enough).
 *
 * human_duration: two units at most, the smaller zero-padded, rounded
 * down (an uptime is never ahead of the clock): "59s", "1m00s",
 * "59m59s", "1h00m", "23h59m", "1d00h".  Negative is "0s".
 *
 * human_size: kb kibibytes in K, M, G or T (powers of 1024, as ps and
 * free count): "1023K", then one decimal, "1.0M", "23.5G".  The unit is
 * chosen after rounding, so 1048575K is "1.0G", never "1024.0M".
 * Negative is "0K".
 *
 * human_width: the columns s takes on a terminal, for aligning tables:
 * SGR escapes (ESC [ ... m, the colours) take none, nor do UTF-8
 * continuation bytes; every other byte takes one (labels are ASCII; a
 * wide character in a command line is the rare case it gets wrong).
 */
#ifndef LAUNCH_HUMAN_H
#define LAUNCH_HUMAN_H

#include <stddef.h>
#include <stdint.h>

void	human_duration(int64_t ms, char *buf, size_t len);
void	human_size(int64_t kb, char *buf, size_t len);
size_t	human_width(const char *s);

#endif
