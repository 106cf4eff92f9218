/* SPDX-License-Identifier: MIT */
/*
 * devmem token release: consecutive tokens are coalesced into ranges and
 * given back with setsockopt(SO_DEVMEM_DONTNEED) in calls of at most
 * NCD_DONTNEED_MAX_TOKENS ranges and NCD_DONTNEED_MAX_FRAGS fragments; the
 * kernel returns how many fragments it freed and that must match.
 *
 * Release is policy-driven: ncd_tokens_queue() only queues, and one call
 * goes out when
 *   - a kernel per-call limit is reached (1024 fragments, or 128 ranges and
 *     the next token starts a new one): NCD_FLUSH_LIMIT;
 *   - the bytes the flow holds (received and not given back yet, queued
 *     tokens included) reach flush_bytes, a quarter of the flow's share of
 *     the dma-buf: NCD_FLUSH_HELD;
 *   - the owner is about to block on an empty socket (it calls
 *     ncd_tokens_flush(NCD_FLUSH_IDLE) first, so the NIC is never left
 *     without buffers while we wait for it): NCD_FLUSH_IDLE;
 *   - end of stream or close: NCD_FLUSH_END.
 */
#ifndef NCD_DEVMEM_TOKENS_H
#define NCD_DEVMEM_TOKENS_H

#include <stdint.h>
#include <sys/socket.h>
#include "frag.h"
#include "uapi_devmem.h"

/* Test seam: defaults to setsockopt(2). */
typedef int (*ncd_setsockopt_fn)(int fd, int level, int name,
				 const void *val, socklen_t len);
extern ncd_setsockopt_fn ncd_devmem_setsockopt;

enum ncd_flush_reason {
	NCD_FLUSH_LIMIT,	/* kernel per-call limit reached */
	NCD_FLUSH_HELD,		/* held bytes reached flush_bytes */
	NCD_FLUSH_IDLE,		/* socket empty, about to block */
	NCD_FLUSH_END,		/* end of stream, close, explicit */
	NCD_FLUSH_NR
};

struct ncd_tokens {
	int fd;
	unsigned int nr;		/* ranges in r[] */
	unsigned int nfrags;		/* tokens covered by r[] */
	uint64_t queued_bytes;		/* payload bytes of the queued tokens */
	uint64_t held_bytes;		/* received and not given back yet */
	uint64_t flush_bytes;		/* NCD_FLUSH_HELD threshold (0: always) */
	struct ncd_dmabuf_token r[NCD_DONTNEED_MAX_TOKENS];
	uint64_t released;		/* fragments freed so far */
	uint64_t calls;			/* setsockopt calls */
	uint64_t calls_by[NCD_FLUSH_NR];	/* ... per reason */
	char err[160];
};

/* A quarter of one flow's share of a @dmabuf_size dma-buf (>= 1 byte
 * unless the size is 0, which means "flush on every queue call"). */
uint64_t ncd_tokens_flush_bytes(uint64_t dmabuf_size, unsigned int flows);

void ncd_tokens_init(struct ncd_tokens *t, int fd, uint64_t flush_bytes);
/* The kernel handed the flow @bytes of payload in the dma-buf. */
void ncd_tokens_hold(struct ncd_tokens *t, uint64_t bytes);
/* Queue one token of @len bytes (a call goes out at a kernel limit). */
int ncd_tokens_add(struct ncd_tokens *t, uint32_t token, uint32_t len);
/* Queue the tokens of @n fragments the consumer is done with; gives them
 * back at a kernel limit or when the held bytes reach flush_bytes.
 * 0 or -errno with t->err set. */
int ncd_tokens_queue(struct ncd_tokens *t, const struct ncd_frag *frags,
		     unsigned int n);
/* Give everything queued back now.  0 or -errno with t->err set. */
int ncd_tokens_flush(struct ncd_tokens *t, enum ncd_flush_reason why);
/* Queue the tokens of @n fragments and flush (NCD_FLUSH_END). */
int ncd_tokens_release(struct ncd_tokens *t, const struct ncd_frag *frags,
		       unsigned int n);

#endif
