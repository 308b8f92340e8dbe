/* SPEC encoding and decoding, private to proto/ (see proto-spec.c). */
#ifndef LAUNCH_PROTO_SPEC_H
#define LAUNCH_PROTO_SPEC_H

#include <cjson/cJSON.h>

#include "proto.h"

extern const char *const pj_spec_members[];

/* Add the spec's members to o; with_nulls adds unset ones as null. */
void	pj_spec_add(cJSON *o, const struct proto_submit *, int with_nulls);
/* A valid label, or invalid_data naming field. */
int	pj_check_label(const char *field, const char *label,
	    struct proto_error *);
/* NULL or at most max bytes, else invalid_data naming field. */
int	pj_check_length(const char *field, const char *s, size_t max,
	    struct proto_error *);
/* NULL or an absolute path of at most PROTO_PATH_LEN_MAX bytes, else
 * invalid_data naming field. */
int	pj_check_abs_path(const char *field, const char *path,
	    struct proto_error *);
/* known: a job a daemon already holds (a record, a reply), whose label
 * is checked with proto_label_known_valid; else a new one (a submit, a
 * job file), checked with proto_label_valid. */
int	pj_spec_decode(const cJSON *o, struct proto_submit *, int known,
	    struct proto_error *);

/* SPEC's kind and its qemu and docker objects (proto-kinds.c). */
void	pj_kind_add(cJSON *o, const struct proto_submit *, int with_nulls);
int	pj_kind_decode(const cJSON *o, struct proto_submit *,
	    struct proto_error *);
void	pj_kind_free(struct proto_submit *);
void	pj_kind_copy(struct proto_submit *dst, const struct proto_submit *src);

/* The JOB view (proto-reply.c). */
cJSON	*pj_job_object(const struct proto_job *);
int	 pj_job_decode(const cJSON *, struct proto_job *, struct proto_error *);
int	 pj_time_decode(const cJSON *, const char *name, int64_t *ms,
	    struct proto_error *);

/* The SUB view (proto-sub.c); secret adds the token. */
struct proto_sub;
cJSON	*pj_sub_object(const struct proto_sub *, int secret);
int	 pj_sub_decode(const cJSON *, struct proto_sub *,
	    struct proto_error *);
/* The results of subscribe, unsubscribe, subscriptions and events. */
int	 pj_subs_reply_decode(const cJSON *result, enum proto_op,
	    struct proto_reply *, struct proto_error *);

#endif
