/*
 * The target spec and ~/.ssh/config (see sshconfig.h for what is and is
 * not supported).
 *
 * The file is read in two passes over what it says.  The first walks the
 * lines, checks their syntax and keeps, for the blocks that match, the
 * first HostName, User and Port and every IdentityFile, raw, with their
 * line numbers.  The second settles the defaults, expands the tokens and
 * checks the resulting host and user, naming the line a bad value came
 * from; only when everything is good is t changed.  So an error leaves t
 * as it was, and expansion sees the final user, host and port (%r, %h and
 * %p) however the lines were ordered.
 *
 * Lines are taken by length, never by strlen: the text need not be
 * NUL-terminated, and a NUL byte inside it is an error rather than the
 * silent end of a line.  Every copy is bounded by SSHCONFIG_LINE_MAX.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sshconfig.h"
#include "xmalloc.h"

#define SSH_PORT_DEFAULT	22

enum sshconfig_keyword {
	SSHCONFIG_OTHER,
	SSHCONFIG_HOST,
	SSHCONFIG_MATCH,
	SSHCONFIG_HOSTNAME,
	SSHCONFIG_USER,
	SSHCONFIG_PORT,
	SSHCONFIG_IDENTITYFILE,
};

static const struct {
	const char		*name;
	enum sshconfig_keyword	 keyword;
} sshconfig_keywords[] = {
	{ "Host", SSHCONFIG_HOST },
	{ "Match", SSHCONFIG_MATCH },
	{ "HostName", SSHCONFIG_HOSTNAME },
	{ "User", SSHCONFIG_USER },
	{ "Port", SSHCONFIG_PORT },
	{ "IdentityFile", SSHCONFIG_IDENTITYFILE },
};

/* A value kept by the first pass, and the line it came from. */
struct sshconfig_value {
	char	*text;
	size_t	 line;
};

struct sshconfig_parse {
	char			*alias;		/* lowercased, for matching */
	size_t			 line;
	int			 active;	/* this block applies */
	int			 in_match;	/* skipping a Match block */
	size_t			 preset;	/* IdentityFiles already in t */

	struct sshconfig_value	 hostname;
	struct sshconfig_value	 user;
	int			 port;
	struct sshconfig_value	 identity[SSHCONFIG_IDENTITY_MAX];
	size_t			 nidentity;

	char			 word[SSHCONFIG_LINE_MAX + 1];
};

struct sshconfig_token {
	char		 letter;
	const char	*value;
};

/* ASCII only: the ctype functions follow the locale for bytes >= 0x80. */
static int
sshconfig_alnum(char c)
{
	return ((unsigned char)c & 0x80) == 0 && isalnum((unsigned char)c);
}

/* A value fit for an error message: at most 40 bytes, bytes other than
 * printable ASCII (terminal escapes in a hostile spec or file) shown as
 * '?'.  dst has room for 44. */
static const char *
sshconfig_show(char *dst, const char *s, size_t n)
{
	size_t	shown = n > 40 ? 40 : n, i;

	for (i = 0; i < shown; i++)
		dst[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	dst[i] = '\0';
	if (shown < n)
		memcpy(dst + i, "...", 4);
	return dst;
}

/* 1 to 65535, digits only, or -1. */
static int
sshconfig_port(const char *s, size_t n)
{
	int	port = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		port = port * 10 + (s[i] - '0');
		if (port > 65535)
			return -1;
	}
	return port == 0 ? -1 : port;
}

/* Check a host or user name (n bytes of s): 1 to max bytes, ASCII letters,
 * digits and the bytes of extra, no leading '-' (ssh would read it as an
 * option).  -1 with err "<what> \"<s>\" <problem>". */
static int
sshconfig_name_check(const char *what, const char *s, size_t n, size_t max,
    const char *extra, char *err, size_t errlen)
{
	char	shown[44];

	sshconfig_show(shown, s, n);
	if (n == 0) {
		snprintf(err, errlen, "%s \"\" is empty", what);
		return -1;
	}
	if (n > max) {
		snprintf(err, errlen, "%s \"%s\" is longer than %zu bytes",
		    what, shown, max);
		return -1;
	}
	if (s[0] == '-') {
		snprintf(err, errlen, "%s \"%s\" starts with '-'", what,
		    shown);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (sshconfig_alnum(s[i]) ||
		    (s[i] != '\0' && strchr(extra, s[i]) != NULL))
			continue;
		snprintf(err, errlen, "%s \"%s\" has a character outside "
		    "[A-Za-z0-9%s]", what, shown, extra);
		return -1;
	}
	return 0;
}

