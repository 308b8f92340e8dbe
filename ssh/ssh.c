/*
 * One ssh session and one exec channel, with libssh2, in blocking mode:
 * launch-ssh serves one connection, and the fan-out to many hosts runs
 * one launch-ssh per host (launchctl/remote.c), so nothing here needs an
 * event loop (relay.c polls once the channel is open).
 *
 * Order of a connection: resolve the spec through ~/.ssh/config
 * (sshconfig.c), connect (10 s deadline per address), handshake with the
 * host key types known_hosts already holds for this host offered first
 * (ssh-hostkey.c, as OpenSSH orders them), verify the host key,
 * authenticate, exec.  Handshake and authentication have a 20 s deadline;
 * after that reads wait as long as the remote takes (a followed stream
 * may be silent for hours).
 *
 * libssh2 1.10 has no streamlocal (Unix socket) forwarding, so the daemon
 * is reached through `launch bridge` on the remote, never through a
 * forwarded socket.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exits.h"
#include "ssh.h"
#include "xmalloc.h"

#define SSH_CONNECT_MS		10000
#define SSH_CONFIG_MAX		(1024 * 1024)

static void
ssh_lib_exit(void)
{
	libssh2_exit();
}

static void
ssh_lib_init(void)
{
	static int	done;

	if (!done) {
		libssh2_init(0);
		atexit(ssh_lib_exit);
		done = 1;
	}
}

const char *
ssh_home(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && *home != '\0')
		return home;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_dir;
	return "/";
}

static const char *
ssh_local_user(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "root";
}

/* The last libssh2 error, for messages. */
static const char *
ssh_error(struct ssh_link *l)
{
	char	*msg = NULL;

	if (l->session == NULL)
		return "no session";
	libssh2_session_last_error(l->session, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown error";
}

/* ~/.ssh/config applied to l->t; a missing file is no config. */
static int
ssh_resolve(struct ssh_link *l, const char *spec)
{
	char		 err[256], *path, *text = NULL;
	struct stat	 st;
	ssize_t		 n = 0;
	int		 fd, rc;

	if (ssh_target_parse(spec, &l->t, err, sizeof err) == -1) {
		fprintf(stderr, "launch: %s: %s\n", spec, err);
		return EXIT_USAGE;
	}
	xasprintf(&path, "%s/.ssh/config", ssh_home());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1 &&
	    fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size <= SSH_CONFIG_MAX) {
		text = xmalloc((size_t)st.st_size + 1);
		n = read(fd, text, (size_t)st.st_size);
		if (n < 0)
			n = 0;
	}
	if (fd != -1)
		close(fd);
	rc = sshconfig_apply(text != NULL ? text : "", (size_t)n, &l->t,
	    ssh_home(), ssh_local_user(), err, sizeof err);
	free(text);
	if (rc == -1) {
		fprintf(stderr, "launch: %s: %s: %s\n", spec, path, err);
		free(path);
		return EXIT_USAGE;
	}
	free(path);
	return 0;
}

