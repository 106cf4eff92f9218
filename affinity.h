/* SPDX-License-Identifier: MIT */
/*
 * -A N (iperf3's affinity): every thread of the process on one CPU.  The
 * threads that exist are pinned one by one; the ones started later
 * (flows, acceptor) inherit the caller's mask.  A server pinned by a
 * client's -A N,M goes back to its own mask for the next run.
 */
#ifndef NCD_AFFINITY_H
#define NCD_AFFINITY_H

#include <sched.h>

/* Every thread on @cpu.  0, or -1 with one line printed. */
int ncd_affinity_pin(int cpu);
/* Every thread back on @set (what ncd_affinity_get() saved). */
int ncd_affinity_set(const cpu_set_t *set);
int ncd_affinity_get(cpu_set_t *set);

#endif
