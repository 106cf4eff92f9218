/* SPDX-License-Identifier: MIT */
/*
 * The receiving end of a run, whichever role receives: the server, or the
 * client of a reverse (-R) or bidirectional run.  It owns the memory the
 * payload lands in, the receive path chosen by --mode (the RX path table)
 * and the netcat output; each flow pulls fragments, validates them in
 * place (or writes them to stdout), gives them back and counts bytes.
 */
#ifndef NCD_RX_SIDE_H
#define NCD_RX_SIDE_H

#include "datapath.h"
#include "mem.h"
#include "run.h"

struct ncd_rx_side {
	struct ncd_mem mem;
	struct ncd_rx_cfg cfg;
	struct ncd_rx_path path;
	void *out_buf;		/* netcat output bounce, provider without CPU map */
	int write_payload;	/* no pattern, no --discard: payload to stdout */
};

/* Memory and the receive path for @o's flows, steering by @nic.
 * 0 or -errno (printed). */
int ncd_rx_side_setup(struct ncd_rx_side *s, const struct ncd_opts *o,
		      const struct ncd_nic_req *nic);
/* Flow @f receives on @fd until end of stream, --bytes, an error or stop. */
void ncd_rx_side_flow(struct ncd_flow *f, struct ncd_rx_side *s, int fd);
void ncd_rx_side_teardown(struct ncd_rx_side *s);

#endif
