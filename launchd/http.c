/*
 * Asynchronous HTTP over a Unix socket for the docker driver: libcurl's
 * multi interface driven by the daemon's libev loop, so that talking to
 * the container engine never blocks the daemon.
 *
 * - curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION): one
 *   ev_io each, made on first use and freed on CURL_POLL_REMOVE, which
 *   curl sends before it closes the socket (libev must not watch a
 *   closed fd).
 * - curl tells us when it next wants to be called
 *   (CURLMOPT_TIMERFUNCTION): one ev_timer, stopped when curl says -1,
 *   so an idle daemon has no timer left.
 * - Finished transfers are collected after each curl_multi_socket_action
 *   and their callbacks run there, outside any curl callback, so a
 *   callback may start or cancel requests.  curl_multi_remove_handle
 *   drops a removed handle's pending message, so a callback that cancels
 *   another finished request is safe too.
 * - No connection reuse (CURLOPT_FORBID_REUSE): a Unix socket connects in
 *   microseconds, and an idle cached connection would be one more fd
 *   that the engine may close under us.
 * - Sockets are close-on-exec (CURLOPT_OPENSOCKETFUNCTION): the daemon
 *   spawns qemu-img and shims, which must not hold the engine's
 *   connections (a long-poll kept open by a child would outlive us).
 * - No overall timeout: the engine answers a wait only when the
 *   container exits, and a stop after the stop timeout.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "curlload.h"
#include "http.h"
#include "launchd.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_BODY_MAX	(1024 * 1024)	/* an inspect is a few kB */

struct http_req {
	CURL			*easy;
	struct curl_slist	*hdrs;
	struct buf		 body;
	http_cb			 cb;
	void			*arg;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct http_sock {
	ev_io	io;
};

static const struct curlload *curl;	/* loaded by http_setup */
static CURLM	*http_multi;
static ev_timer	 http_timer;
static size_t	 http_inflight;

static void	 http_check(void);

static void
http_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	int	action = 0, running;

	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* w may be freed in there (CURL_POLL_REMOVE): not touched after. */
	curl->multi_socket_action(http_multi, w->fd, action, &running);
	http_check();
}

static void
http_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	int	running;

	curl->multi_socket_action(http_multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check();
}

static int
http_socket_cb(CURL *e, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct http_sock	*hs = socketp;
	int			 events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			ev_io_stop(server_loop, &hs->io);
			curl->multi_assign(http_multi, s, NULL);
			free(hs);
		}
		return 0;
	}
	if (hs == NULL) {
		hs = xcalloc(1, sizeof *hs);
		ev_init(&hs->io, http_io_cb);
		curl->multi_assign(http_multi, s, hs);
	} else
		ev_io_stop(server_loop, &hs->io);
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_set(&hs->io, s, events);
	ev_io_start(server_loop, &hs->io);
	return 0;
}

static int
http_timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	ev_timer_stop(server_loop, &http_timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&http_timer, (double)timeout_ms / 1000., 0.);
		ev_timer_start(server_loop, &http_timer);
	}
	return 0;
}

static curl_socket_t
http_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t
http_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_req	*r = arg;

	if (buf_used(&r->body) + n > HTTP_BODY_MAX)
		return 0;	/* CURLE_WRITE_ERROR */
	buf_add(&r->body, p, n);
	return n;
}

static void
http_free(struct http_req *r)
{
	curl->easy_cleanup(r->easy);
	curl->slist_free_all(r->hdrs);
	buf_free(&r->body);
	free(r);
	http_inflight--;
}

