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

/* Copy mode through a validation queue's staging buffers (providers with
 * vq_stage, i.e. no CPU mapping): the queue copies each batch in. */
int ncd_stage_source_open(struct ncd_frag_source *s, int fd, struct ncd_vq *q,
			  size_t off, size_t len);

/* What a devmem source needs to know about its run. */
struct ncd_devmem_rx_cfg {
	uint32_t dmabuf_id;	/* bind-rx's id: every fragment must carry it */
	int fail_linear;	/* -L: payload in host memory is fatal */
	uint64_t dmabuf_size;	/* bound dma-buf bytes, shared by ... */
	unsigned int flows;	/* ... this many flows (release threshold) */
};

/* devmem: recvmsg(MSG_SOCK_DEVMEM) on @fd; fragments are SCM_DEVMEM_DMABUF
 * cmsgs; released tokens are queued and given back in coalesced batches at
 * the kernel's per-call limits, when the flow holds a quarter of its share
 * of the dma-buf, before a recvmsg would block, and at end of stream/close. */
int ncd_devmem_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			   const struct ncd_devmem_rx_cfg *cfg);

/*
 * TX sinks: the client computes which bytes of its constant payload buffer
 * come next and a sink sends them.  Copy mode: send() from the host buffer.
 * devmem TX: sendmsg(MSG_ZEROCOPY) with iov_base = offset into the bound
 * dma-buf and an SCM_DEVMEM_DMABUF cmsg; completions reaped as it goes.
 */
struct ncd_tx_sink {
	const char *name;
	/* Send up to @len bytes at @buf_off of the payload buffer; returns bytes
	 * sent (>0) or -errno. */
	long (*send)(struct ncd_tx_sink *t, uint64_t buf_off, size_t len);
	/* Wait for outstanding zerocopy completions; 0 or -errno. */
	int (*finish)(struct ncd_tx_sink *t);
	void (*close)(struct ncd_tx_sink *t);
	int fd;
	void *priv;
};

/* Copy-mode sink over host memory @base (the provider's CPU mapping). */
int ncd_copy_sink_open(struct ncd_tx_sink *t, int fd, const void *base);
/* devmem TX sink: @fd already SO_BINDTODEVICE'd/connected, @tx_dmabuf_id from
 * bind-tx; @max_chunk splits each send into iovs of at most that size. */
int ncd_devmem_sink_open(struct ncd_tx_sink *t, int fd, uint32_t tx_dmabuf_id,
			 uint32_t max_chunk);

#endif
