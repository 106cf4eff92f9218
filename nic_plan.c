// SPDX-License-Identifier: MIT
/* The NIC plan: queue choice and the changes to make; no system calls. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nic_plan.h"

static int refuse(struct ncd_nic_plan *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct ncd_nic_plan *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return err;
}

int ncd_nic_plan_device(const struct ncd_nic_facts *f, const char *ifname,
			char *why, size_t len)
{
	if (f->has_parent || f->nleased > 0 || f->can_lease)
		return 0;
	snprintf(why, len,
		 "%s is a virtual device (no /sys/class/net/%s/device): it cannot do devmem, and binding one can trigger kernel warnings -> use a NIC with devmem support (gve, bnxt, mlx5, fbnic), or on Linux 7.1+ a netkit device with a queue leased from one",
		 ifname, ifname);
	return -EOPNOTSUPP;
}

static int leased(const struct ncd_nic_facts *f, int q)
{
	for (int i = 0; i < f->nleased; i++)
		if ((int)f->leased[i] == q)
			return 1;
	return 0;
}

int ncd_nic_plan_lessee(const struct ncd_nic_facts *f, const char *ifname,
			int start, int num, char *why, size_t len)
{
	if (f->has_parent || !f->nleased)
		return 0;
	for (int q = start; q < start + num; q++) {
		if (leased(f, q))
			continue;
		snprintf(why, len,
			 "%s RX queue %d is not leased from a NIC: only a leased queue can do devmem on a virtual device -> pick one with -t/-q (-t %u -q 1)",
			 ifname, q, f->leased[0]);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Default: the last queue (RSS keeps the others), or the upper half when
 * spreading; -t alone takes one queue, -q alone the last ones.  Several
 * peers (fan-in) take one queue each: the last nsrc by default. */
static void pick(int n, const struct ncd_nic_req *r, int *start, int *num)
{
	int want = r->nsrc > 1 ? r->nsrc : 1;

	*start = r->start_queue;
	*num = r->num_queues;
	if (*start < 0 && *num < 0) {
		*start = r->spread ? n / 2 : n - want;
		*num = r->spread ? n / 2 : want;
	} else if (*start < 0) {
		*start = n - *num;
	} else if (*num < 0) {
		*num = want;
	}
}

/* Peer i's rule goes to queue start + i; no peer: one rule, any source;
 * several ports: port i's rule to the bound queues in turn. */
static void plan_rules(const struct ncd_nic_req *r, struct ncd_nic_plan *p)
{
	p->steer = r->configure && r->dst;
	if (!p->steer)
		return;
	p->nrules = r->nsrc > 0 ? r->nsrc : 1;
	if (r->nports > 1)
		p->nrules = r->nports;
	for (int i = 0; i < p->nrules; i++)
		p->rule_queue[i] = p->start + i % p->num;
}

int ncd_nic_plan(const struct ncd_nic_facts *f, const struct ncd_nic_req *r,
		 struct ncd_nic_plan *p)
{
	int n = f->rx_queues;

	memset(p, 0, sizeof(*p));
	if (ncd_nic_plan_device(f, r->ifname, p->why, sizeof(p->why)))
		return -EOPNOTSUPP;
	if (r->nsrc < 0 || r->nsrc > NCD_NIC_MAX_PEERS)
		return refuse(p, -ERANGE, "%d peers (-c): at most %d -> fewer -c addresses",
			      r->nsrc, NCD_NIC_MAX_PEERS);
	if (r->nports > NCD_NIC_MAX_PEERS && r->configure && r->dst)
		return refuse(p, -ERANGE, "%d receiving flows with --cport need a steering rule each: at most %d -> fewer flows (-P)",
			      r->nports, NCD_NIC_MAX_PEERS);
	pick(n, r, &p->start, &p->num);
	if (r->nsrc > 1 && r->start_queue < 0 && r->num_queues < 0 &&
	    n < r->nsrc + 1)
		return refuse(p, -EOPNOTSUPP,
			      "%s has %d RX queue(s): %d peers (-c) need one each and one stays for other traffic -> raise them (ethtool -L %s combined %d)",
			      r->ifname, n, r->nsrc, r->ifname, r->nsrc + 1);
	if (r->start_queue < 0 && r->num_queues < 0 && n < 2)
		return refuse(p, -EOPNOTSUPP,
			      "%s has %d RX queue(s): devmem needs at least 2 (one stays for other traffic) -> raise them (ethtool -L %s combined 2)",
			      r->ifname, n, r->ifname);
	if (p->num < 1 || p->start < 0 || p->start + p->num > n ||
	    p->num > NCD_NIC_MAX_QUEUES)
		return refuse(p, -ERANGE,
			      "queues %d..%d do not fit %s's %d RX queues -> pick -t/-q within 0..%d",
			      p->start, p->start + p->num - 1, r->ifname, n,
			      n - 1);
	if (!f->has_parent && r->configure)
		return refuse(p, -EOPNOTSUPP,
			      "%s is a virtual device: devmem needs a queue leased from a NIC (netkit), whose header split and flow steering are set on that NIC -> set them up there and run with -t/-q (the leased queue) and -n",
			      r->ifname);
	if (ncd_nic_plan_lessee(f, r->ifname, p->start, p->num, p->why,
				sizeof(p->why)))
		return -EOPNOTSUPP;
	if (p->start == 0 && r->configure)
		return refuse(p, -ERANGE,
			      "-t 0 leaves no queue for other traffic (RSS spreads over queues below -t) -> use -t >= 1");
	if (r->nsrc > p->num)
		return refuse(p, -ERANGE,
			      "%d queue(s) %d..%d for %d peers (-c): each peer needs its own queue -> -q %d or more",
			      p->num, p->start, p->start + p->num - 1, r->nsrc,
			      r->nsrc);
	p->split = r->configure;
	p->rss = r->configure;
	plan_rules(r, p);
	return 0;
}
