// SPDX-License-Identifier: MIT
/*
 * udmabuf provider: host pages from a sealed memfd exported as a dma-buf
 * through /dev/udmabuf.  The CPU mapping is the mmap of the dma-buf fd, and
 * every CPU access batch is bracketed by DMA_BUF_IOCTL_SYNC START/END.
 *
 * Test seams (environment): NCD_UDMABUF_DEV overrides /dev/udmabuf and
 * NCD_UDMABUF_LIMIT overrides the size_limit_mb sysfs file, so the error
 * messages can be checked on hosts without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>
#include <linux/udmabuf.h>
#include "mem.h"
#include "udmabuf_mem.h"

#define UDMABUF_DEV	"/dev/udmabuf"
#define UDMABUF_LIMIT	"/sys/module/udmabuf/parameters/size_limit_mb"

struct udmabuf_priv {
	int memfd;
	int devfd;
};

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* size_limit_mb in MiB, or -1 when it cannot be read. */
static long udmabuf_limit_mb(void)
{
	FILE *f = fopen(env_or("NCD_UDMABUF_LIMIT", UDMABUF_LIMIT), "r");
	long mb = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &mb) != 1)
		mb = -1;
	fclose(f);
	return mb;
}

static size_t page_round(size_t size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (size + pg - 1) & ~(pg - 1);
}

/*
 * The request fits size_limit_mb (checked here, not left to UDMABUF_CREATE,
 * whose EINVAL does not say why) and the device opens.  Opening
 * /dev/udmabuf creates nothing; it is closed again.
 */
static int udmabuf_probe(size_t size, const char *gpu_sel, const char *ifname,
			 struct ncd_mem_probe *pr)
{
	const char *path = env_or("NCD_UDMABUF_DEV", UDMABUF_DEV);
	int fd, err;

	(void)gpu_sel;
	(void)ifname;
	size = page_round(size);
	pr->size_limit_mb = udmabuf_limit_mb();
	if (!size) {
		snprintf(pr->why, sizeof(pr->why), "a 0-byte buffer was requested");
		snprintf(pr->fix, sizeof(pr->fix), "pass a --buf-size");
		return -EINVAL;
	}
	if (pr->size_limit_mb >= 0 && size > (size_t)pr->size_limit_mb << 20) {
		snprintf(pr->why, sizeof(pr->why),
			 "%zu MiB requested but size_limit_mb is %ld",
			 (size + (1 << 20) - 1) >> 20, pr->size_limit_mb);
		snprintf(pr->fix, sizeof(pr->fix), "lower --buf-size or raise %s",
			 UDMABUF_LIMIT);
		return -EINVAL;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	err = errno;
	if (fd < 0 && err == ENOENT) {
		snprintf(pr->why, sizeof(pr->why), "%s does not exist", path);
		snprintf(pr->fix, sizeof(pr->fix),
			 "run 'modprobe udmabuf' (kernel needs CONFIG_UDMABUF) or use --mem host");
		return -err;
	}
	if (fd < 0) {
		snprintf(pr->why, sizeof(pr->why), "cannot open %s: %s", path,
			 strerror(err));
		snprintf(pr->fix, sizeof(pr->fix), "run as root or use --mem host");
		return -err;
	}
	close(fd);
	snprintf(pr->info, sizeof(pr->info), "%s, size_limit_mb %ld, %zu MiB fits",
		 path, pr->size_limit_mb, (size + (1 << 20) - 1) >> 20);
	pr->dmabuf = 1;
	return 0;
}

static int open_dev(void)
{
	const char *path = env_or("NCD_UDMABUF_DEV", UDMABUF_DEV);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int err = errno;

	if (fd >= 0)
		return fd;
	fprintf(stderr, "udmabuf: cannot open %s: %s: run as root or use --mem host\n",
		path, strerror(err));
	return -err;
}

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << 26)	/* log2(2 MiB) << MFD_HUGE_SHIFT */
#endif
#define HUGE_2MB	(2UL << 20)

static int make_memfd(size_t size, int hugetlb)
{
	int fd = memfd_create("ncdevmem", MFD_ALLOW_SEALING | MFD_CLOEXEC |
			      (hugetlb ? MFD_HUGETLB | MFD_HUGE_2MB : 0));
	int err;

	if (fd < 0) {
		err = errno;
		fprintf(stderr, "udmabuf: memfd_create failed: %s\n", strerror(err));
		return -err;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		err = errno;
		fprintf(stderr, "udmabuf: sealing the memfd failed: %s\n", strerror(err));
		goto err_close;
	}
	if (ftruncate(fd, size) < 0) {
		err = errno;
		fprintf(stderr, "udmabuf: ftruncate to %zu bytes failed: %s: lower --buf-size\n",
			size, strerror(err));
		goto err_close;
	}
	return fd;
err_close:
	close(fd);
	return -err;
}

