/* SPDX-License-Identifier: MIT */
/*
 * The sending end of a run, whichever role sends: the client, or the
 * server of a reverse (-R) or bidirectional run.  The transmit path comes
 * from the TX path table (--mode); with a pattern the path says where each
 * stream offset lies in its payload buffer, without one stdin is sent like
 * nc.  After the last byte a flow half-closes and waits (bounded) for the
 * receiver to close, so every byte counted here was taken by the peer.
 */
#ifndef NCD_TX_SIDE_H
#define NCD_TX_SIDE_H

#include "datapath.h"
#include "run.h"

struct ncd_tx_side {
	struct ncd_tx_cfg cfg;
	struct ncd_tx_path path;
	uint8_t *stdin_buf;	/* no pattern: stdin is read into this */
};

/* 0 or -errno (printed); -EOPNOTSUPP: --mode has no transmit path. */
int ncd_tx_side_setup(struct ncd_tx_side *c, const struct ncd_opts *o);
/* Whether flow sockets must be bound to -f before they connect. */
int ncd_tx_side_bind_device(const struct ncd_tx_side *c);
/* Flow @f sends on the connected @fd, then half-closes and drains it. */
void ncd_tx_side_flow(struct ncd_flow *f, struct ncd_tx_side *c, int fd);
void ncd_tx_side_teardown(struct ncd_tx_side *c);

#endif
