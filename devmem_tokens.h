/* SPDX-License-Identifier: MIT */
/*
 * devmem token release: consecutive tokens are coalesced into ranges and
 * given back with setsockopt(SO_DEVMEM_DONTNEED) in calls of at most
 * NCD_DONTNEED_MAX_TOKENS ranges and NCD_DONTNEED_MAX_FRAGS fragments; the
 * kernel returns how many fragments it freed and that must match.
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

struct ncd_tokens {
	int fd;
	unsigned int nr;		/* ranges in r[] */
	unsigned int nfrags;		/* tokens covered by r[] */
	struct ncd_dmabuf_token r[NCD_DONTNEED_MAX_TOKENS];
	uint64_t released;		/* fragments freed so far */
	uint64_t calls;			/* setsockopt calls */
	char err[160];
};

void ncd_tokens_init(struct ncd_tokens *t, int fd);
/* Queue one token (flushes first when a limit would be exceeded). */
int ncd_tokens_add(struct ncd_tokens *t, uint32_t token);
/* Give everything queued back now.  0 or -errno with t->err set. */
int ncd_tokens_flush(struct ncd_tokens *t);
/* Queue the tokens of @n fragments and flush. */
int ncd_tokens_release(struct ncd_tokens *t, const struct ncd_frag *frags,
		       unsigned int n);

#endif
