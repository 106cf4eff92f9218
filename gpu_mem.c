// SPDX-License-Identifier: MIT
/*
 * CUDA provider: GPU memory from cuMemAlloc exported as a dma-buf with
 * cuMemGetHandleForAddressRange.  libcuda is dlopen()ed (gpu_api.c), so the
 * binary builds and runs without CUDA.  Payload is never brought to the host
 * for validation: the RX loop's per-flow queue (gpu_vq.c) runs a PTX kernel
 * (gpu_ptx.c) on fragments in place.  Copies and the fill kernel use one
 * provider stream under a mutex; none of that is on the RX path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "frag.h"
#include "gpu_mem.h"
#include "gpu_pick.h"
#include "gpu_priv.h"
#include "gpu_ptx.h"
#include "gpu_vq.h"
#include "mem.h"
#include "pattern.h"

#define STAGE_SIZE	(4u << 20)	/* pinned staging buffer for copy_in */

static int load_module(struct cuda_priv *p)
{
	static char log[8192];
	int opts[] = { CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
	void *vals[] = { log, (void *)(uintptr_t)sizeof(log) };
	CUresult r;

	log[0] = 0;
	r = cu.ModuleLoadDataEx(&p->mod, ncd_cuda_ptx(), 2, opts, vals);
	if (r) {
		char *nl;

		while ((nl = strchr(log, '\n')))	/* keep it to one line */
			*nl = ' ';
		fprintf(stderr, "cuda: loading the PTX kernels failed: %s (%d): JIT log: %s\n",
			ncd_cu_str(r), r, log[0] ? log : "(empty)");
		p->mod = NULL;
		return -EIO;
	}
	if ((r = cu.ModuleGetFunction(&p->fill_fn, p->mod, "ncd_fill")) ||
	    (r = cu.ModuleGetFunction(&p->validate_fn, p->mod, "ncd_validate")))
		return ncd_cu_fail(r, "cuModuleGetFunction", NULL);
	return 0;
}

/* Pinned staging for copy_in; without it copy_in copies from pageable
 * memory, still on the stream and still waited for. */
static void setup_staging(struct cuda_priv *p)
{
	for (int i = 0; i < 2; i++) {
		if (cu.MemHostAlloc(&p->stage[i], STAGE_SIZE, 0))
			p->stage[i] = NULL;
		if (cu.EventCreate(&p->ev[i], CU_EVENT_DISABLE_TIMING))
			p->ev[i] = NULL;
	}
}

static int try_export(struct ncd_mem *m, struct cuda_priv *p,
		      unsigned long long flags, int *fd)
{
	*fd = -1;
	return cu.MemGetHandleForAddressRange(fd, p->base, m->size,
					      CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD,
					      flags);
}

/*
 * On x86 the default mapping first: a FORCE_PCIE mapping can be exported
 * and then fail the NIC's attach (ENOTSUPP, 524).  Elsewhere (arm64 with
 * C2C) PCIe first.  Either way the other one when the first fails.
 */
static void export_dmabuf(struct ncd_mem *m, struct cuda_priv *p,
			  const struct ncd_mem_probe *pr)
{
#if defined(__x86_64__) || defined(__i386__)
	const unsigned long long first = 0;
#else
	const unsigned long long first = CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE;
#endif
	int fd;
	CUresult r;

	/* copy mode does not need a dma-buf: devmem prints why it has none */
	m->dmabuf_err = p->dmabuf_err;
	if (!pr->dmabuf) {	/* the probe's words, as --check prints them */
		snprintf(p->dmabuf_err, sizeof(p->dmabuf_err), "cuda: %s: %s",
			 pr->why, pr->fix);
		return;
	}
	p->export_flags = first;
	r = try_export(m, p, first, &fd);
	if (r) {
		p->export_flags ^= CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE;
		r = try_export(m, p, p->export_flags, &fd);
	}
	if (r || fd < 0) {
		snprintf(p->dmabuf_err, sizeof(p->dmabuf_err),
			 "cuda: dma-buf export of %zu bytes on GPU %s failed with both mapping types: %s (%d): use --copy",
			 m->size, p->bdf, ncd_cu_str(r), r);
		return;
	}
	m->dmabuf_fd = fd;
	m->dmabuf_err = NULL;
}

/* The NIC could not attach the dma-buf of one mapping type: the other one
 * (an exported FORCE_PCIE mapping can fail the attach with 524). */
static int cuda_reexport(struct ncd_mem *m)
{
	struct cuda_priv *p = m->priv;
	unsigned long long flags = p->export_flags ^
				   CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE;
	int fd;
	CUresult r;

	if (m->dmabuf_fd < 0)
		return -EOPNOTSUPP;
	r = try_export(m, p, flags, &fd);
	if (r || fd < 0)
		return ncd_cu_fail(r, "cuMemGetHandleForAddressRange (the other mapping type)",
				   "use --copy");
	close(m->dmabuf_fd);
	m->dmabuf_fd = fd;
	p->export_flags = flags;
	return 0;
}

/* NIC writes into GPU memory are ordered for the GPU's own kernels only when
 * the device says so; otherwise each batch flushes them first. */
static void check_rdma_ordering(struct cuda_priv *p)
{
	int order = 0;

	if (cu.DeviceGetAttribute(&order, CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_WRITES_ORDERING, p->dev))
		order = 0;
	p->need_flush = order < CU_GPU_DIRECT_RDMA_WRITES_ORDERING_OWNER;
	if (p->need_flush && !cu.FlushGPUDirectRDMAWrites)
		fprintf(stderr, "cuda: warning: GPU %s does not order NIC writes and the driver lacks cuFlushGPUDirectRDMAWrites: devmem validation may read stale bytes\n",
			p->bdf);
}

static int open_device(struct ncd_mem *m, struct cuda_priv *p, int ordinal)
{
	CUresult r;

	if ((r = cu.DeviceGet(&p->dev, ordinal)))
		return ncd_cu_fail(r, "cuDeviceGet", NULL);
	if (ncd_cuda_bdf(ordinal, p->bdf, sizeof(p->bdf)))
		snprintf(p->bdf, sizeof(p->bdf), "#%d", ordinal);
	if ((r = cu.DevicePrimaryCtxRetain(&p->ctx, p->dev))) {
		p->ctx = NULL;
		return ncd_cu_fail(r, "cuDevicePrimaryCtxRetain", NULL);
	}
	if ((r = cu.CtxSetCurrent(p->ctx)))
		return ncd_cu_fail(r, "cuCtxSetCurrent", NULL);
	if ((r = cu.StreamCreate(&p->stream, CU_STREAM_NON_BLOCKING))) {
		p->stream = NULL;
		return ncd_cu_fail(r, "cuStreamCreate", NULL);
	}
	m->gpu_index = ordinal;
	return 0;
}

static int alloc_device(struct ncd_mem *m, struct cuda_priv *p, size_t size)
{
	size_t align = 2u << 20;	/* cuMemAlloc granularity in practice */
	CUresult r;

	size = (size + align - 1) & ~(align - 1);
	r = cu.MemAlloc(&p->base, size);
	if (r) {
		p->base = 0;
		return ncd_cu_fail(r, "cuMemAlloc", "lower --buf-size");
	}
	if (p->base % (CUdeviceptr)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "cuda: cuMemAlloc returned a pointer that is not page aligned: cannot export it\n");
		return -EINVAL;
	}
	m->size = size;
	return 0;
}

