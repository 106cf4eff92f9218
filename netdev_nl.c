// SPDX-License-Identifier: MIT
/*
 * The "netdev" generic netlink family: dev-get, queue-get, napi-get,
 * page-pool-get, bind-rx, bind-tx; plus nlctrl's family ops and the one
 * rtnetlink question (is XDP attached) the readiness check needs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include "netdev_nl.h"
#include "uapi_devmem.h"

#define ATTR_MAX 16

/* Attribute readers that never read past a short attribute (0 instead). */
static uint64_t get_uint(const struct nlattr *a)
{
	return nla_len(a) >= 8 ? nla_get_u64((struct nlattr *)a) :
	       nla_len(a) >= 4 ? nla_get_u32((struct nlattr *)a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return nla_len(a) >= 4 ? nla_get_u32((struct nlattr *)a) : 0;
}

static int parse(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, ATTR_MAX, NULL);
}

static struct nl_msg *netdev_msg(struct ncd_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg;

	if (!nl->netdev_family)
		return NULL;
	msg = nlmsg_alloc();
	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
				nl->netdev_family, 0, flags, cmd,
				NETDEV_FAMILY_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int no_family(struct ncd_nl *nl, const char *op)
{
	snprintf(nl->err, sizeof(nl->err),
		 "%s: the kernel has no \"netdev\" netlink family (needs >= 6.12)",
		 op);
	return -EOPNOTSUPP;
}

/* ---- dev-get ---- */

static int dev_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	uint64_t *xdp = arg;

	if (parse(msg, tb))
		return 0;
	if (xdp && tb[NCD_NETDEV_A_DEV_XDP_FEATURES])
		*xdp = get_uint(tb[NCD_NETDEV_A_DEV_XDP_FEATURES]);
	return 0;
}

int ncd_nl_dev_get(struct ncd_nl *nl, int ifindex, uint64_t *xdp_features)
{
	struct nl_msg *msg = netdev_msg(nl, NCD_NETDEV_CMD_DEV_GET, 0);

	if (!nl->netdev_family)
		return no_family(nl, "dev-get");
	if (msg)
		nla_put_u32(msg, NCD_NETDEV_A_DEV_IFINDEX, ifindex);
	if (xdp_features)
		*xdp_features = 0;
	return ncd_nl_request(nl, msg, "dev-get", dev_reply, xdp_features);
}

/* ---- queue-get ---- */

struct qlist {
	int ifindex;
	struct ncd_queue_info *q;
	int n, max;
};

/* 7.x: io-uring is a nest whose provider info may carry rx-buf-len. */
static uint32_t rx_buf_len(struct nlattr *io)
{
	struct nlattr *it[NCD_NETDEV_A_IO_URING_PROVIDER_INFO_MAX + 1];

	if (!io || !nla_len(io) ||
	    nla_parse_nested(it, NCD_NETDEV_A_IO_URING_PROVIDER_INFO_MAX, io,
			     NULL) ||
	    !it[NCD_NETDEV_A_IO_URING_PROVIDER_INFO_RX_BUF_LEN])
		return 0;
	return get_u32(it[NCD_NETDEV_A_IO_URING_PROVIDER_INFO_RX_BUF_LEN]);
}

/* A lease's queue is a nest of queue attributes (id, type); its id. */
static uint32_t leased_queue(struct nlattr *a)
{
	struct nlattr *qt[NCD_NETDEV_A_QUEUE_MAX + 1];

	if (nla_len(a) == 4)
		return get_u32(a);
	if (nla_parse_nested(qt, NCD_NETDEV_A_QUEUE_MAX, a, NULL) ||
	    !qt[NCD_NETDEV_A_QUEUE_ID])
		return 0;
	return get_u32(qt[NCD_NETDEV_A_QUEUE_ID]);
}

