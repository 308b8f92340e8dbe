/*
 * The container engine's endpoint, shared by the docker driver (the
 * daemon's environment) and `launch logs` (the client's): $DOCKER_HOST,
 * which must be unix://PATH, else /var/run/docker.sock.  Other schemes
 * (tcp://, ssh://, npipe://) are refused by name: the daemon speaks HTTP
 * on a Unix socket only.
 */
#ifndef LAUNCH_DOCKERHOST_H
#define LAUNCH_DOCKERHOST_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define DOCKERHOST_DEFAULT	"/var/run/docker.sock"
#define DOCKERHOST_MAX		108	/* sun_path */
/* Docker 20.10's API; podman 4's compatible service answers it too. */
#define DOCKERHOST_API		"/v1.41"

/* The socket's path into sock: 0, or -1 with why. */
int	dockerhost_socket(char *sock, size_t len, char *why, size_t whylen);
/* The engine's reason for an error answer (its JSON "message"), else
 * "HTTP status N". */
void	dockerhost_message(const char *body, long status, char *buf,
	    size_t len);
/* "2026-11-22T01:21:48.052311151Z" (or +hh:mm) in Unix ms; 0 if it is
 * not a time after 1970 (the engine's zero time is year 1). */
int64_t	dockerhost_time(const char *);
/* A member of a JSON object (o may be NULL): NULL, 0 if absent. */
const char *dockerhost_string(const cJSON *o, const char *name);
int	dockerhost_number(const cJSON *o, const char *name);

#endif
