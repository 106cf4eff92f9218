/* SPDX-License-Identifier: MIT */
/*
 * ethtool netlink: rings (tcp-data-split, hds-thresh) and channels.
 * Requests carry the header nest with DEV_INDEX.  Errors as netlink.h.
 */
#ifndef NCD_ETHTOOL_NL_H
#define NCD_ETHTOOL_NL_H

#include <stdint.h>
#include "netlink.h"

struct ncd_rings {
	int have_split;		/* the kernel reported tcp-data-split */
	uint8_t tcp_data_split;	/* NCD_TCP_DATA_SPLIT_* */
	int have_hds;		/* the kernel reported hds-thresh (6.14+) */
	uint32_t hds_thresh;
	uint32_t hds_thresh_max;
	uint32_t rx, rx_max;
};

struct ncd_channels {
	uint32_t rx_max, tx_max, other_max, combined_max;
	uint32_t rx, tx, other, combined;
	unsigned int present;	/* NCD_CH_* bits of the counts reported */
};

#define NCD_CH_RX	1u
#define NCD_CH_TX	2u
#define NCD_CH_COMBINED	4u

int ncd_eth_rings_get(struct ncd_nl *nl, int ifindex, struct ncd_rings *r);
/* @split < 0 and @hds < 0 leave that setting alone. */
int ncd_eth_rings_set(struct ncd_nl *nl, int ifindex, int split, int64_t hds);

int ncd_eth_channels_get(struct ncd_nl *nl, int ifindex,
			 struct ncd_channels *c);
/* Sets the counts whose NCD_CH_* bit is in c->present. */
int ncd_eth_channels_set(struct ncd_nl *nl, int ifindex,
			 const struct ncd_channels *c);

/* RX queues the device runs: rx + combined. */
static inline int ncd_channels_rx(const struct ncd_channels *c)
{
	return (int)(c->rx + c->combined);
}

const char *ncd_split_name(int v);

/* rings-get and channels-get reply parsers on one message (fuzzing). */
void ncd_eth_parse_replies(struct nl_msg *msg, struct ncd_rings *r,
			   struct ncd_channels *c);

#endif
