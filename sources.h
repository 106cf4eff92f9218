/* SPDX-License-Identifier: MIT */
/* Constructors of the fragment sources (see frag.h). */
#ifndef NCD_SOURCES_H
#define NCD_SOURCES_H

#include <stddef.h>
#include <stdint.h>
#include "frag.h"
#include "mem.h"

struct ncd_opts;

/* Copy mode: recv() into provider bytes [@off, @off + @len) (through a host
 * bounce buffer when the provider has no CPU mapping). */
int ncd_copy_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			 size_t off, size_t len);

/* devmem: recvmsg(MSG_SOCK_DEVMEM) on @fd; fragments are SCM_DEVMEM_DMABUF
 * cmsgs that must carry @dmabuf_id; tokens released in coalesced batches. */
int ncd_devmem_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			   uint32_t dmabuf_id, const struct ncd_opts *o);

#endif
