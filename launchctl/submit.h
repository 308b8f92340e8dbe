/*
 * `launch submit`, split in two: submit-opts.c turns the command line
 * into a request (options, environment, limits); cmd-submit.c sends it,
 * to one daemon, to every host, or to the host with the most room
 * (--place).
 */
#ifndef LAUNCH_SUBMIT_H
#define LAUNCH_SUBMIT_H

#include "launch.h"

/* What the command line says beyond the request itself. */
struct submit_opts {
	const char	*file;		/* -f */
	char		 spec_opt[32];	/* the first option that sets a spec
					   field: not allowed with -f */
	int		 inherit_env;
	int		 timeout_given;
	int		 first;		/* argv index of CMD, or -1 */
	int		 place;		/* --place */
	int		 remote;	/* the job runs on another host: no
					   local cwd or PATH goes with it */
};

/* The options of submit-kinds.c (long options only). */
enum {
	SUBMIT_OPT_QEMU = 512,
	SUBMIT_OPT_VCPUS,
	SUBMIT_OPT_MEM,
	SUBMIT_OPT_DISK,
	SUBMIT_OPT_CLOUD_INIT,
	SUBMIT_OPT_EFI,
	SUBMIT_OPT_KERNEL,
	SUBMIT_OPT_INITRD,
	SUBMIT_OPT_APPEND,
	SUBMIT_OPT_DOCKER,
	SUBMIT_OPT_MEMORY,
	SUBMIT_OPT_CPUS,
	SUBMIT_OPT__END
};

/* A decimal integer from min to max, digits only; 0 or -1. */
int		 submit_number(const char *s, long long min, long long max,
		    long long *out);
/* A path the job's side opens: absolute (made so here when the job runs
 * here; refused relative when it runs on another host), or NULL after
 * an error (printed).  opt names the option in the message. */
char		*submit_job_path(const char *opt, const char *arg,
		    const struct submit_opts *);

/* One kind option into s: 0, or -1 after an error (printed). */
int		 submit_kind_option(int opt, const char *name,
		    const char *arg, struct proto_submit *,
		    const struct submit_opts *);
/* The kind options agree with each other and the rest: 0 or -1. */
int		 submit_kind_check(struct proto_submit *, int has_command);

/* Parse argv into req and o: 0, 1 for --help, or an exit code (usage
 * printed). */
int		 submit_parse(int argc, char **argv, struct proto_request *req,
		    struct submit_opts *o);
/* --inherit-env: the client's environment under env's variables. */
void		 submit_inherit_env(struct proto_strv *env);
/* Where to look CMD up: the job's own PATH if it sets one, else ours
 * (none when remote: the remote daemon's default). */
const char	*submit_path(const struct proto_submit *, int remote);

#endif
