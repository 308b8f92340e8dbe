/*
 * `launch logs` for a docker job: its output is the container's log,
 * which the engine keeps (there are no files under the state directory),
 * so the client asks the engine for it: GET /containers/ID/logs.
 *
 * - The engine is the one the CLIENT's environment names ($DOCKER_HOST,
 *   unix:// only, else /var/run/docker.sock), the same rule as the
 *   daemon's: run logs where the daemon runs, with the same DOCKER_HOST
 *   (with -H HOST the command runs on HOST, under the ssh session's
 *   environment).  The daemon does not record its endpoint: the job view
 *   has no field for it, and the record belongs to the daemon.
 * - A container made without a TTY (launch never asks for one) logs a
 *   multiplexed stream: frames of an 8-byte header [stream, 0, 0, 0,
 *   size as big-endian 32 bits] and size bytes.  Stream 1 goes to our
 *   stdout, 2 to our stderr; frames may straddle the chunks curl hands us.
 * - -n N is tail=N, counted by the engine over both streams together;
 *   -f is follow=1, which the engine ends when the container stops (exit
 *   0), as ^C does; --stderr asks for stderr only.  Without it both
 *   streams are printed, each to its own descriptor, as `docker logs`
 *   does (a process job's logs show stdout unless --stderr).
 * - Blocking is fine here: this is the client.
 * - libcurl is loaded here (common/curlload.c, $LAUNCH_LIBCURL of the
 *   client's environment), as no other client command uses it; a
 *   library that cannot be loaded is an error naming it (exit 1).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "curlload.h"
#include "dockerhost.h"
#include "launch.h"

struct dlogs {
	unsigned char	 hdr[8];
	size_t		 hdrlen;	/* bytes of hdr read */
	uint32_t	 left;		/* of the current frame's payload */
	FILE		*out;		/* where the current frame goes */
	long		 status;	/* the HTTP status, once known */
	struct buf	 err;		/* an error answer's body */
	int		 failed;	/* a write to our stdout failed */
	CURL		*easy;
};

static const struct curlload	*curl;	/* loaded by docker_logs */

static size_t
dlogs_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct dlogs	*d = arg;
	size_t		 used = 0, k;

	if (d->status == 0)
		curl->easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &d->status);
	if (d->status != 200) {
		if (buf_used(&d->err) < 65536)
			buf_add(&d->err, p, n);
		return n;
	}
	while (used < n) {
		if (d->hdrlen < sizeof d->hdr) {
			k = sizeof d->hdr - d->hdrlen;
			if (k > n - used)
				k = n - used;
			memcpy(d->hdr + d->hdrlen, p + used, k);
			d->hdrlen += k;
			used += k;
			if (d->hdrlen < sizeof d->hdr)
				break;
			d->left = (uint32_t)d->hdr[4] << 24 |
			    (uint32_t)d->hdr[5] << 16 |
			    (uint32_t)d->hdr[6] << 8 | d->hdr[7];
			d->out = d->hdr[0] == 2 ? stderr : stdout;
		}
		k = d->left < n - used ? d->left : n - used;
		if (k > 0 && (fwrite(p + used, 1, k, d->out) != k ||
		    fflush(d->out) == EOF)) {
			fprintf(stderr, "launch: %s: %s\n", d->out == stdout ?
			    "stdout" : "stderr", strerror(errno));
			d->failed = 1;
			return 0;
		}
		used += k;
		d->left -= (uint32_t)k;
		if (d->left == 0)
			d->hdrlen = 0;
	}
	return n;
}

int
docker_logs(const char *label, const char *container, long long lines,
    int follow, int stderr_only)
{
	struct dlogs	 d;
	CURLcode	 rc;
	char		 sock[DOCKERHOST_MAX], why[512], url[512];
	char		 errbuf[CURL_ERROR_SIZE] = "";
	long		 oserr = 0;
	int		 ret = EXIT_NO;

	if (dockerhost_socket(sock, sizeof sock, why, sizeof why) == -1) {
		fprintf(stderr, "launch: %s: %s\n", label, why);
		return EXIT_NO;
	}
	snprintf(url, sizeof url, "http://localhost%s/containers/%s/logs?"
	    "stdout=%d&stderr=1&follow=%d&tail=%lld", DOCKERHOST_API,
	    container, !stderr_only, follow, lines);
	memset(&d, 0, sizeof d);
	if ((curl = curlload_get(why, sizeof why)) == NULL) {
		fprintf(stderr, "launch: %s: %s\n", label, why);
		return EXIT_NO;
	}
	if ((d.easy = curl->easy_init()) == NULL) {
		fprintf(stderr, "launch: cannot initialise libcurl\n");
		return EXIT_NO;
	}
	curl->easy_setopt(d.easy, CURLOPT_URL, url);
	curl->easy_setopt(d.easy, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl->easy_setopt(d.easy, CURLOPT_WRITEFUNCTION, dlogs_write_cb);
	curl->easy_setopt(d.easy, CURLOPT_WRITEDATA, &d);
	curl->easy_setopt(d.easy, CURLOPT_ERRORBUFFER, errbuf);
	curl->easy_setopt(d.easy, CURLOPT_NOSIGNAL, 1L);
	rc = curl->easy_perform(d.easy);
	if (d.status == 0)
		curl->easy_getinfo(d.easy, CURLINFO_RESPONSE_CODE, &d.status);
	if (d.failed)
		;	/* said why */
	else if (rc != CURLE_OK && d.status == 0) {
		curl->easy_getinfo(d.easy, CURLINFO_OS_ERRNO, &oserr);
		fprintf(stderr, "launch: cannot reach the container engine at "
		    "unix://%s: %s\n", sock, rc == CURLE_COULDNT_CONNECT &&
		    oserr != 0 ? strerror((int)oserr) : errbuf[0] != '\0' ?
		    errbuf : curl->easy_strerror(rc));
	} else if (d.status == 404)
		fprintf(stderr, "launch: %s: its container %.12s is gone\n",
		    label, container);
	else if (d.status != 200) {
		buf_add(&d.err, "", 1);
		dockerhost_message(buf_head(&d.err), d.status, why,
		    sizeof why);
		fprintf(stderr, "launch: %s: the engine refused its logs: %s\n",
		    label, why);
	} else if (rc != CURLE_OK)
		fprintf(stderr, "launch: %s: reading its logs: %s\n", label,
		    errbuf[0] != '\0' ? errbuf : curl->easy_strerror(rc));
	else
		ret = 0;
	buf_free(&d.err);
	curl->easy_cleanup(d.easy);
	return ret;
}
