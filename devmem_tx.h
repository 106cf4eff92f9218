/* SPDX-License-Identifier: MIT */
/*
 * devmem TX sink, and its MSG_ZEROCOPY completion accounting.  Every sendmsg(MSG_ZEROCOPY) that queued
 * data takes the next 32-bit id; the error queue reports finished ids as
 * inclusive ranges [ee_info, ee_data] that may cover many sends.
 */
#ifndef NCD_DEVMEM_TX_H
#define NCD_DEVMEM_TX_H

#include <stdint.h>
#include <sys/socket.h>
#include "datapath.h"

/* @fd already SO_BINDTODEVICE'd/connected, @tx_dmabuf_id from bind-tx;
 * @max_chunk splits each send into iovs of at most that size; completions
 * are reaped as it goes. */
int ncd_devmem_sink_open(struct ncd_tx_sink *t, int fd, uint32_t tx_dmabuf_id,
			 uint32_t max_chunk);

struct ncd_zc {
	uint64_t issued;	/* zerocopy sends that queued data */
	uint64_t completed;	/* sends reported done */
	uint64_t copied;	/* of those, ones the kernel copied instead */
	uint64_t notifications;	/* error-queue messages */
	char err[160];
};

static inline uint64_t ncd_zc_outstanding(const struct ncd_zc *z)
{
	return z->issued - z->completed;
}

/* One more zerocopy send was issued. */
static inline void ncd_zc_sent(struct ncd_zc *z)
{
	z->issued++;
}

/* Account completion range [lo, hi] (inclusive, may wrap); 0 or -EPROTO
 * when it covers sends that were never issued or were already completed. */
int ncd_zc_complete(struct ncd_zc *z, uint32_t lo, uint32_t hi, int copied);

/* Parse the cmsgs of one recvmsg(MSG_ERRQUEUE): number of zerocopy
 * notifications handled, or -errno (a send failed, or bad accounting). */
int ncd_zc_parse(struct ncd_zc *z, const struct msghdr *msg);

/* Drain the error queue; waits up to @timeout_ms for POLLERR first (0 =
 * only when pending).  Returns notifications handled or -errno. */
int ncd_zc_reap(struct ncd_zc *z, int fd, int timeout_ms);

#endif
