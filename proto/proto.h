/*
 * The launch wire protocol.  Every message, every field, every error code.
 *
 * BUMP PROTO_VERSION ON ANY CHANGE to a message, a field or a code, and
 * update this comment and docs/protocol.md in the same commit.
 *
 * Framing: newline-delimited JSON, one object per line, UTF-8, no raw
 * newline inside a message.  A line longer than PROTO_LINE_MAX bytes
 * (newline excluded) is answered with invalid_payload and the connection
 * is closed.  A trailing "\r" is ignored and blank lines are skipped, so
 * `socat - UNIX-CONNECT:$sock` is a usable client.
 *
 * Request:  {"v": PROTO_VERSION, "id": N, "op": "OP", ...fields of OP}
 * Reply:    {"v": PROTO_VERSION, "id": N, "result": {...}}
 *       or  {"v": PROTO_VERSION, "id": N, "error": {"code": C, "message": M
 *                                       [, "field": F]}}
 *
 * "id" is an integer 0..2^53-1 chosen by the client and echoed; it is null
 * in the reply when the request had no usable id.  A connection's replies
 * come in the order of its requests (the daemon reads the next request
 * only after answering the previous one).  Decoding is strict: an unknown
 * field, a missing required field or a value of the wrong type or range is
 * invalid_data, and "field" names the offending member ("argv[2]",
 * "env.PATH").  Strings must not contain NUL (\u0000).
 *
 * SPEC: what a job is (the fields of submit, of each job in a job file,
 * and of `launch export`):
 *   "label", "argv": [str,...] (argv[0] non-empty),
 *   ["env": {"K": "V",...}]   the job's whole environment beyond the base
 *                             set (see docs/protocol.md),
 *   ["cwd": abs path]         default: the daemon's home,
 *   ["path": str]             PATH to look up argv[0] in (default: the
 *                             job's PATH),
 *   ["stdout": abs path], ["stderr": abs path]
 *                             appended to; default: the job's rotated log
 *                             under the state directory,
 *   ["restart": "no"|"on-failure"|"always"]   default "no",
 *   ["max_restarts": int >= -1]                default -1 (unlimited),
 *   ["ready_fd": 3..1023]     the job writes a newline there when ready,
 *   ["umask": 0..0777],
 *   ["rlimits": {"nofile": [soft, hard], ...}] -1 is unlimited; names:
 *                             as core cpu data fsize locks memlock msgqueue
 *                             nice nofile nproc rss rtprio stack
 *   ["kind": "process"|"qemu"|"docker"]  default "process" (version 5);
 *   "qemu": {...}  with kind qemu, and only then:
 *       "image": a name under the state directory's images/ or an
 *                absolute path; ["vcpus": 1..256] default 1;
 *       ["mem_mb": 16..1048576] default 512; ["disk_mb": 0..16777216]
 *       (0 or less than the image's size: the image's size);
 *       ["user_data": str, at most 65536 bytes]; ["efi": bool];
 *       ["kernel": abs path], ["initrd": abs path], ["append": str]
 *       (initrd and append need kernel).  argv must be empty (or absent);
 *       ready_fd, umask and rlimits do not apply.
 *   "docker": {...}  with kind docker, and only then:
 *       "image": str (1..255 printable, no space);
 *       ["memory_mb": 0..16777216] 0: no limit; ["cpus": 0..1024, a
 *       number] 0: no limit.  argv (may be empty: the image's command)
 *       and env go to the container; cwd, path, stdout, stderr,
 *       ready_fd, umask and rlimits do not apply.
 *
 * Operations (request fields; [optional]):
 *
 *   ping      -                        -> {"pid", "version", "proto",
 *                                          "jobs"}
 *   submit    SPEC fields, and
 *             ["wait_ready": bool]     reply only once the job is ready,
 *             ["ready_timeout_ms": int] ...or fail after this long
 *                                      -> {"job": JOB}, sent once exec(2)
 *                                         has succeeded (and, with
 *                                         wait_ready, the job is ready)
 *   submit_batch (version 7)  several jobs in one request, for job files:
 *             "jobs": [SPEC,...]       1..PROTO_BATCH_JOBS_MAX specs, each
 *                                      as for submit, labels distinct;
 *                                      an error names the job by index:
 *                                      "jobs[3].label",
 *             ["wait_ready": bool]     jobs with a ready_fd are waited
 *                                      for until ready (the others until
 *                                      exec); no ready_fd is needed,
 *             ["ready_timeout_ms": int] for the whole batch
 *                                      -> {"jobs": [JOB,...],
 *                                          "errors": [LABEL_ERROR,...]}
 *                                         once every job has exec'd (or
 *                                         is ready) or failed: a JOB per
 *                                         job started, a LABEL_ERROR per
 *                                         job refused (already_running,
 *                                         instance_exists, full) or that
 *                                         failed (launch_failure, ...;
 *                                         with wait_ready: "ended before
 *                                         it was ready", or at the
 *                                         timeout "not ready after Xs;
 *                                         the job is still starting").
 *                                         Every job is created in one
 *                                         turn of the daemon's loop, before
 *                                         any exec is waited for.  A
 *                                         client splits a bigger file
 *                                         into several requests, one
 *                                         after another.
 *   list      ["match": [glob,...]]    none: every job
 *                                      -> {"jobs": [JOB,...]} by label
 *   status    "label"                  -> {"job": JOB}
 *   stop      "match": [label|glob,...] (at least one),
 *             ["timeout_ms": int >= 0] default 10000,
 *             ["signal": "SIGTERM"]    default SIGTERM
 *                                      -> {"jobs": [JOB,...],
 *                                          "errors": [LABEL_ERROR,...]}
 *                                         sent once every matched job has
 *                                         ended (its process group empty)
 *   start     "match"                  runs ended jobs again with their
 *                                      spec -> as stop, once launched
 *   restart   "match", ["timeout_ms"], ["signal"]
 *                                      stop, then start -> as start
 *   remove    "match", ["timeout_ms"]  stop, then forget (state and logs)
 *                                      -> as stop, the jobs as they ended
 *   shutdown  ["timeout_ms": int >= 0] stops every job as stop does, then
 *                                      replies, removes the socket and
 *                                      exits -> {"jobs": [...],
 *                                      "errors": []}
 *   subscribe "addr": "IP:PORT"|"[IPv6]:PORT" (numeric),
 *             "token": 32..128 hex digits, the subscriber's secret,
 *             ["match": [glob,...]]    1..64 globs; default ["*"]
 *             ["events": "failures"|"exits"|"all"]  default "failures"
 *             ["ttl_ms": int >= 0]     0: never expires; default 24 h
 *             ["queue_max": 1..1000000] default 10000
 *                                      -> {"subscription": SUB}.  A
 *                                         subscription with the same
 *                                         token and addr is updated and
 *                                         resumed (queue kept), not doubled
 *   unsubscribe "subscription": int   -> {"subscription": SUB} as it was;
 *                                        unknown: unknown_label
 *   subscriptions -                    -> {"subscriptions": [SUB,...]}
 *   events    ["match"], ["events"]    as subscribe -> {"streaming": true},
 *                                      then one EVENT line per event until
 *                                      the client closes; the connection
 *                                      takes no further requests
 *   stats     -                        -> STATS (version 4)
 *   wait      "match": [label|glob,...] (at least one),
 *             ["timeout_ms": 0..PROTO_WAIT_TIMEOUT_MAX_MS]  none: no limit,
 *             ["progress": bool]       default false
 *                                      -> WAIT, once every job matched when
 *                                         the request came has ended, or
 *                                         at the timeout (version 6)
 * EVENT and SUB: see event.h.
 *
 * WAIT (the jobs matched when the request arrives: a job submitted later
 * is not waited for).  A job has ended when its state is "exited" or
 * "failed": a job in "backoff" will run again, and a job that `launch
 * restart` ends is waited for through its next run.  It succeeded if it
 * exited with code 0; any other end is a failure, and so is a job
 * removed while waited on (its last state, error "removed while waited
 * on").  Jobs already ended count at once, as they ended.
 *   {"succeeded": [label,...], "failed": [WAIT_JOB,...],
 *    "left": [label,...]       not ended at the timeout (else []),
 *    "timed_out": bool, "elapsed_ms": int,
 *    "errors": [LABEL_ERROR,...]}  each in label order.
 * WAIT_JOB: {"label", "state", "exit_code": int|null, "signal":
 *   "SIGKILL"|null, "error": str|null}.
 * With "progress": true, each time a waited job ends (and at once for
 * those that already have) the reply is preceded by a line
 *   {"v": 7, "id": N, "progress": {WAIT_JOB members, "succeeded": bool,
 *    "ended": K, "total": T}}   K of the T jobs have ended.
 * Only a wait has such lines; the client's decoder refuses them for any
 * other op.
 *
 * STATS (the daemon's machine, as ciao's STATS; for `launch stats` and
 * `submit --place`): {"mem_total_mb", "mem_available_mb" (MemFree +
 * Active(file) + Inactive(file), as ciao), "disk_total_mb",
 * "disk_available_mb" (the state directory's filesystem), "load1"
 * (number), "cpus" (online), "jobs_running", "jobs_total", "max_jobs"
 * (0: no limit), "status": "ready"|"full"}.
 *
 * JOB (a job's view; stable, documented for `launch list --json`): the
 * SPEC fields (absent optional ones are null), and
 *   "id": int, "kind": "process"|"qemu"|"docker",
 *   "state": "starting"|"running"|"stopping"|"exited"|"failed"|"backoff",
 *   "pid": int|null, "started_at": RFC3339 with ms (UTC)|null,
 *   "ready_at": ...|null, "ended_at": ...|null,
 *   "exit_code": int|null, "signal": "SIGKILL"|null,
 *   "restarts": int, "error": str|null,
 *   "logs": {"stdout": path, "stderr": path}  where output goes
 *   "container": str|null     (docker) the container's id
 *   exit_code is set when the job exited, signal when a signal killed it;
 *   error says why a job failed or was lost.
 *
 * LABEL_ERROR: {"label": str, "code": C, "message": str}, one for each
 * name in a stop/start/restart/remove/wait that matched nothing
 * (unknown_label), each job that could not be started (start), or each
 * job of a submit_batch that did not start.
 *
 * Labels: 1..255 bytes of [A-Za-z0-9._:/@+-], whose "/"-separated
 * segments are neither empty nor "." nor ".." (so no leading or trailing
 * "/", no "//", "/./" or "/../").  Globs: fnmatch(3) without
 * FNM_PATHNAME, so "*" matches "/" too; 1..1024 printable ASCII bytes.  A
 * name with no glob metacharacter (*?[) is a label and must be valid.
 *
 * Error codes (closed set; ciao's names where the meaning is the same):
 *   invalid_payload      not JSON, not an object, or a line too long
 *   invalid_data         a field is missing, unknown, or of a bad type
 *                        or value (including a bad label or op)
 *   unknown_label        no job has that label, or no job matches a glob
 *   already_running      submit: a live job has that label
 *   instance_exists      submit: a stopped or exited job has that label
 *   launch_failure       the job could not be started (exec, chdir or
 *                        open failed; the message carries the errno text)
 *   image_failure        (qemu, docker) the image is missing or unusable
 *   network_failure      (qemu, docker) networking could not be set up
 *   full                 the daemon's job limit is reached
 *   permission_denied    the peer's uid is not the daemon's
 *   unsupported_version  "v" is not a version this daemon speaks
 *   internal             the daemon failed in a way that is not the
 *                        request's fault (including: shutting down)
 *
 * This header is I/O-free: no sockets, no libev.  It is shared by the
 * daemon, the client and the tests.
 */
