// SPDX-License-Identifier: MIT
/* Plain host memory: the copy path's receive buffer (no dma-buf). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "host_mem.h"
#include "mem.h"

/* Always there; it has no dma-buf, so devmem cannot use it. */
static int host_probe(size_t size, const char *gpu_sel, const char *ifname,
		      struct ncd_mem_probe *pr)
{
	(void)gpu_sel;
	(void)ifname;
	snprintf(pr->info, sizeof(pr->info), "%zu MiB of anonymous memory (copy mode only)",
		 size >> 20);
	snprintf(pr->why, sizeof(pr->why), "host memory has no dma-buf");
	snprintf(pr->fix, sizeof(pr->fix), "use --mem udmabuf or --mem cuda");
	pr->dmabuf = 0;
	return 0;
}

static int host_alloc(struct ncd_mem *m, size_t size,
		      const struct ncd_mem_probe *pr)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)pr;
	if (p == MAP_FAILED) {
		int err = errno;

		fprintf(stderr, "host memory: mmap of %zu bytes failed: %s: lower --buf-size\n",
			size, strerror(err));
		return -err;
	}
	m->cpu_addr = p;
	m->size = size;
	return 0;
}

static void host_free(struct ncd_mem *m)
{
	if (m->cpu_addr)
		munmap(m->cpu_addr, m->size);
	m->cpu_addr = NULL;
}

static int host_copy_in(struct ncd_mem *m, size_t off, const void *src, size_t len)
{
	memcpy((char *)m->cpu_addr + off, src, len);
	return 0;
}

static int host_copy_out(struct ncd_mem *m, size_t off, void *dst, size_t len)
{
	memcpy(dst, (char *)m->cpu_addr + off, len);
	return 0;
}

const struct ncd_mem_ops ncd_host_mem_ops = {
	.name = "host",
	.probe = host_probe,
	.alloc = host_alloc,
	.free = host_free,
	.copy_in = host_copy_in,
	.copy_out = host_copy_out,
};
