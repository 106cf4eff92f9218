// SPDX-License-Identifier: MIT
/*
 * Copy mode into memory without a CPU mapping (cuda): recv() straight into
 * the pinned buffer of the validation-queue slot being filled; submitting
 * the batch copies it in on the flow's stream ahead of the check, so the
 * receive of the next batch overlaps the copy and the check of this one.
 * A slot's buffer is reused only after its batch completed.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "copy_stage.h"

struct stage_src {
	int fd;
	struct ncd_vq *q;
	size_t off, len, pos;	/* the flow's slice of the provider */
};

static int stage_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		      unsigned int max)
{
	struct stage_src *c = s->priv;
	struct ncd_vq_batch *b = ncd_vq_next(c->q);
	size_t cap = 0, room = c->len - c->pos;
	void *buf;
	ssize_t n;

	if (!b || b->frags != frags || !max)
		return -EINVAL;	/* the RX loop fills the queue's next batch */
	buf = ncd_vq_stage(c->q, b, &cap);
	if (!buf)
		return -ENOMEM;
	if (room > cap)
		room = cap;
	do
		n = recv(c->fd, buf, room, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	b->stage = buf;
	b->stage_len = n;
	frags[0] = (struct ncd_frag){ .off = c->off + c->pos, .len = n,
				      .stream_off = s->stream_off };
	s->stream_off += n;
	c->pos += n;
	if (c->pos == c->len)
		c->pos = 0;
	return 1;
}

static int stage_release(struct ncd_frag_source *s, const struct ncd_frag *f,
			 unsigned int n)
{
	return 0;	/* the slot goes back with its batch */
}

static void stage_close(struct ncd_frag_source *s)
{
	free(s->priv);
	s->priv = NULL;
}

int ncd_stage_source_open(struct ncd_frag_source *s, int fd, struct ncd_vq *q,
			  size_t off, size_t len)
{
	struct stage_src *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = (struct stage_src){ .fd = fd, .q = q, .off = off, .len = len };
	*s = (struct ncd_frag_source){ .name = "copy", .next = stage_next,
				       .release = stage_release,
				       .close = stage_close, .priv = c };
	return 0;
}