/* The transfer is over: detach it, tell its owner, free it. */
static void
http_finish(struct http_req *r, CURLcode rc)
{
	struct http_res	 res;
	char		 why[CURL_ERROR_SIZE + 64];
	long		 oserr = 0;

	curl->multi_remove_handle(http_multi, r->easy);
	memset(&res, 0, sizeof res);
	buf_add(&r->body, "", 1);
	res.body = buf_head(&r->body);
	res.len = buf_used(&r->body) - 1;
	if (rc == CURLE_OK)
		curl->easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
	else {
		/* Connecting to a Unix socket fails with an errno that says
		 * it all (ENOENT, ECONNREFUSED, EACCES); curl's own text
		 * would talk of "localhost port 80". */
		curl->easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
		if (rc == CURLE_COULDNT_CONNECT && oserr != 0)
			snprintf(why, sizeof why, "%s", strerror((int)oserr));
		else if (rc == CURLE_WRITE_ERROR)
			snprintf(why, sizeof why, "an answer larger than %d "
			    "bytes", HTTP_BODY_MAX);
		else
			snprintf(why, sizeof why, "%s", r->errbuf[0] != '\0' ?
			    r->errbuf : curl->easy_strerror(rc));
		res.error = why;
	}
	r->cb(r->arg, &res);
	http_free(r);
}

static void
http_check(void)
{
	struct http_req	*r;
	CURLMsg		*msg;
	int		 left;

	while ((msg = curl->multi_info_read(http_multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl->easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
		http_finish(r, msg->data.result);
	}
}

void
http_init(void)
{
	ev_init(&http_timer, http_timeout_cb);
}

/*
 * libcurl is loaded and set up at the first request, not at start
 * (common/curlload.c): launch does not link it, so a daemon that never
 * talks to a container engine never maps it, nor OpenSSL and GnuTLS,
 * whose global init alone cost such a daemon about 4.5 MB of resident
 * memory (docs/bench.md).  The daemon is single-threaded, so a late
 * curl_global_init is safe.
 */
int
http_setup(char *why, size_t whylen)
{
	if (http_multi != NULL)
		return 0;
	if ((curl = curlload_get(why, whylen)) == NULL)
		return -1;
	if ((http_multi = curl->multi_init()) == NULL)
		fatalx("cannot initialise libcurl's multi interface");
	curl->multi_setopt(http_multi, CURLMOPT_SOCKETFUNCTION,
	    http_socket_cb);
	curl->multi_setopt(http_multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	return 0;
}

struct http_req *
http_request(const char *sock, const char *method, const char *json,
    http_cb cb, void *arg, const char *fmt, ...)
{
	struct http_req	*r = xcalloc(1, sizeof *r);
	char		*path, *url;
	va_list		 ap;

	if (http_multi == NULL)
		fatalx("http_request before http_setup");
	if ((r->easy = curl->easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	r->cb = cb;
	r->arg = arg;
	va_start(ap, fmt);
	if (vasprintf(&path, fmt, ap) == -1)
		fatalx("out of memory");
	va_end(ap);
	xasprintf(&url, "http://localhost%s", path);
	curl->easy_setopt(r->easy, CURLOPT_URL, url);
	free(path);
	free(url);
	curl->easy_setopt(r->easy, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl->easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl->easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl->easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl->easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl->easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl->easy_setopt(r->easy, CURLOPT_FORBID_REUSE, 1L);
	curl->easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl->easy_setopt(r->easy, CURLOPT_OPENSOCKETFUNCTION,
	    http_open_socket);
	/* No "Expect: 100-continue" round trip for larger bodies. */
	r->hdrs = curl->slist_append(r->hdrs, "Expect:");
	if (strcmp(method, "POST") == 0) {
		curl->easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS,
		    json != NULL ? json : "");
		if (json != NULL)
			r->hdrs = curl->slist_append(r->hdrs,
			    "Content-Type: application/json");
	} else if (strcmp(method, "GET") != 0)
		curl->easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
	curl->easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	if (curl->multi_add_handle(http_multi, r->easy) != CURLM_OK)
		fatalx("curl_multi_add_handle failed");
	http_inflight++;
	return r;
}

void
http_cancel(struct http_req *r)
{
	if (r == NULL)
		return;
	curl->multi_remove_handle(http_multi, r->easy);
	http_free(r);
}

size_t
http_pending(void)
{
	return http_inflight;
}
