// SPDX-License-Identifier: MIT
/*
 * Copy mode: the classic path.  RX recv()s into a slice of the memory
 * provider (through a host bounce buffer and copy_in when the provider has
 * no CPU mapping, e.g. cuda: NIC -> host -> GPU); TX send()s from host memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "sources.h"

#define COPY_RECV_MAX	(256 << 10)

struct copy_src {
	int fd;
	struct ncd_mem *m;
	size_t off, len, pos;
	void *bounce;		/* only when the provider has no CPU mapping */
};

static int copy_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		     unsigned int max)
{
	struct copy_src *c = s->priv;
	size_t room = c->len - c->pos;
	char *dst;
	ssize_t n;

	if (room > COPY_RECV_MAX)
		room = COPY_RECV_MAX;
	dst = c->bounce ? c->bounce : (char *)c->m->cpu_addr + c->off + c->pos;
	/* CPU writes into a dma-buf mapping are bracketed (DMA_BUF_IOCTL_SYNC) */
	if (!c->bounce && c->m->ops->cpu_begin && (n = c->m->ops->cpu_begin(c->m)))
		return n;
	do
		n = recv(c->fd, dst, room, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	if (!c->bounce && c->m->ops->cpu_end)
		c->m->ops->cpu_end(c->m);
	if (n <= 0)
		return n;
	if (c->bounce) {
		int ret = c->m->ops->copy_in(c->m, c->off + c->pos, c->bounce, n);

		if (ret)
			return ret;
	}
	frags[0] = (struct ncd_frag){ .off = c->off + c->pos, .len = n,
				      .stream_off = s->stream_off };
	s->stream_off += n;
	c->pos += n;
	if (c->pos == c->len)
		c->pos = 0;
	return 1;
}

static int copy_release(struct ncd_frag_source *s, const struct ncd_frag *f,
			unsigned int n)
{
	return 0;	/* the slice is simply reused */
}

static void copy_close(struct ncd_frag_source *s)
{
	struct copy_src *c = s->priv;

	free(c->bounce);
	free(c);
	s->priv = NULL;
}

int ncd_copy_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			 size_t off, size_t len)
{
	struct copy_src *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = (struct copy_src){ .fd = fd, .m = m, .off = off, .len = len };
	if (!m->cpu_addr && !(c->bounce = malloc(COPY_RECV_MAX))) {
		free(c);
		return -ENOMEM;
	}
	*s = (struct ncd_frag_source){ .name = "copy", .next = copy_next,
				       .release = copy_release,
				       .close = copy_close, .priv = c };
	return 0;
}

static long copy_send(struct ncd_tx_sink *t, uint64_t buf_off, size_t len)
{
	ssize_t n;

	do
		n = send(t->fd, (const char *)t->priv + buf_off, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int copy_finish(struct ncd_tx_sink *t)
{
	return 0;
}

static void copy_sink_close(struct ncd_tx_sink *t)
{
}

int ncd_copy_sink_open(struct ncd_tx_sink *t, int fd, const void *base)
{
	*t = (struct ncd_tx_sink){ .name = "copy", .send = copy_send,
				   .finish = copy_finish,
				   .close = copy_sink_close, .fd = fd,
				   .priv = (void *)base };
	return 0;
}
