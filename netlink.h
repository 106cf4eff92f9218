/* SPDX-License-Identifier: MIT */
/*
 * Generic netlink on libnl-genl-3: the "netdev" and "ethtool" families.
 * Every call that fails returns -errno and leaves a one-line explanation
 * (the kernel's extack message where it sent one) in nl->err.
 * A devmem binding lives as long as the netlink socket that created it:
 * ncd_nl_close() unbinds.
 */
#ifndef NCD_NETLINK_H
#define NCD_NETLINK_H

#include <stdint.h>

struct nl_sock;

struct ncd_nl {
	struct nl_sock *sk;
	int netdev_family;	/* resolved id, 0 if absent */
	int ethtool_family;
	char err[256];		/* last error: "<op>: <strerror>: <extack>" */
	char extack[200];	/* the kernel's own message, "" if none */
	int bad_attr;		/* NLMSGERR_ATTR_OFFS resolved to attr type, -1 */
};

int ncd_nl_open(struct ncd_nl *nl);
void ncd_nl_close(struct ncd_nl *nl);

struct ncd_queue_info {
	uint32_t id;
	uint32_t type;		/* NCD_NETDEV_QUEUE_TYPE_* */
	uint32_t napi_id;
	uint32_t dmabuf;	/* bound dmabuf id, 0 = none */
	int io_uring;		/* zcrx ifq attached */
	int xsk;		/* AF_XDP socket attached */
};

/* dev-get: 0 if the device is known to the netdev family. */
int ncd_nl_dev_get(struct ncd_nl *nl, int ifindex, uint64_t *xdp_features);
/* queue-get dump for one device; fills up to @max, returns count or -errno. */
int ncd_nl_queues(struct ncd_nl *nl, int ifindex, struct ncd_queue_info *q,
		  int max);
/* bind-rx: @queues are RX queue ids; @rx_page_size 0 = omit.  *id = binding. */
int ncd_nl_bind_rx(struct ncd_nl *nl, int ifindex, int dmabuf_fd,
		   const uint32_t *queues, int nqueues, uint32_t rx_page_size,
		   uint32_t *id);
/* bind-tx (6.16+). */
int ncd_nl_bind_tx(struct ncd_nl *nl, int ifindex, int dmabuf_fd, uint32_t *id);

#endif
