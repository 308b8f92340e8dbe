/*
 * Allocation wrappers that abort on out-of-memory and on size overflow, so
 * callers never check for NULL (as tmux's xmalloc.c).  A supervisor that
 * cannot allocate cannot do anything useful; dying loudly is the contract.
 */
#ifndef LAUNCH_XMALLOC_H
#define LAUNCH_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* n bytes, whatever they are, and a NUL after them: a line that may hold
 * a NUL byte (which xstrndup would stop at) for a decoder given its
 * length. */
char	*xmemdupz(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
