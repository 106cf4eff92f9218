/* SPDX-License-Identifier: MIT */
/* The two roles and the pluggable receive paths (devmem, zcrx). */
#ifndef NCD_ROLE_H
#define NCD_ROLE_H

#include "frag.h"
#include "mem.h"
#include "opts.h"

struct ncd_flow;

/*
 * A receive path other than copy mode: set up once per server (NIC
 * configuration, binding), then one fragment source per accepted flow.
 */
struct ncd_rx_path {
	int (*open_source)(struct ncd_rx_path *p, struct ncd_flow *f, int fd,
			   struct ncd_mem *m, struct ncd_frag_source *src);
	/* After a flow's last fragment: fold path counters into its stats. */
	void (*flow_done)(struct ncd_rx_path *p, struct ncd_flow *f,
			  struct ncd_frag_source *src);
	void (*teardown)(struct ncd_rx_path *p);
	const struct ncd_opts *o;
	void *priv;
};

int ncd_rx_path_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
		      struct ncd_mem *m);

int ncd_server_main(const struct ncd_opts *o);
int ncd_client_main(const struct ncd_opts *o);

#endif
