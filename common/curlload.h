/*
 * libcurl, loaded when it is first used (curlload.c): the entry points
 * the docker driver (launchd/http.c) and `launch logs` of a container
 * (launchctl/docker-logs.c) call, as pointers.  Include this header
 * instead of <curl/curl.h>: launch does not link libcurl, so a direct
 * call to a curl_* function does not link either.
 *
 * CURL_DISABLE_TYPECHECK: with GCC, curl.h turns curl_easy_setopt,
 * curl_easy_getinfo and curl_multi_setopt into macros that check each
 * option's argument type and then call the function by its name, the
 * symbol launch no longer links.  The checks apply to those names only,
 * never to calls through these pointers, so they are off here, which
 * also leaves __typeof__(curl_easy_setopt) plainly the function.  The
 * callers pass what each option wants by hand: long constants (1L),
 * callbacks of the exact prototype.
 */
#ifndef LAUNCH_CURLLOAD_H
#define LAUNCH_CURLLOAD_H

#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK
#endif
#include <curl/curl.h>

#include <stddef.h>

/* The library dlopen()ed when LAUNCH_LIBCURL is unset or empty. */
#define CURLLOAD_DEFAULT	"libcurl.so.4"

struct curlload {
	__typeof__(curl_easy_cleanup)		*easy_cleanup;
	__typeof__(curl_easy_getinfo)		*easy_getinfo;
	__typeof__(curl_easy_init)		*easy_init;
	__typeof__(curl_easy_perform)		*easy_perform;
	__typeof__(curl_easy_setopt)		*easy_setopt;
	__typeof__(curl_easy_strerror)		*easy_strerror;
	__typeof__(curl_global_init)		*global_init;
	__typeof__(curl_multi_add_handle)	*multi_add_handle;
	__typeof__(curl_multi_assign)		*multi_assign;
	__typeof__(curl_multi_info_read)	*multi_info_read;
	__typeof__(curl_multi_init)		*multi_init;
	__typeof__(curl_multi_remove_handle)	*multi_remove_handle;
	__typeof__(curl_multi_setopt)		*multi_setopt;
	__typeof__(curl_multi_socket_action)	*multi_socket_action;
	__typeof__(curl_slist_append)		*slist_append;
	__typeof__(curl_slist_free_all)		*slist_free_all;
};

/*
 * libcurl's entry points, its global init done: the first call loads
 * it ($LAUNCH_LIBCURL, else CURLLOAD_DEFAULT), later ones return the same
 * table.  NULL with why (the library's name and dlerror's text) when it
 * cannot be loaded or lacks one of them; the next call tries again.
 */
const struct curlload	*curlload_get(char *why, size_t whylen);

#endif
