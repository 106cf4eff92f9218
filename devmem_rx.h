/* SPDX-License-Identifier: MIT */
/* devmem RX source extras (the constructor is in sources.h). */
#ifndef NCD_DEVMEM_RX_H
#define NCD_DEVMEM_RX_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "devmem_tokens.h"
#include "frag.h"

struct ncd_devmem_rx_stats {
	uint64_t recvmsgs;
	uint64_t frags;
	uint64_t bytes;		/* payload in the dma-buf */
	uint64_t linear_bytes;	/* payload that landed in host memory */
	uint64_t tokens_released;
	uint64_t dontneed_calls;
	uint64_t dontneed_by[NCD_FLUSH_NR];	/* calls per enum ncd_flush_reason */
};

/* Counters of a source opened by ncd_devmem_source_open(). */
void ncd_devmem_source_stats(const struct ncd_frag_source *s,
			     struct ncd_devmem_rx_stats *st);

/* Give every token the consumer released back now (end of the flow, before
 * reading the stats); close() does it too.  0 or -errno (printed). */
int ncd_devmem_source_flush(struct ncd_frag_source *s);

/* recvmsg() seam for tests; defaults to recvmsg(2). */
typedef ssize_t (*ncd_recvmsg_fn)(int fd, struct msghdr *msg, int flags);
extern ncd_recvmsg_fn ncd_devmem_recvmsg;

/* With released tokens queued and the socket empty: how long to wait for
 * more data before giving them back and blocking in recvmsg. */
#define NCD_DEVMEM_IDLE_MS	10

/* poll() seam for tests (that wait); defaults to poll(2). */
typedef int (*ncd_poll_fn)(struct pollfd *fds, nfds_t nfds, int timeout);
extern ncd_poll_fn ncd_devmem_poll;

#endif