#ifndef LAUNCH_PROTO_H
#define LAUNCH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION		7
#define PROTO_LINE_MAX		(1024 * 1024)
#define PROTO_LABEL_MAX		255
#define PROTO_GLOB_MAX		1024
/*
 * Sizes a client may ask for, each refused beyond with invalid_data
 * naming the field and the limit.  One request line is at most
 * PROTO_LINE_MAX, which bounds the total; these bound what the line
 * alone does not: a job's argv and env must exec (one string at most
 * the kernel's MAX_ARG_STRLEN, 32 pages, with its NUL; the counts keep
 * the pointers well under ARG_MAX at the default 8 MiB stack), a path
 * must fit PATH_MAX, and a list that is walked per job or per entry
 * (env's duplicate check, a match list) must stay cheap.
 */
#define PROTO_ARGV_MAX		4096	/* argv entries */
#define PROTO_ENV_MAX		4096	/* env variables */
#define PROTO_ARG_LEN_MAX	131071	/* argv[i], NAME=VALUE, path, append */
#define PROTO_PATH_LEN_MAX	4095	/* cwd, stdout, stderr, kernel, initrd */
#define PROTO_MATCH_MAX		4096	/* labels or globs in a match */
#define PROTO_JOBFILE_JOBS_MAX	10000	/* jobs in one job file */
#define PROTO_BATCH_JOBS_MAX	1000	/* jobs in one submit_batch */
#define PROTO_ID_MAX		(((int64_t)1 << 53) - 1)
/* A measured figure sent as a JSON number with decimals (usage.cpu_pct,
 * stats' load1): at most this, so that its rounding to one or two
 * decimals (x * 100) stays finite and encodes again as a number (1e308
 * became infinity, and cJSON writes that as null). */