static int queue_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	struct qlist *l = arg;
	struct ncd_queue_info *q;

	if (parse(msg, tb) || !tb[NCD_NETDEV_A_QUEUE_ID])
		return 0;
	if (l->ifindex && tb[NCD_NETDEV_A_QUEUE_IFINDEX] &&
	    (int)get_u32(tb[NCD_NETDEV_A_QUEUE_IFINDEX]) != l->ifindex)
		return 0;	/* old kernels ignore the dump filter */
	if (l->n >= l->max)
		return 0;
	q = &l->q[l->n++];
	memset(q, 0, sizeof(*q));
	q->id = get_u32(tb[NCD_NETDEV_A_QUEUE_ID]);
	if (tb[NCD_NETDEV_A_QUEUE_IFINDEX])
		q->ifindex = get_u32(tb[NCD_NETDEV_A_QUEUE_IFINDEX]);
	if (tb[NCD_NETDEV_A_QUEUE_TYPE])
		q->type = get_u32(tb[NCD_NETDEV_A_QUEUE_TYPE]);
	if (tb[NCD_NETDEV_A_QUEUE_NAPI_ID])
		q->napi_id = get_u32(tb[NCD_NETDEV_A_QUEUE_NAPI_ID]);
	if (tb[NCD_NETDEV_A_QUEUE_DMABUF])
		q->dmabuf = get_u32(tb[NCD_NETDEV_A_QUEUE_DMABUF]);
	q->io_uring = !!tb[NCD_NETDEV_A_QUEUE_IO_URING];
	q->rx_buf_len = rx_buf_len(tb[NCD_NETDEV_A_QUEUE_IO_URING]);
	q->xsk = !!tb[NCD_NETDEV_A_QUEUE_XSK];
	q->lease_netns = -1;
	if (tb[NCD_NETDEV_A_QUEUE_LEASE]) {
		struct nlattr *lt[NCD_NETDEV_A_LEASE_MAX + 1];

		q->lease = 1;
		if (!nla_parse_nested(lt, NCD_NETDEV_A_LEASE_MAX,
				      tb[NCD_NETDEV_A_QUEUE_LEASE], NULL)) {
			if (lt[NCD_NETDEV_A_LEASE_IFINDEX])
				q->lease_ifindex = get_u32(lt[NCD_NETDEV_A_LEASE_IFINDEX]);
			if (lt[NCD_NETDEV_A_LEASE_QUEUE])
				q->lease_queue = leased_queue(lt[NCD_NETDEV_A_LEASE_QUEUE]);
			if (lt[NCD_NETDEV_A_LEASE_NETNS_ID])
				q->lease_netns = (int)get_u32(lt[NCD_NETDEV_A_LEASE_NETNS_ID]);
		}
	}
	return 0;
}

int ncd_nl_queues(struct ncd_nl *nl, int ifindex, struct ncd_queue_info *q,
		  int max)
{
	struct qlist l = { .ifindex = ifindex, .q = q, .max = max };
	struct nl_msg *msg = netdev_msg(nl, NCD_NETDEV_CMD_QUEUE_GET,
					NLM_F_DUMP);
	int err;

	if (!nl->netdev_family)
		return no_family(nl, "queue-get");
	if (msg && ifindex)
		nla_put_u32(msg, NCD_NETDEV_A_QUEUE_IFINDEX, ifindex);
	err = ncd_nl_request(nl, msg, "queue-get", queue_reply, &l);
	return err ? err : l.n;
}

/* ---- napi-get ---- */

static int napi_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	struct ncd_napi_info *n = arg;

	if (parse(msg, tb))
		return 0;
	if (tb[NCD_NETDEV_A_NAPI_ID])
		n->id = get_u32(tb[NCD_NETDEV_A_NAPI_ID]);
	if (tb[NCD_NETDEV_A_NAPI_IFINDEX])
		n->ifindex = get_u32(tb[NCD_NETDEV_A_NAPI_IFINDEX]);
	if (tb[NCD_NETDEV_A_NAPI_IRQ])
		n->irq = get_u32(tb[NCD_NETDEV_A_NAPI_IRQ]);
	if (tb[NCD_NETDEV_A_NAPI_PID])
		n->pid = get_u32(tb[NCD_NETDEV_A_NAPI_PID]);
	return 0;
}

int ncd_nl_napi_get(struct ncd_nl *nl, uint32_t napi_id,
		    struct ncd_napi_info *n)
{
	struct nl_msg *msg = netdev_msg(nl, NCD_NETDEV_CMD_NAPI_GET, 0);

	if (!nl->netdev_family)
		return no_family(nl, "napi-get");
	memset(n, 0, sizeof(*n));
	n->irq = -1;
	n->pid = -1;
	if (msg)
		nla_put_u32(msg, NCD_NETDEV_A_NAPI_ID, napi_id);
	return ncd_nl_request(nl, msg, "napi-get", napi_reply, n);
}

