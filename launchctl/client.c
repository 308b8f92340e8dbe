/*
 * The client's side of the local socket: connect, check who is on the
 * other end, send one request and read its reply.  Blocking I/O is right
 * here: a client does one thing at a time.  With LAUNCH_AUTOSTART=1, a
 * command that has CMD_AUTOSTART starts a daemon when the connect finds
 * none (autostart.c), then connects again.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "launch.h"
#include "sockpath.h"
#include "xmalloc.h"

/* Replies can be large (a list of 10,000 jobs); a request cannot. */
#define CLIENT_REPLY_MAX	(256 * 1024 * 1024)

int
client_exit_code(enum proto_code code)
{
	switch (code) {
	case PROTO_E_INVALID_PAYLOAD:
	case PROTO_E_INVALID_DATA:
		return EXIT_USAGE;
	case PROTO_E_PERMISSION_DENIED:
	case PROTO_E_UNSUPPORTED_VERSION:
	case PROTO_E_INTERNAL:
		return EXIT_PROTOCOL;
	default:
		return EXIT_NO;
	}
}

int
client_report_error(const struct proto_error *err)
{
	fprintf(stderr, "launch: %s\n", err->message);
	return client_exit_code(err->code);
}

/* An older daemon's message that names the job itself, in one of the
 * forms it had ("web is already running (pid 9)", "web exists (exited);
 * ...", "web: no such job", "no job matches web*", "web ended before it
 * was ready").  Only these: a new message may begin with any word, a
 * label too ("sleep: No such file or directory" for the job "sleep"). */
static int
client_names_label(const char *label, const char *message)
{
	static const char *const after[] = { " is already ", " exists (",
	    ": no such job", " ended before it was ready" };
	size_t	ll = strlen(label);

	if (strncmp(message, "no job matches ", 15) == 0)
		return strcmp(message + 15, label) == 0;
	if (strncmp(message, label, ll) != 0)
		return 0;
	for (size_t i = 0; i < sizeof after / sizeof after[0]; i++)
		if (strncmp(message + ll, after[i], strlen(after[i])) == 0)
			return 1;
	return 0;
}

int
client_report_label_error(const char *label, enum proto_code code,
    const char *message)
{
	if (client_names_label(label, message))
		fprintf(stderr, "launch: %s\n", message);
	else
		fprintf(stderr, "launch: %s: %s\n", label, message);
	return client_exit_code(code);
}

int
client_report_job_error(const char *label, const struct proto_error *err)
{
	switch (err->code) {
	case PROTO_E_INVALID_PAYLOAD:
	case PROTO_E_PERMISSION_DENIED:
	case PROTO_E_UNSUPPORTED_VERSION:
	case PROTO_E_INTERNAL:
		/* About the daemon or the connection, not the job. */
		return client_report_error(err);
	default:
		return client_report_label_error(label, err->code,
		    err->message);
	}
}

int
client_open(struct client *c, const struct cmd_ctx *ctx)
{
	if (ctx->host != NULL)
		return remote_client_open(c, ctx);
	return client_open_local(c, ctx);
}

int
client_connect(struct client *c, const struct sockpath *sp)
{
	struct sockaddr_un	sun;
	int			saved;

	memset(c, 0, sizeof *c);
	c->next_id = 1;
	snprintf(c->path, sizeof c->path, "%s", sp->path);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sp->path, strlen(sp->path) + 1);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		saved = errno;
		client_close(c);
		errno = saved;
		return -1;
	}
	return 0;
}

int
client_open_local(struct client *c, const struct cmd_ctx *ctx)
{
	struct sockpath		sp;
	struct ucred		cred;
	socklen_t		len = sizeof cred;
	char			err[512];
	int			rc;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	if (sockpath_resolve(&sp, ctx->socket, err, sizeof err) == -1) {
		fprintf(stderr, "launch: %s\n", err);
		return EXIT_USAGE;
	}
	if (client_connect(c, &sp) == -1 && ctx->autostart &&
	    (errno == ENOENT || errno == ECONNREFUSED)) {
		if ((rc = autostart_daemon(ctx, &sp)) != 0)
			return rc;
		client_connect(c, &sp);
	}
	if (c->fd == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "launch: no daemon at %s (start one "
			    "with: launch serve)\n", sp.path);
		else
			fprintf(stderr, "launch: cannot connect to %s: %s\n",
			    sp.path, strerror(errno));
		return EXIT_NODAEMON;
	}
	/* Talk only to a daemon of our own uid: anyone else could have put
	 * a socket where we look. */
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != getuid()) {
		fprintf(stderr, "launch: the daemon at %s runs as uid %u, "
		    "not %u: refusing to talk to it\n", sp.path,
		    (unsigned)cred.uid, (unsigned)getuid());
		client_close(c);
		return EXIT_PROTOCOL;
	}
	return 0;
}

