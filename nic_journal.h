/* SPDX-License-Identifier: MIT */
/* Private to nic*.c: what ncdevmem changed on a NIC, so it can be undone. */
#ifndef NCD_NIC_JOURNAL_H
#define NCD_NIC_JOURNAL_H

#include <stdint.h>
#include "ethtool_nl.h"
#include "netlink.h"

#define NCD_JOURNAL_MAX_RULES 8

struct ncd_journal {
	struct ncd_nl ctl;		/* ethtool requests; never binds */
	int rings_saved;
	struct ncd_rings rings;
	int ch_saved;
	struct ncd_channels ch;
	int rss_saved;
	uint32_t *rss;			/* table before us; NULL = none */
	uint32_t rss_n;
	int rss_was_default;
	uint32_t rules[NCD_JOURNAL_MAX_RULES];
	int nrules;
};

/* Undo what @j records, newest first; unbind must already have happened.
 * Runs in normal control flow (never in a signal handler). */
void ncd_journal_undo(const char *ifname, int ifindex, struct ncd_journal *j);

#endif
