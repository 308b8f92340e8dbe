/*
 * The daemon's internal interfaces: peers (client connections), jobs and
 * their drivers, waiters (replies that come later) and the state
 * directory.
 *
 * Ownership and lifetime (see docs/design.md for the reasoning):
 * - A peer is freed only when it is closed and no waiter still holds a
 *   reference (peer_ref/peer_unref), so a callback never touches freed
 *   memory when a client hangs up mid-request.
 * - A job is owned by the job table; job_destroy is never called while a
 *   waiter counts on it (waiters are settled first).
 * - A waiter owns the reply it is building; a job adds a snapshot of its
 *   view when it satisfies the waiter, so a waiter keeps no job pointer.
 *   (A `wait` keeps one per job still pending, which job_destroy's
 *   settling makes safe: see wait.c.)
 */
#ifndef LAUNCH_LAUNCHD_H
#define LAUNCH_LAUNCHD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <ev.h>

#include "buf.h"
#include "proto.h"

/* A request or reply this big leaves freed memory worth giving back
 * (server_trim_soon). */
#define PEER_BIG		(64 * 1024)
/* Output a peer may queue before the daemon stops reading its requests. */
#define PEER_OUT_HIGH		(4 * 1024 * 1024)
/* Restart backoff: 100 ms doubling to 30 s; reset after 10 s up. */
#define JOB_BACKOFF_MIN		0.1
#define JOB_BACKOFF_MAX		30.0
#define JOB_BACKOFF_RESET_MS	10000

struct waiter;
struct stream;
struct wait;
struct job;
struct proto_event;
struct proto_sub;

struct peer {
	int			 fd;
	ev_io			 rd;
	ev_io			 wr;
	ev_timer		 more;		/* lines left: next turn */
	struct buf		 in;
	size_t			 scanned;	/* bytes of in without '\n' */
	struct buf		 out;
	int			 refs;
	int			 dead;		/* closed; freed at refs 0 */
	int			 busy;		/* a reply is pending */
	int			 close_after_flush;
	int			 eof;		/* input ended mid-wait: see
						 * peer.c */
	int			 hup_watched;	/* in peer.c's epoll set */
	int			 lingering;	/* see peer.c */
	size_t			 lingered;
	int			 exit_after_flush;
	unsigned		 serial;	/* for logs */
	struct stream		*stream;	/* `events`: see event.c */
	struct wait		*wait;		/* a `wait` pending: wait.c */
	TAILQ_ENTRY(peer)	 entry;
};

/* What a waiter waits for, per job. */
enum job_want {
	JOB_WANT_ENDED,		/* not live any more (stop, remove) */
	JOB_WANT_LAUNCHED,	/* exec succeeded (start, submit) */
	JOB_WANT_READY,		/* ready (submit --wait-ready) */
	JOB_WANT_FINISHED,	/* ended for good: exited or failed, no
				 * restart coming (wait; job_finished) */
};

/* A request waiting for jobs.  A single-job waiter answers as submit
 * does ({"job"} or an error); the others as stop does ({"jobs",
 * "errors"}). */
struct waiter {
	struct peer		*peer;		/* NULL: nobody to answer */
	int64_t			 id;
	int			 single;
	int			 batch;		/* submit_batch: a job that
						 * failed is only an error */
	int			 want_ready;	/* single, batch: --wait-ready */
	size_t			 pending;	/* jobs not yet settled */
	struct proto_jobs_reply	*reply;
	char			*single_line;	/* single: the reply */
	ev_timer		 timeout;	/* single, batch: ready
						 * timeout */
	void			(*done)(struct waiter *, char *line);
	/* When set, a job that settles the waiter calls this instead
	 * (wait.c keeps its own count and reply). */
	void			(*settled)(struct waiter *,
				    const struct job *);
};

/* A job's lifecycle events: the columns of the state x event table. */
enum job_event {
	JOB_EV_LAUNCHED,	/* the job's exec succeeded */
	JOB_EV_READY,		/* it wrote its readiness newline */
	JOB_EV_LAUNCH_FAILED,	/* it could not be started */
	JOB_EV_EXIT,		/* it ended: main process and group gone */
	JOB_EV_LOST,		/* its shim vanished without a word */
	JOB_EV_STOP,		/* a stop was requested */
	JOB_EV_START,		/* start it (again) */
	JOB_EV_BACKOFF_DONE,	/* the restart delay is over */
	JOB_EV__COUNT
};

struct job;
struct docker_job;

