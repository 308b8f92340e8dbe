/*
 * Where `launch -H host` connects: the target as the user wrote it, then
 * completed from the text of ~/.ssh/config as ssh_config(5) would.  Pure
 * functions over strings: the caller reads the file and knows the home
 * directory and the local user name, which keeps this testable and
 * fuzzable.
 *
 * Supported: `Keyword value` and `Keyword=value`, keywords in any case,
 * '#' comments (a word starting with an unquoted '#' ends the line, as in
 * OpenSSH 8.7 and later), double quotes around a value or part of one.
 * Only Host, HostName, User, Port and IdentityFile are read; every other
 * keyword is ignored.  Not supported, on purpose:
 *  - Match blocks: their lines are skipped up to the next Host or Match.
 *    Deciding a Match needs I/O (exec, localnetwork) or a canonicalised
 *    name; half-evaluating it would be worse than ignoring it.
 *  - Include: not followed (the caller reads one file).
 *  - Backslash escapes and single quotes: taken literally.
 *  - In IdentityFile, "~user/", ${ENV} and the tokens other than %d %u %r
 *    %h %n %p %%: a value using an unsupported token is an error when it
 *    applies to the target, not when it sits in another host's block.
 *
 * Syntax errors (bad Port, a keyword without its value, an extra value,
 * an unterminated quote, a NUL byte, a line over SSHCONFIG_LINE_MAX) are
 * reported wherever they are, as ssh itself does, so whether a file is
 * accepted does not depend on the host asked for.
 *
 * The host and user that come out always satisfy the same rules as a
 * command-line spec (characters, length, no leading '-'), whether they
 * came from the spec or from HostName / User: the transport hands them to
 * ssh or libssh2 and may format "user@host", so a value from the file
 * that could be read as an option or split differently is refused.
 */
#ifndef LAUNCH_SSHCONFIG_H
#define LAUNCH_SSHCONFIG_H

#include <stddef.h>

#define SSHCONFIG_LINE_MAX	4096	/* bytes in a line, without '\n' */
#define SSHCONFIG_IDENTITY_MAX	64	/* IdentityFiles in all */
#define SSH_HOST_MAX		253	/* a DNS name's limit */
#define SSH_USER_MAX		255	/* LOGIN_NAME_MAX less the NUL */

struct ssh_target {
	char	*alias;		/* the host as written in the spec */
	char	*host;		/* HostName (%h = alias), else alias */
	char	*user;		/* NULL: not set yet */
	int	 port;		/* 0: not set yet */
	char   **identity;	/* IdentityFile values, expanded, in order */
	size_t	 nidentity;
};

/* Parse "[user@]host[:port]" or "[user@][v6addr]:port" / "[user@][v6addr]"
 * into t (alias=host=the host part; user/port if given).  A bare IPv6
 * address without brackets (two or more ':') is accepted as host with no
 * port.  The host is 1 to SSH_HOST_MAX bytes of [A-Za-z0-9._:-] and '%',
 * the user 1 to SSH_USER_MAX bytes of [A-Za-z0-9._-]; neither may start
 * with '-'.  Returns 0, or -1 with err naming the problem; t is zeroed
 * first and holds nothing to free after an error. */
int	ssh_target_parse(const char *spec, struct ssh_target *t, char *err,
	    size_t errlen);
/* Apply an OpenSSH client config (the whole text of ~/.ssh/config, len
 * bytes, NUL-terminated or not) to t, whose alias must be set, as must
 * home and local_user.  The blocks whose Host patterns match t->alias set
 * what is not set yet (first obtained value wins, as in ssh_config(5);
 * values already in t, from the command line, win over the file; t->host
 * counts as not set while it equals t->alias); IdentityFile accumulates
 * from every matching block, after those already in t (which are not
 * expanded again).  After the file: t->user defaults to local_user,
 * t->port to 22; each IdentityFile from the file is expanded: leading
 * "~/" -> home + "/", and the tokens %d (home), %u (local_user), %r
 * (remote user, after defaulting), %h (t->host), %n (alias), %p (port),
 * %% ('%').  Returns 0, or -1 with err naming the line number and the
 * problem; on error t is unchanged and nothing leaks. */
int	sshconfig_apply(const char *text, size_t len, struct ssh_target *t,
	    const char *home, const char *local_user, char *err,
	    size_t errlen);
void	ssh_target_free(struct ssh_target *);

#endif
