/* SPDX-License-Identifier: MIT */
/*
 * NIC configuration for devmem RX: header split, hds-thresh, channels, RSS,
 * ntuple rules.  Every change is journaled and undone by ncd_nic_restore()
 * in the order the kernel requires (unbind first), on every exit path:
 * ncd_nic_prepare_rx() installs SIGINT/SIGTERM handling that restores
 * (then the process dies of that signal: exit status 130/143), and an
 * atexit() hook covers exit() from anywhere.
 *
 * Failures print ONE line to stderr ("ncdevmem: what: why -> what to do")
 * and return -errno; ncd_nic_exit_code() maps that to the exit status.
 */
#ifndef NCD_NIC_H
#define NCD_NIC_H

#include <stdint.h>
#include "netlink.h"

struct ncd_opts;
struct ncd_channels;

#define NCD_NIC_MAX_QUEUES 64

struct ncd_nic {
	char ifname[32];
	int ifindex;
	struct ncd_nl nl;		/* owns the binding */
	uint32_t queues[NCD_NIC_MAX_QUEUES];
	int nqueues;
	uint32_t dmabuf_id;
	uint32_t tx_dmabuf_id;		/* from ncd_nic_bind_tx */
	void *journal;			/* private: what to undo */
};

/* Resolve the device, pick queues (-t/-q or the last RX queue), turn on
 * header split (hds-thresh 0), steer other traffic off those queues (RSS)
 * and steer the flow to them (ntuple).  -n skips the NIC changes.
 * Refuses virtual devices (no /sys/class/net/IF/device) with -EOPNOTSUPP. */
int ncd_nic_prepare_rx(struct ncd_nic *nic, const struct ncd_opts *o);
/* bind-rx of @dmabuf_fd to the prepared queues. */
int ncd_nic_bind_rx(struct ncd_nic *nic, int dmabuf_fd, uint32_t rx_page_size);
/* bind-tx of @dmabuf_fd to @ifname (client); sets nic->tx_dmabuf_id.  Keep
 * @nic until the transfer is done: ncd_nic_restore() unbinds. */
int ncd_nic_bind_tx(struct ncd_nic *nic, const char *ifname, int dmabuf_fd);
/* Unbind and undo every journaled change; safe to call twice. */
void ncd_nic_restore(struct ncd_nic *nic);

/* NCD_EXIT_SKIP where the device cannot do devmem at all, else FAIL. */
int ncd_nic_exit_code(int err);
/* What to do about a failed bind / NIC change ("" if nothing to say). */
const char *ncd_nic_hint(int err, const char *extack);
/* 1 if @ifname has a parent device (a real NIC), 0 if virtual. */
int ncd_nic_has_parent(const char *ifname);

/*
 * The steps prepare_rx is made of, for negative mode and tests.
 * begin: resolve @ifname, open the sockets, arm signal/atexit restore.
 */
int ncd_nic_begin(struct ncd_nic *nic, const char *ifname);
/* Queues from -t/-q; default last RX queue, or n/2..n-1 when @check_mode. */
int ncd_nic_pick_queues(struct ncd_nic *nic, const struct ncd_opts *o,
			int check_mode);
int ncd_nic_get_channels(struct ncd_nic *nic, struct ncd_channels *c);
/* Journaled changes. */
int ncd_nic_set_split(struct ncd_nic *nic, int on);
int ncd_nic_set_channels(struct ncd_nic *nic, const struct ncd_channels *c);
int ncd_nic_rss_equal(struct ncd_nic *nic, uint32_t nq);
int ncd_nic_steer(struct ncd_nic *nic, const struct ncd_opts *o);
/* Close the binding's socket and open a fresh one (unbinds). */
int ncd_nic_unbind(struct ncd_nic *nic);

/* --check: readiness report; returns NCD_EXIT_OK or NCD_EXIT_SKIP. */
int ncd_check_run(const struct ncd_opts *o);
/* Kernel selftest negative mode (-f without -s/-c). */
int ncd_negative_run(const struct ncd_opts *o);

#endif
