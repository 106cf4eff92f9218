// SPDX-License-Identifier: MIT
/*
 * The CUDA provider's RX pipeline: one non-blocking stream per flow; each
 * batch's fragment list and result words live in pinned host memory mapped
 * into the GPU (the kernel reads the list where the RX loop wrote it: no
 * copy per batch); one launch per batch; an event closes each batch and the
 * RX loop gives tokens back only after that event completed.  Copy mode
 * receives into a pinned buffer per batch slot and copies it in on the same
 * stream ahead of the kernel.  No locks, no context-wide synchronisation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frag.h"
#include "gpu_priv.h"
#include "gpu_vq.h"
#include "mem.h"
#include "pattern.h"

#define VQ_STAGE	(256u << 10)	/* copy mode: bytes per batch slot */

struct cuda_vq {
	struct cuda_priv *p;
	CUstream stream;
	char *host;			/* every slot's fragments + results */
	CUdeviceptr dev;		/* the same memory, GPU address */
	size_t slot, res_off;		/* bytes per slot, results within it */
	CUevent ev[NCD_VQ_MAX_DEPTH];
	void *stage[NCD_VQ_MAX_DEPTH];
};

static unsigned int slot_of(const struct ncd_vq *q, const struct ncd_vq_batch *b)
{
	return (unsigned int)(b - q->b);
}

static volatile uint64_t *results(struct cuda_vq *c, unsigned int i)
{
	return (volatile uint64_t *)(c->host + i * c->slot + c->res_off);
}

static int open_mapped(struct ncd_vq *q, struct cuda_vq *c)
{
	CUresult r;

	c->res_off = ((size_t)q->cap * sizeof(struct ncd_frag) + 63) & ~(size_t)63;
	c->slot = c->res_off + 64;
	r = cu.MemHostAlloc((void **)&c->host, c->slot * q->depth,
			    CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP);
	if (r) {
		c->host = NULL;
		return ncd_cu_fail(r, "cuMemHostAlloc (fragment lists)", NULL);
	}
	r = cu.MemHostGetDevicePointer(&c->dev, c->host, 0);
	if (r)
		return ncd_cu_fail(r, "cuMemHostGetDevicePointer", "the GPU cannot map host memory");
	for (unsigned int i = 0; i < q->depth; i++)
		q->b[i].frags = (struct ncd_frag *)(c->host + i * c->slot);
	return 0;
}

int ncd_cuda_vq_open(struct ncd_vq *q)
{
	struct cuda_vq *c = calloc(1, sizeof(*c));
	CUresult r;

	if (!c)
		return -ENOMEM;
	q->priv = c;
	c->p = q->m->priv;
	if ((r = cu.CtxSetCurrent(c->p->ctx)))	/* per thread */
		return ncd_cu_fail(r, "cuCtxSetCurrent", NULL);
	if ((r = cu.StreamCreate(&c->stream, CU_STREAM_NON_BLOCKING))) {
		c->stream = NULL;
		return ncd_cu_fail(r, "cuStreamCreate", NULL);
	}
	for (unsigned int i = 0; i < q->depth; i++) {
		if ((r = cu.EventCreate(&c->ev[i], CU_EVENT_DISABLE_TIMING))) {
			c->ev[i] = NULL;
			return ncd_cu_fail(r, "cuEventCreate", NULL);
		}
	}
	return open_mapped(q, c);
}

/* Fragments must lie in the buffer; the longest sets the grid's width. */
static int batch_extent(struct ncd_vq *q, struct ncd_vq_batch *b,
			uint32_t *maxlen)
{
	*maxlen = 0;
	for (unsigned int i = 0; i < b->n; i++) {
		const struct ncd_frag *f = &b->frags[i];

		if (f->off > q->m->size || f->len > q->m->size - f->off)
			return -ERANGE;	/* kernel handed out an impossible offset */
		if (f->len > *maxlen)
			*maxlen = f->len;
	}
	return 0;
}

static CUresult launch_validate(struct ncd_vq *q, struct cuda_vq *c,
				struct ncd_vq_batch *b, uint32_t maxlen)
{
	unsigned int i = slot_of(q, b);
	CUdeviceptr frags = c->dev + i * c->slot;
	CUdeviceptr res = frags + c->res_off;
	uint64_t seed = q->pat->seed, per;
	uint32_t kind, nf = b->n;
	void *args[] = { &c->p->base, &frags, &nf, &kind, &seed, &per, &res };
	unsigned int gx = (maxlen + NCD_CUDA_CHUNK - 1) / NCD_CUDA_CHUNK;

