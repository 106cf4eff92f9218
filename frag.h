/* SPDX-License-Identifier: MIT */
/*
 * Fragments: the unit the RX loop consumes.  A fragment is @len payload
 * bytes at byte @off of a memory provider, holding TCP stream bytes
 * [@stream_off, @stream_off + @len).  Sources: copy mode (recv into the
 * provider), devmem (SCM_DEVMEM_DMABUF cmsgs), io_uring zcrx (CQEs).
 */
#ifndef NCD_FRAG_H
#define NCD_FRAG_H

#include <stddef.h>
#include <stdint.h>

struct ncd_frag {
	uint64_t off;		/* byte offset inside the provider */
	uint64_t stream_off;	/* TCP stream offset of the first byte */
	uint32_t len;
	uint32_t token;		/* devmem token / zcrx cookie, 0 if none */
};

/*
 * A fragment source fills up to @max fragments for one flow.
 * Returns the number of fragments (>0), 0 at end of stream, or -errno.
 * After the consumer is done with them it calls release(), which gives
 * buffers/tokens back to the kernel (a no-op for copy mode).
 */
struct ncd_frag_source {
	const char *name;
	int (*next)(struct ncd_frag_source *src, struct ncd_frag *frags,
		    unsigned int max);
	int (*release)(struct ncd_frag_source *src, const struct ncd_frag *frags,
		       unsigned int n);
	void (*close)(struct ncd_frag_source *src);
	uint64_t stream_off;	/* next stream offset to hand out */
	void *priv;
};

#endif