/*
 * Driver, device count, the GPU a run would pick and whether it exports
 * dma-bufs.  cuInit and attribute reads only: no context, no memory.
 */
static int cuda_probe(size_t size, const char *gpu_sel, const char *ifname,
		      struct ncd_mem_probe *pr)
{
	int count, g, supported = 0;
	CUdevice dev;

	(void)size;
	count = ncd_cu_start(pr);
	if (count < 0)
		return count;
	g = ncd_cuda_pick_gpu(gpu_sel, ifname, count, pr);
	if (g < 0)
		return g;
	if (cu.DeviceGet(&dev, g) ||
	    cu.DeviceGetAttribute(&supported, CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED, dev))
		supported = 0;
	pr->dmabuf = !!supported;
	snprintf(pr->info, sizeof(pr->info),
		 "%s, CUDA %d.%d driver, %d GPU(s); would use GPU %d (%s, %s)",
		 pr->lib, pr->driver_version / 1000,
		 pr->driver_version % 1000 / 10, count, g, pr->gpu_bdf,
		 pr->gpu_why);
	if (!supported) {
		snprintf(pr->why, sizeof(pr->why),
			 "GPU %s cannot export dma-bufs (CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED is 0)",
			 pr->gpu_bdf);
		snprintf(pr->fix, sizeof(pr->fix),
			 "load the NVIDIA open kernel modules, or use --copy");
	}
	return 0;
}

static void cuda_free(struct ncd_mem *m);

