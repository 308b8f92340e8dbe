/*
 * launch's exit codes (README.md, "Exit codes"): a contract, shared by
 * the launch binary and its helper programs (launch-ssh exits with them
 * too, so that launch can pass its status on as it is).
 */
#ifndef LAUNCH_EXITS_H
#define LAUNCH_EXITS_H

#define EXIT_NO		1	/* a label failed or was not found */
#define EXIT_USAGE	2	/* bad options or arguments */
#define EXIT_NODAEMON	3	/* no daemon, or a host unreachable */
#define EXIT_RUNNING	4	/* serve: another daemon serves the socket */
#define EXIT_PROTOCOL	5	/* refused (uid, ssh), or a protocol error */
#define EXIT_TIMEOUT	6	/* wait: the timeout came first */

#endif