/* What differs between processes, VMs and containers. */
struct driver {
	enum proto_kind	  kind;
	int		  shim;		/* runs under a shim (proc.c) */
	/* Begin launching: 0 (events follow), or -1 with why set. */
	int		(*start)(struct job *, char *why, size_t whylen);
	/* Stop the job: signal, then SIGKILL after timeout_ms. */
	void		(*stop)(struct job *, int sig, int64_t timeout_ms);
	/* Reattach to a job found running at startup: 0 or -1. */
	int		(*adopt)(struct job *);
	void		(*cleanup)(struct job *);
	/* The job is removed: delete what it left (files, container). */
	void		(*forget)(struct job *);
};

struct job_wait {
	struct waiter	*waiter;
	enum job_want	 want;
	unsigned	 min_gen;	/* launches before this do not count */
};

/* usage.c: the previous CPU sample of a job's run. */
struct job_usage {
	pid_t		 root;		/* 0: none yet */
	unsigned	 generation;
	long long	 ticks;
	int64_t		 at_ms;		/* monotonic */
	double		 cpu;		/* last figure */
};

struct job {
	int64_t			 id;
	struct proto_submit	 spec;		/* spec.label is the key */
	const struct driver	*driver;
	enum proto_state	 state;
	pid_t			 pid;		/* 0: none */
	int64_t			 started_ms;
	int64_t			 ready_ms;
	int64_t			 ended_ms;
	int			 exit_code;	/* -1: none */
	int			 signal;	/* 0: none */
	unsigned		 restarts;
	char			*error;
	enum proto_code		 fail_code;	/* of a failed launch */
	const char		*fail_field;
	char			*stdout_log;	/* where output goes */
	char			*stderr_log;

	unsigned		 generation;	/* launches so far */
	int			 fresh;		/* never launched: submit */
	int			 unsaved;	/* its record's last write
						 * failed (state.c retries) */
	size_t			 dirty;		/* in this turn's writes:
						 * its index + 1 (state.c) */
	size_t			 record_len;	/* its last line's size */
	int			 launched;	/* this generation's exec ok */
	int			 launch_failed;	/* this generation's did not */
	int			 user_stopped;	/* no restart by policy */
	int			 restart_pending; /* `launch restart` */
	int			 removing;	/* `launch remove` */
	int			 lost;		/* act_lost -> act_ended */
	int			 backoff;	/* consecutive failed runs */
	ev_timer		 backoff_timer;

	/* the shim (proc.c) */
	struct proto_shim_ref	 shim;
	int			 spawn_fd;	/* its listening socket until
						 * the spawner has it; -1 */
	int			 spawn_mfd;	/* its record for the shim */
	int			 spawn_queued;	/* in proc.c's send queue */
	int			 spawning;	/* the spawner has not
						 * answered yet */
	int			 ctl_eof;	/* ...and the shim's socket
						 * closed meanwhile */
	int			 status_file;	/* jobs/ID.status may be
						 * there (a previous run's) */
	int			 ctl;		/* control connection */
	int			 ctl_owed;	/* its shim waits for an ack */
	ev_io			 ctl_io;
	struct buf		 ctl_in;

	/* qemu (qemu.c): the command line the shim runs, and the QMP
	 * socket it stops the VM through; both in the record */
	struct proto_strv	 exec;
	char			*qmp;
	/* docker (docker.c) */
	char			*container;	/* its id; in the record */
	struct docker_job	*docker;	/* requests in flight */

	struct job_usage	 usage;

	struct job_wait		*waits;
	size_t			 nwaits;
	int			 in_history;	/* ended: in job.c's list */
	TAILQ_ENTRY(job)	 ended_entry;
	unsigned		 mark;		/* dedupe within a request */
};

/* activate.c: systemd socket activation.  *fd: the listening socket
 * passed for path, or -1 when the daemon was not socket-activated.  0, or
 * -1 with a message in err.  LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
 * are removed from the environment either way. */
int	 activate_socket(const char *path, int *fd, char *err, size_t errlen);

/* server.c */
extern struct ev_loop	*server_loop;
extern int		 server_shutting_down;
int64_t	 server_now_ms(void);
void	 server_exit(void);
/* Stop listening and remove the socket (before the shutdown reply). */
void	 server_close_listener(void);
/* Big requests or replies came and went: give freed heap back to the
 * system at the next turn of the loop (malloc_trim). */
void	 server_trim_soon(void);
/* Exit within a few seconds even if the last reply cannot be flushed. */
void	 server_exit_deadline(void);

