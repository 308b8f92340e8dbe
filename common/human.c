/*
 * Human durations, sizes and widths (human.h): shared by the client's
 * tables, the event lines of proto/ and a unit test, hence in libcommon.
 */
#include "config.h"

#include <stdio.h>

#include "human.h"

void
human_duration(int64_t ms, char *buf, size_t len)
{
	long long	s = ms < 0 ? 0 : (long long)(ms / 1000);

	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

void
human_size(int64_t kb, char *buf, size_t len)
{
	static const char	units[] = "MGT";
	double			v;
	size_t			u;

	if (kb < 1024) {
		snprintf(buf, len, "%lldK", kb < 0 ? 0LL : (long long)kb);
		return;
	}
	v = (double)kb / 1024;
	/* The next unit once this one would print as 1024.0 or more. */
	for (u = 0; u + 2 < sizeof units && v >= 1023.95; u++)
		v /= 1024;
	snprintf(buf, len, "%.1f%c", v, units[u]);
}

size_t
human_width(const char *s)
{
	size_t	n = 0;

	while (*s != '\0') {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while ((*s >= '0' && *s <= '9') || *s == ';')
				s++;
			if (*s == 'm')
				s++;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
		s++;
	}
	return n;
}
