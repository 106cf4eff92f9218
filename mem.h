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

/*
 * What a provider can do here, learned without side effects: nothing is
 * allocated, no dma-buf is created, nothing is printed.  ncd_mem_open()
 * runs the same probe first and prints its reason when it fails, and
 * --check prints it as a line, so the two cannot disagree.
 */
struct ncd_mem_probe {
	int usable;		/* ncd_mem_open() would get past its checks */
	int dmabuf;		/* and export a dma-buf (devmem needs one) */
	int err;		/* -errno when !usable */
	char why[256];		/* !usable or !dmabuf: the reason, one line */
	char fix[128];		/* what to do about it (no ": " in it) */
	char info[384];		/* usable: what was found */
	char note[256];		/* a warning to print when opened, or "" */
	long size_limit_mb;	/* udmabuf: size_limit_mb, -1 unknown */
	char lib[256];		/* cuda: the library loaded */
	int driver_version;	/* cuda: cuDriverGetVersion (12040 = 12.4) */
	int gpu_count;		/* cuda: devices the driver sees */
	int gpu;		/* cuda: the GPU a run would use, -1 none */
	char gpu_bdf[32];	/* cuda: its PCI address */
	const char *gpu_why;	/* cuda: "--gpu", "nearest to the NIC", ... */
};

struct ncd_mem_ops {
	const char *name;
	/* Fill @pr for @size bytes (@gpu_sel, @ifname: see struct ncd_mem);
	 * 0 when usable, else -errno.  Side-effect free, silent. */
	int (*probe)(size_t size, const char *gpu_sel, const char *ifname,
		     struct ncd_mem_probe *pr);
	/* Allocate @size bytes after a successful probe @pr; on failure
	 * print one line and return -errno. */
	int (*alloc)(struct ncd_mem *m, size_t size,
		     const struct ncd_mem_probe *pr);
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
	/*
	 * The NIC refused to attach the dma-buf (ENOTSUPP, 524): export it
	 * again the other way (cuda: the other mapping type), replacing
	 * dmabuf_fd.  0, or -errno when there is no other way.  May be NULL.
	 */
	int (*reexport)(struct ncd_mem *m);
};

/* The kernel-internal ENOTSUPP a dma-buf attach fails with (not in libc). */
#define NCD_ENOTSUPP	524

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

/* Probe provider @kind for @size bytes (struct ncd_mem_probe); 0 when it
 * is usable, else -errno.  Prints nothing. */
int ncd_mem_probe(enum ncd_mem_kind kind, size_t size, const char *gpu_sel,
		  const char *ifname, struct ncd_mem_probe *pr);

/* Fill in ops for @kind, probe (printing "<kind>: <why>: <fix>" when that
 * fails) and allocate.  Uses m->gpu_sel and m->ifname.  Returns 0 or
 * -errno (message printed). */
int ncd_mem_open(struct ncd_mem *m, enum ncd_mem_kind kind, size_t size);
void ncd_mem_close(struct ncd_mem *m);

/* Validate fragments, using the provider's own checker or the CPU one. */
int ncd_mem_validate(struct ncd_mem *m, const struct ncd_frag *frags,
		     unsigned int n, const struct ncd_pattern *pat,
		     struct ncd_verdict *v);

/* The per-flow validation queue the ops above serve. */
#include "vq.h"

#endif
