/* SPDX-License-Identifier: MIT */
/*
 * CUDA provider (gpu_mem.c): its ops and the fill kernel entry.  libcuda is
 * loaded at run time; nothing here needs CUDA at build time.  The PTX is in
 * gpu_ptx.h, GPU choice in gpu_pick.h, the RX pipeline in gpu_vq.h.
 */
#ifndef NCD_GPU_MEM_H
#define NCD_GPU_MEM_H

#include <stddef.h>
#include <stdint.h>
#include "mem.h"

struct ncd_mem;
struct ncd_pattern;

extern const struct ncd_mem_ops ncd_cuda_mem_ops;

/* Write the pattern bytes of stream [@stream_off, +@len) into provider bytes
 * [@off, +@len) with a GPU kernel.  0 or -errno (message printed). */
int ncd_cuda_fill(struct ncd_mem *m, size_t off, uint64_t stream_off,
		  size_t len, const struct ncd_pattern *p);

#endif
