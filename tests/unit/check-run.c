/*
 * One main() for the Check unit tests (see check-run.h): they ran the same
 * ten lines each.  CK_NORMAL prints the "Checks: N, Failures: N" summary
 * that tests/run parses, so every test must keep it.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "check-run.h"

int
check_run(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
