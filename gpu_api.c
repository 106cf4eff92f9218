// SPDX-License-Identifier: MIT
/*
 * libcuda loader: dlopen at run time (NCD_LIBCUDA names another library, the
 * test seam the fake libcuda uses), resolve every symbol we call, start the
 * driver.  The build needs no CUDA headers or libraries.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpu_api.h"
#include "mem.h"

struct cu_api cu;

#define SYM(field, name, opt) { offsetof(struct cu_api, field), name, opt }
static const struct { size_t off; const char *name; int optional; } cu_syms[] = {
	SYM(Init, "cuInit", 0),
	SYM(DriverGetVersion, "cuDriverGetVersion", 0),
	SYM(DeviceGetCount, "cuDeviceGetCount", 0),
	SYM(DeviceGet, "cuDeviceGet", 0),
	SYM(DeviceGetAttribute, "cuDeviceGetAttribute", 0),
	SYM(DeviceGetPCIBusId, "cuDeviceGetPCIBusId", 0),
	SYM(DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", 0),
	SYM(DevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", 0),
	SYM(CtxSetCurrent, "cuCtxSetCurrent", 0),
	SYM(MemAlloc, "cuMemAlloc_v2", 0),
	SYM(MemFree, "cuMemFree_v2", 0),
	SYM(MemcpyDtoH, "cuMemcpyDtoH_v2", 0),
	SYM(MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2", 0),
	SYM(MemHostAlloc, "cuMemHostAlloc", 0),
	SYM(MemHostGetDevicePointer, "cuMemHostGetDevicePointer_v2", 0),
	SYM(MemFreeHost, "cuMemFreeHost", 0),
	SYM(StreamCreate, "cuStreamCreate", 0),
	SYM(StreamSynchronize, "cuStreamSynchronize", 0),
	SYM(StreamDestroy, "cuStreamDestroy_v2", 0),
	SYM(EventCreate, "cuEventCreate", 0),
	SYM(EventRecord, "cuEventRecord", 0),
	SYM(EventQuery, "cuEventQuery", 0),
	SYM(EventSynchronize, "cuEventSynchronize", 0),
	SYM(EventDestroy, "cuEventDestroy_v2", 0),
	SYM(MemGetHandleForAddressRange, "cuMemGetHandleForAddressRange", 0),
	SYM(ModuleLoadDataEx, "cuModuleLoadDataEx", 0),
	SYM(ModuleUnload, "cuModuleUnload", 0),
	SYM(ModuleGetFunction, "cuModuleGetFunction", 0),
	SYM(LaunchKernel, "cuLaunchKernel", 0),
	SYM(GetErrorString, "cuGetErrorString", 0),
	SYM(FlushGPUDirectRDMAWrites, "cuFlushGPUDirectRDMAWrites", 1),
};

static int load_err;
static char load_why[256];
static const char *load_fix;
static char load_name[256];	/* for --check; dlopen gets the full name */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void cu_load(void)
{
	const char *name = getenv("NCD_LIBCUDA");
	int named = name && *name;
	void *lib;

	snprintf(load_name, sizeof(load_name), "%s", named ? name : "libcuda.so.1");
	lib = dlopen(named ? name : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib && !named) {
		lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
		snprintf(load_name, sizeof(load_name), "libcuda.so");
	}
	if (!lib) {
		load_err = -ENOENT;
		snprintf(load_why, sizeof(load_why),
			 "%s not found (no NVIDIA driver)",
			 named ? name : "libcuda.so.1");
		load_fix = "use --mem host|udmabuf";
		return;
	}
	for (size_t i = 0; i < sizeof(cu_syms) / sizeof(cu_syms[0]); i++) {
		void *f = dlsym(lib, cu_syms[i].name);

		if (!f && cu_syms[i].optional)
			continue;
		if (!f) {
			load_err = -ENOSYS;
			snprintf(load_why, sizeof(load_why),
				 "libcuda lacks %s (driver older than CUDA 11.7)",
				 cu_syms[i].name);
			load_fix = "update the NVIDIA driver";
			return;
		}
		memcpy((char *)&cu + cu_syms[i].off, &f, sizeof(f));
	}
}

const char *ncd_cu_str(CUresult r)
{
	const char *s = NULL;

	if (cu.GetErrorString && cu.GetErrorString(r, &s) == CUDA_SUCCESS && s)
		return s;
	switch (r) {	/* when even cuGetErrorString fails (stub library) */
	case CUDA_ERROR_STUB_LIBRARY:
		return "libcuda is the toolkit's stub library, not a driver";
	case 35:
		return "driver older than the runtime";
	case CUDA_ERROR_NO_DEVICE:
		return "no CUDA-capable device";
	default:
		return "unknown CUDA error";
	}
}

int ncd_cu_fail(CUresult r, const char *what, const char *hint)
{
	fprintf(stderr, "cuda: %s failed: %s (%d)%s%s\n", what, ncd_cu_str(r), r,
		hint ? ": " : "", hint ? hint : "");
	return r == CUDA_ERROR_OUT_OF_MEMORY ? -ENOMEM : -EIO;
}

static int cu_refuse(struct ncd_mem_probe *pr, int err, const char *fix,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pr->why, sizeof(pr->why), fmt, ap);
	va_end(ap);
	snprintf(pr->fix, sizeof(pr->fix), "%s", fix);
	return err;
}

int ncd_cu_start(struct ncd_mem_probe *pr)
{
	int ver = 0, count = 0;
	CUresult r;

	pthread_once(&load_once, cu_load);
	if (load_err)
		return cu_refuse(pr, load_err, load_fix, "%s", load_why);
	snprintf(pr->lib, sizeof(pr->lib), "%s", load_name);
	r = cu.Init(0);
	if (r)	/* no device, stub library, driver not loaded: nothing to test on */
		return cu_refuse(pr, -ENOENT, "use --mem host|udmabuf",
				 "cuInit failed: %s (%d)", ncd_cu_str(r), r);
	if ((r = cu.DriverGetVersion(&ver)) || (r = cu.DeviceGetCount(&count)))
		return cu_refuse(pr, r == CUDA_ERROR_OUT_OF_MEMORY ? -ENOMEM : -EIO,
				 "check the NVIDIA driver with nvidia-smi",
				 "querying the driver failed: %s (%d)",
				 ncd_cu_str(r), r);
	pr->driver_version = ver;
	pr->gpu_count = count;
	if (ver < NCD_CUDA_MIN_DRIVER)
		return cu_refuse(pr, -EOPNOTSUPP, "update the NVIDIA driver",
				 "driver supports CUDA %d.%d, dma-buf export needs 11.7",
				 ver / 1000, ver % 1000 / 10);
	if (count < 1)
		return cu_refuse(pr, -ENOENT, "use --mem host|udmabuf",
				 "no CUDA device found");
	return count;
}
