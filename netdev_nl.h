/* SPDX-License-Identifier: MIT */
/*
 * The "netdev" generic netlink family (and the nlctrl/rtnetlink queries
 * --check needs): devices, queues, NAPIs, page pools, bind-rx/bind-tx.
 * Errors as in netlink.h: -errno with one line in nl->err.  A devmem
 * binding lives as long as the socket that made it: ncd_nl_close() unbinds.
 */
#ifndef NCD_NETDEV_NL_H
#define NCD_NETDEV_NL_H

#include <stdint.h>
#include "netlink.h"

struct nl_msg;

/* net-next 2026; the 6.18 kernel rejects it as unknown.  Sent only on -b. */
#define NCD_NETDEV_A_DMABUF_RX_PAGE_SIZE	5

struct ncd_queue_info {
	uint32_t id;
	uint32_t ifindex;	/* the queue's device */
	uint32_t type;		/* NCD_NETDEV_QUEUE_TYPE_* */
	uint32_t napi_id;
	uint32_t dmabuf;	/* bound dmabuf id, 0 = none */
	int io_uring;		/* zcrx ifq attached */
	int xsk;		/* AF_XDP socket attached */
	int lease;		/* leased (7.1+ queue leasing); the kernel
				 * reports it on the physical device's queue:
				 * the virtual device and its queue below */
	uint32_t lease_ifindex, lease_queue;
	int lease_netns;	/* the virtual device's netns id, -1: the same */
	uint32_t rx_buf_len;	/* io_uring provider's buffer length, 0 = n/a */
};

/* dev-get: 0 if the device is known to the netdev family. */
int ncd_nl_dev_get(struct ncd_nl *nl, int ifindex, uint64_t *xdp_features);
/* queue-get dump for one device (@ifindex 0: every device of the netns);
 * fills up to @max, returns count or -errno. */
int ncd_nl_queues(struct ncd_nl *nl, int ifindex, struct ncd_queue_info *q,
		  int max);
/* bind-rx: @queues are RX queue ids; @rx_page_size 0 = omit.  *id = binding. */
int ncd_nl_bind_rx(struct ncd_nl *nl, int ifindex, int dmabuf_fd,
		   const uint32_t *queues, int nqueues, uint32_t rx_page_size,
		   uint32_t *id);
/* bind-tx (6.16+). */
int ncd_nl_bind_tx(struct ncd_nl *nl, int ifindex, int dmabuf_fd, uint32_t *id);

struct ncd_napi_info {
	uint32_t id;
	uint32_t ifindex;
	int irq;		/* -1 if not reported */
	int pid;		/* threaded NAPI kthread, -1 if none */
};

/* napi-get for one NAPI id. */
int ncd_nl_napi_get(struct ncd_nl *nl, uint32_t napi_id,
		    struct ncd_napi_info *n);

struct ncd_page_pool_info {
	uint64_t id;
	uint32_t ifindex;	/* 0 = detached/orphaned */
	uint32_t napi_id;
	uint64_t inflight;
	uint32_t dmabuf;	/* bound dmabuf id, 0 = none */
	int io_uring;
	uint32_t rx_buf_len;	/* io_uring provider info (7.x), 0 = n/a */
};

/* page-pool-get dump, only pools of @ifindex (0 = all). */
int ncd_nl_page_pools(struct ncd_nl *nl, int ifindex,
		      struct ncd_page_pool_info *pp, int max);

/*
 * CTRL_CMD_GETFAMILY: which commands a family offers, as a bitmap of
 * command ids (bit n = cmd n).  -ENOENT if the family does not exist.
 */
int ncd_nl_family_ops(struct ncd_nl *nl, const char *family, uint64_t *ops);

/* rtnetlink: 1 if an XDP program is attached to @ifindex, 0 if not. */
int ncd_nl_xdp_attached(int ifindex);

/* Message builders, exposed for the byte-layout unit tests. */
struct nl_msg *ncd_nl_bind_rx_msg(int family, int ifindex, int dmabuf_fd,
				  const uint32_t *queues, int nqueues,
				  uint32_t rx_page_size);
struct nl_msg *ncd_nl_bind_tx_msg(int family, int ifindex, int dmabuf_fd);

/* Every netdev/nlctrl/rtnetlink reply parser run on one message, as the
 * requests above would; for tests/fuzz/fuzz_netlink.c. */
#define NCD_NL_REPLIES_MAX 8
struct ncd_nl_replies {
	int ifindex;		/* dump filter */
	struct ncd_queue_info q[NCD_NL_REPLIES_MAX];
	int nq;
	struct ncd_page_pool_info pp[NCD_NL_REPLIES_MAX];
	int npp;
	struct ncd_napi_info napi;
	uint64_t xdp_features, ops;
	uint32_t bind_id;
	int xdp_attached;
};
void ncd_nl_parse_replies(struct nl_msg *msg, struct ncd_nl_replies *r);

#endif
