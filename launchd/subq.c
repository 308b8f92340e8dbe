/*
 * A subscription's queue and its journal.
 *
 * The queue holds the events not yet acknowledged, each as the exact line
 * that goes on the wire, so a resend after a reconnection is byte for
 * byte the first send.  It is bounded (queue_max): an event that does
 * not fit is counted, not queued, and once acknowledgements make room a
 * "dropped" event with the count takes its place in the sequence, so a
 * loss is never silent.
 *
 * The journal, subs/ID.queue, makes the queue survive the daemon: each
 * queued event, each acknowledgement and each change of the drop counts
 * is appended as one line (event.h, "queue journal") with one write(2),
 * and replaying the lines rebuilds the queue.  A new event is sent first
 * and journaled right after (subq_journal), before the job's record is
 * saved: on ext4 a write can wait for another process's fsync, and that
 * wait should not be on the path of the news.  A daemon killed between
 * the two has not saved the job's record either, so recovery reports the
 * exit again (at least once).  Appends are not fsync'ed:
 * a killed or crashed daemon loses nothing (the kernel has the bytes);
 * a power cut may lose the last events, as it may lose the jobs' own
 * output.  Once the journal holds many more lines than the queue (acked
 * events), it is rewritten atomically: a header line with the counters,
 * then the queued events.  A torn last line (a crash mid-write) and any
 * line that does not decode are skipped with a warning.  A failed append
 * (a full disk) is logged, and the journal is rewritten whole at the next
 * chance, at most every few seconds, until that works again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "launchd.h"
#include "log.h"
#include "sub.h"
#include "xmalloc.h"

#define SUBQ_SLACK		1024	/* journal lines beyond 2 x queue */
#define SUBQ_RETRY_MS		5000	/* a broken journal's rewrites */

static void
subq_add_item(struct subq *q, int64_t seq, char *line, size_t len)
{
	if (q->head + q->n == q->cap) {
		if (q->head > q->cap / 2) {
			memmove(q->v, q->v + q->head, q->n * sizeof *q->v);
			q->head = 0;
		} else {
			q->cap = q->cap ? q->cap * 2 : 64;
			q->v = xreallocarray(q->v, q->cap, sizeof *q->v);
		}
	}
	q->v[q->head + q->n].seq = seq;
	q->v[q->head + q->n].line = line;
	q->v[q->head + q->n].len = len;
	q->n++;
}

/* Drop the items up to seq; the number dropped. */
static int64_t
subq_pop_to(struct subq *q, int64_t seq)
{
	int64_t	popped = 0;

	while (q->n > 0 && q->v[q->head].seq <= seq) {
		free(q->v[q->head].line);
		q->head++;
		q->n--;
		popped++;
	}
	if (q->n == 0)
		q->head = 0;
	return popped;
}

