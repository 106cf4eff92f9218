// SPDX-License-Identifier: MIT
/*
 * CUDA provider: GPU memory from cuMemAlloc exported as a dma-buf with
 * cuMemGetHandleForAddressRange.  libcuda is dlopen()ed, so the binary
 * builds and runs without CUDA; only the few driver API types and enum
 * values used are declared here.  Payload is never brought to the host for
 * validation: a PTX kernel checks a batch of fragments in place.
 *
 * Test seam: NCD_LIBCUDA names the library to load instead of libcuda.so.1.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "frag.h"
#include "gpu_mem.h"
#include "mem.h"
#include "pattern.h"

/* ---- the slice of the CUDA driver API we use (cuda.h values) ---- */
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef unsigned long long CUdeviceptr;

#define CUDA_SUCCESS				0
#define CU_DEVICE_ATTRIBUTE_PCI_BUS_ID		33
#define CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID	34
#define CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID	50
#define CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED	124
#define CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD	1
#define CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE 1
#define CU_JIT_INFO_LOG_BUFFER			3
#define CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES	4
#define CU_JIT_ERROR_LOG_BUFFER			5
#define CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES	6
#define CU_EVENT_DISABLE_TIMING			2
#define NCD_CUDA_MIN_DRIVER			11070

_Static_assert(NCD_PAT_OFFSET == 1 && NCD_PAT_UPSTREAM == 2, "PTX kind values");
_Static_assert(sizeof(struct ncd_frag) == 24, "PTX fragment layout");

