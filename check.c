// SPDX-License-Identifier: MIT
/*
 * --check: one line per devmem precondition, "[ ok ]", "[FAIL]" (with the
 * fix after "->"), "[warn]" or "[ -- ]" (not applicable / unknown).
 * Read-only: it changes nothing on the NIC.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "ethtool_nl.h"
#include "mem.h"
#include "modes.h"
#include "netdev_nl.h"
#include "nic.h"
#include "nic_steer.h"
#include "uapi_devmem.h"

struct chk {
	const struct ncd_opts *o;
	const char *ifn;
	int ifindex;
	struct ncd_nl nl;
	int fails;
	int rx_start, rx_num;	/* queues devmem would use, -1 if unknown */
	int kver;		/* major * 1000 + minor */
	struct ncd_nic_facts facts;	/* what the planner sees, as a run would */
};

enum { OK, FAIL, WARN, INFO };

static void line(struct chk *c, int st, const char *fmt, ...)
{
	static const char *const tag[] = { "[ ok ]", "[FAIL]", "[warn]",
					   "[ -- ]" };
	va_list ap;

	if (st == FAIL)
		c->fails++;
	printf("%s ", tag[st]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void check_kernel(struct chk *c)
{
	struct utsname u;
	int maj = 0, min = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	c->kver = maj * 1000 + min;
	if (maj * 1000 + min < 6012)
		line(c, FAIL, "kernel %s (devmem RX needs >= 6.12) -> upgrade the kernel",
		     u.release);
	else
		line(c, OK, "kernel %s (devmem RX needs >= 6.12, TX >= 6.16%s)",
		     u.release, maj * 1000 + min < 6016 ? ": no TX here" : "");
	if (geteuid())
		line(c, FAIL, "privileges: not root -> bind-rx and NIC changes need CAP_NET_ADMIN; run as root");
	else
		line(c, OK, "privileges: root");
}

static void check_family(struct chk *c)
{
	uint64_t ops = 0;

	if (!c->nl.netdev_family) {
		line(c, FAIL, "netdev netlink family: absent -> needs Linux >= 6.12 with CONFIG_NET_DEVMEM");
		return;
	}
	ncd_nl_family_ops(&c->nl, "netdev", &ops);
	if (!(ops & (1ULL << NCD_NETDEV_CMD_BIND_RX)))
		line(c, FAIL, "netdev family (id %d): no bind-rx op -> needs Linux >= 6.12 with CONFIG_NET_DEVMEM",
		     c->nl.netdev_family);
	else
		line(c, OK, "netdev family (id %d): bind-rx yes, bind-tx %s",
		     c->nl.netdev_family,
		     ops & (1ULL << NCD_NETDEV_CMD_BIND_TX) ? "yes" :
							   "no (TX needs 6.16)");
	if (!c->nl.ethtool_family)
		line(c, FAIL, "ethtool netlink family: absent -> needs CONFIG_ETHTOOL_NETLINK");
}

static void readlink_base(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	snprintf(out, len, "?");
	if (n > 0) {
		buf[n] = '\0';
		char *base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;

		snprintf(out, len, "%.*s", (int)len - 1, base);
	}
}

static int check_device(struct chk *c)
{
	char path[PATH_MAX], drv[64], bus[64];

	if (!c->ifindex) {
		line(c, FAIL, "interface %s: no such device -> check -f (ip link)",
		     c->ifn);
		return -ENODEV;
	}
	if (!c->facts.has_parent && c->facts.nleased) {
		line(c, OK, "device %s: virtual, with %d RX queue(s) leased from a NIC (first: %u): devmem goes through the lease",
		     c->ifn, c->facts.nleased, c->facts.leased[0]);
		return 0;
	}
	if (!c->facts.has_parent && c->facts.can_lease) {
		line(c, WARN, "device %s: virtual; devmem only through an RX queue leased from a NIC (netkit), and no lease to it is seen in this netns -> bind-rx will tell (-t the leased queue -q 1 -n)",
		     c->ifn);
		return 0;
	}
	if (!c->facts.has_parent) {
		line(c, FAIL, "device %s: virtual (no /sys/class/net/%s/device) -> devmem needs a physical NIC (gve, bnxt, mlx5, fbnic)",
		     c->ifn, c->ifn);
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", c->ifn);
	readlink_base(path, drv, sizeof(drv));
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", c->ifn);
	readlink_base(path, bus, sizeof(bus));
	line(c, OK, "device %s: driver %s at %s", c->ifn, drv, bus);
	return 0;
}

/* The queues come from the same planner a real run uses (nic_plan.h). */
static void check_queues(struct chk *c)
{
	struct ncd_nic_req req;
	struct ncd_nic_plan plan;
	struct ncd_channels ch = { 0 };
	struct ncd_nic_facts f = c->facts;
	int n = f.rx_queues, err;

	c->rx_start = -1;
	if (ncd_eth_channels_get(&c->nl, c->ifindex, &ch))
		line(c, WARN, "RX queues: %s (counted in sysfs instead)", c->nl.err);
	ncd_opts_nic_req(c->o, &req);
	f.has_parent = 1;	/* the device line already said if it is virtual */
	err = ncd_nic_plan(&f, &req, &plan);
	if (err == -EOPNOTSUPP)
		line(c, FAIL, "RX queues: %d (rx %u, combined %u) -> devmem needs >= 2 (ethtool -L %s combined 2)",
		     n, ch.rx, ch.combined, c->ifn);
	else if (err)
		line(c, FAIL, "RX queues: %d, but -t/-q ask for %d..%d -> pick queues within 1..%d",
		     n, plan.start, plan.start + plan.num - 1, n - 1);
	else {
		line(c, OK, "RX queues: %d (rx %u, combined %u); devmem would use %d..%d, RSS keeps 0..%d",
		     n, ch.rx, ch.combined, plan.start, plan.start + plan.num - 1,
		     plan.start - 1);
		c->rx_start = plan.start;
		c->rx_num = plan.num;
	}
}

/*
 * bind-rx refuses unless header split is on and hds-thresh is 0 ("tcp-data-split
 * is disabled", "hds-thresh is not zero") since Linux 6.14: the check came with
 * the hds-thresh series ("net: devmem: add ring parameter filtering", Taehee
 * Yoo, net-next January 2025, merged for 6.14).  6.12 and 6.13 bind without.
 */
#define NCD_CHECK_HDS_REQUIRED_KVER	6014

int ncd_check_split_required(int kver)
{
	return kver >= NCD_CHECK_HDS_REQUIRED_KVER;
}

static void check_split(struct chk *c)
{
	int need;
	struct ncd_rings r;
	int err = ncd_eth_rings_get(&c->nl, c->ifindex, &r);

	if (err || !r.have_split) {
		line(c, FAIL, "header split: not supported by %s%s%s -> needs a NIC with tcp-data-split (gve, bnxt, mlx5, fbnic)",
		     c->ifn, err ? ": " : "", err ? strerror(-err) : "");
		line(c, INFO, "hds-thresh: not reported");
		return;
	}
	/* with -n nobody turns them on for the run (docs/check.md) */
	need = ncd_check_split_required(c->kver);
	if (need && c->o->no_nic_config &&
	    r.tcp_data_split != NCD_TCP_DATA_SPLIT_ENABLED)
		line(c, FAIL, "header split: %s, and this kernel binds only with it on; -n leaves it so -> ethtool -G %s tcp-data-split on (or drop -n)",
		     ncd_split_name(r.tcp_data_split), c->ifn);
	else
		line(c, OK, "header split: supported, now %s (%s)",
		     ncd_split_name(r.tcp_data_split),
		     c->o->no_nic_config ? "-n: left as it is" :
		     need ? "required by this kernel; ncdevmem turns it on" :
		     "ncdevmem turns it on");
	if (r.have_hds && need && c->o->no_nic_config && r.hds_thresh)
		line(c, FAIL, "hds-thresh: %u, and this kernel binds only at 0; -n leaves it so -> ethtool -G %s hds-thresh 0 (or drop -n)",
		     r.hds_thresh, c->ifn);
	else if (r.have_hds)
		line(c, OK, "hds-thresh: %u, max %u (%s)",
		     r.hds_thresh, r.hds_thresh_max,
		     c->o->no_nic_config ? "-n: left as it is" : "ncdevmem sets 0");
	else
		line(c, INFO, "hds-thresh: not reported by the driver (not needed)");
}

static void check_steering(struct chk *c)
{
	uint32_t loc, *tbl = NULL, n = 0;
	int on = ncd_steer_ntuple_on(c->ifn);
	int err = ncd_steer_free_loc(c->ifn, &loc);

	if (err == -EOPNOTSUPP || on < 0)
		line(c, FAIL, "ntuple flow rules: not supported by %s -> needs a NIC with ethtool -N rules (or pass -n and steer yourself)",
		     c->ifn);
	else if (!on)
		line(c, FAIL, "ntuple flow rules: off -> ethtool -K %s ntuple on",
		     c->ifn);
	else
		line(c, OK, "ntuple flow rules: on");
	err = ncd_rss_get(c->ifn, &tbl, &n);
	free(tbl);
	if (err || !n)
		line(c, FAIL, "RSS indirection table: %s -> needs a NIC with ethtool -X (or pass -n and configure RSS yourself)",
		     err ? strerror(-err) : "empty");
	else
		line(c, OK, "RSS indirection table: %u entries", n);
}

static const char *rx_buf_len_text(uint32_t len)
{
	static char b[48];

	snprintf(b, sizeof(b), " (rx-buf-len %u)", len);
	return b;
}

/* Page pools of the device with a memory provider (7.x reports io_uring's
 * rx-buf-len); informational. */
static void check_pools(struct chk *c)
{
	struct ncd_page_pool_info pp[256];
	int n = ncd_nl_page_pools(&c->nl, c->ifindex, pp, 256), shown = 0;

	for (int i = 0; i < n; i++) {
		if (!pp[i].dmabuf && !pp[i].io_uring)
			continue;
		shown++;
		line(c, INFO, "page pool %llu (napi %u): %s%s",
		     (unsigned long long)pp[i].id, pp[i].napi_id,
		     pp[i].dmabuf ? "devmem dma-buf" : "io_uring zcrx",
		     pp[i].rx_buf_len ? rx_buf_len_text(pp[i].rx_buf_len) : "");
	}
	if (n >= 0 && !shown)
		line(c, INFO, "page pools: %d, none with a memory provider", n);
}

/* "nk1 (ifindex 7)" in this netns; by number in another one (netns id) */
static const char *lease_peer(const struct ncd_queue_info *q, uint32_t ifindex,
			      char *b, size_t len)
{
	char name[IF_NAMESIZE];

	if (q->lease_netns >= 0)
		snprintf(b, len, "ifindex %u in netns id %d", ifindex, q->lease_netns);
	else if (if_indextoname(ifindex, name))
		snprintf(b, len, "%s (ifindex %u)", name, ifindex);
	else
		snprintf(b, len, "ifindex %u", ifindex);
	return b;
}

/*
 * A virtual device (netkit) that leases NIC queues: the kernel reports a
 * lease on the physical queue only, so look for queues of this netns that
 * name this device.  A NIC in another netns cannot be seen from here.
 */
static void check_lessee(struct chk *c)
{
	struct ncd_queue_info q[512];
	int n = ncd_nl_queues(&c->nl, 0, q, 512), found = 0;
	char peer[64];

	for (int i = 0; i < n; i++) {
		if (!q[i].lease || q[i].lease_netns >= 0 ||
		    (int)q[i].lease_ifindex != c->ifindex)
			continue;
		found++;
		line(c, INFO, "RX queue %u: leased from %s queue %u%s",
		     q[i].lease_queue,
		     lease_peer(&(struct ncd_queue_info){ .lease_netns = -1 },
				q[i].ifindex, peer, sizeof(peer)),
		     q[i].id,
		     q[i].dmabuf ? ", held by a devmem binding" :
		     q[i].io_uring ? ", held by io_uring zcrx" : "");
	}
	if (n >= 0 && !found)
		line(c, INFO, "queue leases: no RX queue of a NIC in this netns is leased to %s",
		     c->ifn);
}

static void check_users(struct chk *c)
{
	char peer[64];
	struct ncd_queue_info q[256];
	int n, xdp = ncd_nl_xdp_attached(c->ifindex), busy = 0, mine = 0;

	if (xdp > 0)
		line(c, FAIL, "XDP program: attached -> detach it (ip link set %s xdp off)",
		     c->ifn);
	else
		line(c, xdp ? INFO : OK, "XDP program: %s",
		     xdp ? "unknown" : "none");
	n = ncd_nl_queues(&c->nl, c->ifindex, q, 256);
	if (n < 0) {
		line(c, INFO, "queue users: %s", c->nl.err);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (q[i].type != NCD_NETDEV_QUEUE_TYPE_RX ||
		    !(q[i].dmabuf || q[i].io_uring || q[i].xsk))
			continue;
		busy++;
		mine = c->rx_start >= 0 && (int)q[i].id >= c->rx_start &&
		       (int)q[i].id < c->rx_start + c->rx_num;
		line(c, mine ? FAIL : WARN, "RX queue %u: held by %s%s%s", q[i].id,
		     q[i].dmabuf ? "a devmem binding" :
		     q[i].io_uring ? "io_uring zcrx" : "AF_XDP",
		     q[i].rx_buf_len ? rx_buf_len_text(q[i].rx_buf_len) : "",
		     mine ? " -> stop that user or pick other queues (-t/-q)" : "");
	}
	for (int i = 0; i < n; i++) {	/* queue leasing (7.1+) */
		if (!q[i].lease)
			continue;
		busy++;
		mine = q[i].type == NCD_NETDEV_QUEUE_TYPE_RX && c->rx_start >= 0 &&
		       (int)q[i].id >= c->rx_start &&
		       (int)q[i].id < c->rx_start + c->rx_num;
		line(c, mine ? FAIL : INFO, "%s queue %u: leased to %s queue %u%s",
		     q[i].type == NCD_NETDEV_QUEUE_TYPE_RX ? "RX" : "TX", q[i].id,
		     lease_peer(&q[i], q[i].lease_ifindex, peer, sizeof(peer)),
		     q[i].lease_queue,
		     mine ? " -> bind-rx refuses a leased queue; pick other queues (-t/-q) or end the lease (delete the virtual device)" : "");
	}
	if (!c->facts.has_parent)
		check_lessee(c);
	check_pools(c);
	if (!busy)
		line(c, OK, "queue users: no RX queue bound (devmem, io_uring, AF_XDP)%s",
		     n ? "" : " (device down: no queues listed)");
}

/* A run that died mid-way leaves its journal: the NIC may still be changed. */
static void check_journal(struct chk *c)
{
	char path[PATH_MAX];
	long pid;

	switch (ncd_nic_leftover(c->ifn, path, sizeof(path), &pid)) {
	case NCD_JOURNAL_NONE:
		line(c, OK, "NIC journal: none left by a killed run");
		break;
	case NCD_JOURNAL_LIVE:
		line(c, WARN, "NIC journal: %s is being changed by ncdevmem pid %ld",
		     c->ifn, pid);
		break;
	case NCD_JOURNAL_BAD:
		line(c, FAIL, "NIC journal %s: unreadable -> restore %s by hand, then delete it",
		     path, c->ifn);
		break;
	default:
		line(c, FAIL, "NIC journal %s: left by ncdevmem pid %ld, which died; %s may still be changed -> ncdevmem --restore -f %s",
		     path, pid, c->ifn, c->ifn);
	}
}

/*
 * A provider's line comes from the probe ncd_mem_open() runs first, with
 * the size and GPU choice a run would use: the reason and fix read as a
 * real run prints them ("<kind>: <why>: <fix>").
 */
static int check_provider(struct chk *c, enum ncd_mem_kind kind, int need)
{
	const char *name = ncd_mem_kind_name(kind);
	struct ncd_mem_probe pr;

	ncd_mem_probe(kind, c->o->dmabuf_size, c->o->gpu, c->o->ifname, &pr);
	if (pr.usable && pr.dmabuf) {
		line(c, OK, "%s: %s", name, pr.info);
		return 1;
	}
	if (pr.usable && pr.info[0])
		line(c, INFO, "%s: %s", name, pr.info);
	if (need)
		line(c, FAIL, "%s: %s -> %s", name, pr.why, pr.fix);
	else
		line(c, INFO, "%s: %s", name, pr.why);
	return 0;
}

static void check_memory(struct chk *c)
{
	int kind = c->o->mem;
	int u = check_provider(c, NCD_MEM_UDMABUF, kind == NCD_MEM_UDMABUF);
	int g = check_provider(c, NCD_MEM_CUDA, kind == NCD_MEM_CUDA);

	if (kind == NCD_MEM_HOST && !u && !g)
		line(c, FAIL, "dma-buf memory: neither udmabuf nor CUDA available -> modprobe udmabuf, or install the NVIDIA driver");
}

int ncd_check_run(const struct ncd_opts *o)
{
	struct chk c = { .o = o, .ifn = o->ifname };

	c.ifindex = if_nametoindex(o->ifname);
	check_kernel(&c);
	if (ncd_nl_open(&c.nl)) {
		line(&c, FAIL, "%s -> is generic netlink available?", c.nl.err);
		return NCD_EXIT_SKIP;
	}
	check_family(&c);
	ncd_nic_read_facts(&c.nl, o->ifname, &c.facts);
	if (!check_device(&c)) {
		check_queues(&c);
		check_split(&c);
		check_steering(&c);
		check_users(&c);
	}
	check_journal(&c);
	check_memory(&c);
	ncd_nl_close(&c.nl);
	if (c.fails)
		printf("not ready: %d problem(s) for devmem on %s\n", c.fails,
		       o->ifname);
	else
		printf("ready: devmem RX can run on %s\n", o->ifname);
	fflush(stdout);
	return c.fails ? NCD_EXIT_SKIP : NCD_EXIT_OK;
}
