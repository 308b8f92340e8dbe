/*
 * The main() of every unit test (check-run.c), kept apart from
 * check-helpers.c so that a test of common/ alone does not link proto/.
 */
#ifndef LAUNCH_CHECK_RUN_H
#define LAUNCH_CHECK_RUN_H

#include <check.h>

/* Run the suite (and free it), printing Check's summary line, which
 * tests/run reads; returns the exit status for main. */
int	check_run(Suite *);

#endif
