/* The container engine's endpoint: see dockerhost.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dockerhost.h"

int
dockerhost_socket(char *sock, size_t len, char *why, size_t whylen)
{
	const char	*h = getenv("DOCKER_HOST");

	if (h == NULL || *h == '\0') {
		snprintf(sock, len, "%s", DOCKERHOST_DEFAULT);
		return 0;
	}
	if (strncmp(h, "unix://", 7) != 0) {
		snprintf(why, whylen, "DOCKER_HOST=%s: only unix:// endpoints "
		    "are supported (e.g. unix:///var/run/docker.sock)", h);
		return -1;
	}
	if (h[7] != '/' || strlen(h + 7) >= len) {
		snprintf(why, whylen, "DOCKER_HOST=%s: expected unix:// and "
		    "an absolute socket path of at most %zu bytes", h,
		    len - 1);
		return -1;
	}
	snprintf(sock, len, "%s", h + 7);
	return 0;
}

void
dockerhost_message(const char *body, long status, char *buf, size_t len)
{
	cJSON		*o = cJSON_Parse(body);
	const char	*m = dockerhost_string(o, "message");

	if (m != NULL && *m != '\0')
		snprintf(buf, len, "%s", m);
	else
		snprintf(buf, len, "HTTP status %ld", status);
	cJSON_Delete(o);
}

int64_t
dockerhost_time(const char *s)
{
	struct tm	 tm;
	const char	*p;
	int64_t		 ms = 0, off = 0;
	time_t		 t;
	int		 digits = 0, h, m;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits++ < 3)
				ms = ms * 10 + (*p - '0');
	for (; digits < 3; digits++)
		ms *= 10;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &h, &m) == 2)
		off = (*p == '+' ? 1 : -1) * (int64_t)(h * 3600 + m * 60);
	else if (*p != 'Z')
		return 0;
	if ((t = timegm(&tm)) == (time_t)-1 || t - off <= 0)
		return 0;
	return ((int64_t)t - off) * 1000 + ms;
}

const char *
dockerhost_string(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
dockerhost_number(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}
