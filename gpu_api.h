/* SPDX-License-Identifier: MIT */
/*
 * The slice of the CUDA driver API ncdevmem uses, loaded at run time with
 * dlopen: types, the enum values we need (cuda.h numbering) and a table of
 * function pointers.  Internal to gpu_*.c; the fake libcuda in
 * tests/fake_cuda implements exactly the symbols listed in gpu_api.c.
 */
#ifndef NCD_GPU_API_H
#define NCD_GPU_API_H

#include <stddef.h>
#include <stdint.h>

typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef unsigned long long CUdeviceptr;

#define CUDA_SUCCESS				0
#define CUDA_ERROR_OUT_OF_MEMORY		2
#define CUDA_ERROR_STUB_LIBRARY			34
#define CUDA_ERROR_NO_DEVICE			100
#define CUDA_ERROR_NOT_READY			600
#define CU_DEVICE_ATTRIBUTE_PCI_BUS_ID		33
#define CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID	34
#define CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID	50
#define CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_WRITES_ORDERING 118
#define CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED	124
#define CU_GPU_DIRECT_RDMA_WRITES_ORDERING_OWNER 100
#define CU_FLUSH_GPU_DIRECT_RDMA_WRITES_TARGET_CURRENT_CTX 0
#define CU_FLUSH_GPU_DIRECT_RDMA_WRITES_TO_OWNER 100
#define CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD	1
#define CU_MEM_RANGE_FLAG_DMA_BUF_MAPPING_TYPE_PCIE 1
#define CU_MEMHOSTALLOC_PORTABLE		0x01
#define CU_MEMHOSTALLOC_DEVICEMAP		0x02
#define CU_STREAM_NON_BLOCKING			0x01
#define CU_EVENT_DISABLE_TIMING			0x02
#define CU_JIT_ERROR_LOG_BUFFER			5
#define CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES	6
#define NCD_CUDA_MIN_DRIVER			11070

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
	CUresult (*MemAlloc)(CUdeviceptr *, size_t);
	CUresult (*MemFree)(CUdeviceptr);
	CUresult (*MemcpyDtoH)(void *, CUdeviceptr, size_t);
	CUresult (*MemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
	CUresult (*MemHostAlloc)(void **, size_t, unsigned int);
	CUresult (*MemHostGetDevicePointer)(CUdeviceptr *, void *, unsigned int);
	CUresult (*MemFreeHost)(void *);
	CUresult (*StreamCreate)(CUstream *, unsigned int);
	CUresult (*StreamSynchronize)(CUstream);
	CUresult (*StreamDestroy)(CUstream);
	CUresult (*EventCreate)(CUevent *, unsigned int);
	CUresult (*EventRecord)(CUevent, CUstream);
	CUresult (*EventQuery)(CUevent);
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
	/* optional (NULL when the driver lacks it) */
	CUresult (*FlushGPUDirectRDMAWrites)(int target, int scope);
};

extern struct cu_api cu;

struct ncd_mem_probe;

/* Load libcuda (NCD_LIBCUDA names another), cuInit, read the version and
 * device count into @pr; returns the count, or -errno with pr->why and
 * pr->fix set.  Prints nothing.  No driver, a stub library, no device and
 * cuInit's CUDA_ERROR_NO_DEVICE are all -ENOENT: callers exit 4 (skip). */
int ncd_cu_start(struct ncd_mem_probe *pr);
/* Text for a CUresult (the driver's, or ours when that fails). */
const char *ncd_cu_str(CUresult r);
/* Print "cuda: <what> failed: <error> (<code>)[: hint]"; -ENOMEM or -EIO. */
int ncd_cu_fail(CUresult r, const char *what, const char *hint);

#endif
