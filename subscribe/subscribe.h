/*
 * `launch subscribe`: register a subscription with the daemon, and with
 * --serve be the TCP receiver the daemon delivers events to.
 *
 *   subscribe.c       addresses ([HOST]:PORT, names resolved here: the
 *                     daemon takes numeric addresses only), tokens, the
 *                     subscribe and unsubscribe requests
 *   receiver.c        --serve: the listener and the notification
 *                     connections (HELLO, EVENT, ACK), on libev
 *   receiver-state.c  --serve: the token and the last seq handled per
 *                     (daemon, subscription), kept in a state file
 *   hook.c            --exec: run a command for each event
 *
 * The command line itself is launchctl/cmd-subscribe.c.
 */
#ifndef LAUNCH_SUBSCRIBE_H
#define LAUNCH_SUBSCRIBE_H

#include <sys/socket.h>
#include <sys/types.h>

#include <ev.h>
#include <signal.h>
#include <stdint.h>

#include "event.h"
#include "launch.h"

/* "[IPv6]:PORT" with a NUL: INET6_ADDRSTRLEN, brackets, ":65535". */
#define SUBSCRIBE_ADDR_MAX	64
#define SUBSCRIBE_HOST_MAX	256
#define SUBSCRIBE_TOKEN_BYTES	16

struct subscribe_opts {
	int			 serve;
	int			 json;
	char			 host[SUBSCRIBE_HOST_MAX];	/* "": any */
	int			 port;		/* 0: the kernel's pick */
	/* match, events, ttl_ms, queue_max; token only with --token */
	struct proto_sub	 sub;
	const char		*exec;		/* --exec, or NULL */
	const char		*state;		/* --state, or NULL */
};

/* subscribe.c */
/* Split "[HOST]:PORT" ("HOST" may be empty, a name, an IPv4 address or
 * a bracketed IPv6 one): 0, or -1 with why. */
int	subscribe_addr_parse(const char *, char *host, size_t hostlen,
	    int *port, char *why, size_t whylen);
/* host (not empty) and port to an address: the first IPv4 address of a
 * name, else its first IPv6 one.  0, or -1 with why. */
int	subscribe_resolve(const char *host, int port,
	    struct sockaddr_storage *, socklen_t *, char *why, size_t whylen);
/* "IP:PORT" or "[IPv6]:PORT". */
void	subscribe_addr_format(const struct sockaddr *, char *buf, size_t len);
/* The address a daemon should connect to for one we listen on: the
 * loopback address for an unspecified one (0.0.0.0, ::). */
void	subscribe_addr_reachable(struct sockaddr_storage *);
/* 16 random bytes as 32 lowercase hex digits; -1 with errno. */
int	subscribe_token_new(char *buf, size_t len);
/* The globs joined by ",", without spaces: labels have neither, so
 * only a glob with "[ ,]" in it can blur a table column. */
void	subscribe_match_join(const struct proto_strv *, char *buf,
	    size_t len);
/* Send subscribe for sub (addr and token set): 0 with *out the daemon's
 * view of it, or an exit code after printing why.  any_host: -a gave no
 * host; then, through ssh (-H), the address the remote daemon connects
 * back to is this side's address of the ssh connection, with sub's
 * port. */
int	subscribe_register(const struct cmd_ctx *, const struct proto_sub *,
	    int any_host, struct proto_sub *out);

/* receiver-state.c */
struct receiver_state {
	char				 dir[4096];	/* "": in memory */
	char				 name[256];
	int				 existed;	/* at load */
	int				 failing;	/* last save failed */
	struct proto_receiver_state	 st;
};
/* Find the file (--state, else receivers/receiver-PORT.json in the
 * state directory, else none for port 0) and load it if it exists.  0,
 * or -1 with why. */
int	receiver_state_open(struct receiver_state *, const char *opt,
	    int port, char *why, size_t whylen);
/* Adopt token; a different token than the file's forgets what was seen
 * (it belonged to another subscription). */
void	receiver_state_set_token(struct receiver_state *, const char *);
/* The entry for (daemon, subscription), added at 0 if new; -1 when the
 * table is full. */
ssize_t	receiver_state_lookup(struct receiver_state *, const char *daemon,
	    int64_t subscription);
/* Write the file (nothing in memory-only mode): 0, or -1 with errno. */
int	receiver_state_save(struct receiver_state *);
void	receiver_state_remove(struct receiver_state *);
void	receiver_state_free(struct receiver_state *);
/* For messages: the file's path, or "(memory)". */
const char *receiver_state_path(const struct receiver_state *, char *buf,
	    size_t len);

/* hook.c: run `/bin/sh -c cmd` with the event in its environment and
 * wait for it; a failure (exit code, signal) is reported on stderr. */
void	hook_run(const char *cmd, const struct proto_event *,
	    const char *line);

/* receiver.c */
struct receiver {
	struct ev_loop		*loop;
	const struct cmd_ctx	*ctx;
	const struct subscribe_opts *opt;
	struct receiver_state	 state;
	int64_t			 sub_id;
	int			 stopping;	/* a signal, or stdout failed */
	int			 stdout_failed;
	volatile sig_atomic_t	 signaled;	/* SIGINT, SIGTERM or 0 */
};
/* The whole of `launch subscribe --serve`; the exit code. */
int	receiver_run(const struct cmd_ctx *, const struct subscribe_opts *);
/* receiver-state.c: receiver_state_save, reporting a failure once until
 * one succeeds. */
void	receiver_save(struct receiver *);

/* receiver-conn.c: the notification connections.  It needs only the
 * struct receiver, the state and hook.c, not the rest of the client, so
 * fuzz/fuzz-receiver.c drives it over a socketpair. */
/* Set stopping and break the loop. */
void	receiver_stop(struct receiver *);
/* fflush(stdout): 0, or -1 after starting to stop (it failed). */
int	receiver_flush_stdout(struct receiver *);
/* Take a connected, non-blocking fd; peer is its address as text. */
void	receiver_conn_accept(struct receiver *, int fd, const char *peer);
void	receiver_conn_close_all(void);

#endif
