/*
 * Remote and many machines (docs/remote.md).
 *
 * One host: client_open runs `launch bridge` on it through ssh (the
 * launch-ssh helper, remote-helper.c) and the command speaks the
 * ordinary protocol over it, so every command works remotely without
 * knowing it.  The few that read the daemon machine's files (logs) run
 * themselves there instead (remote_exec).
 *
 * Many hosts: one child process per host, all started at once, so ten
 * hosts take as long as the slowest (each child makes its own ssh
 * connection in blocking mode; no event loop, no threads).  A command
 * that merges its output (list, stats, submit --place) asks for each
 * host's stdout in a buffer; any other command runs as is on every host
 * with its lines prefixed by the host, as pdsh does.  The exit code is 0
 * when every host succeeded, else the largest of theirs (3: a host was
 * unreachable).
 *
 * --json output stays JSON (docs/json.md): a command that prints one
 * value per host (status, ping, subscriptions) has each host's output
 * kept and merged into one array whose objects carry "host"; events,
 * which streams JSON lines, has its lines printed unprefixed (each EVENT
 * names its machine in its own "host").  stderr is always prefixed: a
 * child's "launch: web: no such job" becomes "launch: HOST: web: no such
 * job".  Colour is decided once, in the parent (cmd_ctx): a child's
 * stdout is a pipe, yet its lines reach the parent's terminal.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostlines.h"
#include "launch.h"
#include "sshconfig.h"
#include "xmalloc.h"

#define REMOTE_HOSTS_MAX	4096

static int
remote_host_add(struct cmd_ctx *ctx, const char *spec, size_t len,
    const char *where)
{
	struct ssh_target	t;
	char			err[256], *s;

	while (len > 0 && (*spec == ' ' || *spec == '\t')) {
		spec++;
		len--;
	}
	while (len > 0 && (spec[len - 1] == ' ' || spec[len - 1] == '\t' ||
	    spec[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	s = xstrndup(spec, len);
	if (ssh_target_parse(s, &t, err, sizeof err) == -1) {
		fprintf(stderr, "launch: %s%s: %s\n", where, s, err);
		free(s);
		return EXIT_USAGE;
	}
	ssh_target_free(&t);
	if (ctx->nhosts == REMOTE_HOSTS_MAX) {
		fprintf(stderr, "launch: %smore than %d hosts\n", where,
		    REMOTE_HOSTS_MAX);
		free(s);
		return EXIT_USAGE;
	}
	ctx->hosts = xreallocarray(ctx->hosts, ctx->nhosts + 1,
	    sizeof *ctx->hosts);
	ctx->hosts[ctx->nhosts++] = s;
	return 0;
}

int
remote_hosts_add(struct cmd_ctx *ctx, const char *list)
{
	const char	*comma;
	size_t		 before = ctx->nhosts;
	int		 rc;

	for (;;) {
		comma = strchr(list, ',');
		if ((rc = remote_host_add(ctx, list, comma != NULL ?
		    (size_t)(comma - list) : strlen(list), "-H ")) != 0)
			return rc;
		if (comma == NULL)
			break;
		list = comma + 1;
	}
	if (ctx->nhosts == before) {
		fprintf(stderr, "launch: -H: no host given\n");
		return EXIT_USAGE;
	}
	if (ctx->nhosts > 1)
		ctx->fanout = 1;
	return 0;
}

int
remote_hosts_file(struct cmd_ctx *ctx, const char *path)
{
	char	*line = NULL, where[300], *hash;
	size_t	 cap = 0, before = ctx->nhosts;
	ssize_t	 n;
	FILE	*f;
	int	 rc = 0, lineno = 0;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "launch: --hosts %s: %s\n", path,
		    strerror(errno));
		return EXIT_USAGE;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((hash = memchr(line, '#', (size_t)n)) != NULL)
			n = hash - line;
		while (n > 0 && line[n - 1] == '\n')
			n--;
		snprintf(where, sizeof where, "%s:%d: ", path, lineno);
		rc = remote_host_add(ctx, line, (size_t)n, where);
	}
	free(line);
	fclose(f);
	if (rc == 0 && ctx->nhosts == before) {
		fprintf(stderr, "launch: --hosts %s: no host in the file\n",
		    path);
		rc = EXIT_USAGE;
	}
	ctx->fanout = 1;
	return rc;
}

void
remote_hosts_free(struct cmd_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nhosts; i++)
		free(ctx->hosts[i]);
	free(ctx->hosts);
	ctx->hosts = NULL;
	ctx->nhosts = 0;
}

/* remote_fanout_cmd of a streaming --json command: stdout lines as they
 * are, without "HOST: ". */
static int	remote_plain_stdout;

/* One host's child as the parent sees it. */
struct remote_child {
	pid_t		 pid;
	int		 out, err;	/* pipes; -1 once at EOF */
	struct buf	 outline, errline;
};

void
remote_print_lines(const char *host, struct buf *b, int is_err, int flush)
{
	hostlines_print(is_err ? stderr : stdout, host, b, is_err ?
	    HOSTLINES_ERR : remote_plain_stdout ? HOSTLINES_PLAIN :
	    HOSTLINES_OUT, flush);
}

