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
#include "copy_ring.h"
#include "copy_stage.h"

struct stage_src {
	struct ncd_copy_ring r;	/* the flow's slice of the provider */
	struct ncd_vq *q;
};

static int stage_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		      unsigned int max)
{
	struct stage_src *c = s->priv;
	struct ncd_vq_batch *b = ncd_vq_next(c->q);
	size_t cap = 0;
	void *buf;
	ssize_t n;

	if (!b || b->frags != frags || !max)
		return -EINVAL;	/* the RX loop fills the queue's next batch */
	buf = ncd_vq_stage(c->q, b, &cap);
	if (!buf)
		return -ENOMEM;
	n = ncd_copy_ring_recv(&c->r, buf, ncd_copy_ring_room(&c->r, cap));
	if (n <= 0)
		return n;
	b->stage = buf;
	b->stage_len = n;
	ncd_copy_ring_emit(&c->r, s, n, &frags[0]);
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
	*c = (struct stage_src){ .r = { .fd = fd, .off = off, .len = len }, .q = q };
	*s = (struct ncd_frag_source){ .name = "copy", .next = stage_next,
				       .release = stage_release,
				       .close = stage_close, .priv = c };
	return 0;
}
