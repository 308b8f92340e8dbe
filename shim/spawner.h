/*
 * What the daemon (launchd/proc.c) and the spawner (shim/spawner.c) say
 * to each other over their SOCK_SEQPACKET socketpair: one fixed-size
 * message per datagram, in this process's own layout (both ends are the
 * same build: the daemon execs the spawner that sits next to it).
 *
 * daemon -> spawner: struct spawn_request, with two descriptors
 *   (SCM_RIGHTS): the shim's listening socket, which the daemon is
 *   already connected to, and a memfd holding the job's record (one
 *   line of proto_record JSON, as the journal has it).
 * spawner -> daemon: struct spawn_reply, once per request, after the
 *   fork: the shim's pid, or the fork's errno.
 */
#ifndef LAUNCH_SPAWNER_H
#define LAUNCH_SPAWNER_H

#include <stdint.h>

struct spawn_request {
	int64_t	id;		/* the job's id */
};

struct spawn_reply {
	int64_t	id;
	int32_t	pid;		/* 0: the fork failed */
	int32_t	err;		/* its errno */
};

/* The argv[1] that makes launch-shim (or `launch shim`) the spawner:
 * `launch-shim --spawner STATE_DIR LOG_SIZE LOG_FILES`, its socket on
 * fd 3. */
#define SPAWNER_ARG	"--spawner"
#define SPAWNER_FD	3

#endif