/* After cuda_probe(): the driver is started and pr->gpu chosen. */
static int cuda_alloc(struct ncd_mem *m, size_t size,
		      const struct ncd_mem_probe *pr)
{
	struct cuda_priv *p;
	int ret;

	if (pr->note[0])
		fprintf(stderr, "%s\n", pr->note);
	fprintf(stderr, "cuda: using GPU %d (%s, %s)\n", pr->gpu, pr->gpu_bdf,
		pr->gpu_why);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	m->priv = p;
	ret = open_device(m, p, pr->gpu);
	if (!ret)
		ret = alloc_device(m, p, size);
	if (!ret)
		ret = load_module(p);
	if (ret)
		goto err;
	setup_staging(p);
	check_rdma_ordering(p);
	export_dmabuf(m, p, pr);
	return 0;
err:
	cuda_free(m);
	return ret;
}

static void cuda_free(struct ncd_mem *m)
{
	struct cuda_priv *p = m->priv;

	if (m->dmabuf_fd >= 0)
		close(m->dmabuf_fd);
	m->dmabuf_fd = -1;
	if (!p)
		return;
	if (p->ctx) {
		cu.CtxSetCurrent(p->ctx);
		if (p->stream)	/* flow queues closed already; only ours is left */
			cu.StreamSynchronize(p->stream);
		for (int i = 0; i < 2; i++) {
			if (p->ev[i])
				cu.EventDestroy(p->ev[i]);
			if (p->stage[i])
				cu.MemFreeHost(p->stage[i]);
		}
		if (p->stream)
			cu.StreamDestroy(p->stream);
		if (p->mod)
			cu.ModuleUnload(p->mod);
		if (p->base)
			cu.MemFree(p->base);
		cu.DevicePrimaryCtxRelease(p->dev);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
	m->priv = NULL;
	m->size = 0;
}

/* ---- copies ---- */

static int in_range(const struct ncd_mem *m, size_t off, size_t len)
{
	return off <= m->size && len <= m->size - off;
}

/* Double-buffered through pinned memory: a buffer is refilled only after
 * the copy out of it completed (its event). */
static CUresult copy_staged(struct cuda_priv *p, CUdeviceptr dst,
			    const char *src, size_t len)
{
	CUresult r = CUDA_SUCCESS;

	for (size_t pos = 0, k = 0; pos < len && !r; k++) {
		size_t n = len - pos < STAGE_SIZE ? len - pos : STAGE_SIZE;
		int b = k & 1;

		if (k >= 2 && (r = cu.EventSynchronize(p->ev[b])))
			break;
		memcpy(p->stage[b], src + pos, n);
		r = cu.MemcpyHtoDAsync(dst + pos, p->stage[b], n, p->stream);
		if (!r)
			r = cu.EventRecord(p->ev[b], p->stream);
		pos += n;
	}
	return r;
}

/* Returns only once the bytes are in GPU memory: the caller may hand the
 * range to the NIC (devmem TX) right away. */
static int cuda_copy_in(struct ncd_mem *m, size_t off, const void *src,
			size_t len)
{
	struct cuda_priv *p = m->priv;
	CUresult r;

	if (!in_range(m, off, len))
		return -ERANGE;
	if (!len)
		return 0;
	pthread_mutex_lock(&p->lock);
	cu.CtxSetCurrent(p->ctx);
	if (p->stage[0] && p->stage[1] && p->ev[0] && p->ev[1])
		r = copy_staged(p, p->base + off, src, len);
	else
		r = cu.MemcpyHtoDAsync(p->base + off, src, len, p->stream);
	if (!r)
		r = cu.StreamSynchronize(p->stream);
	pthread_mutex_unlock(&p->lock);
	return r ? ncd_cu_fail(r, "copy to the GPU", NULL) : 0;
}

static int cuda_copy_out(struct ncd_mem *m, size_t off, void *dst, size_t len)
{
	struct cuda_priv *p = m->priv;
	CUresult r;

	if (!in_range(m, off, len))
		return -ERANGE;
	cu.CtxSetCurrent(p->ctx);
	r = cu.MemcpyDtoH(dst, p->base + off, len);
	return r ? ncd_cu_fail(r, "cuMemcpyDtoH", NULL) : 0;
}

/* ---- kernels ---- */

int ncd_cuda_pattern_params(const struct ncd_pattern *pat, uint32_t *kind,
			    uint64_t *per)
{
	*kind = pat->kind;
	if (pat->kind == NCD_PAT_UPSTREAM && pat->nul_eol) {
		fprintf(stderr, "cuda: the 6.12 -v pattern (--upstream-pattern=6.12) is checked on the host only: drop the option or use --mem udmabuf\n");
		return -EOPNOTSUPP;
	}
	*per = pat->kind == NCD_PAT_OFFSET ? pat->period / 8 : pat->period;
	if (*per == 0) {
		fprintf(stderr, "cuda: pattern period %llu too small: raise --period\n",
			(unsigned long long)pat->period);
		return -EINVAL;
	}
	return 0;
}

int ncd_cuda_fill(struct ncd_mem *m, size_t off, uint64_t stream_off,
		  size_t len, const struct ncd_pattern *pat)
{
	struct cuda_priv *p = m->priv;
	uint64_t soff = stream_off, n = len, seed = pat->seed, per;
	CUdeviceptr buf;
	uint32_t kind;
	unsigned int grid;
	void *args[] = { &buf, &soff, &n, &kind, &seed, &per };
	CUresult r;
	int ret;

	if (m->ops != &ncd_cuda_mem_ops || !p || !in_range(m, off, len))
		return -EINVAL;
	if (!len || pat->kind == NCD_PAT_NONE)
		return 0;
	ret = ncd_cuda_pattern_params(pat, &kind, &per);
	if (ret)
		return ret;
	buf = p->base + off;
	grid = len / NCD_CUDA_BLOCK + 1 > 65535 ? 65535 :
	       (unsigned int)(len / NCD_CUDA_BLOCK + 1);
	pthread_mutex_lock(&p->lock);
	cu.CtxSetCurrent(p->ctx);
	r = cu.LaunchKernel(p->fill_fn, grid, 1, 1, NCD_CUDA_BLOCK, 1, 1, 0,
			    p->stream, args, NULL);
	if (!r)
		r = cu.StreamSynchronize(p->stream);
	pthread_mutex_unlock(&p->lock);
	return r ? ncd_cu_fail(r, "fill kernel", NULL) : 0;
}

int ncd_cuda_note_first(struct ncd_mem *m, const struct ncd_frag *frags,
			unsigned int n, const struct ncd_pattern *pat,
			uint64_t first, struct ncd_verdict *v)
{
	struct cuda_priv *p = m->priv;
	uint8_t actual = 0;

	if (v->have_first && v->first_off <= first)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		if (first < frags[i].stream_off ||
		    first - frags[i].stream_off >= frags[i].len)
			continue;
		if (cu.MemcpyDtoH(&actual, p->base + frags[i].off +
				  (first - frags[i].stream_off), 1))
			break;
		v->have_first = 1;
		v->first_off = first;
		v->expected = ncd_pattern_byte(pat, first);
		v->actual = actual;
		return 0;
	}
	fprintf(stderr, "cuda: validate kernel reported a mismatch at stream offset %llu outside the batch: driver or kernel bug\n",
		(unsigned long long)first);
	return -EIO;
}

