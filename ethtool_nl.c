// SPDX-License-Identifier: MIT
/* ethtool generic netlink: rings get/set and channels get/set. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/ethtool_netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include "ethtool_nl.h"
#include "uapi_devmem.h"

#define ATTR_MAX 32

const char *ncd_split_name(int v)
{
	switch (v) {
	case NCD_TCP_DATA_SPLIT_UNKNOWN:
		return "auto";
	case NCD_TCP_DATA_SPLIT_DISABLED:
		return "off";
	case NCD_TCP_DATA_SPLIT_ENABLED:
		return "on";
	}
	return "?";
}

static int no_family(struct ncd_nl *nl, const char *op)
{
	snprintf(nl->err, sizeof(nl->err),
		 "%s: the kernel has no \"ethtool\" netlink family", op);
	return -EOPNOTSUPP;
}

/* A request with the ETHTOOL_A_*_HEADER nest (attr 1 in every message). */
static struct nl_msg *eth_msg(struct ncd_nl *nl, int cmd, int ifindex)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *hdr;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
				 nl->ethtool_family, 0, 0, cmd,
				 ETHTOOL_GENL_VERSION))
		goto fail;
	hdr = nla_nest_start(msg, ETHTOOL_A_RINGS_HEADER | NLA_F_NESTED);
	if (!hdr || nla_put_u32(msg, ETHTOOL_A_HEADER_DEV_INDEX, ifindex))
		goto fail;
	nla_nest_end(msg, hdr);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

static int parse(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, ATTR_MAX, NULL);
}

/* Short attributes read as @dflt, never past their end. */
static uint32_t u32_or(struct nlattr *a, uint32_t dflt)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : dflt;
}

static uint8_t u8_or(struct nlattr *a, uint8_t dflt)
{
	return a && nla_len(a) >= 1 ? nla_get_u8(a) : dflt;
}

static int rings_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	struct ncd_rings *r = arg;

	if (parse(msg, tb))
		return 0;
	r->rx = u32_or(tb[ETHTOOL_A_RINGS_RX], 0);
	r->rx_max = u32_or(tb[ETHTOOL_A_RINGS_RX_MAX], 0);
	if (tb[NCD_ETHTOOL_A_RINGS_TCP_DATA_SPLIT]) {
		r->have_split = 1;
		r->tcp_data_split =
			u8_or(tb[NCD_ETHTOOL_A_RINGS_TCP_DATA_SPLIT], 0);
	}
	if (tb[NCD_ETHTOOL_A_RINGS_HDS_THRESH]) {
		r->have_hds = 1;
		r->hds_thresh = u32_or(tb[NCD_ETHTOOL_A_RINGS_HDS_THRESH], 0);
		r->hds_thresh_max =
			u32_or(tb[NCD_ETHTOOL_A_RINGS_HDS_THRESH_MAX], 0);
	}
	return 0;
}

int ncd_eth_rings_get(struct ncd_nl *nl, int ifindex, struct ncd_rings *r)
{
	memset(r, 0, sizeof(*r));
	if (!nl->ethtool_family)
		return no_family(nl, "rings-get");
	return ncd_nl_request(nl, eth_msg(nl, ETHTOOL_MSG_RINGS_GET, ifindex),
			      "rings-get", rings_reply, r);
}

int ncd_eth_rings_set(struct ncd_nl *nl, int ifindex, int split, int64_t hds)
{
	struct nl_msg *msg;

	if (!nl->ethtool_family)
		return no_family(nl, "rings-set");
	msg = eth_msg(nl, ETHTOOL_MSG_RINGS_SET, ifindex);
	if (msg && split >= 0 &&
	    nla_put_u8(msg, NCD_ETHTOOL_A_RINGS_TCP_DATA_SPLIT, split))
		goto fail;
	if (msg && hds >= 0 &&
	    nla_put_u32(msg, NCD_ETHTOOL_A_RINGS_HDS_THRESH, (uint32_t)hds))
		goto fail;
	return ncd_nl_request(nl, msg, "rings-set", NULL, NULL);
fail:
	nlmsg_free(msg);
	return ncd_nl_request(nl, NULL, "rings-set", NULL, NULL);
}

static int channels_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ATTR_MAX + 1];
	struct ncd_channels *c = arg;

	if (parse(msg, tb))
		return 0;
	c->rx_max = u32_or(tb[ETHTOOL_A_CHANNELS_RX_MAX], 0);
	c->tx_max = u32_or(tb[ETHTOOL_A_CHANNELS_TX_MAX], 0);
	c->other_max = u32_or(tb[ETHTOOL_A_CHANNELS_OTHER_MAX], 0);
	c->combined_max = u32_or(tb[ETHTOOL_A_CHANNELS_COMBINED_MAX], 0);
	c->rx = u32_or(tb[ETHTOOL_A_CHANNELS_RX_COUNT], 0);
	c->tx = u32_or(tb[ETHTOOL_A_CHANNELS_TX_COUNT], 0);
	c->other = u32_or(tb[ETHTOOL_A_CHANNELS_OTHER_COUNT], 0);
	c->combined = u32_or(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT], 0);
	c->present = (tb[ETHTOOL_A_CHANNELS_RX_COUNT] ? NCD_CH_RX : 0) |
		     (tb[ETHTOOL_A_CHANNELS_TX_COUNT] ? NCD_CH_TX : 0) |
		     (tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT] ?
			      NCD_CH_COMBINED : 0);
	return 0;
}

int ncd_eth_channels_get(struct ncd_nl *nl, int ifindex,
			 struct ncd_channels *c)
{
	memset(c, 0, sizeof(*c));
	if (!nl->ethtool_family)
		return no_family(nl, "channels-get");
	return ncd_nl_request(nl,
			      eth_msg(nl, ETHTOOL_MSG_CHANNELS_GET, ifindex),
			      "channels-get", channels_reply, c);
}

int ncd_eth_channels_set(struct ncd_nl *nl, int ifindex,
			 const struct ncd_channels *c)
{
	struct nl_msg *msg;
	int bad = 0;

	if (!nl->ethtool_family)
		return no_family(nl, "channels-set");
	msg = eth_msg(nl, ETHTOOL_MSG_CHANNELS_SET, ifindex);
	if (msg && (c->present & NCD_CH_RX))
		bad |= nla_put_u32(msg, ETHTOOL_A_CHANNELS_RX_COUNT, c->rx);
	if (msg && (c->present & NCD_CH_TX))
		bad |= nla_put_u32(msg, ETHTOOL_A_CHANNELS_TX_COUNT, c->tx);
	if (msg && (c->present & NCD_CH_COMBINED))
		bad |= nla_put_u32(msg, ETHTOOL_A_CHANNELS_COMBINED_COUNT,
				   c->combined);
	if (bad) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return ncd_nl_request(nl, msg, "channels-set", NULL, NULL);
}

/* Both reply parsers on one message (tests/fuzz/fuzz_netlink.c). */
void ncd_eth_parse_replies(struct nl_msg *msg, struct ncd_rings *r,
			   struct ncd_channels *c)
{
	rings_reply(msg, r);
	channels_reply(msg, c);
}