#define PROTO_FIGURE_MAX	1e9
#define PROTO_STOP_TIMEOUT_MS	10000
#define PROTO_WAIT_TIMEOUT_MAX_MS	(INT64_C(7) * 86400000)	/* a week */

enum proto_op {
	PROTO_OP_PING,
	PROTO_OP_SUBMIT,
	PROTO_OP_LIST,
	PROTO_OP_STATUS,
	PROTO_OP_STOP,
	PROTO_OP_SHUTDOWN,
	PROTO_OP_START,
	PROTO_OP_RESTART,
	PROTO_OP_REMOVE,
	PROTO_OP_SUBSCRIBE,
	PROTO_OP_UNSUBSCRIBE,
	PROTO_OP_SUBSCRIPTIONS,
	PROTO_OP_EVENTS,
	PROTO_OP_STATS,
	PROTO_OP_WAIT,
	PROTO_OP_SUBMIT_BATCH,
	PROTO_OP__COUNT
};

enum proto_code {
	PROTO_OK = 0,
	PROTO_E_INVALID_PAYLOAD,
	PROTO_E_INVALID_DATA,
	PROTO_E_UNKNOWN_LABEL,
	PROTO_E_ALREADY_RUNNING,
	PROTO_E_INSTANCE_EXISTS,
	PROTO_E_LAUNCH_FAILURE,
	PROTO_E_IMAGE_FAILURE,
	PROTO_E_NETWORK_FAILURE,
	PROTO_E_FULL,
	PROTO_E_PERMISSION_DENIED,
	PROTO_E_UNSUPPORTED_VERSION,
	PROTO_E_INTERNAL,
	PROTO_E__COUNT
};

