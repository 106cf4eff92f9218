/* SPDX-License-Identifier: MIT */
/*
 * NIC planning: which RX queues devmem/zcrx take and what must change on
 * the NIC, as a pure function of what the device is like and what the
 * application asks.  The real setup (nic.c) and --check (check.c) both
 * call it, so a readiness report cannot disagree with a run.
 */
#ifndef NCD_NIC_PLAN_H
#define NCD_NIC_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define NCD_NIC_MAX_QUEUES 64
/* -c peers a server steers, one queue and one ntuple rule each (fan-in);
 * the NIC journal keeps this many rules */
#define NCD_NIC_MAX_PEERS 8

/* What the application asks of the NIC: never the whole command line. */
struct ncd_nic_req {
	const char *ifname;
	int start_queue;	/* first queue to bind, -1 = default */
	int num_queues;		/* queues to bind, -1 = default */
	int configure;		/* 0: change nothing, only bind (-n) */
	int spread;		/* default to the upper half (negative tests) */
	const char *dst;	/* steer TCP to this local address, NULL = no rule */
	/* ... from these peers, peer i to the i-th queue; none = any
	 * source (one 3-tuple rule) */
	const char *src[NCD_NIC_MAX_PEERS];
	int nsrc;
	uint16_t port;
	/* > 1: a receiving client's --cport flows, one rule each to
	 * port + i (any source), flow i to queue start + i % num */
	int nports;
};

/* What the device is like, read once by the caller. */
struct ncd_nic_facts {
	int rx_queues;		/* RX queues in use */
	int has_parent;		/* a real device (not veth, lo, ...) */
	/* a virtual device's RX queues leased from a NIC (7.1+ netkit),
	 * as far as this netns sees them; the kernel names a lease only
	 * on the NIC's queue, so a container sees none */
	int can_lease;		/* the kernel has queue-create */
	int nleased;
	uint32_t leased[NCD_NIC_MAX_QUEUES];
};

struct ncd_nic_plan {
	int start, num;		/* queues start..start+num-1 */
	int split;		/* turn header split on, hds-thresh 0 */
	int rss;		/* spread RSS over queues 0..start-1 */
	int steer;		/* ntuple rules: each peer's flows to its queue */
	int nrules;		/* rules to add: max(1, nsrc) when steering */
	int rule_queue[NCD_NIC_MAX_PEERS];	/* rule i's queue */
	char why[320];		/* when refused: what is wrong -> what to do */
};

/* 0, or -EOPNOTSUPP with @why set when a virtual device's queues
 * @start..@start+@num-1 are not all leased from a NIC (where leases are
 * seen; else bind-rx is the kernel's to refuse). */
int ncd_nic_plan_lessee(const struct ncd_nic_facts *f, const char *ifname,
			int start, int num, char *why, size_t len);
/* 0, or -EOPNOTSUPP with @why set when the device cannot do devmem at all
 * (a virtual device on a kernel without queue leasing: binding one can
 * trigger kernel warnings). */
int ncd_nic_plan_device(const struct ncd_nic_facts *f, const char *ifname,
			char *why, size_t len);
/* 0, or -EOPNOTSUPP (the device cannot do devmem: a skip) / -ERANGE (the
 * queues asked for do not fit) with @p->why set. */
int ncd_nic_plan(const struct ncd_nic_facts *f, const struct ncd_nic_req *r,
		 struct ncd_nic_plan *p);

#endif
