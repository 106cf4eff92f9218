/* SPDX-License-Identifier: MIT */
/*
 * CUDA provider extras (the ops are ncd_cuda_mem_ops in mem.h).  libcuda is
 * loaded at run time; nothing here needs CUDA at build time.
 */
#ifndef NCD_GPU_MEM_H
#define NCD_GPU_MEM_H

#include <stddef.h>
#include <stdint.h>

struct ncd_mem;
struct ncd_pattern;

/* The embedded PTX (fill and validate kernels), NUL-terminated. */
const char *ncd_cuda_ptx(void);

/* Write the pattern bytes of stream [@stream_off, +@len) into provider bytes
 * [@off, +@len) with a GPU kernel.  0 or -errno (message printed). */
int ncd_cuda_fill(struct ncd_mem *m, size_t off, uint64_t stream_off,
		  size_t len, const struct ncd_pattern *p);

/* "3B:00.0" or "0000:3b:00.0" -> "0000:3b:00.0"; 0 or -EINVAL. */
int ncd_pci_addr_norm(const char *in, char *out, size_t len);

/* Index of the entry of @gpu_paths (sysfs realpaths) that shares the most
 * leading path components with @nic_path; ties go to the lower index.
 * -1 when @n is 0 or nothing is shared beyond /sys/devices. */
int ncd_gpu_pick_nearest(const char *nic_path, const char *const *gpu_paths,
			 int n);

/* 1 when the two sysfs device paths share a PCIe switch or root port (not
 * just the root complex), else 0. */
int ncd_gpu_shares_port(const char *nic_path, const char *gpu_path);

#endif
