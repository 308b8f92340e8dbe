/*
 * The docker driver: containers through the Docker Engine API (not yet
 * built; issue 6).
 */
#include "config.h"

#include <stdio.h>

#include "launchd.h"

void
docker_init(void)
{
}

static int
docker_start(struct job *j, char *why, size_t whylen)
{
	snprintf(why, whylen, "docker jobs are not built yet");
	return -1;
}

static void
docker_stop(struct job *j, int sig, int64_t timeout_ms)
{
}

static int
docker_adopt(struct job *j)
{
	return -1;
}

static void
docker_cleanup(struct job *j)
{
}

const struct driver docker_driver = {
	.kind = PROTO_KIND_DOCKER,
	.start = docker_start,
	.stop = docker_stop,
	.adopt = docker_adopt,
	.cleanup = docker_cleanup,
};