/* Non-blocking connect with a deadline, each address in turn. */
static int
ssh_connect(struct ssh_link *l)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	char		 port[16];
	int		 fd = -1, e = 0, r, one = 1;
	socklen_t	 len;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", l->t.port);
	if ((r = getaddrinfo(l->t.host, port, &hints, &res)) != 0) {
		fprintf(stderr, "launch: %s: cannot resolve %s: %s\n", l->spec,
		    l->t.host, gai_strerror(r));
		return EXIT_NODAEMON;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			e = errno;
			close(fd);
			fd = -1;
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		while ((r = poll(&pfd, 1, SSH_CONNECT_MS)) == -1 &&
		    errno == EINTR)
			;
		len = sizeof e;
		if (r == 0)
			e = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		fprintf(stderr, "launch: %s: cannot connect to %s port %d: "
		    "%s\n", l->spec, l->t.host, l->t.port, strerror(e));
		return EXIT_NODAEMON;
	}
	/* Blocking from here: libssh2 waits in blocking mode.  No Nagle:
	 * the handshake sends small packets back to back, and each would
	 * wait for the server's delayed ACK (about 40 ms, three times per
	 * connection, as measured by bench/remote.py). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	l->sock = fd;
	l->locallen = sizeof l->local;
	if (getsockname(fd, (struct sockaddr *)&l->local, &l->locallen) == -1)
		l->locallen = 0;
	return 0;
}

static void
ssh_tried(char *tried, size_t len, const char *what)
{
	size_t	used = strlen(tried);

	snprintf(tried + used, len - used, "%s%s", used > 0 ? ", " : "", what);
}

void
ssh_short_path(const char *path, char *out, size_t len)
{
	const char	*home = ssh_home();
	size_t		 hl = strlen(home);

	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
		snprintf(out, len, "~%s", path + hl);
	else
		snprintf(out, len, "%s", path);
}

static int
ssh_auth_agent(struct ssh_link *l, char *tried, size_t triedlen)
{
	struct libssh2_agent_publickey	*id = NULL, *prev = NULL;
	LIBSSH2_AGENT			*agent;
	const char			*user = l->t.user;
	char				 what[64];
	int				 n = 0, ok = 0;

	if (getenv("SSH_AUTH_SOCK") == NULL ||
	    (agent = libssh2_agent_init(l->session)) == NULL)
		return 0;
	if (libssh2_agent_connect(agent) == 0 &&
	    libssh2_agent_list_identities(agent) == 0) {
		while (!ok && libssh2_agent_get_identity(agent, &id, prev) == 0) {
			n++;
			if (libssh2_agent_userauth(agent, user, id) == 0)
				ok = 1;
			prev = id;
		}
		snprintf(what, sizeof what, "the agent's %d key%s", n,
		    n == 1 ? "" : "s");
		ssh_tried(tried, triedlen, what);
		libssh2_agent_disconnect(agent);
	}
	libssh2_agent_free(agent);
	return ok;
}

/* An RSA key: its .pub says "ssh-rsa", or its PEM header says RSA. */
static int
ssh_key_is_rsa(const char *priv)
{
	char	*pub, head[64] = "";
	FILE	*f;
	int	 rsa = 0;

	xasprintf(&pub, "%s.pub", priv);
	if ((f = fopen(pub, "re")) != NULL) {
		rsa = fgets(head, sizeof head, f) != NULL &&
		    strncmp(head, "ssh-rsa ", 8) == 0;
		fclose(f);
	} else if ((f = fopen(priv, "re")) != NULL) {
		rsa = fgets(head, sizeof head, f) != NULL &&
		    strstr(head, "RSA") != NULL;
		fclose(f);
	}
	free(pub);
	return rsa;
}

static int
ssh_auth_file(struct ssh_link *l, const char *priv, char *tried,
    size_t triedlen)
{
	char	*pub, shortp[512];
	int	 rc;

	if (access(priv, R_OK) == -1)
		return 0;
	xasprintf(&pub, "%s.pub", priv);
	rc = libssh2_userauth_publickey_fromfile_ex(l->session, l->t.user,
	    (unsigned)strlen(l->t.user), access(pub, R_OK) == 0 ? pub : NULL,
	    priv, NULL);
	free(pub);
	ssh_short_path(priv, shortp, sizeof shortp);
	if (rc != 0 && rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED &&
	    rc != LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED) {
		/* Most often an encrypted key: nothing here prompts. */
		if (l->verbose)
			fprintf(stderr, "launch: %s: %s: %s\n", l->spec,
			    shortp, ssh_error(l));
		size_t	used = strlen(shortp);
		snprintf(shortp + used, sizeof shortp - used,
		    " (unreadable or encrypted: add it to ssh-agent)");
	}
	/* libssh2 before 1.11 signs RSA with SHA-1 (ssh-rsa), which
	 * OpenSSH 8.8 and later refuse by default. */
	if (rc != 0 && libssh2_version(0x010b00) == NULL &&
	    ssh_key_is_rsa(priv)) {
		size_t	used = strlen(shortp);
		snprintf(shortp + used, sizeof shortp - used, " (an RSA key: "
		    "libssh2 %s signs it with SHA-1, which servers since "
		    "OpenSSH 8.8 refuse; use an ed25519 or ecdsa key)",
		    libssh2_version(0));
	}
	ssh_tried(tried, triedlen, shortp);
	return rc == 0;
}