/* ---- page-pool-get ---- */

struct pplist {
	int ifindex;
	struct ncd_page_pool_info *pp;
	int n, max;
};

static int pp_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	struct pplist *l = arg;
	struct ncd_page_pool_info *p;
	uint32_t ifindex = 0;

	if (parse(msg, tb) || !tb[NCD_NETDEV_A_PAGE_POOL_ID])
		return 0;
	if (tb[NCD_NETDEV_A_PAGE_POOL_IFINDEX])
		ifindex = get_u32(tb[NCD_NETDEV_A_PAGE_POOL_IFINDEX]);
	if ((l->ifindex && (int)ifindex != l->ifindex) || l->n >= l->max)
		return 0;
	p = &l->pp[l->n++];
	memset(p, 0, sizeof(*p));
	p->id = get_uint(tb[NCD_NETDEV_A_PAGE_POOL_ID]);
	p->ifindex = ifindex;
	if (tb[NCD_NETDEV_A_PAGE_POOL_NAPI_ID])
		p->napi_id = get_u32(tb[NCD_NETDEV_A_PAGE_POOL_NAPI_ID]);
	if (tb[NCD_NETDEV_A_PAGE_POOL_INFLIGHT])
		p->inflight = get_uint(tb[NCD_NETDEV_A_PAGE_POOL_INFLIGHT]);
	if (tb[NCD_NETDEV_A_PAGE_POOL_DMABUF])
		p->dmabuf = get_u32(tb[NCD_NETDEV_A_PAGE_POOL_DMABUF]);
	p->io_uring = !!tb[NCD_NETDEV_A_PAGE_POOL_IO_URING];
	p->rx_buf_len = rx_buf_len(tb[NCD_NETDEV_A_PAGE_POOL_IO_URING]);
	return 0;
}

int ncd_nl_page_pools(struct ncd_nl *nl, int ifindex,
		      struct ncd_page_pool_info *pp, int max)
{
	struct pplist l = { .ifindex = ifindex, .pp = pp, .max = max };
	struct nl_msg *msg = netdev_msg(nl, NCD_NETDEV_CMD_PAGE_POOL_GET,
					NLM_F_DUMP);
	int err;

	if (!nl->netdev_family)
		return no_family(nl, "page-pool-get");
	err = ncd_nl_request(nl, msg, "page-pool-get", pp_reply, &l);
	return err ? err : l.n;
}

/* ---- bind-rx / bind-tx ---- */

struct nl_msg *ncd_nl_bind_rx_msg(int family, int ifindex, int dmabuf_fd,
				  const uint32_t *queues, int nqueues,
				  uint32_t rx_page_size)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 NCD_NETDEV_CMD_BIND_RX, NETDEV_FAMILY_VERSION))
		goto fail;
	if (nla_put_u32(msg, NCD_NETDEV_A_DMABUF_IFINDEX, ifindex) ||
	    nla_put_u32(msg, NCD_NETDEV_A_DMABUF_FD, dmabuf_fd))
		goto fail;
	for (int i = 0; i < nqueues; i++) {
		/* the kernel's policy wants NLA_F_NESTED on each queue nest */
		nest = nla_nest_start(msg, NCD_NETDEV_A_DMABUF_QUEUES |
					   NLA_F_NESTED);
		if (!nest ||
		    nla_put_u32(msg, NCD_NETDEV_A_QUEUE_ID, queues[i]) ||
		    nla_put_u32(msg, NCD_NETDEV_A_QUEUE_TYPE,
				NCD_NETDEV_QUEUE_TYPE_RX))
			goto fail;
		nla_nest_end(msg, nest);
	}
	if (rx_page_size &&
	    nla_put_u32(msg, NCD_NETDEV_A_DMABUF_RX_PAGE_SIZE, rx_page_size))
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

struct nl_msg *ncd_nl_bind_tx_msg(int family, int ifindex, int dmabuf_fd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 NCD_NETDEV_CMD_BIND_TX, NETDEV_FAMILY_VERSION) ||
	    nla_put_u32(msg, NCD_NETDEV_A_DMABUF_IFINDEX, ifindex) ||
	    nla_put_u32(msg, NCD_NETDEV_A_DMABUF_FD, dmabuf_fd)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int bind_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];

	if (!parse(msg, tb) && tb[NCD_NETDEV_A_DMABUF_ID])
		*(uint32_t *)arg = get_u32(tb[NCD_NETDEV_A_DMABUF_ID]);
	return 0;
}

