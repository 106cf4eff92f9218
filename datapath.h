/* SPDX-License-Identifier: MIT */
/*
 * The data-path interfaces, one place: fragment sources (RX), TX sinks and
 * the receive and transmit paths that make them.  A path (copy, devmem,
 * zcrx) has one shape: setup once per run on the provider's memory, open
 * one source or sink per flow, close it (publishing its counters), and
 * teardown.  Paths take narrow configs, never the command line.
 */
#ifndef NCD_DATAPATH_H
#define NCD_DATAPATH_H

#include <stddef.h>
#include <stdint.h>
#include "counters.h"
#include "frag.h"
#include "mem.h"
#include "nic_plan.h"

struct ncd_pattern;

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

/*
 * A TX sink sends bytes of its path's payload buffer.  Copy mode: send()
 * from host memory.  devmem TX: sendmsg(MSG_ZEROCOPY) with iov_base = offset
 * into the bound dma-buf and an SCM_DEVMEM_DMABUF cmsg.
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

/* What a receive path needs to know about its run. */
struct ncd_rx_cfg {
	struct ncd_nic_req nic;	/* devmem, zcrx: queues and steering */
	unsigned int flows;
	int fail_linear;	/* devmem -L: payload in host memory is fatal */
	uint32_t rx_page_size;	/* devmem -b, 0 = kernel default */
	int zcrx_nodev;		/* zcrx without a NIC (ZCRX_REG_NODEV) */
	int quiet;		/* no progress lines on stderr (-J) */
	double idle_s;		/* --idle-timeout for waits SO_RCVTIMEO misses */
};

struct ncd_rx_path;

struct ncd_rx_path_ops {
	const char *name;
	int reports_errors;	/* its sources print their own failures */
	/* Once per run, on @p->m: NIC set-up, binding.  0 or -errno, printed. */
	int (*setup)(struct ncd_rx_path *p);
	/* A source for flow @idx on socket @fd; @q is its validation queue. */
	int (*open)(struct ncd_rx_path *p, unsigned int idx, int fd,
		    struct ncd_vq *q, struct ncd_frag_source *src);
	/* After the flow's last batch: give everything back, publish the
	 * counters into @out, close @src.  0 or -errno (printed). */
	int (*close)(struct ncd_rx_path *p, struct ncd_frag_source *src,
		     struct ncd_counters *out);
	void (*teardown)(struct ncd_rx_path *p);
};

struct ncd_nic;

struct ncd_rx_path {
	const struct ncd_rx_path_ops *ops;
	const struct ncd_rx_cfg *cfg;
	struct ncd_mem *m;
	void *priv;
	const struct ncd_nic *nic;	/* the NIC set up (devmem), else NULL */
};

/* What a transmit path needs to know about its run. */
struct ncd_tx_cfg {
	const char *ifname;	/* devmem: the bind-tx device */
	uint32_t max_chunk;	/* devmem -z: bytes per iov, 0 = whole buffer */
	const struct ncd_pattern *pat;	/* NULL: stdin (netcat) */
	int mem;		/* enum ncd_mem_kind of the payload buffer */
	const char *gpu;	/* cuda: --gpu */
};

/* One flow's sink and where its payload lies. */
struct ncd_tx_flow {
	struct ncd_tx_sink sink;
	uint8_t *ring;		/* copy with a pattern: stream [start, end) */
	uint64_t start, end;
	uint8_t *stdin_buf;	/* stdin: the chunk just read */
};

struct ncd_tx_path;

struct ncd_tx_path_ops {
	const char *name;
	int bind_device;	/* sockets must be bound to cfg->ifname */
	int (*setup)(struct ncd_tx_path *p);
	int (*open)(struct ncd_tx_path *p, unsigned int idx, int fd,
		    struct ncd_tx_flow *fl);
	/* Pattern: where stream byte @off is in the payload buffer (filling
	 * it if need be); *len is capped to the contiguous bytes there. */
	uint64_t (*place)(struct ncd_tx_path *p, struct ncd_tx_flow *fl,
			  uint64_t off, size_t *len);
	/* stdin: make @len bytes at fl->stdin_buf sendable from offset 0. */
	int (*stage)(struct ncd_tx_path *p, struct ncd_tx_flow *fl, size_t len);
	void (*close)(struct ncd_tx_path *p, struct ncd_tx_flow *fl);
	void (*teardown)(struct ncd_tx_path *p);
};

struct ncd_tx_path {
	const struct ncd_tx_path_ops *ops;
	const struct ncd_tx_cfg *cfg;
	void *priv;
};

#define NCD_TX_CHUNK	(256 << 10)	/* bytes per send, per stdin read */

#endif
