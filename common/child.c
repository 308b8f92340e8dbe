/*
 * Children start clean (child.h).
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "child.h"

void
child_reset_signals(void)
{
	struct sigaction	sa;
	sigset_t		empty;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, &empty, NULL);
}
