/*
 * A growable byte buffer with a read offset: the input and output queues
 * of a connection.  Consumed bytes are reclaimed lazily (on the next
 * append that would grow the buffer) so draining is O(1).
 */
#ifndef LAUNCH_BUF_H
#define LAUNCH_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 off;	/* first unconsumed byte */
	size_t	 len;	/* end of valid bytes */
	size_t	 cap;
};

void	 buf_free(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
/* Make room for at least n more bytes; returns where to write them. */
char	*buf_reserve(struct buf *, size_t n);
void	 buf_consume(struct buf *, size_t);
/* send(2) what a non-blocking socket takes (no SIGPIPE): 0 all sent,
 * 1 more to send (EAGAIN), -1 with errno on a failure. */
int	 buf_send(struct buf *, int fd);
static inline size_t buf_used(const struct buf *b) { return b->len - b->off; }
static inline char *buf_head(const struct buf *b) { return b->data + b->off; }

#endif
