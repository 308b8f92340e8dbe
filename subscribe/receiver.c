/*
 * `launch subscribe --serve`: listen on TCP, register the subscription,
 * print what the daemons deliver (receiver-conn.c) until told to stop.
 *
 * Order at start: state file, token, listener, then registration, so the
 * daemon never gets an address nobody listens on, and the token is saved
 * before any daemon can use it.  The token is --token, else the state
 * file's (a receiver restarted after a crash registers the same token and
 * address: the daemon resumes the subscription and its queue, and the
 * file's seqs drop what was already printed), else a new one.  A
 * registration that fails removes a state file this run created.
 *
 * `-a :PORT` listens on every IPv4 address and registers 127.0.0.1:PORT;
 * `-a HOST:PORT` listens on HOST's address and registers it (an
 * unspecified one, 0.0.0.0 or [::], as its loopback address).  Port 0
 * lets the kernel pick; the registered address has the real port, and
 * the line "launch: listening on ADDR, subscription ID (...)" on stderr
 * tells it.
 *
 * SIGINT (^C) unsubscribes and removes the state file: exit 0, or exit 1
 * when the daemon could not be told (the file is kept, so the same
 * command resumes; the subscription expires after its TTL).  SIGTERM
 * (a service manager stopping or restarting the receiver) keeps the
 * subscription when there is a state file to resume it from: the daemon
 * queues meanwhile, and the same command picks up where this one
 * stopped, printing each event once; without a state file (port 0 and
 * no --state) nothing could resume it, so it unsubscribes as SIGINT.
 * Either way the event in hand is finished first (printed, saved,
 * acknowledged).  If
 * stdout fails (a closed pipe), the receiver exits 1 without
 * acknowledging what it could not print; the subscription is kept when
 * a restart can resume it (there is a state file with the token: the
 * daemon knows a subscription by its token, whatever the port), and
 * removed otherwise.  SIGPIPE is ignored: write errors are handled where they
 * happen.
 *
 * EMFILE and the like on accept pause accepting for a second rather than
 * spinning on a listener that stays readable.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "subscribe.h"
#include "xmalloc.h"

#define RECEIVER_BACKLOG	128
#define RECEIVER_ACCEPTS	64	/* per wakeup */

static struct receiver	 receiver;
static int		 listen_fd = -1;
static ev_io		 accept_io;
static ev_timer		 accept_pause;
static ev_async		 signal_async;

/*
 * Our own handler rather than an ev_signal: the flag is seen between two
 * events of a batch (receiver-conn.c checks it), so a stop waits for the
 * event in hand only, not for a whole window of events and their --exec
 * commands.  ev_async_send is safe in a signal handler.
 */
static void
receiver_signal(int sig)
{
	receiver.signaled = sig;
	ev_async_send(receiver.loop, &signal_async);
}

static void
receiver_async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	if (receiver.signaled)
		receiver_stop(&receiver);
}

static void
receiver_pause_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_io_start(loop, &accept_io);
}

static void
receiver_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	char			peer[SUBSCRIBE_ADDR_MAX];
	int			fd;

	for (int i = 0; i < RECEIVER_ACCEPTS; i++) {
		len = sizeof ss;
		fd = accept4(listen_fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd != -1) {
			subscribe_addr_format((struct sockaddr *)&ss, peer,
			    sizeof peer);
			receiver_conn_accept(&receiver, fd, peer);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN)
			return;
		fprintf(stderr, "launch: accept: %s\n", strerror(errno));
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			ev_io_stop(loop, &accept_io);
			ev_timer_set(&accept_pause, 1., 0.);
			ev_timer_start(loop, &accept_pause);
		}
		return;
	}
}

