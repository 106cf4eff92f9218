/* SPDX-License-Identifier: MIT */
/*
 * NIC control for devmem and zcrx: carries out a plan (nic_plan.h) on a
 * real device: header split, hds-thresh, RSS, ntuple rules; bind-rx and
 * bind-tx.  Every change is journaled (nic_journal.h) and undone by
 * ncd_nic_restore() in the order the kernel requires (unbind first); an
 * atexit() hook restores on exit() from anywhere.  The journal is also on
 * disk before each change, so a run that dies (SIGKILL, OOM, crash) leaves
 * a record: later runs refuse until ncd_nic_replay() (--restore) undid it.  Signals are the
 * application's business (stop.h): nothing here runs in a handler.
 *
 * Failures print ONE line to stderr ("ncdevmem: what: why -> what to do")
 * and return -errno; ncd_nic_exit_code() maps that to the exit status.
 */
#ifndef NCD_NIC_H
#define NCD_NIC_H

#include <stdint.h>
#include "netlink.h"
#include "nic_plan.h"

struct ncd_channels;
struct ncd_journal;

struct ncd_nic {
	char ifname[32];
	int ifindex;
	struct ncd_nl nl;		/* owns the binding */
	uint32_t queues[NCD_NIC_MAX_QUEUES];
	int nqueues;
	uint32_t dmabuf_id;
	uint32_t tx_dmabuf_id;		/* from ncd_nic_bind_tx */
	int rule_queue[NCD_NIC_MAX_PEERS];	/* -c peer i's rule: its queue */
	int nrules;			/* planned rules (0: -n, no steering) */
	struct ncd_journal *journal;	/* what to undo */
};

/* Resolve the device, plan (ncd_nic_plan) and carry the plan out: header
 * split, RSS off the chosen queues, the flow steered to them. */
int ncd_nic_prepare_rx(struct ncd_nic *nic, const struct ncd_nic_req *req);
/* bind-rx of @dmabuf_fd to the prepared queues; refuses virtual devices. */
int ncd_nic_bind_rx(struct ncd_nic *nic, int dmabuf_fd, uint32_t rx_page_size);
/* bind-tx of @dmabuf_fd to @ifname (client); sets nic->tx_dmabuf_id.  Keep
 * @nic until the transfer is done: ncd_nic_restore() unbinds. */
int ncd_nic_bind_tx(struct ncd_nic *nic, const char *ifname, int dmabuf_fd);
/* Unbind and undo every journaled change; safe to call twice. */
void ncd_nic_restore(struct ncd_nic *nic);

/* The journal file of an interface, as ncd_nic_leftover() finds it. */
enum {
	NCD_JOURNAL_NONE,		/* no file */
	NCD_JOURNAL_MINE,		/* written by this process */
	NCD_JOURNAL_LIVE,		/* another ncdevmem still runs */
	NCD_JOURNAL_DEAD,		/* its writer is gone: a leftover */
	NCD_JOURNAL_BAD,		/* cannot be read or parsed */
};

/* The journal a run left on disk for @ifname: an NCD_JOURNAL_* state;
 * @path gets the file, @pid its writer. */
int ncd_nic_leftover(const char *ifname, char *path, size_t len, long *pid);
/* --restore: replay the journal a dead run left for @ifname, then remove
 * it; refuses while its writer runs.  Prints what it did; an exit code. */
int ncd_nic_replay(const char *ifname);

/* The NAPI id of each RX queue of @ifname (queue-get): @napi[q] for
 * q < @max; returns how many queues were filled in, or -errno. */
int ncd_nic_napi_queues(const char *ifname, uint32_t *napi, int max);

/* NCD_EXIT_SKIP where the device cannot do devmem at all, else FAIL. */
int ncd_nic_exit_code(int err);

/* What the planner needs to know about @ifname; @nl for ethtool channels
 * (the sysfs queue count when the driver has no channels op). */
void ncd_nic_read_facts(struct ncd_nl *nl, const char *ifname,
			struct ncd_nic_facts *f);

/*
 * The steps prepare_rx is made of, for negative mode and tests.
 * begin: resolve @ifname, open the sockets, arm the atexit restore.
 */
int ncd_nic_begin(struct ncd_nic *nic, const char *ifname);
/* Plan queues for @req (errors printed) and take them. */
int ncd_nic_take_queues(struct ncd_nic *nic, const struct ncd_nic_req *req,
			struct ncd_nic_plan *plan);
int ncd_nic_get_channels(struct ncd_nic *nic, struct ncd_channels *c);
/* Journaled changes. */
int ncd_nic_set_split(struct ncd_nic *nic, int on);
int ncd_nic_set_channels(struct ncd_nic *nic, const struct ncd_channels *c);
int ncd_nic_rss_equal(struct ncd_nic *nic, uint32_t nq);
int ncd_nic_steer(struct ncd_nic *nic, const struct ncd_nic_req *req);
/* Close the binding's socket and open a fresh one (unbinds). */
int ncd_nic_unbind(struct ncd_nic *nic);
/* Text of the last ethtool request's failure. */
const char *ncd_nic_ctl_err(struct ncd_nic *nic);

#endif
