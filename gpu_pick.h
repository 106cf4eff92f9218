/* SPDX-License-Identifier: MIT */
/* Which GPU (gpu_pick.c): --gpu, nearest the NIC in PCIe, NUMA, or 0. */
#ifndef NCD_GPU_PICK_H
#define NCD_GPU_PICK_H

#include <stddef.h>

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

/* Choose the GPU (--gpu @sel, nearest the NIC @ifname, same NUMA node, 0)
 * into pr->gpu, gpu_bdf, gpu_why and pr->note (a warning, or "").  Silent.
 * Returns the ordinal, or -errno with pr->why and pr->fix set. */
struct ncd_mem_probe;
int ncd_cuda_pick_gpu(const char *sel, const char *ifname, int count,
		      struct ncd_mem_probe *pr);
/* Normalised PCI address of GPU @ordinal; 0 or -errno. */
int ncd_cuda_bdf(int ordinal, char *out, size_t len);

#endif
