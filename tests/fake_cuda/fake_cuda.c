// SPDX-License-Identifier: MIT
/*
 * A fake libcuda.so.1 for tests (loaded through NCD_LIBCUDA): every driver
 * call ncdevmem resolves (gpu_api.c), with
 *  - device memory that lives in host memory behind CUdeviceptr values that
 *    are not host addresses (0xfa.../0xfb...), so a host dereference of a
 *    device pointer crashes instead of passing;
 *  - streams that run their work later, on a worker thread per stream, after
 *    FAKE_CUDA_DELAY_US, so missing waits show up as stale or early data;
 *  - the two kernels emulated by name with the PTX's semantics;
 *  - a call log (FAKE_CUDA_LOG=file): one line per call and per completed
 *    operation, with stream and event ids.
 * Knobs: FAKE_CUDA_INIT_ERR (cuInit's result), FAKE_CUDA_DEVICES (count),
 * FAKE_CUDA_NO_DMABUF, FAKE_CUDA_EXPORT_FAIL_FLAGS (export with these flags
 * fails), FAKE_CUDA_BUSID_NONUL (bus id fills the buffer, no NUL),
 * FAKE_CUDA_RDMA_ORDERING (attribute 118, default 0: flushes needed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "fake_cuda.h"

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

#define OK		0
#define EINVALID	1
#define ENOMEM_CU	2
#define ENOTINIT	3
#define ENOTREADY	600
#define DEV_BASE	0xfa00000000000000ULL	/* device allocations */
#define MAP_BASE	0xfb00000000000000ULL	/* mapped host allocations */
#define MAX_ALLOCS	1024

/* ---- log ---- */

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -2;

void fake_cuda_log(const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	if (log_fd == -2) {
		const char *p = getenv("FAKE_CUDA_LOG");

		log_fd = p && *p ? open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
	}
	if (log_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(log_fd, line, n) != n)
		return;
}

#define LOG(...) fake_cuda_log(__VA_ARGS__)

int fake_env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : dflt;
}

static void die(const char *what)
{
	fprintf(stderr, "fake libcuda: %s\n", what);
	LOG("FATAL %s", what);
	abort();
}

/* ---- memory ---- */

struct alloc {
	CUdeviceptr d;
	size_t size;
	char *h;
	int memfd;	/* device memory: exportable as a "dma-buf" */
	int mapped;	/* host allocation (cuMemHostAlloc) */
};

static struct alloc allocs[MAX_ALLOCS];
static CUdeviceptr next_dev = DEV_BASE, next_map = MAP_BASE;
static int inited;

static struct alloc *find_dev(CUdeviceptr d, size_t len)
{
	for (int i = 0; i < MAX_ALLOCS; i++) {
		struct alloc *a = &allocs[i];

		if (a->size && d >= a->d && d - a->d <= a->size &&
		    len <= a->size - (d - a->d))
			return a;
	}
	return NULL;
}

/* Host address behind device range [d, d + len); crashes on a bad range,
 * as a GPU kernel would fault. */
char *fake_dev_host(CUdeviceptr d, size_t len)
{
	struct alloc *a;

	pthread_mutex_lock(&lk);
	a = find_dev(d, len);
	pthread_mutex_unlock(&lk);
	if (!a) {
		char msg[128];

		snprintf(msg, sizeof(msg), "device access %#llx+%zu outside any allocation", d, len);
		die(msg);
	}
	return a->h + (d - a->d);
}

static struct alloc *new_alloc(void)
{
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (!allocs[i].size)
			return &allocs[i];
	return NULL;
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t size)
{
	size_t sz = (size + 4095) & ~(size_t)4095;
	struct alloc *a;
	int fd;
	char *h;

	if (!inited)
		return ENOTINIT;
	fd = memfd_create("fake-gpu", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, sz)) {
		if (fd >= 0)
			close(fd);
		return ENOMEM_CU;
	}
	h = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		close(fd);
		return ENOMEM_CU;
	}
	pthread_mutex_lock(&lk);
	a = new_alloc();
	if (a) {
		*a = (struct alloc){ .d = next_dev, .size = sz, .h = h, .memfd = fd };
		next_dev += (sz + (2u << 20)) & ~(CUdeviceptr)((2u << 20) - 1);
		*p = a->d;
	}
	pthread_mutex_unlock(&lk);
	if (!a) {
		munmap(h, sz);
		close(fd);
		return ENOMEM_CU;
	}
	LOG("cuMemAlloc size=%zu -> %#llx", size, *p);
	return OK;
}

static CUresult free_alloc(struct alloc *a)
{
	if (!a)
		return EINVALID;
	if (a->mapped) {
		free(a->h);
	} else {
		munmap(a->h, a->size);
		close(a->memfd);
	}
	memset(a, 0, sizeof(*a));
	return OK;
}

CUresult cuMemFree_v2(CUdeviceptr d)
{
	CUresult r;

	pthread_mutex_lock(&lk);
	r = free_alloc(find_dev(d, 0));
	pthread_mutex_unlock(&lk);
	LOG("cuMemFree %#llx -> %d", d, r);
	return r;
}

CUresult cuMemHostAlloc(void **pp, size_t size, unsigned int flags)
{
	size_t sz = (size + 63) & ~(size_t)63;
	struct alloc *a;
	char *h = aligned_alloc(4096, (sz + 4095) & ~(size_t)4095);

	if (!h)
		return ENOMEM_CU;
	memset(h, 0, sz);
	pthread_mutex_lock(&lk);
	a = new_alloc();
	if (a) {
		*a = (struct alloc){ .d = next_map, .size = sz, .h = h,
				     .memfd = -1, .mapped = 1 };
		next_map += (sz + 4095) & ~(CUdeviceptr)4095;
	}
	pthread_mutex_unlock(&lk);
	if (!a) {
		free(h);
		return ENOMEM_CU;
	}
	*pp = h;
	LOG("cuMemHostAlloc size=%zu flags=%u", size, flags);
	return OK;
}

CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *d, void *h, unsigned int flags)
{
	CUresult r = EINVALID;

	pthread_mutex_lock(&lk);
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (allocs[i].mapped && allocs[i].h == h) {
			*d = allocs[i].d;
			r = OK;
		}
	pthread_mutex_unlock(&lk);
	return r;
}

CUresult cuMemFreeHost(void *h)
{
	CUresult r = EINVALID;

	pthread_mutex_lock(&lk);
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (allocs[i].mapped && allocs[i].h == h)
			r = free_alloc(&allocs[i]);
	pthread_mutex_unlock(&lk);
	return r;
}

/* Synchronous and immediate: it does not wait for any stream, so reading
 * back before the work that writes the bytes completed shows stale data. */
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t len)
{
	memcpy(dst, fake_dev_host(src, len), len);
	LOG("cuMemcpyDtoH %#llx len=%zu", src, len);
	return OK;
}

CUresult cuMemGetHandleForAddressRange(void *handle, CUdeviceptr d, size_t size,
				       int type, unsigned long long flags)
{
	struct alloc *a;
	int fd = -1;

	if (fake_env_int("FAKE_CUDA_NO_DMABUF", 0))
		return 801;	/* CUDA_ERROR_NOT_SUPPORTED */
	if (getenv("FAKE_CUDA_EXPORT_FAIL_FLAGS") &&
	    (unsigned long long)fake_env_int("FAKE_CUDA_EXPORT_FAIL_FLAGS", 0) == flags) {
		LOG("cuMemGetHandleForAddressRange flags=%llu -> 1", flags);
		return EINVALID;
	}
	pthread_mutex_lock(&lk);
	a = find_dev(d, size);
	if (a && a->d == d && !a->mapped)
		fd = fcntl(a->memfd, F_DUPFD_CLOEXEC, 0);
	pthread_mutex_unlock(&lk);
	LOG("cuMemGetHandleForAddressRange %#llx size=%zu flags=%llu -> fd %d", d, size, flags, fd);
	if (fd < 0 || type != 1)
		return EINVALID;
	*(int *)handle = fd;
	return OK;
}

/* ---- devices ---- */

CUresult cuInit(unsigned int flags)
{
	int err = fake_env_int("FAKE_CUDA_INIT_ERR", 0);

	LOG("cuInit -> %d", err);
	if (err)
		return err;
	inited = 1;
	return OK;
}

CUresult cuDriverGetVersion(int *v)
{
	*v = 12040;
	return OK;
}

CUresult cuDeviceGetCount(int *n)
{
	if (!inited)
		return ENOTINIT;
	*n = fake_env_int("FAKE_CUDA_DEVICES", 1);
	return OK;
}

CUresult cuDeviceGet(int *d, int ordinal)
{
	if (!inited || ordinal < 0 || ordinal >= fake_env_int("FAKE_CUDA_DEVICES", 1))
		return 101;	/* CUDA_ERROR_INVALID_DEVICE */
	*d = ordinal;
	return OK;
}

CUresult cuDeviceGetAttribute(int *v, int attr, int dev)
{
	switch (attr) {
	case 124:	/* DMA_BUF_SUPPORTED */
		*v = !fake_env_int("FAKE_CUDA_NO_DMABUF", 0);
		break;
	case 118:	/* GPU_DIRECT_RDMA_WRITES_ORDERING */
		*v = fake_env_int("FAKE_CUDA_RDMA_ORDERING", 0);
		break;
	default:
		*v = 0;
	}
	return OK;
}

CUresult cuDeviceGetPCIBusId(char *buf, int len, int dev)
{
	char id[32];
	int n = snprintf(id, sizeof(id), "0000:%02x:00.0", 0x3b + dev);

	if (len < 1)
		return EINVALID;
	if (fake_env_int("FAKE_CUDA_BUSID_NONUL", 0)) {
		/* what a careless driver might do: pad, never terminate */
		memset(buf, ' ', len);
		memcpy(buf, id, n < len ? n : len);
		return OK;
	}
	snprintf(buf, len, "%s", id);
	return OK;
}

static int ctx_token;

CUresult cuDevicePrimaryCtxRetain(void **ctx, int dev)
{
	*ctx = &ctx_token;
	return OK;
}

CUresult cuDevicePrimaryCtxRelease_v2(int dev)
{
	return OK;
}

CUresult cuCtxSetCurrent(void *ctx)
{
	return ctx == &ctx_token || !ctx ? OK : 201;
}

CUresult cuGetErrorString(CUresult r, const char **s)
{
	switch (r) {
	case OK: *s = "no error"; break;
	case EINVALID: *s = "invalid argument"; break;
	case ENOMEM_CU: *s = "out of memory"; break;
	case ENOTINIT: *s = "initialization error"; break;
	case 100: *s = "no CUDA-capable device is detected"; break;
	case ENOTREADY: *s = "device not ready"; break;
	case 801: *s = "operation not supported"; break;
	default: *s = NULL; return EINVALID;
	}
	return OK;
}

CUresult cuFlushGPUDirectRDMAWrites(int target, int scope)
{
	LOG("cuFlushGPUDirectRDMAWrites target=%d scope=%d", target, scope);
	return OK;
}
