/*
 * The fuzz targets' inputs replayed in `make check`: every file of
 * fuzz/corpus/TARGET/ (the seeds) and fuzz/regress/TARGET/ (each input
 * that once crashed a target, kept when the bug was fixed, and a few
 * nasty ones) through the same target functions libFuzzer runs
 * (fuzz/fuzz-*.c), built here with the project's compiler, so that both
 * the gcc build and the --enable-sanitizers build check them.
 *
 * A target asserts by crashing (abort, or a sanitizer's report; a leak
 * fails the child at exit), so each file is one Check iteration in its
 * own forked child, and the file is given as the mark point: a failure
 * reads "fuzz/regress/receiver/nul-in-hello:1:E:...".
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "fuzz.h"
#include "xmalloc.h"
#include "check-run.h"

static const struct {
	const char	*name;
	fuzz_target	 fn;
} targets[] = {
	{ "request", fuzz_request },
	{ "decoders", fuzz_decoders },
	{ "jobfile", fuzz_jobfile },
	{ "receiver", fuzz_receiver },
	{ "sshconfig", fuzz_sshconfig },
};
#define NTARGETS	(sizeof targets / sizeof targets[0])

struct replay {
	fuzz_target	 fn;
	char		*path;
};

static struct replay	*replays;
static size_t		 nreplays;
static size_t		 seeds[NTARGETS];	/* corpus files per target */

static int
replay_wanted(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Add the files of FUZZ_DIR/sub/target; how many. */
static size_t
replay_collect(const char *sub, size_t t)
{
	struct dirent	**names;
	char		 *dir;
	int		  n;

	xasprintf(&dir, "%s/%s/%s", FUZZ_DIR, sub, targets[t].name);
	if ((n = scandir(dir, &names, replay_wanted, alphasort)) == -1) {
		free(dir);
		return 0;
	}
	replays = xreallocarray(replays, nreplays + (size_t)n,
	    sizeof *replays);
	for (int i = 0; i < n; i++) {
		replays[nreplays].fn = targets[t].fn;
		xasprintf(&replays[nreplays].path, "%s/%s", dir,
		    names[i]->d_name);
		nreplays++;
		free(names[i]);
	}
	free(names);
	free(dir);
	return (size_t)n;
}

START_TEST(test_fuzz_seeds_found)
{
	for (size_t t = 0; t < NTARGETS; t++)
		ck_assert_msg(seeds[t] > 0, "no seed corpus for %s in %s",
		    targets[t].name, FUZZ_DIR "/corpus");
}
END_TEST

START_TEST(test_fuzz_replay)
{
	const struct replay	*r = &replays[_i];
	char			*data;
	size_t			 len;

	data = file_read(r->path, &len);
	ck_assert_msg(data != NULL, "%s: cannot read", r->path);
	_mark_point(r->path, 1);
	ck_assert_int_eq(r->fn((const uint8_t *)data, len), 0);
	free(data);
}
END_TEST

static Suite *
fuzz_suite(void)
{
	Suite	*s = suite_create("fuzz");
	TCase	*tc = tcase_create("replay");

	for (size_t t = 0; t < NTARGETS; t++) {
		seeds[t] = replay_collect("corpus", t);
		replay_collect("regress", t);
	}
	tcase_add_test(tc, test_fuzz_seeds_found);
	tcase_add_loop_test(tc, test_fuzz_replay, 0, (int)nreplays);
	/* ASan's build is slower; a few seconds of inputs per child. */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int	rc = check_run(fuzz_suite());

	for (size_t i = 0; i < nreplays; i++)
		free(replays[i].path);
	free(replays);
	return rc;
}