void
client_close(struct client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	/* launch-ssh sees its socket closed and drops the session at once;
	 * what it says then no longer matters. */
	if (c->helper > 0)
		remote_client_end(c);
	buf_free(&c->in);
}

int
client_write_fd(int fd, const char *s, size_t n)
{
	ssize_t	w;
	int	sock = 1;

	while (n > 0) {
		/* send: no SIGPIPE when the peer is gone. */
		w = sock ? send(fd, s, n, MSG_NOSIGNAL) : write(fd, s, n);
		if (w == -1 && errno == ENOTSOCK && sock) {
			sock = 0;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
client_read_line(struct client *c)
{
	size_t	 scanned = 0;
	char	*nl;
	ssize_t	 n;

	for (;;) {
		nl = buf_used(&c->in) > scanned ?
		    memchr(buf_head(&c->in) + scanned, '\n',
		    buf_used(&c->in) - scanned) : NULL;
		if (nl != NULL)
			return nl - buf_head(&c->in);
		scanned = buf_used(&c->in);
		if (scanned > CLIENT_REPLY_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		n = read(c->fd, buf_reserve(&c->in, 65536), 65536);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			return -1;
		}
		c->in.len += (size_t)n;
	}
}

/* The remote bridge ended before answering: launch-ssh has printed
 * what it said; its exit code (no daemon there: 3). */
static int
client_remote_gone(struct client *c)
{
	int	rc;

	close(c->fd);
	c->fd = -1;
	if ((rc = remote_client_end(c)) != 0)
		return rc;
	fprintf(stderr, "launch: %s: the remote end closed the connection "
	    "without a reply\n", c->path);
	return EXIT_PROTOCOL;
}

int
client_send(struct client *c, struct proto_request *req)
{
	char	*line;
	int	 rc;

	req->id = c->next_id++;
	line = proto_request_encode(req);
	rc = client_write_fd(c->fd, line, strlen(line));
	free(line);
	if (rc == -1 && c->helper > 0)
		return client_remote_gone(c);
	if (rc == -1) {
		fprintf(stderr, "launch: writing to the daemon at %s: %s\n",
		    c->path, strerror(errno));
		return EXIT_PROTOCOL;
	}
	return 0;
}

/* The next reply line into c->in: 0 with its length in *len, or an exit
 * code after printing why. */
static int
client_receive_line(struct client *c, size_t *len)
{
	ssize_t	n;

	if ((n = client_read_line(c)) == -1 && c->helper > 0)
		return client_remote_gone(c);
	if (n == -1) {
		fprintf(stderr, "launch: no reply from the daemon at %s: %s\n",
		    c->path, strerror(errno));
		return EXIT_PROTOCOL;
	}
	*len = (size_t)n;
	return 0;
}

/* Decode the reply line of len bytes at the head of c->in, and consume
 * it. */
static int
client_decode(struct client *c, const struct proto_request *req,
    size_t len, struct proto_reply *rep)
{
	struct proto_error	 err;
	int			 rc;

	rc = proto_reply_decode(buf_head(&c->in), len, req->op, rep, &err);
	buf_consume(&c->in, (size_t)len + 1);
	if (rc == -1) {
		fprintf(stderr, "launch: bad reply from the daemon: %s\n",
		    err.message);
		return EXIT_PROTOCOL;
	}
	/* A refusal (permission_denied) carries a null id. */
	if (!rep->is_error && rep->id != req->id) {
		fprintf(stderr, "launch: reply %lld does not answer request "
		    "%lld\n", (long long)rep->id, (long long)req->id);
		proto_reply_free(rep);
		return EXIT_PROTOCOL;
	}
	return 0;
}

int
client_receive(struct client *c, const struct proto_request *req,
    struct proto_reply *rep)
{
	size_t	len;
	int	rc;

	if ((rc = client_receive_line(c, &len)) != 0)
		return rc;
	return client_decode(c, req, len, rep);
}

int
client_call(struct client *c, struct proto_request *req,
    struct proto_reply *rep)
{
	int	rc;

	if ((rc = client_send(c, req)) != 0)
		return rc;
	return client_receive(c, req, rep);
}

int
client_request(const struct cmd_ctx *ctx, struct proto_request *req,
    struct proto_reply *rep)
{
	struct client	c;
	int		rc;

	if ((rc = client_open(&c, ctx)) != 0)
		return rc;
	rc = client_call(&c, req, rep);
	client_close(&c);
	return rc;
}

int
client_add_match(struct proto_strv *match, int argc, char **argv, int first)
{
	char	why[160];

	for (int i = first; i < argc; i++) {
		if (!proto_glob_valid(argv[i], why, sizeof why)) {
			fprintf(stderr, "launch: %s: %s\n", argv[i], why);
			return EXIT_USAGE;
		}
		proto_strv_add(match, argv[i]);
	}
	return 0;
}

/* An error reply is reported and freed: 0 means rep holds a result. */
static int
client_result(int rc, struct proto_reply *rep)
{
	if (rc == 0 && rep->is_error) {
		rc = client_report_error(&rep->error);
		proto_reply_free(rep);
	}
	return rc;
}

int
client_op(const struct cmd_ctx *ctx, enum proto_op op,
    struct proto_reply *rep)
{
	struct proto_request	req;
	int			rc;

	proto_request_init(&req, op);
	rc = client_request(ctx, &req, rep);
	proto_request_free(&req);
	return client_result(rc, rep);
}

int
client_list(const struct cmd_ctx *ctx, int argc, char **argv, int first,
    int usage, struct proto_reply *rep)
{
	struct proto_request	req;
	int			rc;

	proto_request_init(&req, PROTO_OP_LIST);
	req.usage = usage;
	if ((rc = client_add_match(&req.match, argc, argv, first)) == 0)
		rc = client_request(ctx, &req, rep);
	proto_request_free(&req);
	return client_result(rc, rep);
}

int
client_list_json(const struct cmd_ctx *ctx, int argc, char **argv, int first,
    int usage, struct proto_reply *rep, struct buf *json)
{
	struct proto_request	req;
	struct client		c;
	size_t			len, off, n;
	int			rc;

	memset(rep, 0, sizeof *rep);
	memset(json, 0, sizeof *json);
	proto_request_init(&req, PROTO_OP_LIST);
	req.usage = usage;
	if ((rc = client_add_match(&req.match, argc, argv, first)) != 0 ||
	    (rc = client_open(&c, ctx)) != 0)
		goto out;
	if ((rc = client_send(&c, &req)) == 0 &&
	    (rc = client_receive_line(&c, &len)) == 0) {
		if (proto_list_jobs(buf_head(&c.in), len, req.id, &off, &n)) {
			/* Hand the buffer over, narrowed to the array. */
			*json = c.in;
			json->off += off;
			json->len = json->off + n;
			memset(&c.in, 0, sizeof c.in);
		} else
			rc = client_decode(&c, &req, len, rep);
	}
	client_close(&c);
out:
	proto_request_free(&req);
	return client_result(rc, rep);
}

int
client_status(const struct cmd_ctx *ctx, const char *label,
    struct proto_reply *rep)
{
	struct proto_request	req;
	char			why[160];
	int			rc;

	if (!proto_label_valid(label, why, sizeof why)) {
		fprintf(stderr, "launch: %s: %s\n", label, why);
		return EXIT_USAGE;
	}
	proto_request_init(&req, PROTO_OP_STATUS);
	req.label = (char *)label;
	rc = client_request(ctx, &req, rep);
	req.label = NULL;
	proto_request_free(&req);
	if (rc == 0 && rep->is_error) {
		rc = client_report_job_error(label, &rep->error);
		proto_reply_free(rep);
	}
	return rc;
}