enum proto_kind {
	PROTO_KIND_PROCESS,
	PROTO_KIND_QEMU,
	PROTO_KIND_DOCKER,
	PROTO_KIND__COUNT
};

enum proto_state {
	PROTO_STATE_STARTING,
	PROTO_STATE_RUNNING,
	PROTO_STATE_STOPPING,
	PROTO_STATE_EXITED,
	PROTO_STATE_FAILED,
	PROTO_STATE_BACKOFF,
	PROTO_STATE__COUNT
};

/* An error: the code, the member it concerns (may be empty), and text. */
struct proto_error {
	enum proto_code	code;
	char		field[64];
	char		message[512];
};

/* A NULL-terminated vector of owned strings. */
struct proto_strv {
	char	**v;
	size_t	  n;
};

enum proto_restart {
	PROTO_RESTART_NO,
	PROTO_RESTART_ON_FAILURE,
	PROTO_RESTART_ALWAYS,
	PROTO_RESTART__COUNT
};

struct proto_rlimit {
	int		resource;	/* RLIMIT_* */
	int64_t		soft;		/* -1: unlimited */
	int64_t		hard;
};

/* SPEC's "qemu" and "docker" objects. */
#define PROTO_USER_DATA_MAX	65536	/* qemu.user_data, bytes */
struct proto_qemu {
	char		*image;
	int64_t		 vcpus;
	int64_t		 mem_mb;
	int64_t		 disk_mb;	/* 0: the image's size */
	char		*user_data;	/* NULL: none */
	int		 efi;
	char		*kernel;	/* NULL: boot the disk */
	char		*initrd;
	char		*append;
};

struct proto_docker {
	char		*image;
	int64_t		 memory_mb;	/* 0: no limit */
	double		 cpus;		/* 0: no limit */
};

/* A job's spec: see SPEC above. */
struct proto_submit {
	enum proto_kind		 kind;
	struct proto_qemu	*qemu;		/* kind qemu only */
	struct proto_docker	*docker;	/* kind docker only */
	char			*label;
	struct proto_strv	 argv;
	struct proto_strv	 env;		/* "K=V" */
	char			*cwd;		/* NULL: default */
	char			*path;		/* NULL: default */
	char			*stdout_path;	/* NULL: the rotated log */
	char			*stderr_path;
	enum proto_restart	 restart;
	int64_t			 max_restarts;	/* -1: unlimited */
	int			 ready_fd;	/* 0: none */
	int			 umask;		/* -1: inherit */
	struct proto_rlimit	*rlimits;
	size_t			 nrlimits;
};