static int
ssh_auth(struct ssh_link *l)
{
	static const char *const defaults[] = {
		"id_ed25519", "id_ecdsa", "id_rsa", NULL
	};
	const char	*user = l->t.user;
	char		*methods, *path, tried[2048] = "";
	int		 ok = 0;

	methods = libssh2_userauth_list(l->session, user,
	    (unsigned)strlen(user));
	if (methods == NULL) {
		if (libssh2_userauth_authenticated(l->session))
			return 0;
		fprintf(stderr, "launch: %s: authentication failed for %s@%s: "
		    "%s\n", l->spec, user, l->t.host, ssh_error(l));
		return EXIT_PROTOCOL;
	}
	if (strstr(methods, "publickey") == NULL) {
		fprintf(stderr, "launch: %s: authentication failed for %s@%s: "
		    "the server offers no public key authentication (only "
		    "%s)\n", l->spec, user, l->t.host, methods);
		return EXIT_PROTOCOL;
	}
	ok = ssh_auth_agent(l, tried, sizeof tried);
	for (size_t i = 0; !ok && i < l->t.nidentity; i++)
		ok = ssh_auth_file(l, l->t.identity[i], tried, sizeof tried);
	for (size_t i = 0; !ok && l->t.nidentity == 0 && defaults[i] != NULL;
	    i++) {
		xasprintf(&path, "%s/.ssh/%s", ssh_home(), defaults[i]);
		ok = ssh_auth_file(l, path, tried, sizeof tried);
		free(path);
	}
	if (ok)
		return 0;
	fprintf(stderr, "launch: %s: authentication failed for %s@%s (tried: "
	    "%s)\n", l->spec, user, l->t.host, *tried != '\0' ? tried :
	    "no agent, no key file");
	return EXIT_PROTOCOL;
}

int
ssh_link_open(struct ssh_link *l, const char *spec, const char *command,
    int accept_new_host, int verbose)
{
	int	rc;

	memset(l, 0, sizeof *l);
	l->sock = -1;
	l->spec = spec;
	l->verbose = verbose;
	ssh_lib_init();
	if ((rc = ssh_resolve(l, spec)) != 0 || (rc = ssh_connect(l)) != 0)
		goto fail;
	if ((l->session = libssh2_session_init()) == NULL) {
		fprintf(stderr, "launch: %s: cannot start an ssh session\n",
		    spec);
		rc = EXIT_PROTOCOL;
		goto fail;
	}
	libssh2_session_set_blocking(l->session, 1);
	libssh2_session_set_timeout(l->session, SSH_SETUP_MS);
	ssh_hostkey_prefer(l);
	if (libssh2_session_handshake(l->session, l->sock) != 0) {
		fprintf(stderr, "launch: %s: ssh handshake with %s port %d "
		    "failed: %s\n", spec, l->t.host, l->t.port, ssh_error(l));
		rc = EXIT_NODAEMON;
		goto fail;
	}
	if ((rc = ssh_hostkey_check(l, accept_new_host)) != 0 ||
	    (rc = ssh_auth(l)) != 0)
		goto fail;
	if ((l->channel = libssh2_channel_open_session(l->session)) == NULL ||
	    libssh2_channel_exec(l->channel, command) != 0) {
		fprintf(stderr, "launch: %s: cannot run a command there: %s\n",
		    spec, ssh_error(l));
		rc = EXIT_PROTOCOL;
		goto fail;
	}
	libssh2_session_set_timeout(l->session, 0);
	return 0;
fail:
	ssh_link_close(l);
	return rc;
}

void
ssh_link_close(struct ssh_link *l)
{
	if (l->channel != NULL)
		libssh2_channel_free(l->channel);
	l->channel = NULL;
	if (l->known != NULL)
		libssh2_knownhost_free(l->known);
	l->known = NULL;
	if (l->session != NULL) {
		/* Do not wait for a peer that may be gone. */
		libssh2_session_set_timeout(l->session, 1000);
		libssh2_session_disconnect(l->session, "done");
		libssh2_session_free(l->session);
	}
	l->session = NULL;
	if (l->sock != -1)
		close(l->sock);
	l->sock = -1;
	ssh_target_free(&l->t);
}
