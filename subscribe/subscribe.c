/*
 * Addresses, tokens and the subscribe request.
 *
 * The daemon takes numeric addresses only (it must not block on DNS), so
 * names are resolved here.  A name resolves to its first IPv4 address if
 * it has one: a receiver started with `-a :PORT` listens on IPv4 only, and
 * "localhost" often lists ::1 first.
 *
 * The token is the subscription's secret: 16 bytes from getrandom(2),
 * which blocks only until the kernel's pool is first initialized.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subscribe.h"
#include "xmalloc.h"

int
subscribe_addr_parse(const char *s, char *host, size_t hostlen, int *port,
    char *why, size_t whylen)
{
	const char	*colon, *p;
	size_t		 n;
	long		 v;

	if (s[0] == '[') {
		if ((p = strchr(s, ']')) == NULL || p[1] != ':' || p == s + 1) {
			snprintf(why, whylen, "expected [IPv6]:PORT");
			return -1;
		}
		n = (size_t)(p - s - 1);
		s++;
		colon = p + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			snprintf(why, whylen, "expected [HOST]:PORT, as "
			    ":9000 or 10.0.0.1:9000");
			return -1;
		}
		n = (size_t)(colon - s);
		if (memchr(s, ':', n) != NULL) {
			snprintf(why, whylen, "an IPv6 address goes in "
			    "brackets: [ADDR]:PORT");
			return -1;
		}
	}
	if (n >= hostlen) {
		snprintf(why, whylen, "host name too long");
		return -1;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	v = 0;
	for (p = colon + 1; isdigit((unsigned char)*p) && v <= 65535; p++)
		v = v * 10 + (*p - '0');
	if (p == colon + 1 || *p != '\0' || v > 65535) {
		snprintf(why, whylen, "port: must be a number from 0 to 65535");
		return -1;
	}
	*port = (int)v;
	return 0;
}

static void
subscribe_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

int
subscribe_resolve(const char *host, int port, struct sockaddr_storage *ss,
    socklen_t *sslen, char *why, size_t whylen)
{
	struct addrinfo	 hints, *res, *ai, *pick = NULL;
	int		 rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		snprintf(why, whylen, "cannot resolve \"%s\": %s", host,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			pick = ai;
			break;
		}
		if (ai->ai_family == AF_INET6 && pick == NULL)
			pick = ai;
	}
	if (pick == NULL) {
		freeaddrinfo(res);
		snprintf(why, whylen, "\"%s\" has no IPv4 or IPv6 address",
		    host);
		return -1;
	}
	memset(ss, 0, sizeof *ss);
	memcpy(ss, pick->ai_addr, pick->ai_addrlen);
	*sslen = pick->ai_addrlen;
	freeaddrinfo(res);
	subscribe_set_port(ss, port);
	return 0;
}

void
subscribe_addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char	ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
		snprintf(buf, len, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
		snprintf(buf, len, "[%s]:%u", ip,
		    (unsigned)ntohs(in6->sin6_port));
	} else
		snprintf(buf, len, "(address family %d)", sa->sa_family);
}

void
subscribe_addr_reachable(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			in6->sin6_addr = in6addr_loopback;
	}
}

int
subscribe_token_new(char *buf, size_t len)
{
	unsigned char	bytes[SUBSCRIBE_TOKEN_BYTES];
	size_t		got = 0;
	ssize_t		n;

	if (len < 2 * sizeof bytes + 1) {
		errno = ENOBUFS;
		return -1;
	}
	while (got < sizeof bytes) {
		n = getrandom(bytes + got, sizeof bytes - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof bytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

void
subscribe_match_join(const struct proto_strv *match, char *buf, size_t len)
{
	size_t	at = 0;
	int	n;

	buf[0] = '\0';
	for (size_t i = 0; i < match->n && at < len; i++) {
		n = snprintf(buf + at, len - at, "%s%s", i > 0 ? "," : "",
		    match->v[i]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

int
subscribe_register(const struct cmd_ctx *ctx, const struct proto_sub *sub,
    int any_host, struct proto_sub *out)
{
	struct proto_request	 req;
	struct proto_reply	 rep;
	struct client		 c;
	const char		*port;
	char			 ip[64];
	int			 rc;

	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	proto_request_init(&req, PROTO_OP_SUBSCRIBE);
	req.sub = xcalloc(1, sizeof *req.sub);
	proto_sub_copy(req.sub, sub);
	/* Through ssh, "any host" means: where the remote sees us from. */
	if (any_host && remote_local_address(&c, ip, sizeof ip) == 0 &&
	    (port = strrchr(sub->addr, ':')) != NULL) {
		free(req.sub->addr);
		xasprintf(&req.sub->addr, strchr(ip, ':') != NULL ?
		    "[%s]%s" : "%s%s", ip, port);
	}
	rc = client_call(&c, &req, &rep);
	client_close(&c);
	proto_request_free(&req);
	if (rc != 0)
		return rc;
	if (rep.is_error) {
		rc = client_report_error(&rep.error);
		proto_reply_free(&rep);
		return rc;
	}
	proto_sub_copy(out, &rep.subs[0]);
	proto_reply_free(&rep);
	return 0;
}