/* One batch through a one-deep queue: for callers outside the RX loop. */
static int cuda_validate(struct ncd_mem *m, const struct ncd_frag *frags,
			 unsigned int n, const struct ncd_pattern *pat,
			 struct ncd_verdict *v)
{
	struct ncd_vq q;
	struct ncd_vq_batch *b;
	int ret, err = 0;

	if (!n || pat->kind == NCD_PAT_NONE)
		return 0;
	ret = ncd_vq_open(&q, m, pat, v, 1, n);
	if (ret)
		return ret;
	b = ncd_vq_next(&q);
	memcpy(b->frags, frags, n * sizeof(*frags));
	b->n = n;
	ret = ncd_vq_submit(&q);
	if (!ret && !ncd_vq_reap(&q, 1, &err))
		ret = err ? err : -EIO;
	ncd_vq_close(&q);
	return ret;
}

const struct ncd_mem_ops ncd_cuda_mem_ops = {
	.name = "cuda",
	.probe = cuda_probe,
	.alloc = cuda_alloc,
	.free = cuda_free,
	.copy_in = cuda_copy_in,
	.copy_out = cuda_copy_out,
	.validate = cuda_validate,
	.vq_open = ncd_cuda_vq_open,
	.vq_submit = ncd_cuda_vq_submit,
	.vq_poll = ncd_cuda_vq_poll,
	.vq_stage = ncd_cuda_vq_stage,
	.vq_close = ncd_cuda_vq_close,
	.reexport = cuda_reexport,
};
