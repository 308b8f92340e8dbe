#include "config.h"

#include <sys/socket.h>

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}

char *
buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return b->data + b->len;
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= n)
			return b->data + b->len;
	}
	size_t	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n) {
		if (cap > ((size_t)-1) / 2)
			cap = b->len + n;	/* overflow is caught below */
		else
			cap *= 2;
	}
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
	return b->data + b->len;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	/* A buffer never grown has no data: memcpy to NULL is undefined,
	 * even of 0 bytes. */
	if (n == 0)
		return;
	memcpy(buf_reserve(b, n), p, n);
	b->len += n;
}

void
buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		b->off = b->len = 0;
}

int
buf_send(struct buf *b, int fd)
{
	ssize_t	n;

	while (buf_used(b) > 0) {
		n = send(fd, buf_head(b), buf_used(b), MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 1;
		if (n == -1)
			return -1;
		buf_consume(b, (size_t)n);
	}
	return 0;
}
