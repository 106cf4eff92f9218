/* SPDX-License-Identifier: MIT */
/* Copy mode into a provider without a CPU mapping (cuda): receive into the
 * validation queue's staging buffers, which each batch copies in. */
#ifndef NCD_COPY_STAGE_H
#define NCD_COPY_STAGE_H

#include <stddef.h>
#include "datapath.h"

int ncd_stage_source_open(struct ncd_frag_source *s, int fd, struct ncd_vq *q,
			  size_t off, size_t len);

#endif
