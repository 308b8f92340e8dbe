/*
 * The daemon's log: a small printf-checked API after OpenSMTPD's log.c.
 * Lines go to stderr as "TIME LEVEL: message".  log_warn and fatal append
 * the errno text; the -x forms do not.  Library code (proto/, common/)
 * never logs: it returns -1 with errno set and leaves printing to callers.
 */
#ifndef LAUNCH_LOG_H
#define LAUNCH_LOG_H

enum log_level {
	LOG_LEVEL_QUIET = 0,	/* warnings and fatal errors only (-q) */
	LOG_LEVEL_INFO = 1,	/* the default */
	LOG_LEVEL_DEBUG = 2,	/* -v */
};

void	log_init(enum log_level);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
