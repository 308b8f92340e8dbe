/*
 * JSON helpers private to proto/: strict member access on top of cJSON.
 * Each getter returns 0, or -1 with err naming the member.
 */
#ifndef LAUNCH_PROTO_JSON_H
#define LAUNCH_PROTO_JSON_H

#include <cjson/cJSON.h>

#include "proto.h"

/* Parse exactly one JSON value (no NUL escapes, no trailing bytes);
 * pj_parse also insists on an object. */
cJSON	*pj_parse_any(const char *line, size_t len, struct proto_error *);
cJSON	*pj_parse(const char *line, size_t len, struct proto_error *);
/* Every member must be in allowed or also (may be NULL), once. */
int	 pj_check_members(const cJSON *, const char *const *allowed,
	    const char *const *also, const char *prefix,
	    struct proto_error *);
/* An optional boolean (absent or null: 0). */
int	 pj_bool(const cJSON *, const char *name, int *out,
	    struct proto_error *);
int	 pj_string(const cJSON *, const char *name, int required,
	    char **out, struct proto_error *);
int	 pj_int(const cJSON *, const char *name, int required, int64_t min,
	    int64_t max, int64_t *out, struct proto_error *);
int	 pj_strv(const cJSON *, const char *name, int required,
	    struct proto_strv *, struct proto_error *);
/* The same, refusing more than max_n entries or an entry longer than
 * max_len bytes (invalid_data naming the member or the entry). */
int	 pj_strv_max(const cJSON *, const char *name, int required,
	    size_t max_n, size_t max_len, struct proto_strv *,
	    struct proto_error *);
/* env: at most PROTO_ENV_MAX variables of PROTO_ARG_LEN_MAX bytes each
 * as NAME=VALUE. */
int	 pj_env(const cJSON *, const char *name, struct proto_strv *,
	    struct proto_error *);
/* A required string member naming a value of an enumeration. */
int	 pj_enum(const cJSON *, const char *name, int (*parse)(const char *),
	    int *out, struct proto_error *);
int	 pj_is_int(const cJSON *, int64_t min, int64_t max);

cJSON	*pj_strv_array(const struct proto_strv *);
cJSON	*pj_env_object(const struct proto_strv *);
cJSON	*pj_int_item(int64_t);
/* round(3) for the figures of replies, without libm. */
double	 pj_round(double);
void	 pj_add_int(cJSON *, const char *name, int64_t);
void	 pj_add_string_or_null(cJSON *, const char *name, const char *);
/* "exit_code" (-1: null) and "signal" (0: null, else its name). */
void	 pj_add_exit(cJSON *, int exit_code, int sig);
/* Print obj as one line with "\n", then delete obj. */
char	*pj_line(cJSON *obj);
/* proto-stats.c: a STATS object into s. */
int	 pj_stats_decode(const cJSON *, struct proto_stats *,
	    struct proto_error *);
cJSON	*pj_envelope(int64_t id);
/* "events": a set of classes ("failures,stats"). */
void	 pj_add_events(cJSON *, unsigned);
/* proto-stats.c: the members of a "capacity" or "stats" event. */
struct proto_event;
void	 pj_node_event_add(cJSON *, const struct proto_event *);
int	 pj_node_event_decode(const cJSON *, struct proto_event *,
	    struct proto_error *);
void	 proto_node_event_format(const struct proto_event *, char *buf,
	    size_t len);
/* Name a member of object OBJ as "OBJ.MEMBER" in err's field and
 * message ("qemu.vcpus: ..."). */
void	 pj_blame(struct proto_error *, const char *obj);
/* proto-usage.c: a JOB's "usage" member (added only when measured). */
void	 pj_usage_add(cJSON *job, const struct proto_usage *);
int	 pj_usage_decode(const cJSON *job, struct proto_usage *,
	    struct proto_error *);
/* proto-reply.c: a LABEL_ERROR object; the "errors" array of a result
 * (absent: none) into rep->errors. */
cJSON	*pj_label_error_object(const char *label, enum proto_code,
	    const char *message);
int	 pj_label_errors_decode(const cJSON *result, struct proto_reply *,
	    struct proto_error *);
/* proto-wait.c: a wait reply's result, and a progress line's object. */
int	 pj_wait_decode(const cJSON *result, struct proto_wait *,
	    struct proto_error *);
int	 pj_wait_progress_decode(const cJSON *, struct proto_wait_progress *,
	    struct proto_error *);

#endif
