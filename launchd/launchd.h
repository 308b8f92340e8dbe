/*
 * The daemon's internal interfaces: peers (client connections), jobs and
 * their drivers, and waiters (replies that come later).
 *
 * Ownership and lifetime (see docs/design.md for the reasoning):
 * - A peer is freed only when it is closed and no waiter or pending
 *   submit still holds a reference (peer_ref/peer_unref), so a callback
 *   never touches freed memory when a client hangs up mid-request.
 * - A job is owned by the job table; it leaves it only through
 *   job_destroy, which is never called while a waiter counts on it.
 * - A waiter owns the reply it is building; jobs add a snapshot of their
 *   final view when they settle, so a waiter keeps no job pointers.
 */
#ifndef LAUNCH_LAUNCHD_H
#define LAUNCH_LAUNCHD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <ev.h>

#include "buf.h"
#include "proto.h"

/* Output a peer may queue before the daemon stops reading its requests. */
#define PEER_OUT_HIGH	(4 * 1024 * 1024)
/* After SIGKILL, how long to wait for a process group to empty. */
#define JOB_KILL_GRACE	5.0

struct waiter;

struct peer {
	int			 fd;
	ev_io			 rd;
	ev_io			 wr;
	struct buf		 in;
	size_t			 scanned;	/* bytes of in without '\n' */
	struct buf		 out;
	int			 refs;
	int			 dead;		/* closed; freed at refs 0 */
	int			 busy;		/* a reply is pending */
	int			 close_after_flush;
	int			 lingering;	/* see peer.c */
	size_t			 lingered;
	int			 exit_after_flush;
	unsigned		 serial;	/* for logs */
	TAILQ_ENTRY(peer)	 entry;
};

/* A stop or shutdown request waiting for its jobs to settle. */
struct waiter {
	struct peer		*peer;		/* NULL: nobody to answer */
	int64_t			 id;
	size_t			 pending;	/* jobs not yet settled */
	struct proto_jobs_reply	*reply;
	void			(*done)(struct waiter *, char *line);
};

/* A job's lifecycle events: the columns of the state x event table. */
enum job_event {
	JOB_EV_LAUNCHED,	/* the driver reports the job is up */
	JOB_EV_LAUNCH_FAILED,	/* ... or that it could not start */
	JOB_EV_EXIT,		/* the main process ended */
	JOB_EV_STOP,		/* a stop was requested */
	JOB_EV_TIMEOUT,		/* the stop timeout expired */
	JOB_EV_GROUP_EMPTY,	/* no process is left in the job's group */
	JOB_EV__COUNT
};

struct job;

/* What differs between processes, VMs and containers. */
struct driver {
	enum proto_kind	  kind;
	/* Begin launching: 0 (JOB_EV_LAUNCHED or _FAILED follows), or -1
	 * with err set when it failed at once. */
	int		(*start)(struct job *, struct proto_error *err);
	/* Send sig to everything the job runs; -1 if nothing is left. */
	int		(*signal)(struct job *, int sig);
	/* Is anything of the job still alive (its process group)? */
	int		(*alive)(struct job *);
	/* A process with the job's pid was reaped (wait status). */
	void		(*reaped)(struct job *, int wstatus);
	void		(*cleanup)(struct job *);
};

struct job {
	struct proto_submit	 spec;		/* spec.label is the key */
	const struct driver	*driver;
	enum proto_state	 state;
	pid_t			 pid;		/* 0: none */
	int64_t			 started_ms;
	int64_t			 ended_ms;
	int			 exit_code;	/* -1: none */
	int			 signal;	/* 0: none */
	unsigned		 restarts;
	char			*error;

	/* process driver: the exec status pipe (see proc.c) */
	int			 status_fd;
	ev_io			 status_io;

	/* the submit waiting for JOB_EV_LAUNCHED */
	struct peer		*submit_peer;
	int64_t			 submit_id;

	/* stopping */
	int			 stop_pending;	/* stop once launched */
	int			 stop_signal;
	ev_tstamp		 stop_timeout;
	int			 killed;	/* SIGKILL sent */
	int			 leader_dead;
	ev_timer		 stop_timer;
	struct waiter		**waiters;
	size_t			 nwaiters;
	unsigned		 mark;		/* dedupe within a request */
	LIST_ENTRY(job)		 draining;	/* leader dead, group not */
};

/* server.c */
extern struct ev_loop	*server_loop;
extern int		 server_shutting_down;
int64_t	 server_now_ms(void);
void	 server_exit(void);
/* Stop listening and remove the socket (before the shutdown reply). */
void	 server_close_listener(void);
/* Exit within a few seconds even if the last reply cannot be flushed. */
void	 server_exit_deadline(void);

/* peer.c */
int	 peer_accept_one(int listen_fd);	/* -1: accept(2) failed */
void	 peer_send(struct peer *, char *line);	/* takes line */
void	 peer_ref(struct peer *);
void	 peer_unref(struct peer *);
void	 peer_done(struct peer *);		/* busy -> ready */
void	 peer_close_all(void);
size_t	 peer_count(void);

/* request.c */
void	 request_handle(struct peer *, const char *line, size_t len);
/* Stop every job, then exit; p (may be NULL) gets the reply. */
void	 request_shutdown_all(struct peer *p, int64_t id, int64_t timeout_ms);

/* job.c */
struct job	*job_find(const char *label);
struct job	*job_find_pid(pid_t);
size_t		 job_count(void);
/* Every job sorted by label; free the array (not the jobs). */
struct job	**job_all(size_t *n);
int		 job_live(const struct job *);
int		 job_submit(const struct proto_submit *, struct peer *,
		    int64_t id, struct proto_error *);
void		 job_stop(struct job *, int sig, ev_tstamp timeout,
		    struct waiter *);
void		 job_event(struct job *, enum job_event);
void		 job_exited(struct job *, int wstatus);
void		 job_reaped_any(void);
void		 job_view(const struct job *, struct proto_job *);

/* waiter.c */
struct waiter	*waiter_new(struct peer *, int64_t id,
		    void (*done)(struct waiter *, char *));
void		 waiter_add_job(struct waiter *, const struct job *);
void		 waiter_add_error(struct waiter *, const char *label,
		    enum proto_code, const char *message);
void		 waiter_settled(struct waiter *, const struct job *);
void		 waiter_arm(struct waiter *);
void		 waiter_reply_to_peer(struct waiter *, char *line);

/* proc.c */
extern const struct driver proc_driver;
void	 proc_init(void);

#endif
