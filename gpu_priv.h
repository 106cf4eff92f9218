/* SPDX-License-Identifier: MIT */
/* CUDA provider state shared by gpu_mem.c (provider) and gpu_vq.c (RX pipeline). */
#ifndef NCD_GPU_PRIV_H
#define NCD_GPU_PRIV_H

#include <pthread.h>
#include "gpu_api.h"

struct ncd_frag;
struct ncd_mem;
struct ncd_pattern;
struct ncd_verdict;

#define NCD_CUDA_BLOCK		256	/* threads per block */
#define NCD_CUDA_CHUNK		4096	/* bytes one validate block checks */

struct cuda_priv {
	CUdevice dev;
	CUcontext ctx;
	CUdeviceptr base;
	CUmodule mod;
	CUfunction fill_fn, validate_fn;
	CUstream stream;		/* provider stream: copy_in, fill */
	void *stage[2];			/* pinned copy_in staging */
	CUevent ev[2];
	int need_flush;			/* NIC writes need cuFlushGPUDirectRDMAWrites */
	unsigned long long export_flags;	/* mapping type of the dma-buf */
	pthread_mutex_t lock;		/* provider stream and staging; not RX */
	char bdf[32];
	char dmabuf_err[400];		/* why there is no dma-buf */
};

/* The kernels' pattern parameters; -EINVAL for a degenerate period. */
int ncd_cuda_pattern_params(const struct ncd_pattern *pat, uint32_t *kind,
			    uint64_t *per);
/* Record the exact first mismatch at @first (stream offset) of a batch:
 * actual byte read back from the GPU, expected from pattern.c. */
int ncd_cuda_note_first(struct ncd_mem *m, const struct ncd_frag *frags,
			unsigned int n, const struct ncd_pattern *pat,
			uint64_t first, struct ncd_verdict *v);
/* The provider's ncd_vq ops (gpu_vq.c). */
struct ncd_vq;
struct ncd_vq_batch;
int ncd_cuda_vq_open(struct ncd_vq *q);
int ncd_cuda_vq_submit(struct ncd_vq *q, struct ncd_vq_batch *b);
int ncd_cuda_vq_poll(struct ncd_vq *q, struct ncd_vq_batch *b, int wait);
void *ncd_cuda_vq_stage(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap);
void ncd_cuda_vq_close(struct ncd_vq *q);
/* Choose the GPU (--gpu @sel, nearest the NIC @ifname, same NUMA node, 0)
 * into pr->gpu, gpu_bdf, gpu_why and pr->note (a warning, or "").  Silent.
 * Returns the ordinal, or -errno with pr->why and pr->fix set. */
struct ncd_mem_probe;
int ncd_cuda_pick_gpu(const char *sel, const char *ifname, int count,
		      struct ncd_mem_probe *pr);
/* Normalised PCI address of GPU @ordinal; 0 or -errno. */
int ncd_cuda_bdf(int ordinal, char *out, size_t len);

#endif
