/*
 * Host keys: ~/.ssh/known_hosts decides, as with OpenSSH's
 * StrictHostKeyChecking=yes, or accept-new under --accept-new-host.
 * Nothing turns the check off.
 *
 * The file is read line by line through libssh2_knownhost_readline, so
 * a line libssh2 cannot read (a @cert-authority marker, a key type it
 * does not know) is skipped instead of losing the whole file, and hashed
 * host names (HashKnownHosts) match as libssh2 checks them.  A new key is
 * appended as one line (libssh2_knownhost_writeline) rather than the
 * whole file rewritten, so comments and unread lines stay as they were.
 *
 * A server holds keys of several types; libssh2 would pick one of its own
 * choice and could find it "unknown" although known_hosts holds another
 * type for the host.  So the types known for this host are offered
 * first, as OpenSSH does: a probe with a dummy key of each type tells
 * them apart (MISMATCH means "a key of that type is listed").
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "launch.h"
#include "ssh.h"
#include "xmalloc.h"

#define KH_MASK(type)	(LIBSSH2_KNOWNHOST_TYPE_PLAIN | \
			 LIBSSH2_KNOWNHOST_KEYENC_RAW | (type))

static const struct {
	const char	*method;	/* the host key algorithm */
	int		 kh;		/* its known_hosts key type */
	int		 hostkey;	/* libssh2_session_hostkey's type */
	const char	*name;		/* as ssh-keygen -l names it */
} hk_types[] = {
	{ "ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, "ED25519" },
	{ "ecdsa-sha2-nistp256", LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	    LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ECDSA" },
	{ "ecdsa-sha2-nistp384", LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	    LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ECDSA" },
	{ "ecdsa-sha2-nistp521", LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	    LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ECDSA" },
	{ "rsa-sha2-512", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
	    LIBSSH2_HOSTKEY_TYPE_RSA, "RSA" },
	{ "rsa-sha2-256", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
	    LIBSSH2_HOSTKEY_TYPE_RSA, "RSA" },
	{ "ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
	    LIBSSH2_HOSTKEY_TYPE_RSA, "RSA" },
};
#define HK_NTYPES	(sizeof hk_types / sizeof hk_types[0])

static char *
hk_path(void)
{
	char	*path;

	xasprintf(&path, "%s/.ssh/known_hosts", ssh_home());
	return path;
}

/* known_hosts into l->known; a missing file holds no host. */
static void
hk_load(struct ssh_link *l)
{
	char	*path, *line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	FILE	*f;

	if (l->known != NULL)
		return;
	l->known = libssh2_knownhost_init(l->session);
	path = hk_path();
	if (l->known != NULL && (f = fopen(path, "re")) != NULL) {
		while ((n = getline(&line, &cap, f)) != -1) {
			if (n == 0 || line[0] == '#' || line[0] == '\n')
				continue;
			libssh2_knownhost_readline(l->known, line, (size_t)n,
			    LIBSSH2_KNOWNHOST_FILE_OPENSSH);
		}
		free(line);
		fclose(f);
	}
	free(path);
}

void
ssh_hostkey_prefer(struct ssh_link *l)
{
	const char	**algs = NULL;
	char		  prefs[512] = "";
	int		  known[HK_NTYPES], usable[HK_NTYPES], nalgs;

	hk_load(l);
	if (l->known == NULL)
		return;
	/* Only what this libssh2 supports: method_pref would drop the
	 * others itself, but 1.10 does it with an overlapping memcpy. */
	nalgs = libssh2_session_supported_algs(l->session,
	    LIBSSH2_METHOD_HOSTKEY, &algs);
	for (size_t i = 0; i < HK_NTYPES; i++) {
		usable[i] = 0;
		for (int k = 0; k < nalgs; k++)
			if (strcmp(algs[k], hk_types[i].method) == 0)
				usable[i] = 1;
		known[i] = libssh2_knownhost_checkp(l->known, l->t.host,
		    l->t.port, "?", 1, KH_MASK(hk_types[i].kh), NULL) ==
		    LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
	}
	if (nalgs > 0)
		libssh2_free(l->session, algs);
	/* The known types in our order of preference, then the others. */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < HK_NTYPES; i++)
			if (usable[i] && known[i] == pass) {
				size_t	used = strlen(prefs);
				snprintf(prefs + used, sizeof prefs - used,
				    "%s%s", used > 0 ? "," : "",
				    hk_types[i].method);
			}
	if (prefs[0] != '\0')
		libssh2_session_method_pref(l->session, LIBSSH2_METHOD_HOSTKEY,
		    prefs);
}

/* "SHA256:..." as ssh-keygen -l prints it: unpadded base64 of the
 * SHA-256 of the key blob (base64 by hand: 12 lines are not worth a
 * library; libssh2 only decodes). */
static void
hk_fingerprint(const unsigned char *hash, char *out, size_t len)
{
	static const char	b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			o = 0;
	unsigned		v;

	o = (size_t)snprintf(out, len, "SHA256:");
	for (size_t i = 0; i < 32 && o + 5 < len; i += 3) {
		v = (unsigned)hash[i] << 16 |
		    (i + 1 < 32 ? (unsigned)hash[i + 1] << 8 : 0) |
		    (i + 2 < 32 ? hash[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		if (i + 1 < 32)
			out[o++] = b64[v >> 6 & 63];
		if (i + 2 < 32)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
}

/* The entry's name: "host", or "[host]:port" off port 22. */
static void
hk_entry_name(const struct ssh_link *l, char *out, size_t len)
{
	if (l->t.port == 22)
		snprintf(out, len, "%s", l->t.host);
	else
		snprintf(out, len, "[%s]:%d", l->t.host, l->t.port);
}

/* Append the key as one line; 0, or -1 after printing why. */
static int
hk_add(struct ssh_link *l, const char *key, size_t keylen, int kh,
    const char *desc)
{
	struct libssh2_knownhost	*node = NULL;
	struct stat			 st;
	char				 name[300], line[16384], *path, *dir;
	size_t				 outlen = 0;
	int				 fd, rc = -1;

	hk_entry_name(l, name, sizeof name);
	if (libssh2_knownhost_addc(l->known, name, NULL, key, keylen, NULL, 0,
	    KH_MASK(kh), &node) != 0 || libssh2_knownhost_writeline(l->known,
	    node, line, sizeof line, &outlen,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
		fprintf(stderr, "launch: %s: cannot record the host key\n",
		    l->spec);
		return -1;
	}
	path = hk_path();
	dir = xstrndup(path, strlen(path) - strlen("/known_hosts"));
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		goto fail;
	/* Never through a symlink, FIFO, hard link or another's file. */
	if ((fd = file_open_own(path, O_WRONLY | O_APPEND | O_CREAT)) == -1)
		goto fail;
	/* A file without a final newline must not swallow the new line. */
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		char	last = '\n';
		if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
		    write(fd, "\n", 1) != 1) {
			close(fd);
			goto fail;
		}
	}
	if (write(fd, line, outlen) != (ssize_t)outlen) {
		close(fd);
		goto fail;
	}
	if (close(fd) == -1)
		goto fail;
	ssh_short_path(path, line, sizeof line);
	fprintf(stderr, "launch: %s: added %s (%s) to %s\n", l->spec, name,
	    desc, line);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "launch: %s: cannot add the host key to %s: %s\n",
	    l->spec, path, file_strerror(errno));
out:
	free(dir);
	free(path);
	return rc;
}

int
ssh_hostkey_check(struct ssh_link *l, int accept_new)
{
	const unsigned char	*hash;
	const char		*key;
	char			 fp[64], desc[96], name[300];
	size_t			 keylen, i;
	int			 type;

	hk_load(l);
	key = libssh2_session_hostkey(l->session, &keylen, &type);
	for (i = 0; i < HK_NTYPES; i++)
		if (hk_types[i].hostkey == type)
			break;
	if (key == NULL || l->known == NULL || i == HK_NTYPES) {
		fprintf(stderr, "launch: %s: the server's host key is of a "
		    "type launch cannot check\n", l->spec);
		return EXIT_PROTOCOL;
	}
	hash = (const unsigned char *)libssh2_hostkey_hash(l->session,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	if (hash == NULL) {
		fprintf(stderr, "launch: %s: cannot hash the host key\n",
		    l->spec);
		return EXIT_PROTOCOL;
	}
	hk_fingerprint(hash, fp, sizeof fp);
	snprintf(desc, sizeof desc, "%s %s", hk_types[i].name, fp);
	hk_entry_name(l, name, sizeof name);
	switch (libssh2_knownhost_checkp(l->known, l->t.host, l->t.port, key,
	    keylen, KH_MASK(hk_types[i].kh), NULL)) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		fprintf(stderr,
		    "launch: %s: the host key of %s has CHANGED: known_hosts "
		    "holds another %s key for it, and it now offers %s.\n"
		    "launch: %s: someone may be intercepting the connection, "
		    "or the host was reinstalled.\n"
		    "launch: %s: refusing to connect; if the new key is "
		    "right, remove the old one with: ssh-keygen -R '%s'\n",
		    l->spec, name, hk_types[i].name, desc, l->spec, l->spec,
		    name);
		return EXIT_PROTOCOL;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		if (accept_new)
			return hk_add(l, key, keylen, hk_types[i].kh, desc) ==
			    0 ? 0 : EXIT_PROTOCOL;
		fprintf(stderr, "launch: %s: unknown host key for %s: %s; if "
		    "that is the host's key, run again with --accept-new-host "
		    "to trust it\n", l->spec, name, desc);
		return EXIT_PROTOCOL;
	default:
		fprintf(stderr, "launch: %s: cannot check the host key of %s\n",
		    l->spec, name);
		return EXIT_PROTOCOL;
	}
}