/* Listen on ss; fill ss with the address bound.  The fd, or -1. */
static int
receiver_listen(struct sockaddr_storage *ss, socklen_t len)
{
	char	addr[SUBSCRIBE_ADDR_MAX];
	int	fd, on = 1, saved;

	subscribe_addr_format((struct sockaddr *)ss, addr, sizeof addr);
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(fd, (struct sockaddr *)ss, len) == -1 ||
	    listen(fd, RECEIVER_BACKLOG) == -1 ||
	    getsockname(fd, (struct sockaddr *)ss, &len) == -1) {
		saved = errno;
		fprintf(stderr, "launch: cannot listen on %s: %s\n", addr,
		    strerror(saved));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The token: --token, else the state file's, else a new one. */
static int
receiver_token(struct receiver *r)
{
	char	token[2 * SUBSCRIBE_TOKEN_BYTES + 1];

	if (r->opt->sub.token != NULL)
		receiver_state_set_token(&r->state, r->opt->sub.token);
	else if (r->state.st.token == NULL) {
		if (subscribe_token_new(token, sizeof token) == -1) {
			fprintf(stderr, "launch: getrandom: %s\n",
			    strerror(errno));
			return -1;
		}
		receiver_state_set_token(&r->state, token);
	}
	return 0;
}

/* Tell the daemon we are gone: 0, or EXIT_NO (the file is then kept). */
static int
receiver_unsubscribe(struct receiver *r)
{
	struct proto_request	req;
	struct proto_reply	rep;
	int			rc;

	proto_request_init(&req, PROTO_OP_UNSUBSCRIBE);
	req.sub_id = r->sub_id;
	rc = client_request(r->ctx, &req, &rep);
	proto_request_free(&req);
	if (rc == 0) {
		/* unknown_label: it expired or was removed: gone anyway. */
		if (rep.is_error && rep.error.code != PROTO_E_UNKNOWN_LABEL)
			rc = client_report_error(&rep.error);
		proto_reply_free(&rep);
	}
	if (rc != 0) {
		fprintf(stderr, "launch: subscription %lld was not removed "
		    "(it expires after its TTL; `launch unsubscribe %lld` "
		    "removes it)\n", (long long)r->sub_id,
		    (long long)r->sub_id);
		return EXIT_NO;
	}
	receiver_state_remove(&r->state);
	return 0;
}

/* Register; print the listening line.  0, or an exit code. */
static int
receiver_register(struct receiver *r, const struct sockaddr_storage *bound)
{
	struct sockaddr_storage	 reach = *bound;
	struct proto_sub	 want, got;
	char			 addr[SUBSCRIBE_ADDR_MAX], match[2048], classes[64];
	int			 rc;

	subscribe_addr_reachable(&reach);
	subscribe_addr_format((struct sockaddr *)&reach, addr, sizeof addr);
	proto_sub_copy(&want, &r->opt->sub);
	free(want.token);
	want.token = xstrdup(r->state.st.token);
	want.addr = xstrdup(addr);
	rc = subscribe_register(r->ctx, &want, r->opt->host[0] == '\0',
	    &got);
	proto_sub_free(&want);
	if (rc != 0)
		return rc;
	r->sub_id = got.id;
	subscribe_match_join(&got.match, match, sizeof match);
	proto_events_format(got.events, classes, sizeof classes);
	fprintf(stderr, "launch: listening on %s, subscription %lld (events "
	    "%s, match %s)\n", got.addr, (long long)got.id, classes, match);
	proto_sub_free(&got);
	return 0;
}

int
receiver_run(const struct cmd_ctx *ctx, const struct subscribe_opts *opt)
{
	struct receiver		*r = &receiver;
	struct sockaddr_storage	 ss;
	struct sigaction	 sa;
	socklen_t		 sslen;
	char			 why[512];
	int			 rc;

	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->opt = opt;
	memset(&ss, 0, sizeof ss);
	if (opt->host[0] == '\0') {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_ANY);
		in->sin_port = htons((uint16_t)opt->port);
		sslen = sizeof *in;
	} else if (subscribe_resolve(opt->host, opt->port, &ss, &sslen, why,
	    sizeof why) == -1) {
		cmd_usage_error(&cmd_subscribe_entry, "-a: %s", why);
		return EXIT_USAGE;
	}
	if (receiver_state_open(&r->state, opt->state, opt->port, why,
	    sizeof why) == -1) {
		fprintf(stderr, "launch: receiver state: %s\n", why);
		return EXIT_NO;
	}
	rc = EXIT_NO;
	if (receiver_token(r) == -1 ||
	    (listen_fd = receiver_listen(&ss, sslen)) == -1)
		goto out;

	r->loop = ev_default_loop(EVFLAG_AUTO);
	ev_io_init(&accept_io, receiver_accept_cb, listen_fd, EV_READ);
	ev_timer_init(&accept_pause, receiver_pause_cb, 1., 0.);
	ev_async_init(&signal_async, receiver_async_cb);
	ev_async_start(r->loop, &signal_async);
	/* Before registering: a ^C from now on unsubscribes. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = receiver_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Saved before registering: a file we cannot write fails here. */
	if (receiver_state_save(&r->state) == -1) {
		fprintf(stderr, "launch: cannot save %s: %s\n",
		    receiver_state_path(&r->state, why, sizeof why),
		    strerror(errno));
		goto out;
	}
	if ((rc = receiver_register(r, &ss)) != 0) {
		if (!r->state.existed)
			receiver_state_remove(&r->state);
		goto out;
	}
	ev_io_start(r->loop, &accept_io);
	ev_run(r->loop, 0);

	receiver_conn_close_all();
	ev_io_stop(r->loop, &accept_io);
	ev_timer_stop(r->loop, &accept_pause);
	if (r->signaled == SIGTERM && !r->stdout_failed &&
	    r->state.dir[0] != '\0') {
		/* A service manager's stop or restart: keep the queue. */
		fprintf(stderr, "launch: stopped; subscription %lld is kept "
		    "and queues events: the same command resumes it\n",
		    (long long)r->sub_id);
		rc = 0;
	} else if (r->stdout_failed && r->state.dir[0] != '\0') {
		fprintf(stderr, "launch: subscription %lld is kept: the same "
		    "command resumes it\n", (long long)r->sub_id);
		rc = EXIT_NO;
	} else {
		rc = receiver_unsubscribe(r);
		if (r->stdout_failed)
			rc = EXIT_NO;
	}
out:
	if (r->loop != NULL)
		ev_async_stop(r->loop, &signal_async);
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	receiver_state_free(&r->state);
	return rc;
}