struct cu_api {
	CUresult (*Init)(unsigned int);
	CUresult (*DriverGetVersion)(int *);
	CUresult (*DeviceGetCount)(int *);
	CUresult (*DeviceGet)(CUdevice *, int);
	CUresult (*DeviceGetAttribute)(int *, int, CUdevice);
	CUresult (*DeviceGetPCIBusId)(char *, int, CUdevice);
	CUresult (*DevicePrimaryCtxRetain)(CUcontext *, CUdevice);
	CUresult (*DevicePrimaryCtxRelease)(CUdevice);
	CUresult (*CtxSetCurrent)(CUcontext);
	CUresult (*CtxSynchronize)(void);
	CUresult (*MemAlloc)(CUdeviceptr *, size_t);
	CUresult (*MemFree)(CUdeviceptr);
	CUresult (*MemcpyHtoD)(CUdeviceptr, const void *, size_t);
	CUresult (*MemcpyDtoH)(void *, CUdeviceptr, size_t);
	CUresult (*MemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
	CUresult (*MemAllocHost)(void **, size_t);
	CUresult (*MemFreeHost)(void *);
	CUresult (*EventCreate)(CUevent *, unsigned int);
	CUresult (*EventRecord)(CUevent, CUstream);
	CUresult (*EventSynchronize)(CUevent);
	CUresult (*EventDestroy)(CUevent);
	CUresult (*MemGetHandleForAddressRange)(void *, CUdeviceptr, size_t, int,
						unsigned long long);
	CUresult (*ModuleLoadDataEx)(CUmodule *, const void *, unsigned int,
				     int *, void **);
	CUresult (*ModuleUnload)(CUmodule);
	CUresult (*ModuleGetFunction)(CUfunction *, CUmodule, const char *);
	CUresult (*LaunchKernel)(CUfunction, unsigned int, unsigned int,
				 unsigned int, unsigned int, unsigned int,
				 unsigned int, unsigned int, CUstream, void **,
				 void **);
	CUresult (*GetErrorString)(CUresult, const char **);
};

#define SYM(field, name) { offsetof(struct cu_api, field), name }
static const struct { size_t off; const char *name; } cu_syms[] = {
	SYM(Init, "cuInit"),
	SYM(DriverGetVersion, "cuDriverGetVersion"),
	SYM(DeviceGetCount, "cuDeviceGetCount"),
	SYM(DeviceGet, "cuDeviceGet"),
	SYM(DeviceGetAttribute, "cuDeviceGetAttribute"),
	SYM(DeviceGetPCIBusId, "cuDeviceGetPCIBusId"),
	SYM(DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"),
	SYM(DevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"),
	SYM(CtxSetCurrent, "cuCtxSetCurrent"),
	SYM(CtxSynchronize, "cuCtxSynchronize"),
	SYM(MemAlloc, "cuMemAlloc_v2"),
	SYM(MemFree, "cuMemFree_v2"),
	SYM(MemcpyHtoD, "cuMemcpyHtoD_v2"),
	SYM(MemcpyDtoH, "cuMemcpyDtoH_v2"),
	SYM(MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2"),
	SYM(MemAllocHost, "cuMemAllocHost_v2"),
	SYM(MemFreeHost, "cuMemFreeHost"),
	SYM(EventCreate, "cuEventCreate"),
	SYM(EventRecord, "cuEventRecord"),
	SYM(EventSynchronize, "cuEventSynchronize"),
	SYM(EventDestroy, "cuEventDestroy_v2"),
	SYM(MemGetHandleForAddressRange, "cuMemGetHandleForAddressRange"),
	SYM(ModuleLoadDataEx, "cuModuleLoadDataEx"),
	SYM(ModuleUnload, "cuModuleUnload"),
	SYM(ModuleGetFunction, "cuModuleGetFunction"),
	SYM(LaunchKernel, "cuLaunchKernel"),
	SYM(GetErrorString, "cuGetErrorString"),
};

static struct cu_api cu;
static int cu_load_err;
static char cu_load_msg[200];
static pthread_once_t cu_once = PTHREAD_ONCE_INIT;

static void cu_load(void)
{
	const char *name = getenv("NCD_LIBCUDA");
	void *lib;

	lib = dlopen(name && *name ? name : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib && !(name && *name))
		lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		cu_load_err = -ENOENT;
		snprintf(cu_load_msg, sizeof(cu_load_msg),
			 "cuda: %s not found (no NVIDIA driver): use --mem host|udmabuf",
			 name && *name ? name : "libcuda.so.1");
		return;
	}
	for (size_t i = 0; i < sizeof(cu_syms) / sizeof(cu_syms[0]); i++) {
		void *f = dlsym(lib, cu_syms[i].name);

		if (!f) {
			cu_load_err = -ENOSYS;
			snprintf(cu_load_msg, sizeof(cu_load_msg),
				 "cuda: libcuda lacks %s (driver older than CUDA 11.7): update the NVIDIA driver",
				 cu_syms[i].name);
			return;
		}
		memcpy((char *)&cu + cu_syms[i].off, &f, sizeof(f));
	}
}

static const char *cu_str(CUresult r)
{
	const char *s = NULL;

	if (cu.GetErrorString && cu.GetErrorString(r, &s) == CUDA_SUCCESS && s)
		return s;
	switch (r) {	/* when even cuGetErrorString fails (stub library) */
	case 34:
		return "libcuda is the toolkit's stub library, not a driver";
	case 35:
		return "driver older than the runtime";
	case 100:
		return "no CUDA-capable device";
	default:
		return "unknown CUDA error";
	}
}

/* Print "cuda: <what> failed: <error> (<code>)<hint>" and map to -errno. */
static int cu_fail(CUresult r, const char *what, const char *hint)
{
	fprintf(stderr, "cuda: %s failed: %s (%d)%s%s\n", what, cu_str(r), r,
		hint ? ": " : "", hint ? hint : "");
	return r == 2 /* CUDA_ERROR_OUT_OF_MEMORY */ ? -ENOMEM : -EIO;
}

/* ---- kernels: hand-written PTX, JIT-compiled by the driver ---- */

/*
 * Expected byte at stream offset %rd12 -> %r10.  Inputs: %r2 kind,
 * %rd3 seed, %rd4 per (OFFSET: period / 8 words; UPSTREAM: period N).
 * OFFSET: byte (s & 7) of mix64(seed + (s / 8) % per), little-endian.
 * UPSTREAM: r = s % N; r == N - 1 ? '\n' : r + 1.
 */
#define PTX_EXPECT \
	"	setp.eq.u32	%p5, %r2, 2;\n" \
	"	@%p5 bra	EXP_UP;\n" \
	"	shr.u64		%rd20, %rd12, 3;\n" \
	"	rem.u64		%rd20, %rd20, %rd4;\n" \
	"	add.u64		%rd20, %rd20, %rd3;\n" \
	"	shr.u64		%rd21, %rd20, 30;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	mul.lo.u64	%rd20, %rd20, 0xBF58476D1CE4E5B9;\n" \
	"	shr.u64		%rd21, %rd20, 27;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	mul.lo.u64	%rd20, %rd20, 0x94D049BB133111EB;\n" \
	"	shr.u64		%rd21, %rd20, 31;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	cvt.u32.u64	%r11, %rd12;\n" \
	"	and.b32		%r11, %r11, 7;\n" \
	"	shl.b32		%r11, %r11, 3;\n" \
	"	shr.u64		%rd20, %rd20, %r11;\n" \
	"	cvt.u32.u64	%r10, %rd20;\n" \
	"	and.b32		%r10, %r10, 255;\n" \
	"	bra.uni		EXP_DONE;\n" \
	"EXP_UP:\n" \
	"	rem.u64		%rd22, %rd12, %rd4;\n" \
	"	sub.u64		%rd23, %rd4, 1;\n" \
	"	setp.eq.u64	%p6, %rd22, %rd23;\n" \
	"	cvt.u32.u64	%r10, %rd22;\n" \
	"	add.u32		%r10, %r10, 1;\n" \
	"	and.b32		%r10, %r10, 255;\n" \
	"	selp.b32	%r10, 10, %r10, %p6;\n" \
	"EXP_DONE:\n"

static const char ncd_ptx[] =
	"//\n// ncdevmem fill/validate kernels (hand-written PTX)\n//\n"
	".version 7.0\n"
	".target sm_70\n"
	".address_size 64\n"
	"\n"
	/*
	 * ncd_validate(buf, frags, nfrags, kind, seed, per, res): block b
	 * checks fragments b, b + gridDim.x, ...; its threads stride over the
	 * bytes.  res[0] += mismatches, res[1] = min(first bad stream offset).
	 */
	".visible .entry ncd_validate(\n"
	"	.param .u64 p_buf,\n"
	"	.param .u64 p_frags,\n"
	"	.param .u32 p_nfrags,\n"
	"	.param .u32 p_kind,\n"
	"	.param .u64 p_seed,\n"
	"	.param .u64 p_per,\n"
	"	.param .u64 p_res)\n"
	"{\n"
	"	.reg .pred	%p<8>;\n"
	"	.reg .b32	%r<16>;\n"
	"	.reg .b64	%rd<32>;\n"
	"\n"
	"	ld.param.u64	%rd1, [p_buf];\n"
	"	ld.param.u64	%rd2, [p_frags];\n"
	"	ld.param.u32	%r1, [p_nfrags];\n"
	"	ld.param.u32	%r2, [p_kind];\n"
	"	ld.param.u64	%rd3, [p_seed];\n"
	"	ld.param.u64	%rd4, [p_per];\n"
	"	ld.param.u64	%rd5, [p_res];\n"
	"	cvta.to.global.u64	%rd1, %rd1;\n"
	"	cvta.to.global.u64	%rd2, %rd2;\n"
	"	cvta.to.global.u64	%rd5, %rd5;\n"
	"	mov.u32		%r3, %ctaid.x;\n"
	"	mov.u32		%r4, %nctaid.x;\n"
	"	mov.u32		%r5, %tid.x;\n"
	"	mov.u32		%r6, %ntid.x;\n"
	"	mov.u64		%rd6, 0;\n"
	"	mov.u64		%rd7, -1;\n"
	"FRAG_LOOP:\n"
	"	setp.ge.u32	%p1, %r3, %r1;\n"
	"	@%p1 bra	DONE;\n"
	"	mul.wide.u32	%rd8, %r3, 24;\n"
	"	add.u64		%rd8, %rd2, %rd8;\n"
	"	ld.global.u64	%rd9, [%rd8];\n"
	"	ld.global.u64	%rd10, [%rd8+8];\n"
	"	ld.global.u32	%r7, [%rd8+16];\n"
	"	mov.u32		%r8, %r5;\n"
	"BYTE_LOOP:\n"
	"	setp.ge.u32	%p2, %r8, %r7;\n"
	"	@%p2 bra	NEXT_FRAG;\n"
	"	cvt.u64.u32	%rd11, %r8;\n"
	"	add.u64		%rd12, %rd10, %rd11;\n"
	"	add.u64		%rd13, %rd9, %rd11;\n"
	"	add.u64		%rd13, %rd1, %rd13;\n"
	"	ld.global.u8	%r9, [%rd13];\n"
	PTX_EXPECT
	"	setp.eq.u32	%p3, %r9, %r10;\n"
	"	@%p3 bra	NEXT_BYTE;\n"
	"	add.u64		%rd6, %rd6, 1;\n"
	"	min.u64		%rd7, %rd7, %rd12;\n"
	"NEXT_BYTE:\n"
	"	add.u32		%r8, %r8, %r6;\n"
	"	bra.uni		BYTE_LOOP;\n"
	"NEXT_FRAG:\n"
	"	add.u32		%r3, %r3, %r4;\n"
	"	bra.uni		FRAG_LOOP;\n"
	"DONE:\n"
	"	setp.eq.u64	%p4, %rd6, 0;\n"
	"	@%p4 bra	END;\n"
	"	atom.global.add.u64	%rd14, [%rd5], %rd6;\n"
	"	atom.global.min.u64	%rd14, [%rd5+8], %rd7;\n"
	"END:\n"
	"	ret;\n"
	"}\n"
	"\n"
	/* ncd_fill(buf, stream_off, len, kind, seed, per): grid-stride bytes. */
	".visible .entry ncd_fill(\n"
	"	.param .u64 p_buf,\n"
	"	.param .u64 p_soff,\n"
	"	.param .u64 p_len,\n"
	"	.param .u32 p_kind,\n"
	"	.param .u64 p_seed,\n"
	"	.param .u64 p_per)\n"
	"{\n"
	"	.reg .pred	%p<8>;\n"
	"	.reg .b32	%r<16>;\n"
	"	.reg .b64	%rd<32>;\n"
	"\n"
	"	ld.param.u64	%rd1, [p_buf];\n"
	"	ld.param.u64	%rd10, [p_soff];\n"
	"	ld.param.u64	%rd2, [p_len];\n"
	"	ld.param.u32	%r2, [p_kind];\n"
	"	ld.param.u64	%rd3, [p_seed];\n"
	"	ld.param.u64	%rd4, [p_per];\n"
	"	cvta.to.global.u64	%rd1, %rd1;\n"
	"	mov.u32		%r3, %ctaid.x;\n"
	"	mov.u32		%r4, %nctaid.x;\n"
	"	mov.u32		%r5, %tid.x;\n"
	"	mov.u32		%r6, %ntid.x;\n"
	"	mul.wide.u32	%rd11, %r3, %r6;\n"
	"	cvt.u64.u32	%rd15, %r5;\n"
	"	add.u64		%rd11, %rd11, %rd15;\n"
	"	mul.wide.u32	%rd16, %r4, %r6;\n"
	"LOOP:\n"
	"	setp.ge.u64	%p1, %rd11, %rd2;\n"
	"	@%p1 bra	END;\n"
	"	add.u64		%rd12, %rd10, %rd11;\n"
	PTX_EXPECT
	"	add.u64		%rd13, %rd1, %rd11;\n"
	"	st.global.u8	[%rd13], %r10;\n"
	"	add.u64		%rd11, %rd11, %rd16;\n"
	"	bra.uni		LOOP;\n"
	"END:\n"
	"	ret;\n"
	"}\n";

const char *ncd_cuda_ptx(void)
{
	return ncd_ptx;
}

/* ---- provider state ---- */

#define STAGE_SIZE	(4u << 20)	/* pinned staging buffer for copy_in */
#define STAGE_MIN	(256u << 10)	/* below this, copy directly */
#define BLOCK		256

struct cuda_priv {
	CUdevice dev;
	CUcontext ctx;
	CUdeviceptr base;
	CUmodule mod;
	CUfunction fill_fn, validate_fn;
	CUdeviceptr dfrags, dres;
	size_t dfrags_cap;		/* fragments dfrags holds */
	void *stage[2];
	CUevent ev[2];
	int staged;			/* staging buffers usable */
	pthread_mutex_t lock;		/* scratch buffers, staging */
	char bdf[32];
};

/* ---- GPU choice: --gpu index or PCI address, else nearest the NIC ---- */

int ncd_pci_addr_norm(const char *in, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (strspn(in, "0123456789abcdefABCDEF:.") != strlen(in))
		return -EINVAL;
	if (sscanf(in, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
		dom = 0;
		if (sscanf(in, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3)
			return -EINVAL;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

static int common_components(const char *a, const char *b)
{
	int n = 0;

	while (*a && *a == *b) {
		if (*a == '/' )
			n++;
		a++, b++;
	}
	/* a whole last component matches only if both end or both hit '/' */
	if ((!*a || *a == '/') && (!*b || *b == '/'))
		n++;
	return n;
}

int ncd_gpu_pick_nearest(const char *nic_path, const char *const *gpu_paths,
			 int n)
{
	int best = -1, best_n = 3;	/* "", "sys", "devices" shared by all */

	for (int i = 0; nic_path && i < n; i++) {
		int c = gpu_paths[i] ? common_components(nic_path, gpu_paths[i]) : 0;

		if (c > best_n) {
			best = i;
			best_n = c;
		}
	}
	return best;
}

static int gpu_bdf(int ordinal, char *out, size_t len)
{
	char raw[32];
	CUdevice d;

	if (cu.DeviceGet(&d, ordinal) ||
	    cu.DeviceGetPCIBusId(raw, sizeof(raw), d))
		return -EIO;
	return ncd_pci_addr_norm(raw, out, len);
}

static int pick_by_sel(const char *sel, int count)
{
	char want[32], have[32];
	char *end;
	long idx = strtol(sel, &end, 10);

	if (*sel && !*end) {
		if (idx >= 0 && idx < count)
			return (int)idx;
		fprintf(stderr, "cuda: --gpu %s: only %d GPU(s) (0..%d)\n",
			sel, count, count - 1);
		return -ENODEV;
	}
	if (ncd_pci_addr_norm(sel, want, sizeof(want))) {
		fprintf(stderr, "cuda: --gpu %s: neither an index nor a PCI address (like 0000:3b:00.0)\n",
			sel);
		return -EINVAL;
	}
	for (int i = 0; i < count; i++)
		if (!gpu_bdf(i, have, sizeof(have)) && !strcmp(want, have))
			return i;
	fprintf(stderr, "cuda: --gpu %s: no CUDA device at that PCI address\n", sel);
	return -ENODEV;
}

static int pick_nearest(const char *ifname, int count)
{
	char nic[PATH_MAX], path[PATH_MAX], bdf[32];
	char *paths[64] = { 0 };
	int n = count < 64 ? count : 64, best;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifname);
	if (!realpath(path, nic))
		return 0;
	for (int i = 0; i < n; i++) {
		if (gpu_bdf(i, bdf, sizeof(bdf)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
		paths[i] = realpath(path, NULL);
	}
	best = ncd_gpu_pick_nearest(nic, (const char *const *)paths, n);
	for (int i = 0; i < n; i++)
		free(paths[i]);
	return best < 0 ? 0 : best;
}

static int pick_gpu(const struct ncd_mem *m, int count)
{
	if (m->gpu_sel && *m->gpu_sel)
		return pick_by_sel(m->gpu_sel, count);
	if (m->ifname && *m->ifname)
		return pick_nearest(m->ifname, count);
	return 0;
}

/* ---- setup ---- */

static int cu_start(void)
{
	int ver = 0, count = 0;
	CUresult r;

	pthread_once(&cu_once, cu_load);
	if (cu_load_err) {
		fprintf(stderr, "%s\n", cu_load_msg);
		return cu_load_err;
	}
	r = cu.Init(0);
	if (r) {
		cu_fail(r, "cuInit", "no usable NVIDIA GPU: use --mem host|udmabuf");
		return -ENODEV;
	}
	if ((r = cu.DriverGetVersion(&ver)) || (r = cu.DeviceGetCount(&count)))
		return cu_fail(r, "querying the driver", NULL);
	if (ver < NCD_CUDA_MIN_DRIVER) {
		fprintf(stderr, "cuda: driver supports CUDA %d.%d, dma-buf export needs 11.7: update the NVIDIA driver\n",
			ver / 1000, ver % 1000 / 10);
		return -EOPNOTSUPP;
	}
	if (count < 1) {
		fprintf(stderr, "cuda: no CUDA device found: use --mem host|udmabuf\n");
		return -ENODEV;
	}
	return count;
}

static int load_module(struct cuda_priv *p)
{
	static char log[8192];
	int opts[] = { CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
	void *vals[] = { log, (void *)(uintptr_t)sizeof(log) };
	CUresult r;

	log[0] = 0;
	r = cu.ModuleLoadDataEx(&p->mod, ncd_ptx, 2, opts, vals);
	if (r) {
		char *nl;

		while ((nl = strchr(log, '\n')))	/* keep it to one line */
			*nl = ' ';
		fprintf(stderr, "cuda: loading the PTX kernels failed: %s (%d): JIT log: %s\n",
			cu_str(r), r, log[0] ? log : "(empty)");
		p->mod = NULL;
		return -EIO;
	}
	if ((r = cu.ModuleGetFunction(&p->fill_fn, p->mod, "ncd_fill")) ||
	    (r = cu.ModuleGetFunction(&p->validate_fn, p->mod, "ncd_validate")))
		return cu_fail(r, "cuModuleGetFunction", NULL);
	return 0;
}

static void setup_staging(struct cuda_priv *p)
{
	for (int i = 0; i < 2; i++) {
		if (cu.MemAllocHost(&p->stage[i], STAGE_SIZE)) {
			p->stage[i] = NULL;
			return;
		}
		if (cu.EventCreate(&p->ev[i], CU_EVENT_DISABLE_TIMING)) {
			p->ev[i] = NULL;
			return;
		}
	}
	p->staged = 1;
}

static void export_dmabuf(struct ncd_mem *m, struct cuda_priv *p, int supported)
{
	int fd = -1;
	CUresult r;

	if (!supported) {
		fprintf(stderr, "cuda: GPU %s cannot export dma-bufs (CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED is 0; needs the NVIDIA open kernel modules): only copy mode can use it\n",
			p->bdf);
		return;
	}
	r = cu.MemGetHandleForAddressRange(&fd, p->base, m->size,
					   CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD,
					   CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE);
	if (r) {
		fd = -1;
		r = cu.MemGetHandleForAddressRange(&fd, p->base, m->size,
						   CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD, 0);
	}
	if (r) {
		fprintf(stderr, "cuda: dma-buf export of %zu bytes on GPU %s failed: %s (%d): only copy mode can use it\n",
			m->size, p->bdf, cu_str(r), r);
		return;
	}
	m->dmabuf_fd = fd;
}

static int open_device(struct ncd_mem *m, struct cuda_priv *p, int ordinal)
{
	CUresult r;

	if ((r = cu.DeviceGet(&p->dev, ordinal)))
		return cu_fail(r, "cuDeviceGet", NULL);
	if (gpu_bdf(ordinal, p->bdf, sizeof(p->bdf)))
		snprintf(p->bdf, sizeof(p->bdf), "#%d", ordinal);
	if ((r = cu.DevicePrimaryCtxRetain(&p->ctx, p->dev))) {
		p->ctx = NULL;
		return cu_fail(r, "cuDevicePrimaryCtxRetain", NULL);
	}
	if ((r = cu.CtxSetCurrent(p->ctx)))
		return cu_fail(r, "cuCtxSetCurrent", NULL);
	m->gpu_index = ordinal;
	return 0;
}

static void cuda_free(struct ncd_mem *m);

static int cuda_alloc(struct ncd_mem *m, size_t size)
{
	size_t align = 2u << 20;	/* cuMemAlloc granularity in practice */
	struct cuda_priv *p;
	int count, ordinal, supported = 0, ret;
	CUresult r;

	count = cu_start();
	if (count < 0)
		return count;
	ordinal = pick_gpu(m, count);
	if (ordinal < 0)
		return ordinal;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	m->priv = p;
	ret = open_device(m, p, ordinal);
	if (ret)
		goto err;
	size = (size + align - 1) & ~(align - 1);
	r = cu.MemAlloc(&p->base, size);
	if (r) {
		p->base = 0;
		ret = cu_fail(r, "cuMemAlloc", "lower --buf-size");
		goto err;
	}
	if (p->base % (CUdeviceptr)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "cuda: cuMemAlloc returned a pointer that is not page aligned: cannot export it\n");
		ret = -EINVAL;
		goto err;
	}
	m->size = size;
	if ((r = cu.MemAlloc(&p->dres, 2 * sizeof(uint64_t)))) {
		p->dres = 0;
		ret = cu_fail(r, "cuMemAlloc (result)", NULL);
		goto err;
	}
	ret = load_module(p);
	if (ret)
		goto err;
	setup_staging(p);
	cu.DeviceGetAttribute(&supported, CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED, p->dev);
	export_dmabuf(m, p, supported);
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
		cu.CtxSynchronize();
		for (int i = 0; i < 2; i++) {
			if (p->ev[i])
				cu.EventDestroy(p->ev[i]);
			if (p->stage[i])
				cu.MemFreeHost(p->stage[i]);
		}
		if (p->mod)
			cu.ModuleUnload(p->mod);
		if (p->dfrags)
			cu.MemFree(p->dfrags);
		if (p->dres)
			cu.MemFree(p->dres);
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

static int copy_staged(struct cuda_priv *p, CUdeviceptr dst, const char *src,
		       size_t len)
{
	CUresult r = CUDA_SUCCESS;

	for (size_t pos = 0, k = 0; pos < len && !r; k++) {
		size_t n = len - pos < STAGE_SIZE ? len - pos : STAGE_SIZE;
		int b = k & 1;

		if (k >= 2 && (r = cu.EventSynchronize(p->ev[b])))
			break;
		memcpy(p->stage[b], src + pos, n);
		r = cu.MemcpyHtoDAsync(dst + pos, p->stage[b], n, NULL);
		if (!r)
			r = cu.EventRecord(p->ev[b], NULL);
		pos += n;
	}
	if (!r)
		r = cu.CtxSynchronize();
	return r ? cu_fail(r, "copy to the GPU", NULL) : 0;
}

static int cuda_copy_in(struct ncd_mem *m, size_t off, const void *src,
			size_t len)
{
	struct cuda_priv *p = m->priv;
	CUresult r;
	int ret;

	if (!in_range(m, off, len))
		return -ERANGE;
	pthread_mutex_lock(&p->lock);
	cu.CtxSetCurrent(p->ctx);
	if (p->staged && len >= STAGE_MIN) {
		ret = copy_staged(p, p->base + off, src, len);
	} else {
		r = cu.MemcpyHtoD(p->base + off, src, len);
		ret = r ? cu_fail(r, "cuMemcpyHtoD", NULL) : 0;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

static int cuda_copy_out(struct ncd_mem *m, size_t off, void *dst, size_t len)
{
	struct cuda_priv *p = m->priv;
	CUresult r;

	if (!in_range(m, off, len))
		return -ERANGE;
	cu.CtxSetCurrent(p->ctx);
	r = cu.MemcpyDtoH(dst, p->base + off, len);
	return r ? cu_fail(r, "cuMemcpyDtoH", NULL) : 0;
}

/* ---- kernels ---- */

static int pattern_params(const struct ncd_pattern *pat, uint32_t *kind,
			  uint64_t *per)
{
	*kind = pat->kind;
	*per = pat->kind == NCD_PAT_OFFSET ? pat->period / 8 : pat->period;
	if (*per == 0) {
		fprintf(stderr, "cuda: pattern period %llu too small\n",
			(unsigned long long)pat->period);
		return -EINVAL;
	}
	return 0;
}

static int launch(CUfunction f, unsigned int grid, void **args, const char *what)
{
	CUresult r = cu.LaunchKernel(f, grid, 1, 1, BLOCK, 1, 1, 0, NULL, args, NULL);

	if (!r)
		r = cu.CtxSynchronize();
	return r ? cu_fail(r, what, NULL) : 0;
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
	int ret;

	if (m->ops != &ncd_cuda_mem_ops || !p || !in_range(m, off, len))
		return -EINVAL;
	if (!len || pat->kind == NCD_PAT_NONE)
		return 0;
	ret = pattern_params(pat, &kind, &per);
	if (ret)
		return ret;
	buf = p->base + off;
	grid = len / BLOCK + 1 > 65535 ? 65535 : (unsigned int)(len / BLOCK + 1);
	pthread_mutex_lock(&p->lock);
	cu.CtxSetCurrent(p->ctx);
	ret = launch(p->fill_fn, grid, args, "fill kernel");
	pthread_mutex_unlock(&p->lock);
	return ret;
}

static int frags_to_gpu(struct cuda_priv *p, const struct ncd_frag *frags,
			unsigned int n)
{
	CUresult r;

	if (n > p->dfrags_cap) {
		size_t cap = n < 4096 ? 4096 : n;

		if (p->dfrags)
			cu.MemFree(p->dfrags);
		p->dfrags_cap = 0;
		if ((r = cu.MemAlloc(&p->dfrags, cap * sizeof(*frags)))) {
			p->dfrags = 0;
			return cu_fail(r, "cuMemAlloc (fragment list)", NULL);
		}
		p->dfrags_cap = cap;
	}
	r = cu.MemcpyHtoD(p->dfrags, frags, n * sizeof(*frags));
	return r ? cu_fail(r, "cuMemcpyHtoD (fragment list)", NULL) : 0;
}

/* Record the first mismatch: expected byte from the CPU pattern, actual
 * byte read back from the GPU. */
static int note_first(struct ncd_mem *m, const struct ncd_frag *frags,
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
	fprintf(stderr, "cuda: validate kernel reported a mismatch at stream offset %llu outside the batch\n",
		(unsigned long long)first);
	return -EIO;
}

static int cuda_validate(struct ncd_mem *m, const struct ncd_frag *frags,
			 unsigned int n, const struct ncd_pattern *pat,
			 struct ncd_verdict *v)
{
	struct cuda_priv *p = m->priv;
	uint64_t res[2] = { 0, UINT64_MAX }, seed = pat->seed, per, bytes = 0;
	uint32_t kind, nf = n;
	void *args[] = { &p->base, &p->dfrags, &nf, &kind, &seed, &per, &p->dres };
	unsigned int grid = n > 65535 ? 65535 : n;
	int ret;
	CUresult r;

	if (!n || pat->kind == NCD_PAT_NONE)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		if (!in_range(m, frags[i].off, frags[i].len))
			return -ERANGE;	/* kernel handed out an impossible offset */
		bytes += frags[i].len;
	}
	ret = pattern_params(pat, &kind, &per);
	if (ret)
		return ret;
	pthread_mutex_lock(&p->lock);
	cu.CtxSetCurrent(p->ctx);
	ret = frags_to_gpu(p, frags, n);
	if (!ret && (r = cu.MemcpyHtoD(p->dres, res, sizeof(res))))
		ret = cu_fail(r, "cuMemcpyHtoD (result)", NULL);
	if (!ret)
		ret = launch(p->validate_fn, grid, args, "validate kernel");
	if (!ret && (r = cu.MemcpyDtoH(res, p->dres, sizeof(res))))
		ret = cu_fail(r, "cuMemcpyDtoH (result)", NULL);
	if (!ret && res[0])
		ret = note_first(m, frags, n, pat, res[1], v);
	pthread_mutex_unlock(&p->lock);
	if (ret)
		return ret;
	v->checked += bytes;
	v->bad += res[0];
	return 0;
}

const struct ncd_mem_ops ncd_cuda_mem_ops = {
	.name = "cuda",
	.alloc = cuda_alloc,
	.free = cuda_free,
	.copy_in = cuda_copy_in,
	.copy_out = cuda_copy_out,
	.validate = cuda_validate,
};
