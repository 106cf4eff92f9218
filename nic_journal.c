// SPDX-License-Identifier: MIT
/*
 * Undo of NIC changes, newest first.  Called by ncd_nic_restore() on a
 * normal end, after a stop (SIGINT/SIGTERM become a stop flag, stop.h) and
 * from the atexit backstop: always in normal control flow, so libnl,
 * free() and stdio are fine here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic_journal.h"
#include "nic_steer.h"
#include "uapi_devmem.h"

static void undo_rules(const char *ifname, struct ncd_journal *j)
{
	for (int i = j->nrules - 1; i >= 0; i--) {
		int err = ncd_steer_del(ifname, j->rules[i]);

		if (err)
			fprintf(stderr,
				"ncdevmem: restore: deleting ntuple rule %u on %s: %s -> delete it by hand (ethtool -N %s delete %u)\n",
				j->rules[i], ifname, strerror(-err), ifname,
				j->rules[i]);
	}
	j->nrules = 0;
}

static void undo_rss(const char *ifname, struct ncd_journal *j)
{
	int err;

	if (!j->rss_saved)
		return;
	/* Re-setting the default table would mark RSS "user configured",
	 * which then blocks channel changes; ask for the default instead. */
	if (j->rss_was_default)
		err = ncd_rss_set(ifname, NULL, 0);
	else
		err = ncd_rss_set(ifname, j->rss, j->rss_n);
	if (err)
		fprintf(stderr,
			"ncdevmem: restore: RSS table of %s: %s -> reset it by hand (ethtool -X %s default)\n",
			ifname, strerror(-err), ifname);
	free(j->rss);
	j->rss = NULL;
	j->rss_saved = 0;
}

static void undo_channels(const char *ifname, int ifindex,
			  struct ncd_journal *j)
{
	if (!j->ch_saved)
		return;
	if (ncd_eth_channels_set(&j->ctl, ifindex, &j->ch))
		fprintf(stderr,
			"ncdevmem: restore: channels of %s: %s -> set them by hand (ethtool -L %s rx %u tx %u combined %u)\n",
			ifname, j->ctl.err, ifname, j->ch.rx, j->ch.tx,
			j->ch.combined);
	j->ch_saved = 0;
}

/* Back to the driver default split and the old threshold; if the driver
 * default differs from what the user had, set that explicitly. */
static void undo_rings(const char *ifname, int ifindex, struct ncd_journal *j)
{
	struct ncd_rings now;
	int64_t hds = j->rings.have_hds ? (int64_t)j->rings.hds_thresh : -1;
	int err;

	if (!j->rings_saved)
		return;
	j->rings_saved = 0;
	err = ncd_eth_rings_set(&j->ctl, ifindex, NCD_TCP_DATA_SPLIT_UNKNOWN,
				hds);
	if (!err && !ncd_eth_rings_get(&j->ctl, ifindex, &now) &&
	    now.tcp_data_split != j->rings.tcp_data_split)
		err = ncd_eth_rings_set(&j->ctl, ifindex,
					j->rings.tcp_data_split, -1);
	if (err)
		fprintf(stderr,
			"ncdevmem: restore: header split of %s: %s -> set it by hand (ethtool -G %s tcp-data-split %s)\n",
			ifname, j->ctl.err, ifname,
			ncd_split_name(j->rings.tcp_data_split));
}

void ncd_journal_undo(const char *ifname, int ifindex, struct ncd_journal *j)
{
	undo_rules(ifname, j);
	undo_rss(ifname, j);
	undo_channels(ifname, ifindex, j);
	undo_rings(ifname, ifindex, j);
}
