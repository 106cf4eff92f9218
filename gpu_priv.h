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
#endif