int ncd_nl_bind_rx(struct ncd_nl *nl, int ifindex, int dmabuf_fd,
		   const uint32_t *queues, int nqueues, uint32_t rx_page_size,
		   uint32_t *id)
{
	if (!nl->netdev_family)
		return no_family(nl, "bind-rx");
	*id = 0;
	return ncd_nl_request(nl, ncd_nl_bind_rx_msg(nl->netdev_family,
						     ifindex, dmabuf_fd, queues,
						     nqueues, rx_page_size),
			      "bind-rx", bind_reply, id);
}

int ncd_nl_bind_tx(struct ncd_nl *nl, int ifindex, int dmabuf_fd, uint32_t *id)
{
	if (!nl->netdev_family)
		return no_family(nl, "bind-tx");
	*id = 0;
	return ncd_nl_request(nl, ncd_nl_bind_tx_msg(nl->netdev_family,
						     ifindex, dmabuf_fd),
			      "bind-tx", bind_reply, id);
}

/* ---- nlctrl: the commands a family offers ---- */

static int ops_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *op, *ot[CTRL_ATTR_OP_MAX + 1];
	uint64_t *ops = arg;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_OPS])
		return 0;
	nla_for_each_nested(op, tb[CTRL_ATTR_OPS], rem) {
		if (nla_parse_nested(ot, CTRL_ATTR_OP_MAX, op, NULL) ||
		    !ot[CTRL_ATTR_OP_ID])
			continue;
		uint32_t id = get_u32(ot[CTRL_ATTR_OP_ID]);

		if (id < 64)
			*ops |= 1ULL << id;
	}
	return 0;
}

int ncd_nl_family_ops(struct ncd_nl *nl, const char *family, uint64_t *ops)
{
	struct nl_msg *msg = nlmsg_alloc();

	*ops = 0;
	if (msg && (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
		    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, family))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return ncd_nl_request(nl, msg, "getfamily", ops_reply, ops);
}

/* ---- rtnetlink: XDP program attached? ---- */

static int link_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1], *xt[IFLA_XDP_MAX + 1];

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifinfomsg), tb, IFLA_MAX,
			NULL) || !tb[IFLA_XDP])
		return 0;
	if (nla_parse_nested(xt, IFLA_XDP_MAX, tb[IFLA_XDP], NULL))
		return 0;
	if (xt[IFLA_XDP_ATTACHED])
		*(int *)arg = nla_len(xt[IFLA_XDP_ATTACHED]) >= 1 &&
			       nla_get_u8(xt[IFLA_XDP_ATTACHED]) != 0;
	return 0;
}

int ncd_nl_xdp_attached(int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct ncd_nl rt = { .bad_attr = -1 };
	struct nl_msg *msg;
	int attached = 0, err;

	rt.sk = nl_socket_alloc();
	if (!rt.sk)
		return -ENOMEM;
	if (nl_connect(rt.sk, NETLINK_ROUTE)) {
		nl_socket_free(rt.sk);
		return -EPROTONOSUPPORT;
	}
	msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = ncd_nl_request(&rt, msg, "getlink", link_reply, &attached);
	nl_socket_free(rt.sk);
	return err ? err : attached;
}

/* ---- every reply parser on one message (tests/fuzz/fuzz_netlink.c) ---- */

void ncd_nl_parse_replies(struct nl_msg *msg, struct ncd_nl_replies *r)
{
	struct qlist ql = { .ifindex = r->ifindex, .q = r->q, .n = r->nq,
			    .max = NCD_NL_REPLIES_MAX };
	struct pplist pl = { .ifindex = r->ifindex, .pp = r->pp, .n = r->npp,
			     .max = NCD_NL_REPLIES_MAX };

	dev_reply(msg, &r->xdp_features);
	queue_reply(msg, &ql);
	napi_reply(msg, &r->napi);
	pp_reply(msg, &pl);
	bind_reply(msg, &r->bind_id);
	ops_reply(msg, &r->ops);
	link_reply(msg, &r->xdp_attached);
	r->nq = ql.n;
	r->npp = pl.n;
}
