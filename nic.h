/* SPDX-License-Identifier: MIT */
/*
 * NIC configuration for devmem RX: header split, hds-thresh, channels, RSS,
 * ntuple rules.  Every change is journaled and undone by ncd_nic_restore()
 * in the order the kernel requires (unbind first), on every exit path:
 * ncd_nic_prepare_rx() installs SIGINT/SIGTERM handling that restores.
 */
#ifndef NCD_NIC_H
#define NCD_NIC_H

#include <stdint.h>
#include "netlink.h"

struct ncd_opts;

#define NCD_NIC_MAX_QUEUES 64

struct ncd_nic {
	char ifname[32];
	int ifindex;
	struct ncd_nl nl;		/* owns the binding */
	uint32_t queues[NCD_NIC_MAX_QUEUES];
	int nqueues;
	uint32_t dmabuf_id;
	void *journal;			/* private: what to undo */
};

/* Resolve the device, pick queues (-t/-q or the last RX queue), turn on
 * header split (hds-thresh 0), steer other traffic off those queues (RSS)
 * and steer the flow to them (ntuple).  -n skips the NIC changes. */
int ncd_nic_prepare_rx(struct ncd_nic *nic, const struct ncd_opts *o);
/* bind-rx of @dmabuf_fd to the prepared queues. */
int ncd_nic_bind_rx(struct ncd_nic *nic, int dmabuf_fd, uint32_t rx_page_size);
/* Unbind and undo every journaled change; safe to call twice. */
void ncd_nic_restore(struct ncd_nic *nic);

/* --check: readiness report; returns NCD_EXIT_OK or NCD_EXIT_SKIP. */
int ncd_check_run(const struct ncd_opts *o);
/* Kernel selftest negative mode (-f without -s/-c). */
int ncd_negative_run(const struct ncd_opts *o);

#endif
