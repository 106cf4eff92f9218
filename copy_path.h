/* SPDX-License-Identifier: MIT */
/* Copy mode: recv()/send() through host memory, as a receive and a
 * transmit path (datapath.h). */
#ifndef NCD_COPY_PATH_H
#define NCD_COPY_PATH_H

#include <stddef.h>
#include "datapath.h"

extern const struct ncd_rx_path_ops ncd_copy_rx_path;
extern const struct ncd_tx_path_ops ncd_copy_tx_path;

/* recv() into provider bytes [@off, @off + @len) (through a host bounce
 * buffer when the provider has no CPU mapping). */
int ncd_copy_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			 size_t off, size_t len);
/* send() from host memory @base. */
int ncd_copy_sink_open(struct ncd_tx_sink *t, int fd, const void *base);

#endif
