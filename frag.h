/* SPDX-License-Identifier: MIT */
/*
 * Fragments: the unit the RX loop consumes.  A fragment is @len payload
 * bytes at byte @off of a memory provider, holding TCP stream bytes
 * [@stream_off, @stream_off + @len).  A plain value type: the data paths
 * produce fragments (datapath.h), providers check them in place (mem.h).
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

#endif