struct proto_sub;

struct proto_request {
	int64_t		 id;
	enum proto_op	 op;
	/* submit */
	struct proto_submit	 submit;
	int			 wait_ready;
	int64_t			 ready_timeout_ms;	/* 0: none */
	/* submit_batch (owned) */
	struct proto_submit	*jobs;
	size_t			 njobs;
	/* status */
	char			*label;
	/* list, stop, start, restart, remove: labels or globs */
	struct proto_strv	 match;
	int			 usage;		/* list: measure each job */
	/* stop, restart, remove, shutdown; wait (-1: no limit) */
	int64_t			 timeout_ms;	/* default PROTO_STOP_TIMEOUT_MS;
						 * wait: -1 */
	int			 progress;	/* wait */
	int			 signal;	/* default SIGTERM */
	/* subscribe (owned; NULL otherwise) */
	struct proto_sub	*sub;
	/* unsubscribe */
	int64_t			 sub_id;
	/* events: match, and the class (enum proto_events) */
	int			 events;
};

/*
 * What a live job uses, measured when asked (`status`, `list` with
 * "usage"; never sampled in the background).  The job's processes are
 * its main process and every descendant (with a shim: everything under
 * the shim, which is a subreaper, so orphans are counted too); the shim
 * itself is not in rss_kb or pss_kb but in shim_pss_kb.
 */
struct proto_usage {
	int	 have;		/* 0: not measured (not asked, not live) */
	double	 cpu_pct;	/* of one CPU, between samples */
	int64_t	 rss_kb;
	int64_t	 pss_kb;	/* -1: unknown (smaps_rollup unreadable) */
	int64_t	 shim_pss_kb;	/* -1: no shim, or unknown */
	int64_t	 procs;		/* processes counted */
};

struct proto_job {
	struct proto_submit	 spec;
	int64_t			 id;
	enum proto_kind		 kind;
	enum proto_state	 state;
	int64_t			 pid;		/* 0: none */
	int64_t			 started_ms;	/* Unix ms; 0: never */
	int64_t			 ready_ms;	/* Unix ms; 0: not ready */
	int64_t			 ended_ms;	/* Unix ms; 0: not ended */
	int			 exit_code;	/* -1: none */
	int			 signal;	/* 0: none */
	unsigned		 restarts;
	char			*error;
	char			*stdout_log;	/* where output goes */
	char			*stderr_log;
	char			*container;	/* docker: its id */
	struct proto_usage	 usage;		/* "usage" (version 6) */
	char			*host;		/* client side: the host a row
						 * came from (-H a,b); encoded
						 * as "host" when set */
};

struct proto_label_error {
	char		*label;
	enum proto_code	 code;
	char		*message;
};

struct proto_ping {
	int64_t	 pid;
	char	*version;
	int	 proto;
	int64_t	 jobs;
};

/* WAIT_JOB: how a waited job ended (a failed one in the reply; every one
 * in a progress line).  In the lists of labels only label (and host) is
 * set. */
struct proto_wait_job {
	char			*label;
	enum proto_state	 state;
	int			 exit_code;	/* -1: none */
	int			 signal;	/* 0: none */
	char			*error;		/* NULL: none */
	char			*host;		/* client side, -H a,b: the host
						 * it came from; never sent */
};

/* WAIT, without its errors (those are proto_reply's). */
struct proto_wait {
	struct proto_wait_job	*succeeded;
	size_t			 nsucceeded;
	struct proto_wait_job	*failed;
	size_t			 nfailed;
	struct proto_wait_job	*left;
	size_t			 nleft;
	int			 timed_out;
	int64_t			 elapsed_ms;
};

struct proto_wait_progress {
	struct proto_wait_job	 job;
	int			 succeeded;
	int64_t			 ended;		/* 1..total */
	int64_t			 total;
};

struct proto_stats {
	int64_t	 mem_total_mb;
	int64_t	 mem_available_mb;
	int64_t	 disk_total_mb;
	int64_t	 disk_available_mb;
	double	 load1;
	int64_t	 cpus;
	int64_t	 jobs_running;
	int64_t	 jobs_total;
	int64_t	 max_jobs;		/* 0: no limit */
	int	 full;
};