static int create_dmabuf(int devfd, int memfd, size_t size, int hugetlb)
{
	struct udmabuf_create c = {
		.memfd = memfd,
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.offset = 0,
		.size = size,
	};
	int fd = ioctl(devfd, UDMABUF_CREATE, &c);
	int err = errno;

	if (fd >= 0)
		return fd;
	if (hugetlb)
		fprintf(stderr, "udmabuf: UDMABUF_CREATE of %zu bytes in 2 MiB hugetlb pages failed: %s: reserve %zu (echo N > /proc/sys/vm/nr_hugepages), lower --buf-size, or --udmabuf-pages 4k (then -b above 4K binds only where an IOMMU merges the pages)\n",
			size, strerror(err), size / HUGE_2MB);
	else
		fprintf(stderr, "udmabuf: UDMABUF_CREATE of %zu bytes failed: %s: check size_limit_mb and --buf-size\n",
			size, strerror(err));
	return -err;
}

/* After udmabuf_probe(): size and device were checked there. */
static int udmabuf_alloc(struct ncd_mem *m, size_t size,
			 const struct ncd_mem_probe *pr)
{
	struct udmabuf_priv *p;
	int ret;

	(void)pr;
	/* rx-page-size above 4K: every sg entry aligned, so 2 MiB pages */
	size = m->hugetlb ? (size + HUGE_2MB - 1) & ~(size_t)(HUGE_2MB - 1)
			  : page_round(size);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->memfd = -1;
	p->devfd = open_dev();
	if (p->devfd < 0) {
		ret = p->devfd;
		goto err_free;
	}
	p->memfd = make_memfd(size, m->hugetlb);
	if (p->memfd < 0) {
		ret = p->memfd;
		goto err_dev;
	}
	ret = create_dmabuf(p->devfd, p->memfd, size, m->hugetlb);
	if (ret < 0)
		goto err_memfd;
	m->dmabuf_fd = ret;
	m->cpu_addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   m->dmabuf_fd, 0);
	if (m->cpu_addr == MAP_FAILED) {
		ret = -errno;
		fprintf(stderr, "udmabuf: mmap of the dma-buf failed: %s\n",
			strerror(-ret));
		goto err_dmabuf;
	}
	m->size = size;
	m->priv = p;
	return 0;
err_dmabuf:
	close(m->dmabuf_fd);
	m->dmabuf_fd = -1;
	m->cpu_addr = NULL;
err_memfd:
	close(p->memfd);
err_dev:
	close(p->devfd);
err_free:
	free(p);
	return ret;
}

static void udmabuf_free(struct ncd_mem *m)
{
	struct udmabuf_priv *p = m->priv;

	if (m->cpu_addr)
		munmap(m->cpu_addr, m->size);
	if (m->dmabuf_fd >= 0)
		close(m->dmabuf_fd);
	if (p) {
		close(p->memfd);
		close(p->devfd);
		free(p);
	}
	m->cpu_addr = NULL;
	m->dmabuf_fd = -1;
	m->priv = NULL;
}

static int dmabuf_sync(struct ncd_mem *m, __u64 flags)
{
	struct dma_buf_sync s = { .flags = flags | DMA_BUF_SYNC_RW };

	while (ioctl(m->dmabuf_fd, DMA_BUF_IOCTL_SYNC, &s) < 0) {
		if (errno == EINTR || errno == EAGAIN)
			continue;
		fprintf(stderr, "udmabuf: DMA_BUF_IOCTL_SYNC %s failed: %s\n",
			flags & DMA_BUF_SYNC_END ? "END" : "START",
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int udmabuf_cpu_begin(struct ncd_mem *m)
{
	return dmabuf_sync(m, DMA_BUF_SYNC_START);
}

static int udmabuf_cpu_end(struct ncd_mem *m)
{
	return dmabuf_sync(m, DMA_BUF_SYNC_END);
}

static int udmabuf_copy(struct ncd_mem *m, size_t off, void *dst,
			const void *src, size_t len)
{
	int ret;

	if (off > m->size || len > m->size - off)
		return -ERANGE;
	ret = udmabuf_cpu_begin(m);
	if (ret)
		return ret;
	memcpy(dst, src, len);
	return udmabuf_cpu_end(m);
}

static int udmabuf_copy_in(struct ncd_mem *m, size_t off, const void *src,
			   size_t len)
{
	return udmabuf_copy(m, off, (char *)m->cpu_addr + off, src, len);
}

static int udmabuf_copy_out(struct ncd_mem *m, size_t off, void *dst,
			    size_t len)
{
	return udmabuf_copy(m, off, dst, (char *)m->cpu_addr + off, len);
}

const struct ncd_mem_ops ncd_udmabuf_mem_ops = {
	.name = "udmabuf",
	.probe = udmabuf_probe,
	.alloc = udmabuf_alloc,
	.free = udmabuf_free,
	.cpu_begin = udmabuf_cpu_begin,
	.cpu_end = udmabuf_cpu_end,
	.copy_in = udmabuf_copy_in,
	.copy_out = udmabuf_copy_out,
	/* validate: NULL, the generic CPU checker runs over cpu_addr */
};