static int
sshconfig_host_check(const char *what, const char *s, size_t n, char *err,
    size_t errlen)
{
	return sshconfig_name_check(what, s, n, SSH_HOST_MAX, "._:%-", err,
	    errlen);
}

static int
sshconfig_user_check(const char *what, const char *s, size_t n, char *err,
    size_t errlen)
{
	return sshconfig_name_check(what, s, n, SSH_USER_MAX, "._-", err,
	    errlen);
}

int
ssh_target_parse(const char *spec, struct ssh_target *t, char *err,
    size_t errlen)
{
	const char	*at, *host, *close, *colon, *port = NULL;
	size_t		 hostlen, userlen = 0;
	char		 shown[44];
	int		 portnum = 0;

	memset(t, 0, sizeof *t);
	host = spec;
	if ((at = strrchr(spec, '@')) != NULL) {
		userlen = (size_t)(at - spec);
		if (sshconfig_user_check("user", spec, userlen, err,
		    errlen) == -1)
			return -1;
		host = at + 1;
	}
	if (*host == '[') {
		if ((close = strchr(host, ']')) == NULL) {
			snprintf(err, errlen, "unterminated '['");
			return -1;
		}
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0') {
			snprintf(err, errlen, "unexpected \"%s\" after ']'",
			    sshconfig_show(shown, close + 1,
			    strlen(close + 1)));
			return -1;
		}
		host++;
		hostlen = (size_t)(close - host);
	} else if ((colon = strchr(host, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		hostlen = (size_t)(colon - host);
		port = colon + 1;
	} else
		hostlen = strlen(host);	/* a name, or a bare IPv6 address */

	if (hostlen == 0) {
		snprintf(err, errlen, "empty host");
		return -1;
	}
	if (sshconfig_host_check("host", host, hostlen, err, errlen) == -1)
		return -1;
	if (port != NULL &&
	    (portnum = sshconfig_port(port, strlen(port))) == -1) {
		snprintf(err, errlen, "bad port \"%s\" (1-65535)",
		    sshconfig_show(shown, port, strlen(port)));
		return -1;
	}

	t->alias = xstrndup(host, hostlen);
	t->host = xstrdup(t->alias);
	if (at != NULL)
		t->user = xstrndup(spec, userlen);
	t->port = portnum;
	return 0;
}

void
ssh_target_free(struct ssh_target *t)
{
	free(t->alias);
	free(t->host);
	free(t->user);
	for (size_t i = 0; i < t->nidentity; i++)
		free(t->identity[i]);
	free(t->identity);
	memset(t, 0, sizeof *t);
}

static int
sshconfig_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f';
}

/* Whether a word follows at *pos (not a comment).  Skips the spaces. */
static int
sshconfig_more(const char *line, size_t len, size_t *pos)
{
	while (*pos < len && sshconfig_space(line[*pos]))
		(*pos)++;
	return *pos < len && line[*pos] != '#';
}

/* The next word from *pos into out (room for the whole line), double
 * quotes removed.  1: a word (perhaps empty: ""), 0: none left, -1: an
 * unterminated quote. */
static int
sshconfig_word(const char *line, size_t len, size_t *pos, char *out)
{
	size_t	i, n = 0;
	int	quoted = 0;

	if (!sshconfig_more(line, len, pos))
		return 0;
	for (i = *pos; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && sshconfig_space(line[i]))
			break;
		else
			out[n++] = line[i];
	}
	out[n] = '\0';
	*pos = i;
	return quoted ? -1 : 1;
}

/* Whether the patterns of a Host line (from *pos) match the alias: one
 * pattern matching and no negated one.  Every word is read, so that a bad
 * quote is reported even after a negated match.  -1: no pattern or a bad
 * quote, with err set. */
