/* SPDX-License-Identifier: MIT */
/* Host memory provider (host_mem.c): malloc'd memory, copy mode only. */
#ifndef NCD_HOST_MEM_H
#define NCD_HOST_MEM_H

#include "mem.h"

extern const struct ncd_mem_ops ncd_host_mem_ops;

#endif
