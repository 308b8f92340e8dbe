/*
 * Target "decoders": every other decoder that reads bytes this program
 * did not write itself.  The first byte picks one, the rest is its
 * input (a copy of exactly that length):
 *   0..14  proto_reply_decode for that op (the client reading a daemon,
 *          local or through `launch bridge` on another machine); an
 *          accepted list of jobs is printed as `list --json` prints it
 *          and must read back with proto_jobs_decode; each job encoded
 *          by proto_job_encode must be byte for byte what the cJSON
 *          tree prints, and the jobs streamed as a list reply
 *          (proto_list_begin, _add, _end) must decode strictly to as
 *          many jobs, and pass the client's frame check
 *   15 proto_record_decode       jobs/ID.json, read by a restarted daemon
 *   16 proto_shim_status_decode  jobs/ID.status, written by the shim
 *   17 proto_stats_decode        `launch stats` lines (submit --place)
 *   18 proto_jobs_decode         `list --json` output read back
 *   19 proto_event_decode        EVENT lines (`launch events`), then
 *                                proto_event_format as they are printed
 *   20 proto_hello_decode        21 proto_ack_decode (the daemon reading
 *                                a subscriber over TCP)
 *   22 proto_sub_decode          subs/ID.json
 *   23 proto_journal_decode      subs/ID.queue lines
 *   24 proto_receiver_decode     a receiver's state file
 *   25 proto_reply_decode for submit_batch (op 15, version 7: it came
 *          after the others were numbered)
 * The seeds' first bytes are 'N' (78, 3 x 26) plus the number.
 * Refusals must free what they allocated; acceptances are freed here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "event.h"
#include "fuzz.h"
#include "proto.h"

#define DECODERS	26
/* A new op needs a number above, and its seeds. */
_Static_assert(PROTO_OP__COUNT == 16, "fuzz-decoders: number the new op");

/* The hand-written JOB encoder (proto/proto-list.c) against the tree
 * encoder and the strict decoder. */
static void
stream_jobs(const struct proto_job *jobs, size_t n)
{
	struct proto_reply	 rep;
	struct proto_error	 err;
	struct buf		 b, one;
	size_t			 off, k;
	char			*tree;

	memset(&b, 0, sizeof b);
	memset(&one, 0, sizeof one);
	proto_list_begin(&b, 7);
	for (size_t i = 0; i < n; i++) {
		one.off = one.len = 0;
		buf_add(&one, "[", 1);
		proto_job_encode(&one, &jobs[i]);
		buf_add(&one, "]\n", 2);
		tree = proto_jobs_json(&jobs[i], 1, 0);
		if (buf_used(&one) != strlen(tree) ||
		    memcmp(buf_head(&one), tree, strlen(tree)) != 0)
			abort();
		free(tree);
		proto_list_add(&b, &jobs[i], i);
	}
	proto_list_end(&b);
	if (proto_reply_decode(buf_head(&b), buf_used(&b) - 1, PROTO_OP_LIST,
	    &rep, &err) == -1 || rep.is_error || rep.njobs != n)
		abort();
	proto_reply_free(&rep);
	if (!proto_list_jobs(buf_head(&b), buf_used(&b) - 1, 7, &off, &k))
		abort();
	buf_free(&one);
	buf_free(&b);
}

static void
decode_reply(const char *text, size_t len, enum proto_op op)
{
	struct proto_reply	 rep;
	struct proto_error	 err;
	struct proto_job	*jobs;
	size_t			 n;
	char			*json;

	memset(&rep, 0, sizeof rep);
	if (proto_reply_decode(text, len, op, &rep, &err) == -1)
		return;
	if (rep.njobs > 0) {
		json = proto_jobs_json(rep.jobs, rep.njobs, 1);
		if (proto_jobs_decode(json, strlen(json), &jobs, &n,
		    &err) == -1 || n != rep.njobs)
			abort();
		for (size_t i = 0; i < n; i++)
			proto_job_free(&jobs[i]);
		free(jobs);
		free(json);
		stream_jobs(rep.jobs, rep.njobs);
	}
	proto_reply_free(&rep);
}

static void
decode_other(const char *text, size_t len, int which)
{
	struct proto_error		 err;
	struct proto_record		 rec;
	struct proto_shim_status	 st;
	struct proto_stats		 stats;
	struct proto_job		*jobs;
	struct proto_event		 ev;
	struct proto_hello		 hello;
	struct proto_sub		 sub;
	struct proto_journal		 j;
	struct proto_receiver_state	 rs;
	char				 line[8192];
	int64_t				 seq;
	size_t				 n;

	switch (which) {
	case 15:
		if (proto_record_decode(text, len, &rec, &err) == 0)
			proto_record_free(&rec);
		break;
	case 16:
		if (proto_shim_status_decode(text, len, &st, &err) == 0)
			free(st.error);
		break;
	case 17:
		(void)proto_stats_decode(text, len, &stats, &err);
		break;
	case 18:
		if (proto_jobs_decode(text, len, &jobs, &n, &err) == 0) {
			for (size_t i = 0; i < n; i++)
				proto_job_free(&jobs[i]);
			free(jobs);
		}
		break;
	case 19:
		if (proto_event_decode(text, len, &ev, &err) == 0) {
			proto_event_format(&ev, line, sizeof line);
			proto_event_free(&ev);
		}
		break;
	case 20:
		if (proto_hello_decode(text, len, &hello, &err) == 0)
			proto_hello_free(&hello);
		break;
	case 21:
		(void)proto_ack_decode(text, len, &seq, &err);
		break;
	case 22:
		proto_sub_init(&sub);
		if (proto_sub_decode(text, len, &sub, &err) == 0)
			proto_sub_free(&sub);
		break;
	case 23:
		if (proto_journal_decode(text, len, &j, &err) == 0 &&
		    j.is_event)
			proto_event_free(&j.ev);
		break;
	case 24:
		if (proto_receiver_decode(text, len, &rs, &err) == 0)
			proto_receiver_free(&rs);
		break;
	}
}

int
fuzz_decoders(const uint8_t *data, size_t size)
{
	char	*text;
	int	 which;

	if (size == 0)
		return 0;
	which = data[0] % DECODERS;
	text = fuzz_copy(data + 1, size - 1);
	if (which < PROTO_OP_SUBMIT_BATCH)
		decode_reply(text, size - 1, (enum proto_op)which);
	else if (which == 25)
		decode_reply(text, size - 1, PROTO_OP_SUBMIT_BATCH);
	else
		decode_other(text, size - 1, which);
	free(text);
	return 0;
}
