/* SPDX-License-Identifier: MIT */
/* The validation queue (vq.c); providers serve it through struct ncd_mem_ops. */
#ifndef NCD_VQ_H
#define NCD_VQ_H

#include <stddef.h>
#include <stdint.h>

struct ncd_frag;
struct ncd_mem;
struct ncd_pattern;
struct ncd_verdict;

/*
 * Per-flow validation queue.  The RX loop fills the next batch's fragment
 * array, submits it, and gets batches back oldest first once the provider
 * is done reading them (validated, verdict merged); only then may their
 * tokens and buffers go back to the kernel.  Up to @depth batches are in
 * flight.  Each flow owns its queue (a GPU stream for cuda): no locks.
 */
#define NCD_VQ_MAX_DEPTH	8

struct ncd_vq_batch {
	struct ncd_frag *frags;	/* cap entries; cuda: pinned, device-mapped */
	unsigned int n;
	void *stage;		/* copy mode: host bytes to copy in first */
	size_t stage_len;
	uint64_t bytes;		/* payload bytes of frags[0..n) */
};

struct ncd_vq {
	struct ncd_mem *m;
	const struct ncd_pattern *pat;	/* kind NONE: completion only */
	struct ncd_verdict *v;
	unsigned int depth, cap;
	unsigned int head, tail;	/* batches submitted, reaped */
	struct ncd_vq_batch b[NCD_VQ_MAX_DEPTH];
	void *priv;
};

/* 0 or -errno (message printed).  @depth is clamped to what the provider
 * uses (1 for synchronous ones). */
int ncd_vq_open(struct ncd_vq *q, struct ncd_mem *m,
		const struct ncd_pattern *pat, struct ncd_verdict *v,
		unsigned int depth, unsigned int cap);
/* The batch to fill next, or NULL while @depth batches are in flight. */
struct ncd_vq_batch *ncd_vq_next(struct ncd_vq *q);
/* Submit the batch ncd_vq_next() returned (its n set).  0 or -errno. */
int ncd_vq_submit(struct ncd_vq *q);
/* Oldest batch in flight once it completed (@wait: block for it); NULL
 * when none is ready, with *err = 0 or -errno.  The batch stays valid
 * until the next ncd_vq_next(). */
struct ncd_vq_batch *ncd_vq_reap(struct ncd_vq *q, int wait, int *err);
static inline unsigned int ncd_vq_inflight(const struct ncd_vq *q)
{
	return q->head - q->tail;
}
/* Host buffer to receive batch @b's bytes into (copy mode without a CPU
 * mapping); NULL when the provider has none. */
void *ncd_vq_stage(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap);
/* Waits for batches in flight, frees. */
void ncd_vq_close(struct ncd_vq *q);

#endif
