/*
 * The `launch` command line: the command table, the client connection
 * and output helpers.  Each command lives in its own cmd-NAME.c and
 * exports one const struct cmd_entry; the table in main.c lists them all.
 *
 * Exit codes (a contract, documented in README.md; the values are in
 * common/exits.h, which the helper programs share):
 *   0  success
 *   1  a label failed or was not found (unknown_label, already_running,
 *      instance_exists, launch_failure, ...)
 *   2  usage: bad options or arguments, or a request the daemon rejected
 *      as invalid
 *   3  no daemon reachable at the socket (temporary: start one)
 *   4  `serve`: another daemon already serves the socket
 *   5  the daemon refused us or broke the protocol (permission_denied,
 *      unsupported_version, internal, a malformed or missing reply);
 *      -H without the ssh helper, launch-ssh
 *   6  `wait`: the timeout came before every job had ended
 */
#ifndef LAUNCH_LAUNCH_H
#define LAUNCH_LAUNCH_H

#include <sys/types.h>

#include <stdint.h>

#include "buf.h"
#include "exits.h"
#include "proto.h"

struct cmd_ctx {
	const char	*socket;	/* -S; NULL: default */
	int		 verbose;
	int		 quiet;
	/* --color=WHEN and NO_COLOR, decided once in main.c (so that a
	 * fan-out's children, whose stdout is a pipe, follow the parent's
	 * terminal): colour what goes to stdout; colour wait's progress
	 * lines on stderr. */
	int		 color;
	int		 color_err;
	/* Remote use (remote.c).  host: the one host this process talks to
	 * (NULL: the local daemon).  hosts: every host of -H a,b,c or
	 * --hosts FILE; fanout: more than one, or a hosts file, so output
	 * names each row's host. */
	const char	*host;
	char		**hosts;
	size_t		 nhosts;
	int		 fanout;
	int		 accept_new_host;
	/* LAUNCH_AUTOSTART=1, for a command with CMD_AUTOSTART, locally:
	 * start a daemon when none answers (autostart.c). */
	int		 autostart;
};

/* Where a command may run. */
enum cmd_where {
	CMD_DAEMON,	/* talks to a daemon, local or remote; fanned out by
			 * running it once per host, output prefixed */
	CMD_FANOUT,	/* as CMD_DAEMON, but merges many hosts itself */
	CMD_LOCAL,	/* this machine only (serve, bridge): -H refused */
	CMD_NODAEMON,	/* needs no daemon (help, version): -H ignored */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "launch NAME " */
	const char	*summary;	/* one line, for `launch --help` */
	const char	*help;		/* options and an example */
	int		(*exec)(struct cmd_ctx *, int argc, char **argv);
	enum cmd_where	 where;
	int		 flags;
};
/* The command creates or starts something: with LAUNCH_AUTOSTART=1 it
 * starts a daemon when none answers (autostart.c says which and why). */
#define CMD_AUTOSTART	0x1

extern const struct cmd_entry cmd_submit_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_stop_entry;
extern const struct cmd_entry cmd_shutdown_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_start_entry;
extern const struct cmd_entry cmd_restart_entry;
extern const struct cmd_entry cmd_remove_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_subscribe_entry;
extern const struct cmd_entry cmd_subscriptions_entry;
extern const struct cmd_entry cmd_unsubscribe_entry;
extern const struct cmd_entry cmd_events_entry;
extern const struct cmd_entry cmd_bridge_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_wait_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_version_entry;

/* main.c */
const struct cmd_entry	*cmd_find(const char *name);
/* The -f and --events options of `events` and `subscribe`: their help,
 * and --events' value as a set of classes (-1 after a usage error). */
#define CMD_HELP_FILTER_EVENTS \
	"  -f, --filter GLOB  only jobs whose label matches (repeatable,\n" \
	"                     OR-ed; default every job)\n" \
	"  --events CLASS[,CLASS]...\n" \
	"                     failures (default: exits that are not ok),\n" \
	"                     exits, all (starts, readiness, backoff,\n" \
	"                     state changes, the daemon becoming full or\n" \
	"                     ready again), stats (the daemon's stats\n" \
	"                     every 30 s; serve --stats-interval)\n"
