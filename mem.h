/* SPDX-License-Identifier: MIT */
/*
 * Memory providers: where received payload lands and where transmitted
 * payload comes from.  host = malloc'd memory (copy mode only), udmabuf =
 * host pages exported as a dma-buf, cuda = GPU memory exported as a dma-buf.
 *
 * The RX path never touches payload through a CPU pointer unless the provider
 * has one (cpu_addr != NULL); validation and output go through the ops so a
 * GPU provider can check payload where it lies.
 */
#ifndef NCD_MEM_H
#define NCD_MEM_H

#include <stddef.h>
#include <stdint.h>

struct ncd_frag;
struct ncd_pattern;
struct ncd_verdict;

enum ncd_mem_kind {
	NCD_MEM_HOST,
	NCD_MEM_UDMABUF,
	NCD_MEM_CUDA,
};

struct ncd_mem;
struct ncd_vq;
struct ncd_vq_batch;

struct ncd_mem_ops {
	const char *name;
	/* Allocate @size bytes; on failure print one line and return -errno. */
	int (*alloc)(struct ncd_mem *m, size_t size);
	void (*free)(struct ncd_mem *m);
	/* Bracket CPU access to a batch (DMA_BUF_IOCTL_SYNC); may be NULL. */
	int (*cpu_begin)(struct ncd_mem *m);
	int (*cpu_end)(struct ncd_mem *m);
	/* Copy host bytes into the provider at @off (copy path, TX fill). */
	int (*copy_in)(struct ncd_mem *m, size_t off, const void *src, size_t len);
	/* Copy provider bytes at @off out to host memory (netcat output). */
	int (*copy_out)(struct ncd_mem *m, size_t off, void *dst, size_t len);
	/*
	 * Check @n fragments against @pat in place; accumulate into @v.
	 * NULL means: use the generic CPU checker on cpu_addr.
	 */
	int (*validate)(struct ncd_mem *m, const struct ncd_frag *frags,
			unsigned int n, const struct ncd_pattern *pat,
			struct ncd_verdict *v);
	/*
	 * Asynchronous per-flow validation (struct ncd_vq below); all NULL
	 * means synchronous: submit validates at once through validate.
	 * vq_open allocates each batch's fragment array (b[i].frags, cap
	 * entries) and q->priv; vq_submit starts a batch (copy b->stage in
	 * first when set, then check); vq_poll returns 1 once the batch is
	 * done and its verdict merged, 0 while pending (@wait: block), or
	 * -errno; vq_stage returns a host buffer (*cap bytes) to receive into
	 * for batch @b, whose bytes submit copies to frags[0].off.
	 */
	int (*vq_open)(struct ncd_vq *q);
	int (*vq_submit)(struct ncd_vq *q, struct ncd_vq_batch *b);
	int (*vq_poll)(struct ncd_vq *q, struct ncd_vq_batch *b, int wait);
	void *(*vq_stage)(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap);
	void (*vq_close)(struct ncd_vq *q);
};

struct ncd_mem {
	const struct ncd_mem_ops *ops;
	enum ncd_mem_kind kind;
	size_t size;
	void *cpu_addr;		/* CPU mapping, NULL when there is none */
	int dmabuf_fd;		/* -1 for plain host memory */
	const char *dmabuf_err;	/* why dmabuf_fd is -1 (one line), or NULL */
	int gpu_index;		/* cuda: device ordinal, -1 = nearest the NIC */
	const char *gpu_sel;	/* cuda: --gpu argument (index or PCI addr) */
	const char *ifname;	/* cuda: for nearest-GPU selection */
	int hugetlb;		/* udmabuf: back with 2 MiB hugetlb pages, so
				 * each sg entry is aligned to an rx-page-size
				 * above 4K (Linux 7.x bind-rx -b) */
	void *priv;
};

/* Parse "host", "udmabuf", "cuda"; -1 if unknown. */
int ncd_mem_kind_parse(const char *s);
const char *ncd_mem_kind_name(enum ncd_mem_kind k);

/* Fill in ops for @kind and allocate.  Returns 0 or -errno (message printed). */
int ncd_mem_open(struct ncd_mem *m, enum ncd_mem_kind kind, size_t size);
void ncd_mem_close(struct ncd_mem *m);

/* Validate fragments, using the provider's own checker or the CPU one. */
int ncd_mem_validate(struct ncd_mem *m, const struct ncd_frag *frags,
		     unsigned int n, const struct ncd_pattern *pat,
		     struct ncd_verdict *v);

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

extern const struct ncd_mem_ops ncd_host_mem_ops;
extern const struct ncd_mem_ops ncd_udmabuf_mem_ops;
extern const struct ncd_mem_ops ncd_cuda_mem_ops;

#endif
