/*
 * Asynchronous HTTP requests over a Unix socket, on the daemon's loop
 * (http.c): libcurl's multi interface driven by libev.  Used by the
 * docker driver to talk to the container engine.
 */
#ifndef LAUNCH_HTTP_H
#define LAUNCH_HTTP_H

#include <stddef.h>

struct http_req;

/* What a request got: status 0 means no answer, and error says why. */
struct http_res {
	long		 status;
	const char	*body;		/* NUL-terminated; "" if none */
	size_t		 len;
	const char	*error;		/* status 0: the transport's reason */
};

/*
 * Called once when the request is over, from the loop (never from
 * inside http_request).  The request is freed when it returns, so the
 * owner drops its pointer first; it may start or cancel other requests.
 */
typedef void	(*http_cb)(void *arg, const struct http_res *);

void		 http_init(void);
/* Load and set up libcurl (common/curlload.c), once: 0, or -1 with why
 * (the library cannot be loaded; a later call tries again).  Before the
 * first http_request. */
int		 http_setup(char *why, size_t whylen);
/* method "GET", "POST" or "DELETE"; json: a body to send, or NULL; the
 * path (and query) is formatted as printf does. */
struct http_req	*http_request(const char *sock, const char *method,
		    const char *json, http_cb, void *arg, const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));
/* Abandon a request: its callback is not called.  NULL is a no-op. */
void		 http_cancel(struct http_req *);
/* Requests in flight (for tests and logs). */
size_t		 http_pending(void);

#endif
