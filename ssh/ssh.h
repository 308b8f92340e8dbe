/*
 * launch-ssh's transport (libssh2): one authenticated session to a host,
 * one exec channel on it, relayed to launch-ssh's stdin and stdout
 * (main.c has the contract with launch).  `launch -H HOST CMD` runs
 * `launch bridge` on HOST through it and speaks the ordinary protocol
 * over the channel; `launch -H HOST logs` runs `launch logs` there and
 * lets launch-ssh write its output.
 *
 * What is trusted (docs/remote.md has the whole story):
 * - the host key must match ~/.ssh/known_hosts ($HOME's): an unknown key
 *   is refused with its SHA256 fingerprint unless --accept-new-host was
 *   given, which appends it; a changed key is always refused;
 * - authentication: the ssh agent's keys first, then the IdentityFiles of
 *   ~/.ssh/config, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa (unencrypted;
 *   an encrypted key belongs in the agent: nothing here prompts).
 * Every failure is printed as "launch: SPEC: why" and mapped to an exit
 * code: EXIT_NODAEMON when the host cannot be reached (worth retrying),
 * EXIT_PROTOCOL when it was reached but refused (host key,
 * authentication, the remote command), EXIT_USAGE for a bad spec.
 */
#ifndef LAUNCH_SSH_H
#define LAUNCH_SSH_H

#include <sys/socket.h>

#include <libssh2.h>
#include <stddef.h>
#include <sys/types.h>

#include "sshconfig.h"

/* Handshake and authentication, and the channel's close at the end. */
#define SSH_SETUP_MS		20000

struct ssh_link {
	const char		*spec;		/* as written, for messages */
	struct ssh_target	 t;
	int			 sock;
	LIBSSH2_SESSION		*session;
	LIBSSH2_CHANNEL		*channel;
	LIBSSH2_KNOWNHOSTS	*known;		/* ~/.ssh/known_hosts */
	struct sockaddr_storage	 local;		/* this side's address */
	socklen_t		 locallen;
	int			 verbose;
};

/* Connect to spec, check its host key, authenticate and exec command on
 * it.  0, or an exit code after printing why (l is then closed). */
int	ssh_link_open(struct ssh_link *, const char *spec, const char *command,
	    int accept_new_host, int verbose);
/* Relay stdin to the channel's stdin (its end: the channel's EOF),
 * the channel's stdout to stdout and its stderr to stderr as "launch:
 * SPEC: ..." lines, until the remote command exits: its exit status, or
 * an exit code after printing why (a broken session).  When the reader
 * of stdout goes away (launch closed its end), SSH_RELAY_GONE at once,
 * without waiting for the remote: the caller closes the session. */
#define SSH_RELAY_GONE	(-1)
int	ssh_link_relay(struct ssh_link *);
void	ssh_link_close(struct ssh_link *);

/* ssh-hostkey.c: offer first the host key types that known_hosts holds
 * for this host (before the handshake). */
void	ssh_hostkey_prefer(struct ssh_link *);
/* ssh-hostkey.c: check the session's host key against known_hosts
 * (adding it when unknown and accept_new is set).  0, or an exit code
 * after printing why. */
int	ssh_hostkey_check(struct ssh_link *, int accept_new);

/* $HOME, else the passwd entry's: where ~/.ssh is. */
const char	*ssh_home(void);
/* "~/..." for a path under $HOME, for messages. */
void	ssh_short_path(const char *path, char *out, size_t len);

#endif