	if (ncd_cuda_pattern_params(q->pat, &kind, &per))
		return 1;	/* CUDA_ERROR_INVALID_VALUE */
	results(c, i)[0] = 0;
	results(c, i)[1] = UINT64_MAX;
	/* NIC writes must be visible to the kernel; copies are stream-ordered */
	if (!b->stage && c->p->need_flush && cu.FlushGPUDirectRDMAWrites)
		cu.FlushGPUDirectRDMAWrites(CU_FLUSH_GPU_DIRECT_RDMA_WRITES_TARGET_CURRENT_CTX,
					    CU_FLUSH_GPU_DIRECT_RDMA_WRITES_TO_OWNER);
	return cu.LaunchKernel(c->p->validate_fn, gx, b->n, 1, NCD_CUDA_BLOCK,
			       1, 1, 0, c->stream, args, NULL);
}

int ncd_cuda_vq_submit(struct ncd_vq *q, struct ncd_vq_batch *b)
{
	struct cuda_vq *c = q->priv;
	uint32_t maxlen;
	CUresult r = CUDA_SUCCESS;
	int ret;

	ret = batch_extent(q, b, &maxlen);
	if (ret)
		return ret;
	if (b->stage && b->n)
		r = cu.MemcpyHtoDAsync(c->p->base + b->frags[0].off, b->stage,
				       b->stage_len, c->stream);
	if (!r && maxlen && q->pat && q->pat->kind != NCD_PAT_NONE)
		r = launch_validate(q, c, b, maxlen);
	if (!r)
		r = cu.EventRecord(c->ev[slot_of(q, b)], c->stream);
	return r ? ncd_cu_fail(r, "starting a GPU validation batch", NULL) : 0;
}

int ncd_cuda_vq_poll(struct ncd_vq *q, struct ncd_vq_batch *b, int wait)
{
	struct cuda_vq *c = q->priv;
	unsigned int i = slot_of(q, b);
	volatile uint64_t *res = results(c, i);
	CUresult r;

	r = wait ? cu.EventSynchronize(c->ev[i]) : cu.EventQuery(c->ev[i]);
	if (r == CUDA_ERROR_NOT_READY)
		return 0;
	if (r)
		return ncd_cu_fail(r, "waiting for a GPU validation batch", NULL);
	if (!q->pat || q->pat->kind == NCD_PAT_NONE)
		return 1;
	q->v->checked += b->bytes;
	if (!res[0])
		return 1;
	q->v->bad += res[0];
	r = ncd_cuda_note_first(q->m, b->frags, b->n, q->pat, res[1], q->v);
	return r ? (int)r : 1;
}

void *ncd_cuda_vq_stage(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap)
{
	struct cuda_vq *c = q->priv;
	unsigned int i = slot_of(q, b);

	if (!c->stage[i] && cu.MemHostAlloc(&c->stage[i], VQ_STAGE, 0)) {
		c->stage[i] = NULL;
		fprintf(stderr, "cuda: cuMemHostAlloc of a %u KiB receive buffer failed: lower -P or free pinned memory\n",
			VQ_STAGE >> 10);
		return NULL;
	}
	*cap = VQ_STAGE;
	return c->stage[i];
}

void ncd_cuda_vq_close(struct ncd_vq *q)
{
	struct cuda_vq *c = q->priv;

	if (!c)
		return;
	cu.CtxSetCurrent(c->p->ctx);
	if (c->stream)	/* the GPU may still read our buffers */
		cu.StreamSynchronize(c->stream);
	for (unsigned int i = 0; i < NCD_VQ_MAX_DEPTH; i++) {
		if (c->ev[i])
			cu.EventDestroy(c->ev[i]);
		if (c->stage[i])
			cu.MemFreeHost(c->stage[i]);
		q->b[i].frags = NULL;
	}
	if (c->host)
		cu.MemFreeHost(c->host);
	if (c->stream)
		cu.StreamDestroy(c->stream);
	free(c);
	q->priv = NULL;
}
