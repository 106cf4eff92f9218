/* SPDX-License-Identifier: MIT */
/* devmem RX source extras (the constructor is in sources.h). */
#ifndef NCD_DEVMEM_RX_H
#define NCD_DEVMEM_RX_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "frag.h"

struct ncd_devmem_rx_stats {
	uint64_t recvmsgs;
	uint64_t frags;
	uint64_t bytes;		/* payload in the dma-buf */
	uint64_t linear_bytes;	/* payload that landed in host memory */
	uint64_t tokens_released;
	uint64_t dontneed_calls;
};

/* Counters of a source opened by ncd_devmem_source_open(). */
void ncd_devmem_source_stats(const struct ncd_frag_source *s,
			     struct ncd_devmem_rx_stats *st);

/* recvmsg() seam for tests; defaults to recvmsg(2). */
typedef ssize_t (*ncd_recvmsg_fn)(int fd, struct msghdr *msg, int flags);
extern ncd_recvmsg_fn ncd_devmem_recvmsg;

#endif