int	cmd_events_parse(const struct cmd_entry *, const char *);
void	cmd_usage_error(const struct cmd_entry *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	cmd_print_help(const struct cmd_entry *);
/* getopt for a command: handles -h/--help (returns 'h'). */
int	cmd_help_requested(int argc, char **argv);
/* The options of a command whose only option is --json (status, stats,
 * subscriptions, ping, version), and with noargs no argument after them:
 * 0 with *as_json set, or EXIT_USAGE after saying why. */
int	cmd_json_args(const struct cmd_entry *, int argc, char **argv,
	    int noargs, int *as_json);

/* cmd-stop.c, shared by the commands whose reply is {"jobs", "errors"}
 * (stop, shutdown, start, restart, remove).  The parsers return 0, or -1
 * after a usage error. */
int	cmd_parse_timeout(const struct cmd_entry *, const char *,
	    int64_t *ms);
int	cmd_parse_stop_signal(const struct cmd_entry *, const char *,
	    int *sig);
/* Print each label error and, with -v, each job; the exit code. */
int	cmd_jobs_report(const struct cmd_ctx *, const struct proto_reply *);
/* client_request, then report as above; the exit code. */
int	cmd_jobs_call(const struct cmd_ctx *, struct proto_request *);
/* The whole of stop, start, restart and remove: options by op. */
int	cmd_jobs_exec(const struct cmd_entry *, enum proto_op,
	    struct cmd_ctx *, int argc, char **argv);
/* Their command line (and wait's) into req, initialised for the op: 0,
 * or an exit code after printing why. */
int	cmd_jobs_args(const struct cmd_entry *, struct proto_request *,
	    int argc, char **argv);

/* client.c */
struct client {
	/* The local socket, or remote: launch-ssh's end of a socketpair
	 * (its stdin and stdout, relayed to the remote bridge). */
	int		 fd;
	pid_t		 helper;	/* remote: launch-ssh; 0 when local */
	char		 local[48];	/* remote: this side's address, or "" */
	struct buf	 in;
	int64_t		 next_id;
	char		 path[128];	/* the socket or the host, for messages */
};
/* The daemon of ctx->host, else the local one.  0, or an exit code after
 * printing why. */
int	client_open(struct client *, const struct cmd_ctx *);
int	client_open_local(struct client *, const struct cmd_ctx *);
/* Connect c to the socket at sp, nothing else: 0, or -1 with errno (c
 * closed). */
struct sockpath;
int	client_connect(struct client *, const struct sockpath *);
void	client_close(struct client *);
/* Send req (its id is assigned), wait for the reply.  0 with rep filled
 * (rep->is_error may be set), or an exit code after printing why. */
int	client_call(struct client *, struct proto_request *,
	    struct proto_reply *);
/* client_call in two: send, then read the next reply to req (wait's
 * progress lines come before its reply). */
int	client_send(struct client *, struct proto_request *);
int	client_receive(struct client *, const struct proto_request *,
	    struct proto_reply *);
/* Write all of s to fd (a socket: without SIGPIPE); 0, or -1 with
 * errno. */
int	client_write_fd(int fd, const char *s, size_t n);
/* Read until c->in starts with a whole line (bytes after it stay
 * buffered): its length without the newline, or -1 with errno
 * (ECONNRESET at EOF).  The caller consumes it with buf_consume. */
ssize_t	client_read_line(struct client *);
/* client_open, client_call, client_close in one. */
int	client_request(const struct cmd_ctx *, struct proto_request *,
	    struct proto_reply *);
/* Validate argv[first..] as labels or globs and add them to match; 0, or
 * an exit code after printing why. */
int	client_add_match(struct proto_strv *, int argc, char **argv,
	    int first);
/* A request with no fields (stats, subscriptions): 0 with rep holding
 * the result, or an exit code after printing why. */
int	client_op(const struct cmd_ctx *, enum proto_op, struct proto_reply *);
/* list (globs argv[first..]; usage: ask for each job's CPU and memory)
 * and status LABEL: 0 with rep holding the result, or an exit code after
 * printing why (an error reply included). */
int	client_list(const struct cmd_ctx *, int argc, char **argv, int first,
	    int usage, struct proto_reply *);
/* client_list for `list --json`: a reply in the form proto_list_begin
 * writes is not decoded (proto-list.c); json then holds its jobs array
 * (buf_head, buf_used; free it), and rep is empty.  Any other reply is
 * decoded into rep as client_list does, and json is empty. */
int	client_list_json(const struct cmd_ctx *, int argc, char **argv,
	    int first, int usage, struct proto_reply *, struct buf *json);
int	client_status(const struct cmd_ctx *, const char *label,
	    struct proto_reply *);
/* Print a reply's error as "launch: message" and map it to an exit code. */
int	client_report_error(const struct proto_error *);
/* An error about one job as "launch: LABEL: message" (the daemon's
 * messages do not name the job; an older daemon's did, and is printed as
 * it is): a LABEL_ERROR, or the error reply to a request that named
 * label (submit, status), whose codes about the daemon rather than the
 * job (internal, permission_denied, ...) go as client_report_error.
 * The exit code. */
int	client_report_label_error(const char *label, enum proto_code,
	    const char *message);
int	client_report_job_error(const char *label, const struct proto_error *);
int	client_exit_code(enum proto_code);

/* autostart.c */
/* Read LAUNCH_AUTOSTART into ctx->autostart: 0, or an exit code after
 * printing why. */
int	autostart_enabled(struct cmd_ctx *);
/* No daemon answers at sp: start one, under a lock, and wait until it
 * answers.  0, or an exit code after printing why. */
int	autostart_daemon(const struct cmd_ctx *, const struct sockpath *);

/* remote.c */
/* -H a,b,c and --hosts FILE into ctx->hosts; 0, or an exit code after
 * printing why. */
int	remote_hosts_add(struct cmd_ctx *, const char *list);
int	remote_hosts_file(struct cmd_ctx *, const char *path);
void	remote_hosts_free(struct cmd_ctx *);
/* client_open through ssh to ctx->host's `launch bridge`: launch-ssh
 * runs as c->helper, its stdin and stdout c->fd. */
int	remote_client_open(struct client *, const struct cmd_ctx *);
/* The end of c's launch-ssh, once c->fd is closed: reaped, its exit
 * code (see remote_helper_status). */
int	remote_client_end(struct client *);
/* This side's address of the client's ssh connection, as text (no
 * port); -1 for a local client. */
int	remote_local_address(const struct client *, char *buf, size_t len);
/* Run argv (a command line of launch, without the binary) on ctx->host
 * and relay its output: for commands that read the remote's files
 * (logs).  Its exit code. */
int	remote_exec(const struct cmd_ctx *, int argc, char **argv);
/* Run fn once per host of ctx, in parallel, one child process each (ctx
 * copied with host set).  A child's stderr is relayed line by line as
 * "launch: HOST: ..."; its stdout is kept in outs[i] when outs is given,
 * else printed line by line as "HOST: ...".  rcs[i]: each exit code. */
typedef int	(*remote_fn)(struct cmd_ctx *, void *arg);
void	remote_fanout(const struct cmd_ctx *, remote_fn, void *arg,
	    struct buf *outs, int *rcs);
/* Print the complete lines of b (all of it when flush) prefixed by host:
 * stdout lines as "HOST: ...", stderr lines as "launch: HOST: ..." (a
 * "launch: " of their own is dropped; a line already naming the host is
 * left as is).  Consumes what it prints. */
void	remote_print_lines(const char *host, struct buf *b, int is_err,
	    int flush);
/* 0 if every host succeeded, else the largest exit code. */
int	remote_exit_code(const int *rcs, size_t n);
/* The generic fan-out of a CMD_DAEMON command: e->exec on each host. */
int	remote_fanout_cmd(const struct cmd_entry *, struct cmd_ctx *,
	    int argc, char **argv);

/* cmd-stats.c: every host's stats, in parallel (rcs[i] != 0: none). */
void	stats_gather(const struct cmd_ctx *, struct proto_stats *stats,
	    int *rcs);

/* output.c */
/* --color=WHEN: an enum output_when, or -1; whether to colour fd (0 or
 * 1) by that and NO_COLOR and TERM (output.c says why). */
enum output_when {
	OUTPUT_COLOR_AUTO,
	OUTPUT_COLOR_ALWAYS,
	OUTPUT_COLOR_NEVER
};
int	output_color_parse(const char *);
int	output_color_wanted(int when, int fd);
enum output_tone {
	OUTPUT_TONE_NONE,
	OUTPUT_TONE_GOOD,
	OUTPUT_TONE_WARN,
	OUTPUT_TONE_BAD
};
/* text in the tone's colour if color is set: a string to free. */
char	*output_paint(int color, enum output_tone, const char *text);
enum output_tone output_job_tone(const struct proto_job *);
void	output_outcome(const struct proto_job *, char *buf, size_t len);
/* Print rows of ncols cells (the first row: titles) aligned on their
 * visible width (colour escapes take none), the last column unpadded;
 * frees every cell, row and cells itself. */
void	output_table(char ***cells, size_t nrows, size_t ncols);
void	output_jobs_table(const struct proto_job *, size_t n, int wide,
	    int color);
void	output_job_detail(const struct proto_job *, int color);
int64_t	output_now_ms(void);

/* docker-logs.c: `launch logs` for a docker job (its container's log,
 * from the engine): 0, or an exit code after printing why. */
int	docker_logs(const char *label, const char *container, long long lines,
	    int follow, int stderr_only);

#endif