/* A decoded reply.  Which members are set depends on the request's op. */
struct proto_reply {
	int64_t			 id;		/* -1: null */
	int			 is_error;
	struct proto_error	 error;
	struct proto_ping	 ping;
	struct proto_stats	 stats;
	struct proto_job	*jobs;		/* submit, status: exactly 1 */
	size_t			 njobs;
	struct proto_label_error *errors;
	size_t			 nerrors;
	struct proto_sub	*subs;		/* (un)subscribe: exactly 1 */
	size_t			 nsubs;
	struct proto_wait	 wait;		/* wait */
	int			 is_progress;	/* wait: a progress line; only
						 * id and progress are set */
	struct proto_wait_progress progress;
};

/* Names: "submit", "invalid_data", "process", "running"; NULL if out of
 * range.  The _parse forms return -1 for an unknown name. */
const char	*proto_op_name(enum proto_op);
int		 proto_op_parse(const char *);
const char	*proto_code_name(enum proto_code);
int		 proto_code_parse(const char *);
const char	*proto_kind_name(enum proto_kind);
int		 proto_kind_parse(const char *);
const char	*proto_state_name(enum proto_state);
int		 proto_state_parse(const char *);
const char	*proto_restart_name(enum proto_restart);
int		 proto_restart_parse(const char *);
/* "nofile" <-> RLIMIT_NOFILE. */
const char	*proto_rlimit_name(int);
int		 proto_rlimit_parse(const char *);
/* "SIGTERM" <-> 15.  signal_parse also takes "TERM" and "15". */
const char	*proto_signal_name(int);
int		 proto_signal_parse(const char *);

/* Container names (proto-kinds.c): "launch-" and the label with every
 * byte outside [A-Za-z0-9.-] written as '_' and two hex digits ("/" ->
 * "_2f", "_" -> "_5f"), so that the mapping is one to one and every
 * result is a valid docker and podman name.  len >= 7 + 3 * 255 + 1. */
#define PROTO_CONTAINER_NAME_MAX	(7 + 3 * 255 + 1)
void	proto_container_name(const char *label, char *buf, size_t len);
/* The Docker Engine API's container create body for a docker SPEC (kind
 * docker): {"Image", "Cmd" (argv, only if given: else the image's),
 * "Env" (env as is), "Labels": {"launch.label", "launch.job": the job's
 * id as a string}, "HostConfig": {"Memory" (bytes), "NanoCpus"} (each
 * only when set)}.  malloc'd. */
char	*proto_docker_create_body(const struct proto_submit *, int64_t job_id);

/* Labels and globs (proto-label.c). */
int	proto_label_valid(const char *, char *why, size_t whylen);
/* The rule of every label ever accepted (its bytes and length, not the
 * segment rule added later): for jobs a daemon already holds, decoded
 * from records and replies, so that an upgrade never loses one. */
int	proto_label_known_valid(const char *, char *why, size_t whylen);
int	proto_glob_valid(const char *, char *why, size_t whylen);
int	proto_is_glob(const char *);
int	proto_glob_match(const char *glob, const char *label);

/* String vectors. */
void	proto_strv_add(struct proto_strv *, const char *);
void	proto_strv_free(struct proto_strv *);
void	proto_strv_copy(struct proto_strv *, const struct proto_strv *);

/* Requests (proto-request.c).  encode returns a malloc'd line ending in
 * "\n".  decode fills req (free with proto_request_free) or returns -1
 * with err set; req->id is set as soon as it is known, else -1. */
char	*proto_request_encode(const struct proto_request *);
int	 proto_request_decode(const char *line, size_t len,
	    struct proto_request *req, struct proto_error *err);
void	 proto_request_init(struct proto_request *, enum proto_op);
void	 proto_request_free(struct proto_request *);
void	 proto_submit_init(struct proto_submit *);
void	 proto_submit_free(struct proto_submit *);
void	 proto_submit_copy(struct proto_submit *, const struct proto_submit *);
/* The length of spec as submit_batch's "jobs" carries it (without the
 * comma between two): what a client adds up to split a job file into
 * requests that each fit a line. */
size_t	 proto_spec_encoded_len(const struct proto_submit *);
/* Set an rlimit, replacing an earlier one for the same resource. */
void	 proto_submit_set_rlimit(struct proto_submit *, int resource,
	    int64_t soft, int64_t hard);

/* Job files (proto-jobfile.c): a JSON array of SPEC objects.  decode
 * validates the whole file before returning anything; an error names the
 * job (index and label) and the field.  encode is what `export` prints. */
int	 proto_jobfile_decode(const char *text, size_t len,
	    struct proto_submit **specs, size_t *n, struct proto_error *err);