/* peer.c */
int	 peer_accept_one(int listen_fd);	/* -1: accept(2) failed */
void	 peer_send(struct peer *, char *line);	/* takes line */
/* A reply written in parts (list): append to peer_out's buffer, call
 * peer_out_push after each part (sends early once enough is queued),
 * and peer_out_done once the reply is whole.  A peer may die meanwhile
 * (p->dead): stop encoding then. */
struct buf *peer_out(struct peer *);
void	 peer_out_push(struct peer *);
void	 peer_out_done(struct peer *);
void	 peer_ref(struct peer *);
void	 peer_unref(struct peer *);
void	 peer_done(struct peer *);		/* busy -> ready */
void	 peer_done_soon(struct peer *);		/* ...from the loop */
void	 peer_close_all(void);
size_t	 peer_count(void);

/* request.c */
void	 request_handle(struct peer *, const char *line, size_t len);
/* Stop every job, then exit; p (may be NULL) gets the reply. */
void	 request_shutdown_all(struct peer *p, int64_t id, int64_t timeout_ms);
/* The jobs that match names (each once, in label order; every job if
 * match is NULL); unknown(arg, name, message) for each name that matches
 * none.  Free the array, not the jobs. */
struct job **request_match(const struct proto_strv *match, size_t *n,
	    void (*unknown)(void *, const char *, const char *), void *arg);

/* wait.c: the `wait` request, and its peer closing mid-wait. */
void	 wait_request(struct peer *, const struct proto_request *);
void	 wait_peer_gone(struct peer *);

/* job.c */
struct job	*job_find(const char *label);
size_t		 job_count(void);
/* Every job sorted by label; free the array (not the jobs). */
struct job	**job_all(size_t *n);
int		 job_live(const struct job *);
/* Create and launch; the waiter (single) gets the reply. */
int		 job_submit(const struct proto_submit *, struct waiter *,
		    enum job_want, struct proto_error *);
void		 job_stop(struct job *, int sig, int64_t timeout_ms,
		    struct waiter *);
void		 job_start(struct job *, struct waiter *);
void		 job_restart(struct job *, int sig, int64_t timeout_ms,
		    struct waiter *);
void		 job_remove(struct job *, int64_t timeout_ms,
		    struct waiter *);
void		 job_event(struct job *, enum job_event);
/* After recovery: the list of ended jobs, oldest end first. */
void		 job_history_rebuild(void);
void		 job_view(const struct job *, struct proto_job *);
/* The shim's status changed (eof: its connection closed). */
void		 job_shim_status(struct job *,
		    const struct proto_shim_status *, int eof);
/* Its connection closed: settle from the shim's status file. */
void		 job_shim_gone(struct job *);
void		 job_set_history(size_t);
/* For recover.c: build and index a job, set its error, arm its backoff. */
struct job	*job_new(const struct proto_submit *, int64_t id);
void		 job_index(struct job *);
void		 job_set_error(struct job *, const char *);
void		 job_schedule_restart(struct job *);
void		 job_set_state(struct job *, enum proto_state);
/* Register w with j for want (from launch min_gen on); drop every
 * registration of w with j. */
void		 job_add_wait(struct job *, struct waiter *, enum job_want,
		    unsigned min_gen);
void		 job_drop_wait(struct job *, struct waiter *);
/* Exited or failed, and no restart is under way. */
int		 job_finished(const struct job *);

/* usage.c: what a live job uses now (u->have 0 if not live). */
void		 usage_measure(struct job *, struct proto_usage *);

/* recover.c */
/* Load every job from the state directory and reattach or settle it. */
void		 job_recover(void);

/* waiter.c */
struct waiter	*waiter_new(struct peer *, int64_t id,
		    void (*done)(struct waiter *, char *));
struct waiter	*waiter_new_single(struct peer *, int64_t id,
		    int64_t timeout_ms);
/* submit_batch: answers as stop does, with the started jobs and an
 * error for each that failed; after timeout_ms (0: none) at once, each
 * job not yet settled being an error. */
struct waiter	*waiter_new_batch(struct peer *, int64_t id,
		    int64_t timeout_ms);
void		 waiter_add_job(struct waiter *, const struct job *);
void		 waiter_add_error(struct waiter *, const char *label,
		    enum proto_code, const char *message);
void		 waiter_settled(struct waiter *, const struct job *);
void		 waiter_arm(struct waiter *);
void		 waiter_reply_to_peer(struct waiter *, char *line);