static pid_t
remote_spawn(const struct cmd_ctx *ctx, size_t i, remote_fn fn, void *arg,
    int *out, int *err)
{
	struct cmd_ctx	c;
	int		po[2], pe[2], rc;
	pid_t		pid;

	if (pipe2(po, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(pe, O_CLOEXEC) == -1) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		dup2(po[1], STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		c = *ctx;
		c.host = ctx->hosts[i];
		c.fanout = 0;
		rc = fn(&c, arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close(po[1]);
	close(pe[1]);
	if (pid == -1) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	*out = po[0];
	*err = pe[0];
	return pid;
}

void
remote_fanout(const struct cmd_ctx *ctx, remote_fn fn, void *arg,
    struct buf *outs, int *rcs)
{
	struct remote_child	*ch = xcalloc(ctx->nhosts, sizeof *ch);
	struct pollfd		*pfd = xcalloc(2 * ctx->nhosts, sizeof *pfd);
	size_t			 i, open = 0;
	ssize_t			 n;
	int			 st, fd;
	struct buf		*b;

	for (i = 0; i < ctx->nhosts; i++) {
		ch[i].pid = remote_spawn(ctx, i, fn, arg, &ch[i].out,
		    &ch[i].err);
		if (ch[i].pid == -1) {
			fprintf(stderr, "launch: %s: cannot fork: %s\n",
			    ctx->hosts[i], strerror(errno));
			ch[i].out = ch[i].err = -1;
			rcs[i] = EXIT_PROTOCOL;
			continue;
		}
		open += 2;
	}
	while (open > 0) {
		for (i = 0; i < ctx->nhosts; i++) {
			pfd[2 * i].fd = ch[i].out;
			pfd[2 * i + 1].fd = ch[i].err;
			pfd[2 * i].events = pfd[2 * i + 1].events = POLLIN;
			pfd[2 * i].revents = pfd[2 * i + 1].revents = 0;
		}
		if (poll(pfd, 2 * ctx->nhosts, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2 * ctx->nhosts; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			struct remote_child *c = &ch[i / 2];
			int is_err = i % 2;
			b = is_err ? &c->errline : outs != NULL ?
			    &outs[i / 2] : &c->outline;
			fd = is_err ? c->err : c->out;
			n = read(fd, buf_reserve(b, 65536), 65536);
			if (n == -1 && errno == EINTR)
				continue;
			if (n > 0) {
				b->len += (size_t)n;
				if (is_err || outs == NULL)
					remote_print_lines(ctx->hosts[i / 2],
					    b, is_err, 0);
				continue;
			}
			if (is_err || outs == NULL)
				remote_print_lines(ctx->hosts[i / 2], b,
				    is_err, 1);
			close(fd);
			if (is_err)
				c->err = -1;
			else
				c->out = -1;
			open--;
		}
	}
	for (i = 0; i < ctx->nhosts; i++) {
		if (ch[i].pid <= 0)
			continue;
		while (waitpid(ch[i].pid, &st, 0) == -1 && errno == EINTR)
			;
		rcs[i] = WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_PROTOCOL;
		buf_free(&ch[i].outline);
		buf_free(&ch[i].errline);
	}
	free(pfd);
	free(ch);
}

int
remote_exit_code(const int *rcs, size_t n)
{
	int	rc = 0;

	for (size_t i = 0; i < n; i++)
		if (rcs[i] > rc)
			rc = rcs[i];
	return rc;
}

struct remote_cmd_arg {
	const struct cmd_entry	*e;
	int			 argc;
	char			**argv;
};

static int
remote_cmd_one(struct cmd_ctx *ctx, void *arg)
{
	struct remote_cmd_arg	*a = arg;

	optind = 0;
	return a->e->exec(ctx, a->argc, a->argv);
}

/* Does the command line (its name first) ask for --json?  Options end
 * at "--". */
static int
remote_wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return 1;
	return 0;
}

/* Every host's --json output as one array (proto_hosts_json). */
static void
remote_merge_json(const struct cmd_ctx *ctx, struct buf *outs, int *rcs)
{
	struct proto_hosts_json	*h = proto_hosts_json_new();
	struct proto_error	 err;
	char			*json;

	for (size_t i = 0; i < ctx->nhosts; i++) {
		if (buf_used(&outs[i]) > 0 && proto_hosts_json_add(h,
		    ctx->hosts[i], buf_head(&outs[i]), buf_used(&outs[i]),
		    &err) == -1) {
			fprintf(stderr, "launch: %s: bad --json output: %s\n",
			    ctx->hosts[i], err.message);
			rcs[i] = EXIT_PROTOCOL;
		}
		buf_free(&outs[i]);
	}
	json = proto_hosts_json_finish(h);
	fputs(json, stdout);
	free(json);
}

int
remote_fanout_cmd(const struct cmd_entry *e, struct cmd_ctx *ctx, int argc,
    char **argv)
{
	struct remote_cmd_arg	 a = { e, argc, argv };
	struct buf		*outs = NULL;
	int			*rcs = xcalloc(ctx->nhosts, sizeof *rcs);
	int			 rc, json;

	/* The commands under this fan-out that take --json. */
	json = (e == &cmd_status_entry || e == &cmd_ping_entry ||
	    e == &cmd_subscriptions_entry || e == &cmd_events_entry) &&
	    remote_wants_json(argc, argv);
	if (json && e == &cmd_events_entry)
		remote_plain_stdout = 1;
	else if (json)
		outs = xcalloc(ctx->nhosts, sizeof *outs);
	remote_fanout(ctx, remote_cmd_one, &a, outs, rcs);
	remote_plain_stdout = 0;
	if (outs != NULL) {
		remote_merge_json(ctx, outs, rcs);
		free(outs);
	}
	rc = remote_exit_code(rcs, ctx->nhosts);
	free(rcs);
	return rc;
}
