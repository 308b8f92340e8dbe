/*
 * Unit tests for the human figures (common/human.c): the boundaries of
 * human_duration and human_size, where a unit changes or a rounding
 * could print "60s" or "1024.0M", and human_width, which output_table
 * aligns its columns with.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "human.h"
#include "check-run.h"

/* fmt(n) must print want; unit names n in the message. */
static void
prints(void (*fmt)(int64_t, char *, size_t), const char *unit, int64_t n,
    const char *want)
{
	char	buf[24];

	fmt(n, buf, sizeof buf);
	ck_assert_msg(strcmp(buf, want) == 0, "%lld %s: \"%s\", expected "
	    "\"%s\"", (long long)n, unit, buf, want);
}
#define duration_is(ms, want)	prints(human_duration, "ms", (ms), (want))
#define size_is(kb, want)	prints(human_size, "KiB", (kb), (want))

START_TEST(test_duration_boundaries)
{
	duration_is(-5000, "0s");
	duration_is(0, "0s");
	duration_is(999, "0s");
	duration_is(59999, "59s");
	duration_is(60000, "1m00s");
	duration_is(61000, "1m01s");
	duration_is(3599999, "59m59s");
	duration_is(3600000, "1h00m");
	duration_is(3660000, "1h01m");
	duration_is(86399999, "23h59m");
	duration_is(86400000, "1d00h");
	duration_is(90000000, "1d01h");
	duration_is(100LL * 86400000 + 3600000 * 5, "100d05h");
	duration_is(INT64_MAX, "106751991167d07h");
}
END_TEST

START_TEST(test_size_boundaries)
{
	size_is(-1, "0K");
	size_is(0, "0K");
	size_is(1, "1K");
	size_is(1023, "1023K");
	size_is(1024, "1.0M");
	size_is(1536, "1.5M");
	size_is(24064, "23.5M");
	/* 1023.9M, then what would round to 1024.0M is 1.0G. */
	size_is(1048473, "1023.9M");
	size_is(1048575, "1.0G");
	size_is(1048576, "1.0G");
	size_is(24105LL * 1024, "23.5G");
	size_is(258019LL * 1024, "252.0G");
	size_is(1073741823LL, "1.0T");
	size_is(1073741824LL * 3 / 2, "1.5T");
	/* No unit after T: a petabyte is 1024.0T. */
	size_is(1073741824LL * 1024, "1024.0T");
}
END_TEST

START_TEST(test_width)
{
	ck_assert_uint_eq(human_width(""), 0);
	ck_assert_uint_eq(human_width("running"), 7);
	ck_assert_uint_eq(human_width("\033[32mrunning\033[0m"), 7);
	ck_assert_uint_eq(human_width("\033[1;31mFULL\033[m"), 4);
	ck_assert_uint_eq(human_width("caf\xc3\xa9"), 4);
	/* A lone ESC (not an SGR) is one column, as the terminal's
	 * replacement glyph. */
	ck_assert_uint_eq(human_width("a\033b"), 3);
}
END_TEST

static Suite *
human_suite(void)
{
	Suite	*s = suite_create("human");
	TCase	*tc = tcase_create("human");

	tcase_add_test(tc, test_duration_boundaries);
	tcase_add_test(tc, test_size_boundaries);
	tcase_add_test(tc, test_width);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(human_suite());
}