/* state.c: the state directory (see the comment there) */
/* Open (create, lock) the state directory: a SERVER_EXIT_* code. */
int	 state_open(const char *dir, int64_t log_size, int log_files,
	    char *err, size_t errlen);
const char *state_dir(void);

/* capacity.c: the job limit.  full: 1 (with msg) when one more job
 * would exceed it. */
void	 capacity_set_max(int64_t);
int64_t	 capacity_max_jobs(void);		/* 0: none */
int64_t	 capacity_active(void);		/* live or backing off */
int	 capacity_full(char *msg, size_t len);
/* A job went from one state to another (EXITED: none). */
void	 capacity_note(enum proto_state from, enum proto_state to);

/* stats.c */
void	 stats_collect(struct proto_stats *);
const char *state_boot_id(void);
int64_t	 state_log_size(void);
int	 state_log_files(void);
/* The job's record is to be written (at the end of this turn); 0. */
int	 state_save(struct job *);
void	 state_save_unsaved(void);
/* Remove the job's record and files (a forget line is written). */
void	 state_forget(struct job *);
/* Are records waiting for room on the disk? */
int	 state_has_unsaved(void);
/* The job is being freed: out of this turn's writes. */
void	 state_drop(struct job *);
/* The job's record as its journal line (malloc'd, no newline). */
char	*state_record_line(const struct job *);
/* Remove jobs/ID.status (a previous run's end). */
void	 state_remove_status(const struct job *);
/* Send line to p once this turn's writes are synced (takes line). */
void	 state_reply_durable(struct peer *, char *line);
/* After recovery: compact, start the writer thread and the commits. */
void	 state_start(void);
/* At exit: write and sync what is left. */
void	 state_close(void);
/* The shim's status file: 0, or -1 (absent or garbled). */
int	 state_read_status(const struct job *, struct proto_shim_status *);
void	 state_log_path(const struct job *, const char *stream, char *buf,
	    size_t len);
/* Call fn for each job record found, in id order. */
void	 state_load(void (*fn)(struct proto_record *));

/* event.c: events to subscriptions and local streams */
int	 event_init(const char *state_dir);
const char *event_host(void);
const char *event_daemon_id(void);
void	 event_emit(struct proto_event *);
/* The body of a "dropped" event for count events, now. */
char	*event_dropped_body(int64_t count);
/* A job event: START, READY, BACKOFF (arg: delay ms), STATE (arg: the
 * previous state). */
void	 event_job(const struct job *, int type, int64_t arg);
void	 event_job_exit(const struct job *, int reason);
void	 event_stream_open(struct peer *, const struct proto_request *);
void	 event_stream_gone(struct peer *);
/* "stats" events every interval while anyone asks for them: call after
 * a subscription or stream comes or goes. */
void	 event_set_stats_interval(double seconds);
void	 event_stats_update(void);

/* sub.c: subscriptions */
int	 sub_init(const char *state_dir);
void	 sub_offer(const struct proto_event *, const char *body);
int	 sub_register(const struct proto_sub *, struct proto_sub *view,
	    struct proto_error *);
int	 sub_unregister(int64_t id, struct proto_sub *view,
	    struct proto_error *);
struct proto_sub *sub_views(size_t *n);
/* A subscription (not expired) asks for class "stats". */
int	 sub_want_stats(void);
/* Connected subscriptions with events not yet acknowledged. */
size_t	 sub_unacked(void);
/* Call done once sub_unacked() is 0, or after seconds at most. */
#define SUB_DRAIN_SECONDS	2.
void	 sub_drain(double seconds, void (*done)(void));
void	 sub_close_all(void);
int	 sub_any(void);

/* proc.c */
extern const struct driver proc_driver;
void	 proc_init(void);
/* The shim's side of a driver, which qemu.c shares. */
int	 proc_start(struct job *, char *why, size_t whylen);
void	 proc_stop(struct job *, int sig, int64_t timeout_ms);
int	 proc_adopt(struct job *);
void	 proc_cleanup(struct job *);
/* state.c's commit: anything waiting for this turn's write?  Then the
 * write is done (ok) or failed (failure: its strerror). */
int	 proc_commit_pending(void);
void	 proc_committed(int ok, const char *failure);
/* The job is freed while the spawner has not answered for it. */
void	 proc_spawn_drop(struct job *);

/* qemu.c, docker.c */
extern const struct driver qemu_driver;
extern const struct driver docker_driver;
void	 docker_init(void);
/* A launch failure the job's waiters report with code, naming field. */
void	 job_fail_code(struct job *, enum proto_code, const char *field);

#endif
