/* SPDX-License-Identifier: MIT */
/* The CUDA provider's kernels as PTX text (gpu_ptx.c), JIT-compiled at load. */
#ifndef NCD_GPU_PTX_H
#define NCD_GPU_PTX_H

/* The embedded PTX (fill and validate kernels), NUL-terminated. */
const char *ncd_cuda_ptx(void);

#endif
