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
#include "copy_path.h"
#include "copy_ring.h"
#include "copy_stage.h"
#include "pattern.h"

#define COPY_RECV_MAX	(256 << 10)

struct copy_src {
	struct ncd_copy_ring r;
	struct ncd_mem *m;
	void *bounce;		/* only when the provider has no CPU mapping */
};

static int copy_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		     unsigned int max)
{
	struct copy_src *c = s->priv;
	size_t room = ncd_copy_ring_room(&c->r, COPY_RECV_MAX);
	char *dst;
	ssize_t n;

	dst = c->bounce ? c->bounce : (char *)c->m->cpu_addr + c->r.off + c->r.pos;
	/* CPU writes into a dma-buf mapping are bracketed (DMA_BUF_IOCTL_SYNC) */
	if (!c->bounce && c->m->ops->cpu_begin && (n = c->m->ops->cpu_begin(c->m)))
		return n;
	n = ncd_copy_ring_recv(&c->r, dst, room);
	if (!c->bounce && c->m->ops->cpu_end)
		c->m->ops->cpu_end(c->m);
	if (n <= 0)
		return n;
	if (c->bounce) {
		int ret = c->m->ops->copy_in(c->m, c->r.off + c->r.pos, c->bounce, n);

		if (ret)
			return ret;
	}
	ncd_copy_ring_emit(&c->r, s, n, &frags[0]);
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
	*c = (struct copy_src){ .r = { .fd = fd, .off = off, .len = len }, .m = m };
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

/* Each flow receives into its own page-aligned slice of the provider. */
static size_t slice_of(const struct ncd_rx_path *p)
{
	return (p->m->size / p->cfg->flows) & ~(size_t)4095;
}

static int copy_rx_setup(struct ncd_rx_path *p)
{
	return slice_of(p) ? 0 : -EINVAL;	/* opts.c rules this out */
}

static int copy_rx_open(struct ncd_rx_path *p, unsigned int idx, int fd,
			struct ncd_vq *q, struct ncd_frag_source *src)
{
	size_t slice = slice_of(p), off = idx * slice;

	if (!p->m->cpu_addr && p->m->ops->vq_stage)
		return ncd_stage_source_open(src, fd, q, off, slice);
	return ncd_copy_source_open(src, fd, p->m, off, slice);
}

static int copy_rx_close(struct ncd_rx_path *p, struct ncd_frag_source *src,
			 struct ncd_counters *out)
{
	src->close(src);
	return 0;
}

static void copy_rx_teardown(struct ncd_rx_path *p)
{
}

const struct ncd_rx_path_ops ncd_copy_rx_path = {
	.name = "copy",
	.setup = copy_rx_setup,
	.open = copy_rx_open,
	.close = copy_rx_close,
	.teardown = copy_rx_teardown,
};

static int copy_tx_setup(struct ncd_tx_path *p)
{
	return 0;	/* each flow fills its own ring */
}

/* With a pattern, a per-flow ring of NCD_TX_CHUNK bytes, refilled at the
 * stream offset: send() copies, so it is reused at once and stays in
 * cache.  Without one, the flow's stdin buffer. */
static int copy_tx_open(struct ncd_tx_path *p, unsigned int idx, int fd,
			struct ncd_tx_flow *fl)
{
	if (p->cfg->pat && !(fl->ring = malloc(NCD_TX_CHUNK)))
		return -ENOMEM;
	return ncd_copy_sink_open(&fl->sink, fd,
				  fl->ring ? fl->ring : fl->stdin_buf);
}

/* Every byte is filled once, at SIMD speed, into a cache-hot buffer. */
static uint64_t copy_tx_place(struct ncd_tx_path *p, struct ncd_tx_flow *fl,
			      uint64_t off, size_t *len)
{
	if (off < fl->start || off >= fl->end) {
		ncd_pattern_fill(p->cfg->pat, off, fl->ring, NCD_TX_CHUNK);
		fl->start = off;
		fl->end = off + NCD_TX_CHUNK;
	}
	if (*len > fl->end - off)
		*len = fl->end - off;
	return off - fl->start;
}

static int copy_tx_stage(struct ncd_tx_path *p, struct ncd_tx_flow *fl,
			 size_t len)
{
	return 0;	/* the sink sends from the stdin buffer itself */
}

static void copy_tx_close(struct ncd_tx_path *p, struct ncd_tx_flow *fl)
{
	fl->sink.close(&fl->sink);
	free(fl->ring);
	fl->ring = NULL;
}

static void copy_tx_teardown(struct ncd_tx_path *p)
{
}

const struct ncd_tx_path_ops ncd_copy_tx_path = {
	.name = "copy",
	.setup = copy_tx_setup,
	.open = copy_tx_open,
	.place = copy_tx_place,
	.stage = copy_tx_stage,
	.close = copy_tx_close,
	.teardown = copy_tx_teardown,
};
