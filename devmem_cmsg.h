/* SPDX-License-Identifier: MIT */
/*
 * Control data of one recvmsg(MSG_SOCK_DEVMEM) -> fragments.
 * Each SCM_DEVMEM_DMABUF cmsg is one fragment in the bound dma-buf; each
 * SCM_DEVMEM_LINEAR cmsg is payload the kernel copied into the iov (host
 * memory: header split off or the flow not steered to a bound queue).
 * Fragments get consecutive stream offsets in cmsg order; linear bytes
 * take their place in the stream too.
 */
#ifndef NCD_DEVMEM_CMSG_H
#define NCD_DEVMEM_CMSG_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include "frag.h"

struct ncd_devmem_parse {
	uint32_t dmabuf_id;	/* the id bind-rx returned */
	int fail_linear;	/* -L: linear payload is fatal */
	uint64_t stream_off;	/* next stream offset; advanced by the parser */
	/* totals, accumulated over calls */
	uint64_t dmabuf_frags;
	uint64_t dmabuf_bytes;
	uint64_t linear_cmsgs;
	uint64_t linear_bytes;
	uint64_t other_cmsgs;	/* non-devmem cmsgs that were skipped */
	char err[256];		/* one line when a call fails */
};

/*
 * Parse the control data of @msg after recvmsg() returned @ret bytes.
 * Writes up to @max fragments; returns how many (0 is possible when all the
 * payload was linear) or a negative errno with p->err set:
 *   -EMSGSIZE  MSG_CTRUNC: control buffer too small
 *   -EBADMSG   truncated or malformed cmsg
 *   -EPROTO    wrong dmabuf id / data in host memory / byte count mismatch
 *   -ENOBUFS   more fragments than @max
 */
int ncd_devmem_parse_cmsgs(struct ncd_devmem_parse *p, const struct msghdr *msg,
			   ssize_t ret, struct ncd_frag *frags, unsigned int max);

/* Control bytes one fragment needs: CMSG_SPACE(24). */
#define NCD_DEVMEM_CMSG_SPACE	CMSG_SPACE(24)

/* The one-line explanation of a recvmsg(MSG_SOCK_DEVMEM) errno. */
const char *ncd_devmem_recv_hint(int err);

#endif
