/*
 * The job journal (journal.c): appends in the loop, syncs in a thread.
 */
#ifndef LAUNCH_JOURNAL_H
#define LAUNCH_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Open (create) JOBS_DIR/journal: 0, or -1 with a message in err. */
int	 journal_open(const char *jobs_dir, char *err, size_t errlen);
/* Call fn for each job the journal (and the jobs/ID.json files of
 * earlier versions) holds, in id order. */
void	 journal_load(void (*fn)(struct proto_record *));
/* Remove the jobs/ID.json files, once a compaction holds them. */
void	 journal_forget_files(void);
/* Start the writer thread; synced(seq) is called in the loop when the
 * journal is durable up to append seq. */
void	 journal_start(void (*synced)(uint64_t));
/* Stop the thread, sync and close (at exit). */
void	 journal_close(void);
/* Append whole lines: 0, or -1 with errno (nothing of it is kept). */
int	 journal_append(const char *data, size_t len);
/* The number of appends so far (the seq of the last one). */
uint64_t journal_written(void);
/* Ask for the journal to be made durable up to seq. */
void	 journal_sync(uint64_t seq);
/* Has the journal grown enough to be rewritten, given the size of a
 * snapshot? */
int	 journal_wants_compaction(size_t snapshot_size);
/* Rewrite the journal as data (a snapshot, whole lines): now (at
 * start-up: synced and renamed before returning), or through the
 * writer thread.  0, or -1 (logged; the journal goes on). */
int	 journal_compact(const char *data, size_t len, int now);

#endif