size_t
subq_find(const struct subq *q, int64_t after)
{
	size_t	lo = 0, hi = q->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (subq_at(q, mid)->seq <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Rewrite the journal from memory: 0 or -1. */
static int
subq_compact(struct subq *q)
{
	struct buf	 b = { 0 };
	char		*hdr, path[4400];
	int		 rc, fd;

	hdr = proto_journal_ack(q->acked, q->next_seq, q->delivered,
	    q->dropping, q->dropped);
	buf_add(&b, hdr, strlen(hdr));
	free(hdr);
	for (size_t i = 0; i < q->n; i++)
		buf_add(&b, subq_at(q, i)->line, subq_at(q, i)->len);
	rc = file_replace(q->dir, q->name, buf_head(&b), buf_used(&b));
	buf_free(&b);
	if (rc == -1)
		return -1;
	snprintf(path, sizeof path, "%s/%s", q->dir, q->name);
	if ((fd = file_open_own(path, O_WRONLY | O_APPEND)) == -1)
		return -1;
	if (q->fd != -1)
		close(q->fd);
	q->fd = fd;
	q->records = 1 + q->n;
	q->unjournaled = 0;
	if (q->broken)
		log_info("%s: the journal is written again", path);
	q->broken = 0;
	return 0;
}

static void
subq_maybe_compact(struct subq *q)
{
	int64_t	now;

	if (q->broken) {
		now = server_now_ms();
		if (now - q->retried_ms < SUBQ_RETRY_MS)
			return;
		q->retried_ms = now;
		(void)subq_compact(q);
		return;
	}
	if (q->records > 2 * q->n + SUBQ_SLACK && subq_compact(q) == -1)
		log_warn("%s/%s: rewrite", q->dir, q->name);
}

static void
subq_append(struct subq *q, const char *line, size_t len)
{
	ssize_t	n;
	size_t	off = 0;

	q->records++;
	if (q->broken || q->fd == -1)
		return;
	while (off < len) {
		n = write(q->fd, line + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("%s/%s: append (the queue stays in memory "
			    "and is written again later)", q->dir, q->name);
			q->broken = 1;
			return;
		}
		off += (size_t)n;
	}
}

/* Apply one journal line while loading. */
static void
subq_replay(struct subq *q, const char *line, size_t len, size_t lineno)
{
	struct proto_journal	j;
	struct proto_error	err;

	if (proto_journal_decode(line, len, &j, &err) == -1) {
		log_warnx("%s/%s: line %zu skipped: %s", q->dir, q->name,
		    lineno, err.message);
		return;
	}
	q->records++;
	if (j.is_event) {
		if (j.ev.seq > q->acked && (q->n == 0 ||
		    j.ev.seq > subq_at(q, q->n - 1)->seq)) {
			char *copy = xstrndup(line, len + 1);
			subq_add_item(q, j.ev.seq, copy, len + 1);
		}
		if (j.ev.seq >= q->next_seq)
			q->next_seq = j.ev.seq + 1;
		if (j.ev.type == PROTO_EV_DROPPED)
			q->dropping = 0;
		proto_event_free(&j.ev);
		return;
	}
	if (j.next_seq > q->next_seq)
		q->next_seq = j.next_seq;
	if (j.delivered >= 0)
		q->delivered = j.delivered;
	if (j.dropping >= 0)
		q->dropping = j.dropping;
	if (j.dropped >= 0)
		q->dropped = j.dropped;
	if (j.ack > q->acked) {
		int64_t popped = subq_pop_to(q, j.ack);
		if (j.delivered < 0)
			q->delivered += popped;
		q->acked = j.ack;
	}
}

int
subq_open(struct subq *q, const char *dir, int64_t id)
{
	char	*text, *p, *nl, path[4400];
	size_t	 len, lineno = 0;

	memset(q, 0, sizeof *q);
	q->fd = -1;
	q->next_seq = 1;
	q->dir = xstrdup(dir);
	snprintf(q->name, sizeof q->name, "%lld.queue", (long long)id);
	snprintf(path, sizeof path, "%s/%s", dir, q->name);
	if ((text = file_read_own(path, &len)) == NULL && errno != ENOENT) {
		log_warnx("%s: %s", path, file_strerror(errno));
		return -1;
	}
	for (p = text; text != NULL && p < text + len; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(text + len - p))) == NULL) {
			log_warnx("%s: a torn last line (%zu bytes) skipped",
			    path, (size_t)(text + len - p));
			break;
		}
		if (nl > p)
			subq_replay(q, p, (size_t)(nl - p), lineno);
	}
	free(text);
	if (q->acked >= q->next_seq)
		q->next_seq = q->acked + 1;
	/* Start from a clean journal: no torn line to append after. */
	if (subq_compact(q) == -1) {
		log_warn("%s", path);
		q->broken = 1;
	}
	return 0;
}

void
subq_close(struct subq *q)
{
	if (q->unjournaled > 0 && q->fd != -1)
		subq_journal(q);
	subq_pop_to(q, INT64_MAX);
	free(q->v);
	if (q->fd != -1)
		close(q->fd);
	free(q->dir);
	memset(q, 0, sizeof *q);
	q->fd = -1;
}

void
subq_destroy(struct subq *q)
{
	char	path[4400];

	snprintf(path, sizeof path, "%s/%s", q->dir, q->name);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("%s", path);
	subq_close(q);
}

static void
subq_push_line(struct subq *q, const char *body, int later)
{
	int64_t	 seq = q->next_seq++;
	char	*line = proto_event_line(body, seq);
	size_t	 len = strlen(line);

	subq_add_item(q, seq, line, len);
	if (later)
		q->unjournaled++;
	else
		subq_append(q, line, len);
}

void
subq_journal(struct subq *q)
{
	for (size_t i = q->n - q->unjournaled; i < q->n; i++)
		subq_append(q, subq_at(q, i)->line, subq_at(q, i)->len);
	q->unjournaled = 0;
	subq_maybe_compact(q);
}

int
subq_push(struct subq *q, const char *body, int64_t max)
{
	char	*rec;

	subq_report_drops(q, max);
	if ((int64_t)q->n >= max) {
		subq_journal(q);
		q->dropping++;
		q->dropped++;
		rec = proto_journal_drops(q->dropping, q->dropped);
		subq_append(q, rec, strlen(rec));
		free(rec);
		subq_maybe_compact(q);
		return 0;
	}
	subq_push_line(q, body, 1);
	return 1;
}

/* Room for the "dropped" report of events that did not fit? */
void
subq_report_drops(struct subq *q, int64_t max)
{
	char	*body;

	if (q->dropping == 0 || (int64_t)q->n >= max)
		return;
	body = event_dropped_body(q->dropping);
	q->dropping = 0;
	subq_journal(q);
	subq_push_line(q, body, 0);
	free(body);
}

void
subq_ack(struct subq *q, int64_t seq, int64_t max)
{
	char	*rec;

	if (seq <= q->acked)
		return;
	subq_journal(q);	/* an ack never precedes its event */
	q->delivered += subq_pop_to(q, seq);
	q->acked = seq;
	rec = proto_journal_ack(seq, -1, 0, 0, 0);
	subq_append(q, rec, strlen(rec));
	free(rec);
	subq_report_drops(q, max);
	subq_maybe_compact(q);
}
