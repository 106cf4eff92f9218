/* SPDX-License-Identifier: MIT */
/*
 * Private to nic*.c: what ncdevmem changed on a NIC, so it can be undone.
 * The journal lives in memory and, from before the first change on, on
 * disk too (ncd_journal_save()), so a run killed by SIGKILL, the OOM
 * killer or a crash leaves a record that the next run finds and that
 * `ncdevmem --restore -f IF` replays.
 */
#ifndef NCD_NIC_JOURNAL_H
#define NCD_NIC_JOURNAL_H

#include <limits.h>
#include <stdint.h>
#include "ethtool_nl.h"
#include "netlink.h"
#include "nic.h"

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
	int rule_pending;		/* an ntuple add whose id is not known */
	uint32_t pending_queue, pending_port;
	int bound;			/* a bind-rx was asked for */
	char path[PATH_MAX];		/* the file, once saved; "" before */
};

/* Undo what @j records, newest first; unbind must already have happened.
 * Runs in normal control flow (never in a signal handler).  What was undone
 * leaves @j; returns the number of steps that failed (each printed). */
int ncd_journal_undo(const char *ifname, int ifindex, struct ncd_journal *j);

/* Write @j to the journal file of @ifname (temporary file, fsync, rename)
 * before the change it describes is made.  Refuses, with one line, when
 * another live process owns the file or a dead one left it.  0 or -errno. */
int ncd_journal_save(const char *ifname, struct ncd_journal *j);
/* One line and -EBUSY when @ifname's journal stops this run: a dead
 * writer's leftover or an unreadable file; a live one only with @live (a
 * run about to change the NIC).  0 otherwise. */
int ncd_journal_refuse(const char *ifname, int live);
/* Remove the file (after a complete restore). */
void ncd_journal_drop(struct ncd_journal *j);

/* Where @ifname's journal lives, and in what state; @pid (may be NULL)
 * gets its writer.  @j (may be NULL) is filled from the file (its ctl is
 * left alone; free j->rss). */
int ncd_journal_find(const char *ifname, char *path, size_t len, long *pid,
		     struct ncd_journal *j);

#endif
