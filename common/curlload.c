/*
 * libcurl loaded at its first use (see curlload.h).  Linked, libcurl
 * brought OpenSSL, GnuTLS, Kerberos, LDAP and about 30 more libraries
 * into every launch process: each client command paid for loading and
 * relocating them, and the daemon held their pages (docs/bench.md),
 * though only container jobs use libcurl: the docker driver's requests
 * (launchd/http.c) and `launch logs` of a container
 * (launchctl/docker-logs.c).  So launch does not link it: the first of
 * those dlopen()s it, and a daemon without a container job, or a
 * client command that is not such a `logs`, never maps it.
 *
 * It lives in common/ because the daemon and the client both use it and
 * it is not protocol (docs/design.md, Layout).
 *
 * - The library: $LAUNCH_LIBCURL (a file name dlopen looks up as usual,
 *   or a path), else libcurl.so.4, the soname of every libcurl since
 *   7.16.  The variable is for systems that install libcurl under
 *   another name or where launch should use another build; the tests
 *   point it at a file that does not exist, and at a library that is not
 *   libcurl, to see both failures.  It is read in the environment of the
 *   process that loads: the daemon's for docker jobs, the client's for
 *   `launch logs`.
 * - RTLD_NOW, so that a library that is not what it claims fails here
 *   rather than at a call; RTLD_LOCAL, so that its symbols resolve
 *   nothing else.
 * - A failure is not remembered: the next use tries again, so installing
 *   libcurl does not need a daemon restart.  A library that lacks one of
 *   the entry points is closed again (none of its code ran); once
 *   curl_global_init has run the library stays, whatever it answered.
 * - curl_global_init once, with CURL_GLOBAL_DEFAULT, when the library is
 *   loaded; never a curl_global_cleanup, as the library is never
 *   unloaded either (it goes with the process).  Both users are
 *   single-threaded, which curl_global_init requires.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "curlload.h"

static struct curlload	 curlload_api;
static void		*curlload_handle;
static int		 curlload_ready;

/* dlsym's void * into a pointer of the function's own type. */
#define CURLLOAD_RESOLVE(h, f) \
	((curlload_api.f = (__typeof__(curlload_api.f))dlsym((h), \
	    "curl_" #f)) != NULL)

static int
curlload_resolve(void *h)
{
	return CURLLOAD_RESOLVE(h, easy_cleanup) &&
	    CURLLOAD_RESOLVE(h, easy_getinfo) &&
	    CURLLOAD_RESOLVE(h, easy_init) &&
	    CURLLOAD_RESOLVE(h, easy_perform) &&
	    CURLLOAD_RESOLVE(h, easy_setopt) &&
	    CURLLOAD_RESOLVE(h, easy_strerror) &&
	    CURLLOAD_RESOLVE(h, global_init) &&
	    CURLLOAD_RESOLVE(h, multi_add_handle) &&
	    CURLLOAD_RESOLVE(h, multi_assign) &&
	    CURLLOAD_RESOLVE(h, multi_info_read) &&
	    CURLLOAD_RESOLVE(h, multi_init) &&
	    CURLLOAD_RESOLVE(h, multi_remove_handle) &&
	    CURLLOAD_RESOLVE(h, multi_setopt) &&
	    CURLLOAD_RESOLVE(h, multi_socket_action) &&
	    CURLLOAD_RESOLVE(h, slist_append) &&
	    CURLLOAD_RESOLVE(h, slist_free_all);
}

/* why: the library (named as the user named it) and dlerror's text. */
static void
curlload_failed(const char *lib, int from_env, char *why, size_t whylen)
{
	const char	*err = dlerror();

	snprintf(why, whylen, "cannot load libcurl (%s%s): %s",
	    from_env ? "LAUNCH_LIBCURL=" : "", lib,
	    err != NULL ? err : "unknown error");
}

const struct curlload *
curlload_get(char *why, size_t whylen)
{
	const char	*lib = getenv("LAUNCH_LIBCURL");
	int		 from_env = lib != NULL && *lib != '\0';
	CURLcode	 rc;

	if (curlload_ready)
		return &curlload_api;
	if (!from_env)
		lib = CURLLOAD_DEFAULT;
	if (curlload_handle == NULL) {
		if ((curlload_handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			curlload_failed(lib, from_env, why, whylen);
			return NULL;
		}
		if (!curlload_resolve(curlload_handle)) {
			curlload_failed(lib, from_env, why, whylen);
			dlclose(curlload_handle);
			curlload_handle = NULL;
			return NULL;
		}
	}
	if ((rc = curlload_api.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		snprintf(why, whylen, "libcurl (%s): curl_global_init: %s", lib,
		    curlload_api.easy_strerror(rc));
		return NULL;
	}
	curlload_ready = 1;
	return &curlload_api;
}
