/*
 * What every child launch starts (a job, the spawner, a hook, the ssh
 * helper, an auto-started daemon) needs before its exec: no signal
 * disposition or mask of its parent's.
 */
#ifndef LAUNCH_CHILD_H
#define LAUNCH_CHILD_H

/* Every signal's disposition back to the default, and an empty mask.
 * Async-signal-safe: for the child between fork and exec.  (SIGKILL
 * and SIGSTOP refuse; glibc keeps signals 32 and 33 for itself.) */
void	child_reset_signals(void);

#endif
