#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum log_level log_level = LOG_LEVEL_INFO;

void
log_init(enum log_level level)
{
	log_level = level;
}

static void
log_vwrite(const char *level, int errnum, const char *fmt, va_list ap)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	/* One fprintf per line keeps lines whole under concurrent writers. */
	char	 msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, "%s.%03ld %s: %s: %s\n", when,
		    ts.tv_nsec / 1000000, level, msg, strerror(errnum));
	else
		fprintf(stderr, "%s.%03ld %s: %s\n", when,
		    ts.tv_nsec / 1000000, level, msg);
}

#define LOG_BODY(lvl, name, errnum) do {		\
	va_list	ap;					\
	int	saved = errno;				\
	if (log_level >= (lvl)) {			\
		va_start(ap, fmt);			\
		log_vwrite((name), (errnum), fmt, ap);	\
		va_end(ap);				\
	}						\
	errno = saved;					\
} while (0)

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_QUIET, "warning", saved);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_QUIET, "warning", 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, "info", 0);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, "debug", 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_QUIET, "fatal", saved);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_QUIET, "fatal", 0);
	exit(1);
}
