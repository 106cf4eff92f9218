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
	if (f->has_parent)
		return 0;
	snprintf(why, len,
		 "%s is a virtual device (no /sys/class/net/%s/device): it cannot do devmem, and binding one can trigger kernel warnings -> use a NIC with devmem support (gve, bnxt, mlx5, fbnic)",
		 ifname, ifname);
	return -EOPNOTSUPP;
}

/* Default: the last queue (RSS keeps the others), or the upper half when
 * spreading; -t alone takes one queue, -q alone the last ones. */
static void pick(int n, const struct ncd_nic_req *r, int *start, int *num)
{
	*start = r->start_queue;
	*num = r->num_queues;
	if (*start < 0 && *num < 0) {
		*start = r->spread ? n / 2 : n - 1;
		*num = r->spread ? n / 2 : 1;
	} else if (*start < 0) {
		*start = n - *num;
	} else if (*num < 0) {
		*num = 1;
	}
}

int ncd_nic_plan(const struct ncd_nic_facts *f, const struct ncd_nic_req *r,
		 struct ncd_nic_plan *p)
{
	int n = f->rx_queues;

	memset(p, 0, sizeof(*p));
	if (ncd_nic_plan_device(f, r->ifname, p->why, sizeof(p->why)))
		return -EOPNOTSUPP;
	pick(n, r, &p->start, &p->num);
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
	if (p->start == 0 && r->configure)
		return refuse(p, -ERANGE,
			      "-t 0 leaves no queue for other traffic (RSS spreads over queues below -t) -> use -t >= 1");
	p->split = r->configure;
	p->rss = r->configure;
	p->steer = r->configure && r->dst;
	return 0;
}
