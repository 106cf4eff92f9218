// SPDX-License-Identifier: MIT
/*
 * Per-flow validation queue (mem.h): a ring of batches in flight.  The ring
 * bookkeeping is here; providers with a device (cuda) start and finish
 * batches asynchronously through their vq_* ops, the others validate inside
 * submit so their batches are complete as soon as they are in the ring.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frag.h"
#include "mem.h"
#include "pattern.h"

static int sync_open(struct ncd_vq *q)
{
	for (unsigned int i = 0; i < q->depth; i++) {
		q->b[i].frags = calloc(q->cap, sizeof(struct ncd_frag));
		if (!q->b[i].frags) {
			fprintf(stderr, "ncdevmem: out of memory for a validation batch\n");
			return -ENOMEM;
		}
	}
	return 0;
}

static int sync_submit(struct ncd_vq *q, struct ncd_vq_batch *b)
{
	struct ncd_mem *m = q->m;
	int ret;

	if (b->stage) {
		ret = m->ops->copy_in(m, b->frags[0].off, b->stage, b->stage_len);
		if (ret)
			return ret;
	}
	if (!q->pat || q->pat->kind == NCD_PAT_NONE)
		return 0;
	return ncd_mem_validate(m, b->frags, b->n, q->pat, q->v);
}

int ncd_vq_open(struct ncd_vq *q, struct ncd_mem *m,
		const struct ncd_pattern *pat, struct ncd_verdict *v,
		unsigned int depth, unsigned int cap)
{
	int ret;

	memset(q, 0, sizeof(*q));
	q->m = m;
	q->pat = pat;
	q->v = v;
	q->cap = cap;
	q->depth = depth < 1 ? 1 : depth > NCD_VQ_MAX_DEPTH ? NCD_VQ_MAX_DEPTH : depth;
	if (!m->ops->vq_open)
		q->depth = 1;
	ret = m->ops->vq_open ? m->ops->vq_open(q) : sync_open(q);
	if (ret)
		ncd_vq_close(q);
	return ret;
}

static struct ncd_vq_batch *slot_free(struct ncd_vq *q)
{
	if (ncd_vq_inflight(q) >= q->depth)
		return NULL;
	return &q->b[q->head % q->depth];
}

struct ncd_vq_batch *ncd_vq_next(struct ncd_vq *q)
{
	struct ncd_vq_batch *b = slot_free(q);

	if (!b)
		return NULL;
	b->n = 0;
	b->stage = NULL;
	b->stage_len = 0;
	return b;
}

int ncd_vq_submit(struct ncd_vq *q)
{
	struct ncd_vq_batch *b = slot_free(q);
	int ret;

	if (!b)
		return -EBUSY;
	b->bytes = 0;
	for (unsigned int i = 0; i < b->n; i++)
		b->bytes += b->frags[i].len;
	ret = q->m->ops->vq_submit ? q->m->ops->vq_submit(q, b) : sync_submit(q, b);
	if (!ret)
		q->head++;
	return ret;
}

struct ncd_vq_batch *ncd_vq_reap(struct ncd_vq *q, int wait, int *err)
{
	struct ncd_vq_batch *b;
	int ret = 1;

	*err = 0;
	if (!ncd_vq_inflight(q))
		return NULL;
	b = &q->b[q->tail % q->depth];
	if (q->m->ops->vq_poll)
		ret = q->m->ops->vq_poll(q, b, wait);
	if (ret <= 0) {
		*err = ret;
		return NULL;
	}
	q->tail++;
	return b;
}

void *ncd_vq_stage(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap)
{
	return q->m->ops->vq_stage ? q->m->ops->vq_stage(q, b, cap) : NULL;
}

void ncd_vq_close(struct ncd_vq *q)
{
	if (!q->m)
		return;
	if (q->m->ops->vq_close) {
		q->m->ops->vq_close(q);
	} else {
		for (unsigned int i = 0; i < NCD_VQ_MAX_DEPTH; i++)
			free(q->b[i].frags);
	}
	memset(q, 0, sizeof(*q));
}