char	*proto_jobfile_encode(const struct proto_submit *specs, size_t n);
void	 proto_specs_free(struct proto_submit *specs, size_t n);

/* Replies (proto-reply.c).  id -1 encodes as null. */
char	*proto_reply_error(int64_t id, const struct proto_error *);
char	*proto_reply_ping(int64_t id, const struct proto_ping *);
char	*proto_reply_job(int64_t id, const struct proto_job *);
/* subscribe, unsubscribe: one; subscriptions: n (may be 0). */
char	*proto_reply_subs(int64_t id, enum proto_op,
	    const struct proto_sub *, size_t n);
char	*proto_reply_streaming(int64_t id);
/* list, stop, shutdown: built incrementally; jobs are copied when added. */
struct proto_jobs_reply;
struct proto_jobs_reply *proto_jobs_reply_new(void);
void	 proto_jobs_reply_add(struct proto_jobs_reply *,
	    const struct proto_job *);
void	 proto_jobs_reply_add_error(struct proto_jobs_reply *,
	    const char *label, enum proto_code, const char *message);
size_t	 proto_jobs_reply_count(const struct proto_jobs_reply *);
char	*proto_jobs_reply_finish(struct proto_jobs_reply *, int64_t id);
void	 proto_jobs_reply_free(struct proto_jobs_reply *);
/* list, encoded as it is sent (proto-list.c): begin, then add the jobs
 * one by one (index: 0 for the first), then end (with the newline), all
 * appended to b.  The same bytes as a proto_jobs_reply without errors.
 * proto_job_encode: one JOB object, as pj_job_object prints. */
struct buf;
void	 proto_list_begin(struct buf *b, int64_t id);
void	 proto_list_add(struct buf *b, const struct proto_job *,
	    size_t index);
void	 proto_list_end(struct buf *b);
void	 proto_job_encode(struct buf *b, const struct proto_job *);
/* Whether line (len bytes, without its newline) is a list result for id
 * in exactly the form above: 1 with the jobs array (a JSON array, not
 * checked inside) at line + *off, *jobs_len bytes; 0 for anything else
 * (an error, another encoder), which the caller decodes. */
int	 proto_list_jobs(const char *line, size_t len, int64_t id,
	    size_t *off, size_t *jobs_len);

/* wait (proto-wait.c): the reply (errors: LABEL_ERRORs, n of them) and
 * a progress line. */
char	*proto_reply_wait(int64_t id, const struct proto_wait *,
	    const struct proto_label_error *errors, size_t n);
char	*proto_wait_progress_line(int64_t id,
	    const struct proto_wait_progress *);
/* A copy of what a job's view says of its end: label, state, exit_code,
 * signal and error (strings copied). */
void	 proto_wait_job_set(struct proto_wait_job *, const char *label,
	    enum proto_state, int exit_code, int sig, const char *error);
void	 proto_wait_job_free(struct proto_wait_job *);
void	 proto_wait_free(struct proto_wait *);
/* "exit 2", "SIGKILL", "exit 1; gave up after 3 restarts in a row": how
 * a waited job ended, for people. */
void	 proto_wait_job_outcome(const struct proto_wait_job *, char *buf,
	    size_t len);
/* "Timeout reached at 5.0 s with 2 jobs left" */
void	 proto_wait_timeout_message(const struct proto_wait *, char *buf,
	    size_t len);
/* `launch wait`'s summary: an indented JSON object, "\n"-terminated
 * (see cmd-wait.c); unknown: the names that matched no job. */
char	*proto_wait_summary(const struct proto_wait *,
	    const struct proto_wait_job *unknown, size_t nunknown);

/* Decode a reply to op.  For wait, a progress line is accepted too (and
 * sets is_progress); for any other op it is refused. */
int	 proto_reply_decode(const char *line, size_t len, enum proto_op op,
	    struct proto_reply *, struct proto_error *err);
void	 proto_reply_free(struct proto_reply *);
void	 proto_job_free(struct proto_job *);

