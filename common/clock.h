#ifndef LAUNCH_CLOCK_H
#define LAUNCH_CLOCK_H

#include <stdint.h>

/* Milliseconds: since the Unix epoch (times shown and stored), and of
 * the monotonic clock (intervals, deadlines). */
int64_t	clock_real_ms(void);
int64_t	clock_mono_ms(void);

#endif
