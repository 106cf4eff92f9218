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
};

struct ncd_mem {
	const struct ncd_mem_ops *ops;
	enum ncd_mem_kind kind;
	size_t size;
	void *cpu_addr;		/* CPU mapping, NULL when there is none */
	int dmabuf_fd;		/* -1 for plain host memory */
	int gpu_index;		/* cuda: device ordinal, -1 = nearest the NIC */
	const char *gpu_sel;	/* cuda: --gpu argument (index or PCI addr) */
	const char *ifname;	/* cuda: for nearest-GPU selection */
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

extern const struct ncd_mem_ops ncd_host_mem_ops;
extern const struct ncd_mem_ops ncd_udmabuf_mem_ops;
extern const struct ncd_mem_ops ncd_cuda_mem_ops;

#endif
