// SPDX-License-Identifier: MIT
/*
 * libcuda loader: dlopen at run time (NCD_LIBCUDA names another library, the
 * test seam the fake libcuda uses), resolve every symbol we call, start the
 * driver.  The build needs no CUDA headers or libraries.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpu_api.h"

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
static char load_msg[200];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void cu_load(void)
{
	const char *name = getenv("NCD_LIBCUDA");
	int named = name && *name;
	void *lib;

	lib = dlopen(named ? name : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib && !named)
		lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		load_err = -ENOENT;
		snprintf(load_msg, sizeof(load_msg),
			 "cuda: %s not found (no NVIDIA driver): use --mem host|udmabuf",
			 named ? name : "libcuda.so.1");
		return;
	}
	for (size_t i = 0; i < sizeof(cu_syms) / sizeof(cu_syms[0]); i++) {
		void *f = dlsym(lib, cu_syms[i].name);

		if (!f && cu_syms[i].optional)
			continue;
		if (!f) {
			load_err = -ENOSYS;
			snprintf(load_msg, sizeof(load_msg),
				 "cuda: libcuda lacks %s (driver older than CUDA 11.7): update the NVIDIA driver",
				 cu_syms[i].name);
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

int ncd_cu_start(void)
{
	int ver = 0, count = 0;
	CUresult r;

	pthread_once(&load_once, cu_load);
	if (load_err) {
		fprintf(stderr, "%s\n", load_msg);
		return load_err;
	}
	r = cu.Init(0);
	if (r) {
		/* no device, stub library, driver not loaded: nothing to test on */
		ncd_cu_fail(r, "cuInit", "no usable NVIDIA GPU: use --mem host|udmabuf");
		return -ENOENT;
	}
	if ((r = cu.DriverGetVersion(&ver)) || (r = cu.DeviceGetCount(&count)))
		return ncd_cu_fail(r, "querying the driver", NULL);
	if (ver < NCD_CUDA_MIN_DRIVER) {
		fprintf(stderr, "cuda: driver supports CUDA %d.%d, dma-buf export needs 11.7: update the NVIDIA driver\n",
			ver / 1000, ver % 1000 / 10);
		return -EOPNOTSUPP;
	}
	if (count < 1) {
		fprintf(stderr, "cuda: no CUDA device found: use --mem host|udmabuf\n");
		return -ENOENT;
	}
	return count;
}
