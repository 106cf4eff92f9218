/* SPDX-License-Identifier: MIT */
/* udmabuf provider (udmabuf_mem.c): sealed memfd pages exported as a dma-buf. */
#ifndef NCD_UDMABUF_MEM_H
#define NCD_UDMABUF_MEM_H

#include "mem.h"

extern const struct ncd_mem_ops ncd_udmabuf_mem_ops;

#endif
