/*
 * The receiver's state file (format: proto_receiver_* in event.h).
 *
 * Where: --state FILE, else STATE_DIR/receivers/receiver-PORT.json
 * (STATE_DIR as the daemon's: common/statedir.h).  A receiver on port 0
 * gets a new port each time, so nothing could find its file again: it
 * keeps its state in memory unless given --state.
 *
 * The file is replaced atomically (rename) after each batch of events is
 * printed and before it is acknowledged, and not fsynced: a killed
 * receiver loses nothing the kernel has, and an fsync would widen the
 * one window in which a SIGKILL makes an event print twice (printed, not
 * yet saved) from microseconds to milliseconds.  After a power cut the
 * file may be older: events print again (at least once).  After a crash it
 * never claims less than was acknowledged: what the daemon sends again
 * is what we may not have printed, and what we printed is dropped.  A
 * failed write is reported once (until one succeeds again) and the
 * receiver goes on: acknowledging anyway cannot cause duplicates, since
 * the daemon never sends an acknowledged event again.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "statedir.h"
#include "subscribe.h"
#include "xmalloc.h"

const char *
receiver_state_path(const struct receiver_state *rs, char *buf, size_t len)
{
	if (rs->dir[0] == '\0')
		snprintf(buf, len, "(memory)");
	else
		snprintf(buf, len, "%s/%s", rs->dir, rs->name);
	return buf;
}

/* Split path into rs->dir and rs->name, as file_replace wants them. */
static int
receiver_state_split(struct receiver_state *rs, const char *path, char *why,
    size_t whylen)
{
	const char	*slash = strrchr(path, '/');
	const char	*name = slash != NULL ? slash + 1 : path;
	size_t		 n;

	if (slash == NULL)
		snprintf(rs->dir, sizeof rs->dir, ".");
	else if (slash == path)
		snprintf(rs->dir, sizeof rs->dir, "/");
	else {
		n = (size_t)(slash - path);
		if (n >= sizeof rs->dir)
			goto toolong;
		memcpy(rs->dir, path, n);
		rs->dir[n] = '\0';
	}
	if (*name == '\0') {
		snprintf(why, whylen, "%s names a directory, not a file", path);
		return -1;
	}
	if (snprintf(rs->name, sizeof rs->name, "%s", name) >=
	    (int)sizeof rs->name)
		goto toolong;
	return 0;
toolong:
	snprintf(why, whylen, "path too long: %.64s...", path);
	return -1;
}

int
receiver_state_open(struct receiver_state *rs, const char *opt, int port,
    char *why, size_t whylen)
{
	struct proto_error	 err;
	char			 path[4400], dir[4000];
	char			*text;
	size_t			 len;
	int			 rc;

	memset(rs, 0, sizeof *rs);
	if (opt != NULL) {
		if (receiver_state_split(rs, opt, why, whylen) == -1)
			return -1;
	} else if (port != 0) {
		if (statedir_resolve(NULL, dir, sizeof dir, why,
		    whylen) == -1)
			return -1;
		snprintf(rs->dir, sizeof rs->dir, "%s/receivers", dir);
		snprintf(rs->name, sizeof rs->name, "receiver-%d.json", port);
		/* The default place is ours alone, like the daemon's. */
		if (file_mkdirs(rs->dir, 0700) == -1 ||
		    file_dir_own(dir, 0) == -1) {
			snprintf(why, whylen, "%s: %s", dir,
			    file_strerror(errno));
			return -1;
		}
		if (file_dir_own(rs->dir, 0) == -1) {
			snprintf(why, whylen, "%s: %s", rs->dir,
			    file_strerror(errno));
			return -1;
		}
	} else
		return 0;
	receiver_state_path(rs, path, sizeof path);
	if ((text = file_read_own(path, &len)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s: %s", path, file_strerror(errno));
		return -1;
	}
	rc = proto_receiver_decode(text, len, &rs->st, &err);
	free(text);
	if (rc == -1) {
		snprintf(why, whylen, "%s: %s (remove it to start afresh, "
		    "with a new token)", path, err.message);
		return -1;
	}
	rs->existed = 1;
	return 0;
}

void
receiver_state_set_token(struct receiver_state *rs, const char *token)
{
	if (rs->st.token != NULL && strcmp(rs->st.token, token) == 0)
		return;
	proto_receiver_free(&rs->st);
	rs->st.token = xstrdup(token);
}

ssize_t
receiver_state_lookup(struct receiver_state *rs, const char *daemon,
    int64_t subscription)
{
	struct proto_receiver_state	*st = &rs->st;
	char				*key;

	xasprintf(&key, "%s/%" PRId64, daemon, subscription);
	for (size_t i = 0; i < st->nseen; i++) {
		if (strcmp(st->seen[i].key, key) == 0) {
			free(key);
			return (ssize_t)i;
		}
	}
	if (st->nseen >= PROTO_RECEIVER_SEEN_MAX) {
		free(key);
		return -1;
	}
	st->seen = xreallocarray(st->seen, st->nseen + 1, sizeof *st->seen);
	st->seen[st->nseen].key = key;
	st->seen[st->nseen].seq = 0;
	return (ssize_t)st->nseen++;
}

int
receiver_state_save(struct receiver_state *rs)
{
	char	*text;
	int	 rc;

	if (rs->dir[0] == '\0')
		return 0;
	text = proto_receiver_encode(&rs->st);
	/* Atomic, not fsynced: see the top of the file. */
	rc = file_replace_sync(rs->dir, rs->name, text, strlen(text), 0);
	free(text);
	return rc;
}

void
receiver_save(struct receiver *r)
{
	struct receiver_state	*rs = &r->state;
	char			 path[4400];

	receiver_state_path(rs, path, sizeof path);
	if (receiver_state_save(rs) == -1) {
		if (!rs->failing)
			fprintf(stderr, "launch: cannot save %s: %s (after a "
			    "restart, events printed since may be printed "
			    "again)\n", path, strerror(errno));
		rs->failing = 1;
	} else if (rs->failing) {
		fprintf(stderr, "launch: saved %s again\n", path);
		rs->failing = 0;
	}
}

void
receiver_state_remove(struct receiver_state *rs)
{
	char	path[4400];

	if (rs->dir[0] == '\0')
		return;
	receiver_state_path(rs, path, sizeof path);
	if (unlink(path) == -1 && errno != ENOENT)
		fprintf(stderr, "launch: cannot remove %s: %s\n", path,
		    strerror(errno));
}

void
receiver_state_free(struct receiver_state *rs)
{
	proto_receiver_free(&rs->st);
}
