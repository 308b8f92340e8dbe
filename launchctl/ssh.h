/*
 * The client's ssh transport (libssh2): one authenticated session to a
 * host, one exec channel on it.  `launch -H HOST CMD` runs `launch bridge`
 * on HOST through it and speaks the ordinary protocol over the channel;
 * `launch -H HOST logs` runs `launch logs` there and relays its output.
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
/* Blocking I/O on the channel's stdin and stdout.  read: bytes, 0 at the
 * end of the remote's output, -1 on a broken session. */
ssize_t	ssh_link_read(struct ssh_link *, char *, size_t);
int	ssh_link_write(struct ssh_link *, const char *, size_t);
/* The remote command's output has ended early: print what it said on its
 * stderr (as "launch: SPEC: ...") and return its exit status (0 when it
 * gave none). */
int	ssh_link_finish(struct ssh_link *);
/* Relay the remote command's stdout and stderr to ours until it exits;
 * its exit status.  Our stdin is not forwarded. */
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

/* The shell-quoted remote command line: LAUNCH_REMOTE (default "launch",
 * taken as is, so it may carry a path or arguments), then args quoted. */
char	*ssh_remote_command(const char *const *args);

#endif