/*
 * On-disk formats (proto-state.c), versioned by their own "v" member
 * (PROTO_STATE_VERSION), not by the wire protocol's.
 *
 * jobs/ID.json, the daemon's record of a job: the JOB view plus
 *   "shim": {"pid", "sock", "boot_id"}, "user_stopped": bool,
 *   "backoff": int (consecutive failed starts), "fresh": bool (a
 *   submit's first launch, not yet launched: if the daemon dies before
 *   the shim is up, the job was never submitted), and for VMs "exec":
 *   [str,...] (the command line the shim runs) and "qmp": path (the
 *   socket the shim stops the VM through).  Both optional, so the
 *   records of earlier versions still load.
 * jobs/journal, the daemon's journal (launchd/journal.c): one line per
 *   change, each a record as above, or {"v", "forget": ID} when the
 *   job is removed; the last line of an id wins.  (jobs/ID.json, one
 *   file per record, is what versions before the journal wrote; they
 *   are read once and folded into the journal.)
 * jobs/ID.status, the shim's record: {"v", "shim_pid", "pid",
 *   "started_at", "ready_at", "ended_at", "wstatus": int|null,
 *   "stopping": bool, "error": str|null}.
 */
#define PROTO_STATE_VERSION	1

struct proto_shim_ref {
	int64_t	 pid;		/* 0: none */
	char	 sock[48];	/* abstract socket name, without the NUL */
	char	 boot_id[40];	/* /proc/sys/kernel/random/boot_id */
};

struct proto_record {
	struct proto_job	 job;
	struct proto_shim_ref	 shim;
	struct proto_strv	 exec;		/* what the shim runs; n 0:
						 * spec.argv (qemu: its
						 * command line) */
	char			*qmp;		/* qemu: the QMP socket the
						 * shim stops it through */
	int			 user_stopped;
	int			 backoff;
	int			 fresh;
};

struct proto_shim_status {
	int64_t	 shim_pid;
	int64_t	 pid;
	int64_t	 started_ms;
	int64_t	 ready_ms;
	int64_t	 ended_ms;
	int	 wstatus;	/* -1: not ended */
	int	 stopping;
	char	*error;		/* launch failure, or NULL */
};

char	*proto_record_encode(const struct proto_record *);
int	 proto_record_decode(const char *, size_t, struct proto_record *,
	    struct proto_error *);
void	 proto_record_free(struct proto_record *);
char	*proto_forget_encode(int64_t id);
/* A journal line: a record (0, *forget 0), a forget line (0, *forget the
 * id, st empty), or -1 with err set. */
int	 proto_journal_line_decode(const char *, size_t, struct proto_record *,
	    int64_t *forget, struct proto_error *);
char	*proto_shim_status_encode(const struct proto_shim_status *);
int	 proto_shim_status_decode(const char *, size_t,
	    struct proto_shim_status *, struct proto_error *);

/* The job view as a JSON document, as `list --json` prints it. */
char	*proto_jobs_json(const struct proto_job *, size_t n, int pretty);
/* proto-stats.c.  proto_stats_json: one line, tagged with host unless
 * NULL; proto_stats_decode reads it back.  proto_stats_room: how much
 * room a host has, 0..1: the least of its free memory fraction, its
 * free CPU (1 - load per CPU) and its free job slots (1 - running /
 * max_jobs); 0 when full. */
char	*proto_reply_stats(int64_t id, const struct proto_stats *);
char	*proto_stats_json(const struct proto_stats *, const char *host);
int	 proto_stats_decode(const char *text, size_t len,
	    struct proto_stats *, struct proto_error *err);
double	 proto_stats_room(const struct proto_stats *);
/* proto-cli.c: JSON that `launch` prints and no daemon sends
 * (docs/json.md).  ping --json: the reply and where it came from (socket
 * or host, the other null); version --json.  A fan-out's merge: each
 * host's --json output (an array of objects, or one object) added
 * (0, or -1 with err when it is neither), then one array whose objects
 * carry "host" first (the host as given), as one line. */
char	*proto_ping_json(const struct proto_ping *, const char *socket,
	    const char *host);
char	*proto_version_json(const char *version);
struct proto_hosts_json;
struct proto_hosts_json *proto_hosts_json_new(void);
int	 proto_hosts_json_add(struct proto_hosts_json *, const char *host,
	    const char *text, size_t len, struct proto_error *);
char	*proto_hosts_json_finish(struct proto_hosts_json *);
/* The reverse: a JSON array of job views (`launch list --json`'s
 * output) into *jobs.  0, or -1 with err. */
int	 proto_jobs_decode(const char *text, size_t len,
	    struct proto_job **jobs, size_t *n, struct proto_error *err);

/* "2026-11-21T10:00:00.123Z" <-> Unix ms. */
void	 proto_time_format(int64_t ms, char *buf, size_t len);
int	 proto_time_parse(const char *, int64_t *ms);

void	 proto_error_set(struct proto_error *, enum proto_code,
	    const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
