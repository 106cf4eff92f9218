/* SPDX-License-Identifier: MIT */
/*
 * io_uring zero-copy receive (--zcrx, Linux 6.15+; dma-buf areas 6.16+).
 * One ncd_zcrx = one io_uring (DEFER_TASKRUN | SINGLE_ISSUER | CQE32) with
 * one interface queue registered on it; the area is the provider's memory:
 * host memory as a user area, udmabuf/cuda as a dma-buf area.  Fragment
 * offsets are offsets into the provider, as with devmem.
 */
#ifndef NCD_ZCRX_H
#define NCD_ZCRX_H

#include <stdint.h>
#include <liburing.h>
#include "datapath.h"
#include "mem.h"
#include "uapi_devmem.h"

struct ncd_zcrx {
	struct io_uring ring;
	int ring_ok;
	uint32_t zcrx_id;
	uint64_t area_token;
	void *rq_mem;			/* refill ring region */
	size_t rq_mem_len;
	uint32_t *rq_head, *rq_tail;
	struct ncd_io_uring_zcrx_rqe *rqes;
	uint32_t rq_entries, rq_mask;
	uint32_t rq_tail_local;
	int armed;			/* a multishot RECV_ZC is outstanding */
	int eof;
	int nodev;			/* ZCRX_REG_NODEV: no NIC, payload copied */
	int disabled;			/* ring created R_DISABLED, enabled by the flow */
	unsigned long flushes;		/* ZCRX_CTRL_FLUSH_RQ calls (nodev) */
	unsigned long rearmed;		/* RECV_ZC ended by -ENOSPC (CQ full), re-armed */
	char err[256];
};

/*
 * Create the ring and register @ifindex/@rxq with @m as the area.
 * 0 or -errno; one line explaining the failure is printed.
 */
int ncd_zcrx_open(struct ncd_zcrx *z, int ifindex, int rxq, struct ncd_mem *m,
		  unsigned int rq_entries);
/* The same with rx_buf_len (bytes per buffer, power of 2, 0 = page size;
 * Linux 7.x). */
int ncd_zcrx_open_buf(struct ncd_zcrx *z, int ifindex, int rxq,
		      struct ncd_mem *m, unsigned int rq_entries,
		      uint32_t rx_buf_len);
/* No NIC (ZCRX_REG_NODEV, Linux 7.x): works on any socket, lo included;
 * the kernel copies payload into @m's host memory.  A kernel without it:
 * -EOPNOTSUPP, one line printed. */
int ncd_zcrx_open_nodev(struct ncd_zcrx *z, struct ncd_mem *m,
			unsigned int rq_entries);
void ncd_zcrx_close(struct ncd_zcrx *z);

/* Fragment source over connected TCP socket @fd (multishot RECV_ZC);
 * release() returns buffers through the refill ring.  A wait longer than
 * @idle_s (0: none) ends next() with -EAGAIN, as SO_RCVTIMEO would (which
 * io_uring ignores).  close() cancels a RECV_ZC still armed: it holds the
 * socket, whose close() would otherwise not reach the peer. */
int ncd_zcrx_source_open(struct ncd_frag_source *s, struct ncd_zcrx *z, int fd,
			 double idle_s);

/* Hint for a registration errno ("" if none). */
const char *ncd_zcrx_reg_hint(int err);

#endif
