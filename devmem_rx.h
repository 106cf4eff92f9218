/* SPDX-License-Identifier: MIT */
/* devmem RX: the recvmsg(MSG_SOCK_DEVMEM) fragment source. */
#ifndef NCD_DEVMEM_RX_H
#define NCD_DEVMEM_RX_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "devmem_tokens.h"
#include "datapath.h"

/* What a devmem source needs to know about its run. */
struct ncd_devmem_rx_cfg {
	uint32_t dmabuf_id;	/* bind-rx's id: every fragment must carry it */
	int fail_linear;	/* -L: payload in host memory is fatal */
	uint64_t dmabuf_size;	/* bound dma-buf bytes, shared by ... */
	unsigned int flows;	/* ... this many flows (release threshold) */
};

/* recvmsg(MSG_SOCK_DEVMEM) on @fd; fragments are SCM_DEVMEM_DMABUF cmsgs;
 * released tokens are queued and given back in coalesced batches at the
 * kernel's per-call limits, when the flow holds a quarter of its share of
 * the dma-buf, before a recvmsg would block, and at end of stream/close. */
int ncd_devmem_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			   const struct ncd_devmem_rx_cfg *cfg);

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