static int
sshconfig_host_match(struct sshconfig_parse *ps, const char *line,
    size_t len, size_t pos, char *err, size_t errlen)
{
	char	*pattern;
	int	 r, any = 0, matched = 0, negated = 0, negate;

	while ((r = sshconfig_word(line, len, &pos, ps->word)) == 1) {
		any = 1;
		pattern = ps->word;
		if ((negate = *pattern == '!'))
			pattern++;
		for (char *p = pattern; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (fnmatch(pattern, ps->alias, 0) != 0)
			continue;
		if (negate)
			negated = 1;
		else
			matched = 1;
	}
	if (r == -1) {
		snprintf(err, errlen, "line %zu: unterminated quote", ps->line);
		return -1;
	}
	if (!any) {
		snprintf(err, errlen, "line %zu: Host needs a value", ps->line);
		return -1;
	}
	return matched && !negated;
}

static void
sshconfig_keep(struct sshconfig_value *v, const char *text, size_t line)
{
	v->text = xstrdup(text);
	v->line = line;
}

/* One keyword's single value into ps->word: -1 with err if there is none,
 * more than one or a bad quote. */
static int
sshconfig_value(struct sshconfig_parse *ps, const char *name,
    const char *line, size_t len, size_t pos, char *err, size_t errlen)
{
	int	r;

	r = sshconfig_word(line, len, &pos, ps->word);
	if (r == -1) {
		snprintf(err, errlen, "line %zu: unterminated quote", ps->line);
		return -1;
	}
	if (r == 0 || ps->word[0] == '\0') {
		snprintf(err, errlen, "line %zu: %s needs a value", ps->line,
		    name);
		return -1;
	}
	if (sshconfig_more(line, len, &pos)) {
		snprintf(err, errlen, "line %zu: %s takes one value (quote "
		    "a value with spaces)", ps->line, name);
		return -1;
	}
	return 0;
}

static int
sshconfig_line(struct sshconfig_parse *ps, const char *line, size_t len,
    char *err, size_t errlen)
{
	enum sshconfig_keyword	 keyword = SSHCONFIG_OTHER;
	const char		*name = NULL;
	size_t			 pos = 0, start, i;
	char			 shown[44];
	int			 r;

	if (!sshconfig_more(line, len, &pos))
		return 0;	/* blank or a comment */
	start = pos;
	while (pos < len && !sshconfig_space(line[pos]) && line[pos] != '=')
		pos++;
	for (i = 0; i < sizeof sshconfig_keywords /
	    sizeof sshconfig_keywords[0]; i++) {
		name = sshconfig_keywords[i].name;
		if (strlen(name) == pos - start &&
		    strncasecmp(name, line + start, pos - start) == 0) {
			keyword = sshconfig_keywords[i].keyword;
			break;
		}
	}
	if (sshconfig_more(line, len, &pos) && line[pos] == '=')
		pos++;

	switch (keyword) {
	case SSHCONFIG_OTHER:
		return 0;
	case SSHCONFIG_MATCH:
		ps->in_match = 1;
		return 0;
	case SSHCONFIG_HOST:
		ps->in_match = 0;
		if ((r = sshconfig_host_match(ps, line, len, pos, err,
		    errlen)) == -1)
			return -1;
		ps->active = r;
		return 0;
	default:
		break;
	}
	if (ps->in_match)
		return 0;
	if (sshconfig_value(ps, name, line, len, pos, err, errlen) == -1)
		return -1;

	switch (keyword) {
	case SSHCONFIG_HOSTNAME:
		if (ps->active && ps->hostname.text == NULL)
			sshconfig_keep(&ps->hostname, ps->word, ps->line);
		break;
	case SSHCONFIG_USER:
		if (ps->active && ps->user.text == NULL)
			sshconfig_keep(&ps->user, ps->word, ps->line);
		break;
	case SSHCONFIG_PORT:
		if ((r = sshconfig_port(ps->word, strlen(ps->word))) == -1) {
			snprintf(err, errlen, "line %zu: Port \"%s\" is not a "
			    "number 1-65535", ps->line, sshconfig_show(shown,
			    ps->word, strlen(ps->word)));
			return -1;
		}
		if (ps->active && ps->port == 0)
			ps->port = r;
		break;
	case SSHCONFIG_IDENTITYFILE:
		if (!ps->active)
			break;
		if (ps->preset + ps->nidentity == SSHCONFIG_IDENTITY_MAX) {
			snprintf(err, errlen, "line %zu: more than %d "
			    "IdentityFiles", ps->line, SSHCONFIG_IDENTITY_MAX);
			return -1;
		}
		sshconfig_keep(&ps->identity[ps->nidentity++], ps->word,
		    ps->line);
		break;
	default:
		break;
	}
	return 0;
}

/* Expand the %-tokens of s after prefix.  NULL with the offending letter
 * in *bad ('\0' for a '%' ending the value) if a token is unknown. */
static char *
sshconfig_expand(const char *prefix, const char *s,
    const struct sshconfig_token *tokens, size_t ntokens, char *bad)
{
	struct buf	 b;
	const char	*value;
	size_t		 i;

	memset(&b, 0, sizeof b);
	buf_add(&b, prefix, strlen(prefix));
	for (; *s != '\0'; s++) {
		if (*s != '%') {
			buf_add(&b, s, 1);
			continue;
		}
		s++;
		value = *s == '%' ? "%" : NULL;
		for (i = 0; value == NULL && i < ntokens; i++)
			if (tokens[i].letter == *s)
				value = tokens[i].value;
		if (value == NULL || *s == '\0') {
			*bad = *s;
			buf_free(&b);
			return NULL;
		}
		buf_add(&b, value, strlen(value));
	}
	buf_add(&b, "", 1);
	return b.data;
}

static void
sshconfig_bad_token(const char *name, const struct sshconfig_value *v,
    char bad, const char *known, char *err, size_t errlen)
{
	char	shown[44];

	sshconfig_show(shown, v->text, strlen(v->text));
	if (bad == '\0')
		snprintf(err, errlen, "line %zu: %s \"%s\" ends in a lone '%%' "
		    "(write %%%% for a '%%')", v->line, name, shown);
	else
		snprintf(err, errlen, "line %zu: %s \"%s\": %%%c is not a "
		    "supported token (supported: %s)", v->line, name, shown,
		    bad >= ' ' && bad <= '~' ? bad : '?', known);
}

/* IdentityFile values with "~/" and the tokens expanded, into *out (n of
 * them).  -1 with err (and nothing allocated) on an unsupported value. */
static int
sshconfig_identities(struct sshconfig_parse *ps,
    const struct sshconfig_token *tokens, size_t ntokens, const char *home,
    char **out, char *err, size_t errlen)
{
	const struct sshconfig_value	*v;
	const char			*prefix, *rest;
	char				 shown[44], bad;
	size_t				 i;

	for (i = 0; i < ps->nidentity; i++) {
		v = &ps->identity[i];
		prefix = "";
		rest = v->text;
		if (rest[0] == '~' && rest[1] == '/') {
			prefix = home;
			rest++;
		} else if (rest[0] == '~') {
			snprintf(err, errlen, "line %zu: IdentityFile \"%s\": "
			    "only a leading \"~/\" is expanded", v->line,
			    sshconfig_show(shown, v->text, strlen(v->text)));
			goto fail;
		}
		if ((out[i] = sshconfig_expand(prefix, rest, tokens, ntokens,
		    &bad)) == NULL) {
			sshconfig_bad_token("IdentityFile", v, bad,
			    "%d %u %r %h %n %p %%", err, errlen);
			goto fail;
		}
	}
	return 0;
fail:
	while (i-- > 0)
		free(out[i]);
	return -1;
}

/* The second pass: settle t's values from what the file said, or fail
 * leaving t alone. */
static int
sshconfig_settle(struct sshconfig_parse *ps, struct ssh_target *t,
    const char *home, const char *local_user, char *err, size_t errlen)
{
	struct sshconfig_token	 tokens[6];
	char			*host = NULL, *identity[SSHCONFIG_IDENTITY_MAX];
	const char		*user;
	char			 port[8], what[48], bad;
	int			 portnum;

	if (ps->hostname.text != NULL &&
	    (t->host == NULL || strcmp(t->host, t->alias) == 0)) {
		tokens[0].letter = 'h';
		tokens[0].value = t->alias;
		if ((host = sshconfig_expand("", ps->hostname.text, tokens, 1,
		    &bad)) == NULL) {
			sshconfig_bad_token("HostName", &ps->hostname, bad,
			    "%h %%", err, errlen);
			return -1;
		}
		snprintf(what, sizeof what, "line %zu: HostName",
		    ps->hostname.line);
		if (sshconfig_host_check(what, host, strlen(host), err,
		    errlen) == -1) {
			free(host);
			return -1;
		}
	}
	if ((user = t->user) == NULL && (user = ps->user.text) != NULL) {
		snprintf(what, sizeof what, "line %zu: User", ps->user.line);
		if (sshconfig_user_check(what, user, strlen(user), err,
		    errlen) == -1) {
			free(host);
			return -1;
		}
	}
	if (user == NULL)
		user = local_user;
	if ((portnum = t->port) == 0 && (portnum = ps->port) == 0)
		portnum = SSH_PORT_DEFAULT;
	snprintf(port, sizeof port, "%d", portnum);

	tokens[0] = (struct sshconfig_token){ 'd', home };
	tokens[1] = (struct sshconfig_token){ 'u', local_user };
	tokens[2] = (struct sshconfig_token){ 'r', user };
	tokens[3] = (struct sshconfig_token){ 'h',
	    host != NULL ? host : t->host != NULL ? t->host : t->alias };
	tokens[4] = (struct sshconfig_token){ 'n', t->alias };
	tokens[5] = (struct sshconfig_token){ 'p', port };
	if (sshconfig_identities(ps, tokens, 6, home, identity, err,
	    errlen) == -1) {
		free(host);
		return -1;
	}

	/* Nothing can fail from here: t changes. */
	if (host != NULL) {
		free(t->host);
		t->host = host;
	} else if (t->host == NULL)
		t->host = xstrdup(t->alias);
	if (t->user == NULL)
		t->user = xstrdup(user);
	t->port = portnum;
	if (ps->nidentity > 0) {
		t->identity = xreallocarray(t->identity,
		    t->nidentity + ps->nidentity, sizeof *t->identity);
		memcpy(t->identity + t->nidentity, identity,
		    ps->nidentity * sizeof *identity);
		t->nidentity += ps->nidentity;
	}
	return 0;
}

static void
sshconfig_parse_free(struct sshconfig_parse *ps)
{
	free(ps->alias);
	free(ps->hostname.text);
	free(ps->user.text);
	for (size_t i = 0; i < ps->nidentity; i++)
		free(ps->identity[i].text);
}

int
sshconfig_apply(const char *text, size_t len, struct ssh_target *t,
    const char *home, const char *local_user, char *err, size_t errlen)
{
	struct sshconfig_parse	 ps;
	const char		*line, *eol;
	size_t			 pos, n;
	int			 rc = -1;

	if (t->alias == NULL || home == NULL || local_user == NULL) {
		snprintf(err, errlen, "no host, home directory or local user");
		return -1;
	}
	if (t->nidentity > SSHCONFIG_IDENTITY_MAX) {
		snprintf(err, errlen, "more than %d IdentityFiles",
		    SSHCONFIG_IDENTITY_MAX);
		return -1;
	}
	memset(&ps, 0, sizeof ps);
	ps.alias = xstrdup(t->alias);
	for (char *p = ps.alias; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	ps.active = 1;		/* lines before any Host apply to all */
	ps.preset = t->nidentity;

	for (pos = 0; pos < len; pos += n + 1) {
		ps.line++;
		line = text + pos;
		eol = memchr(line, '\n', len - pos);
		n = eol != NULL ? (size_t)(eol - line) : len - pos;
		if (n > SSHCONFIG_LINE_MAX) {
			snprintf(err, errlen, "line %zu: longer than %d bytes",
			    ps.line, SSHCONFIG_LINE_MAX);
			goto out;
		}
		if (memchr(line, '\0', n) != NULL) {
			snprintf(err, errlen, "line %zu: has a NUL byte",
			    ps.line);
			goto out;
		}
		if (sshconfig_line(&ps, line, n, err, errlen) == -1)
			goto out;
	}
	rc = sshconfig_settle(&ps, t, home, local_user, err, errlen);
out:
	sshconfig_parse_free(&ps);
	return rc;
}
