// SPDX-License-Identifier: MIT
/*
 * NIC setup for devmem: queue choice, journaled header split / RSS /
 * ntuple / channel changes, bind-rx and bind-tx, and the restore that
 * undoes all of it (unbind first: the kernel refuses to turn header split
 * off or raise hds-thresh while a queue has a memory provider).
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ethtool_nl.h"
#include "exit_codes.h"
#include "netdev_nl.h"
#include "nic.h"
#include "nic_hint.h"
#include "nic_journal.h"
#include "nic_steer.h"
#include "uapi_devmem.h"

/* The NIC exit() restores (atexit): the one being set up or in use. */
static struct ncd_nic *armed;

static void restore_at_exit(void)
{
	if (armed)
		ncd_nic_restore(armed);
}

static void arm(struct ncd_nic *nic)
{
	static int installed;

	armed = nic;
	if (nic && !installed) {
		installed = 1;
		atexit(restore_at_exit);
	}
}

static int has_parent(const char *ifname)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifname);
	return stat(path, &st) == 0;
}

int ncd_nic_exit_code(int err)
{
	switch (-err) {
	case EOPNOTSUPP:
	case ENODATA:
		return NCD_EXIT_SKIP;
	}
	return NCD_EXIT_FAIL;
}

static struct ncd_journal *J(struct ncd_nic *nic)
{
	return nic->journal;
}

int ncd_nic_begin(struct ncd_nic *nic, const char *ifname)
{
	struct ncd_journal *j;
	int err;

	memset(nic, 0, sizeof(*nic));
	snprintf(nic->ifname, sizeof(nic->ifname), "%s", ifname);
	nic->ifindex = if_nametoindex(ifname);
	if (!nic->ifindex) {
		fprintf(stderr,
			"ncdevmem: interface %s: no such device -> check -f (ip link)\n",
			ifname);
		return -ENODEV;
	}
	/* a leftover of a run that died: restore first (--restore) */
	err = ncd_journal_refuse(ifname, 0);
	if (err)
		return err;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	err = ncd_nl_open(&j->ctl);
	if (!err)
		err = ncd_nl_open(&nic->nl);
	if (err) {
		fprintf(stderr, "ncdevmem: %s -> is this Linux with generic netlink?\n",
			j->ctl.err[0] ? j->ctl.err : nic->nl.err);
		ncd_nl_close(&j->ctl);
		free(j);
		return err;
	}
	nic->journal = j;
	arm(nic);
	return 0;
}

const char *ncd_nic_ctl_err(struct ncd_nic *nic)
{
	return nic->journal ? nic->journal->ctl.err : "";
}

/*
 * A virtual device can do devmem only through RX queues leased from a NIC
 * (7.1+ netkit).  The kernel names a lease on the NIC's queue (same netns);
 * take the lessee's own queue too, should it be named there.
 */
static void read_leases(struct ncd_nl *nl, int ifindex,
			struct ncd_nic_facts *f)
{
	static struct ncd_queue_info q[512];
	uint64_t ops = 0;
	int n;

	if (!ncd_nl_family_ops(nl, "netdev", &ops))
		f->can_lease = !!(ops & (1ULL << NCD_NETDEV_CMD_QUEUE_CREATE));
	n = ncd_nl_queues(nl, 0, q, 512);

	for (int i = 0; i < n && f->nleased < NCD_NIC_MAX_QUEUES; i++) {
		if (!q[i].lease || q[i].type != NCD_NETDEV_QUEUE_TYPE_RX)
			continue;
		if (q[i].lease_netns < 0 && (int)q[i].lease_ifindex == ifindex)
			f->leased[f->nleased++] = q[i].lease_queue;
		else if ((int)q[i].ifindex == ifindex)
			f->leased[f->nleased++] = q[i].id;
	}
}

/* Before bind-rx: a virtual device only with the queues leased to it
 * (6.12 WARNs and taints when lo is bound). */
static int refuse_virtual(struct ncd_nic *nic)
{
	struct ncd_nic_facts f = { .has_parent = has_parent(nic->ifname) };
	char why[320];
	int err;

	if (!f.has_parent)
		read_leases(&J(nic)->ctl, nic->ifindex, &f);
	err = ncd_nic_plan_device(&f, nic->ifname, why, sizeof(why));
	if (!err && nic->nqueues > 0)
		err = ncd_nic_plan_lessee(&f, nic->ifname, nic->queues[0],
					  nic->nqueues, why, sizeof(why));
	if (err)
		fprintf(stderr, "ncdevmem: %s\n", why);
	return err;
}

static int count_sysfs_rx(const char *ifname)
{
	char path[PATH_MAX];
	struct stat st;
	int n = 0;

	for (;; n++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%d",
			 ifname, n);
		if (stat(path, &st))
			return n;
	}
}

int ncd_nic_get_channels(struct ncd_nic *nic, struct ncd_channels *c)
{
	int err = ncd_eth_channels_get(&J(nic)->ctl, nic->ifindex, c);

	if (err)
		fprintf(stderr, "ncdevmem: %s -> the driver must support ethtool channels\n",
			J(nic)->ctl.err);
	return err;
}

void ncd_nic_read_facts(struct ncd_nl *nl, const char *ifname,
			struct ncd_nic_facts *f)
{
	struct ncd_channels c;

	memset(f, 0, sizeof(*f));
	f->has_parent = has_parent(ifname);
	f->rx_queues = count_sysfs_rx(ifname);
	if (!f->has_parent)
		read_leases(nl, if_nametoindex(ifname), f);
	if (!ncd_eth_channels_get(nl, if_nametoindex(ifname), &c) &&
	    ncd_channels_rx(&c) > 0)
		f->rx_queues = ncd_channels_rx(&c);
}

int ncd_nic_take_queues(struct ncd_nic *nic, const struct ncd_nic_req *req,
			struct ncd_nic_plan *plan)
{
	struct ncd_nic_facts f;
	int err;

	ncd_nic_read_facts(&J(nic)->ctl, nic->ifname, &f);
	err = ncd_nic_plan(&f, req, plan);
	if (err) {
		fprintf(stderr, "ncdevmem: %s\n", plan->why);
		return err;
	}
	nic->nqueues = plan->num;
	for (int i = 0; i < plan->num; i++)
		nic->queues[i] = plan->start + i;
	/* the rules the plan adds: none with -n (the report then shows no
	 * rule queue for a peer: ncdevmem did not steer it) */
	nic->nrules = plan->nrules;
	for (int i = 0; i < plan->nrules; i++)
		nic->rule_queue[i] = plan->rule_queue[i];
	return 0;
}

/*
 * Persist the journal with a newly saved item (*@saved) before its change.
 * If that fails nothing was changed: forget the item again, so the restore
 * leaves that setting alone (it may belong to another run).
 */
static int journal_first(struct ncd_nic *nic, int *saved)
{
	int err = ncd_journal_save(nic->ifname, J(nic));

	if (err)
		*saved = 0;
	return err;
}

int ncd_nic_set_split(struct ncd_nic *nic, int on)
{
	struct ncd_journal *j = J(nic);
	struct ncd_rings r;
	int err;

	err = ncd_eth_rings_get(&j->ctl, nic->ifindex, &r);
	if (!err && !r.have_split)
		err = -EOPNOTSUPP;
	if (err) {
		fprintf(stderr,
			"ncdevmem: header split on %s: %s -> needs a NIC with tcp-data-split (gve, bnxt, mlx5, fbnic)\n",
			nic->ifname, err == -EOPNOTSUPP && !j->ctl.err[0] ?
			"not reported by the driver" : j->ctl.err);
		return err;
	}
	if (!j->rings_saved) {
		j->rings = r;
		j->rings_saved = 1;
		err = journal_first(nic, &j->rings_saved);
	} else {
		err = ncd_journal_save(nic->ifname, j);
	}
	if (err)
		return err;
	err = ncd_eth_rings_set(&j->ctl, nic->ifindex,
				on ? NCD_TCP_DATA_SPLIT_ENABLED :
				     NCD_TCP_DATA_SPLIT_DISABLED,
				on && r.have_hds ? 0 : -1);
	if (err)
		fprintf(stderr, "ncdevmem: header split %s on %s: %s -> %s\n",
			on ? "on" : "off", nic->ifname, j->ctl.err,
			ncd_nic_hint(err, j->ctl.extack));
	return err;
}

int ncd_nic_set_channels(struct ncd_nic *nic, const struct ncd_channels *c)
{
	struct ncd_journal *j = J(nic);
	struct ncd_channels old;
	int err = ncd_nic_get_channels(nic, &old);

	if (err)
		return err;
	if (!j->ch_saved) {
		j->ch = old;
		j->ch_saved = 1;
		err = journal_first(nic, &j->ch_saved);
	} else {
		err = ncd_journal_save(nic->ifname, j);
	}
	if (err)
		return err;
	err = ncd_eth_channels_set(&j->ctl, nic->ifindex, c);
	return err;	/* caller reports: failing can be the expected result */
}

static int rss_is_default(const uint32_t *tbl, uint32_t n, uint32_t rings)
{
	for (uint32_t i = 0; i < n; i++)
		if (!rings || tbl[i] != i % rings)
			return 0;
	return 1;
}

int ncd_nic_rss_equal(struct ncd_nic *nic, uint32_t nq)
{
	struct ncd_journal *j = J(nic);
	uint32_t *tbl = NULL, n = 0, rings = 0;
	int err = ncd_rss_get(nic->ifname, &tbl, &n);

	if (!err && !n)
		err = -EOPNOTSUPP;
	if (!err) {
		ncd_rss_rings(nic->ifname, &rings);
		if (!j->rss_saved) {
			j->rss = tbl;
			j->rss_n = n;
			j->rss_was_default = rss_is_default(tbl, n, rings);
			j->rss_saved = 1;
			tbl = NULL;
			err = journal_first(nic, &j->rss_saved);
		} else {
			err = ncd_journal_save(nic->ifname, j);
		}
		if (err)
			return err;
		err = ncd_rss_equal(nic->ifname, nq);
	}
	free(tbl);
	if (err)
		fprintf(stderr,
			"ncdevmem: RSS on %s (spread over queues 0..%u): %s -> the driver must support ethtool -X; or configure RSS yourself and pass -n\n",
			nic->ifname, nq - 1, strerror(-err));
	return err;
}

/* One journaled ntuple rule: TCP to @req->dst @port from @src (NULL: any)
 * to @queue. */
static int steer_one(struct ncd_nic *nic, const struct ncd_nic_req *req,
		     const char *src_s, uint16_t port, uint32_t queue)
{
	struct ncd_journal *j = J(nic);
	struct ncd_flow_addr dst, src;
	uint32_t loc;
	int err, five;

	if (ncd_flow_addr_parse(req->dst, &dst) ||
	    (src_s && ncd_flow_addr_parse(src_s, &src))) {
		fprintf(stderr, "ncdevmem: flow steering: bad address -> -s/-c take an IPv4 or IPv6 address\n");
		return -EINVAL;
	}
	if (j->nrules >= NCD_JOURNAL_MAX_RULES)
		return -ENOSPC;
	/* the driver may pick the location: journal what we are about to add */
	j->rule_pending = 1;
	j->pending_queue = queue;
	j->pending_port = port;
	err = ncd_journal_save(nic->ifname, j);
	if (err) {
		j->rule_pending = 0;
		return err;
	}
	if (req->nsrc > 1) {	/* fan-in: by source address, any port */
		five = 0;
		err = ncd_steer_add_peer(nic->ifname, &src, &dst, port,
					 queue, &loc);
	} else {
		err = ncd_steer_add(nic->ifname, src_s ? &src : NULL, &dst,
				    port, queue, &loc, &five);
	}
	j->rule_pending = 0;
	if (!err) {
		j->rules[j->nrules++] = loc;
		err = ncd_journal_save(nic->ifname, j);
		if (err)
			return err;
	}
	if (err) {
		fprintf(stderr,
			"ncdevmem: ntuple rule on %s (tcp %s%s to %s port %u -> queue %u): %s -> the driver must support ethtool -N flow rules\n",
			nic->ifname, src_s ? "from " : "", src_s ? src_s : "",
			req->dst, port, queue, strerror(-err));
		return err;
	}
	if (req->nsrc > 1)	/* fan-in: which peer */
		fprintf(stderr, "flow steering: rule %u (from %s, any port) -> queue %u\n",
			loc, src_s, queue);
	else
		fprintf(stderr, "flow steering: rule %u (%s-tuple, port %u) -> queue %u\n",
			loc, five ? "5" : "3", port, queue);
	return 0;
}

/*
 * A queue leased to a virtual device (queue leasing, 7.1+) cannot be bound
 * here: 7.3 refuses it as "Device doesn't support DMA", which misleads.  Say
 * what it is before anything on the NIC is changed.
 */
static int refuse_leased(struct ncd_nic *nic)
{
	struct ncd_queue_info q[256];
	int n = ncd_nl_queues(&J(nic)->ctl, nic->ifindex, q, 256);
	char name[IF_NAMESIZE];

	for (int i = 0; i < n; i++)
		for (int k = 0; k < nic->nqueues; k++) {
			if (!q[i].lease || q[i].type != NCD_NETDEV_QUEUE_TYPE_RX ||
			    q[i].id != nic->queues[k])
				continue;
			fprintf(stderr, "ncdevmem: %s: RX queue %u is leased to %s (ifindex %u) as its queue %u, and bind-rx refuses a leased queue -> pick other queues with -t/-q, or end the lease (delete that device)\n",
				nic->ifname, q[i].id,
				q[i].lease_netns < 0 && if_indextoname(q[i].lease_ifindex, name) ?
				name : "a device in another netns",
				q[i].lease_ifindex, q[i].lease_queue);
			return -EBUSY;
		}
	return 0;	/* queue-get failed: bind-rx will say why */
}

int ncd_nic_steer(struct ncd_nic *nic, const struct ncd_nic_req *req)
{
	int on = ncd_steer_ntuple_on(nic->ifname), err = 0;

	if (on == 0) {
		fprintf(stderr,
			"ncdevmem: ntuple filters are off on %s -> turn them on (ethtool -K %s ntuple on)\n",
			nic->ifname, nic->ifname);
		return -EOPNOTSUPP;
	}
	for (int i = 0; !err && i < nic->nrules; i++)
		err = steer_one(nic, req, req->nsrc > 0 ? req->src[i] : NULL,
				req->port + (req->nports > 1 ? i : 0),
				nic->rule_queue[i]);
	return err;
}

int ncd_nic_prepare_rx(struct ncd_nic *nic, const struct ncd_nic_req *req)
{
	struct ncd_nic_plan plan;
	int err = ncd_nic_begin(nic, req->ifname);

	if (!err)
		err = ncd_nic_take_queues(nic, req, &plan);
	if (!err && has_parent(nic->ifname))
		err = refuse_leased(nic);
	if (err || !plan.split)
		return err;
	err = ncd_nic_set_split(nic, 1);
	if (err)
		return err;
	fprintf(stderr, "TCP header split: on\n");
	if (plan.rss)
		err = ncd_nic_rss_equal(nic, plan.start);
	if (!err && plan.steer)
		err = ncd_nic_steer(nic, req);
	return err;
}

static void print_bind_err(struct ncd_nic *nic, int err)
{
	fprintf(stderr, "ncdevmem: %s: %s -> %s\n", nic->ifname, nic->nl.err,
		ncd_nic_hint(err, nic->nl.extack));
}

int ncd_nic_bind_rx(struct ncd_nic *nic, int dmabuf_fd, uint32_t rx_page_size)
{
	int err;

	if (!nic->journal)
		return -EINVAL;
	err = refuse_virtual(nic);
	if (err)
		return err;
	nic->journal->bound = 1;
	err = ncd_journal_save(nic->ifname, nic->journal);
	if (err)
		return err;
	err = ncd_nl_bind_rx(&nic->nl, nic->ifindex, dmabuf_fd, nic->queues,
			     nic->nqueues, rx_page_size, &nic->dmabuf_id);
	if (err) {
		print_bind_err(nic, err);
		return err;
	}
	fprintf(stderr, "got dmabuf id=%u\n", nic->dmabuf_id);
	return 0;
}

int ncd_nic_bind_tx(struct ncd_nic *nic, const char *ifname, int dmabuf_fd)
{
	int err = 0;

	if (!nic->journal)
		err = ncd_nic_begin(nic, ifname);
	if (err)
		return err;
	/* the kernel checks netmem TX support before touching the device */
	err = ncd_nl_bind_tx(&nic->nl, nic->ifindex, dmabuf_fd,
			     &nic->tx_dmabuf_id);
	if (err) {
		print_bind_err(nic, err);
		return err;
	}
	fprintf(stderr, "got tx dmabuf id=%u\n", nic->tx_dmabuf_id);
	return 0;
}

int ncd_nic_unbind(struct ncd_nic *nic)
{
	ncd_nl_close(&nic->nl);
	nic->dmabuf_id = 0;
	nic->tx_dmabuf_id = 0;
	return ncd_nl_open(&nic->nl);
}

void ncd_nic_restore(struct ncd_nic *nic)
{
	struct ncd_journal *j = nic->journal;

	if (!j)
		return;
	nic->journal = NULL;
	if (armed == nic)
		arm(NULL);
	ncd_nl_close(&nic->nl);		/* unbind before anything else */
	j->bound = 0;
	if (!ncd_journal_undo(nic->ifname, nic->ifindex, j))
		ncd_journal_drop(j);
	else if (j->path[0] && !ncd_journal_save(nic->ifname, j))
		fprintf(stderr,
			"ncdevmem: %s is not fully restored; journal kept at %s -> fix the lines above by hand, then delete %s\n",
			nic->ifname, j->path, j->path);
	ncd_nl_close(&j->ctl);
	free(j->rss);
	free(j);
}

int ncd_nic_napi_queues(const char *ifname, uint32_t *napi, int max)
{
	struct ncd_queue_info q[NCD_NIC_MAX_QUEUES * 2];
	struct ncd_nl nl;
	int n, rx = 0;

	if (ncd_nl_open(&nl))
		return -ENOTCONN;
	n = ncd_nl_queues(&nl, if_nametoindex(ifname), q, NCD_NIC_MAX_QUEUES * 2);
	ncd_nl_close(&nl);
	for (int i = 0; i < n; i++) {
		if (q[i].type != NCD_NETDEV_QUEUE_TYPE_RX || (int)q[i].id >= max)
			continue;
		napi[q[i].id] = q[i].napi_id;
		if ((int)q[i].id + 1 > rx)
			rx = q[i].id + 1;
	}
	return n < 0 ? n : rx;
}

int ncd_nic_leftover(const char *ifname, char *path, size_t len, long *pid)
{
	return ncd_journal_find(ifname, path, len, pid, NULL);
}

int ncd_nic_replay(const char *ifname)
{
	struct ncd_journal *j = calloc(1, sizeof(*j));
	char path[PATH_MAX];
	long pid;
	int st, failed;

	if (!j)
		return NCD_EXIT_FAIL;
	st = ncd_journal_find(ifname, path, sizeof(path), &pid, j);
	if (st == NCD_JOURNAL_NONE) {
		printf("nothing to restore on %s: no journal at %s\n", ifname,
		       path);
		free(j);
		return NCD_EXIT_OK;
	}
	if (st != NCD_JOURNAL_DEAD) {
		ncd_journal_refuse(ifname, 1);
		free(j->rss);
		free(j);
		return NCD_EXIT_FAIL;
	}
	if (ncd_nl_open(&j->ctl)) {
		fprintf(stderr, "ncdevmem: %s -> is this Linux with generic netlink?\n",
			j->ctl.err);
		free(j->rss);
		free(j);
		return NCD_EXIT_FAIL;
	}
	printf("restoring %s as ncdevmem pid %ld left it (journal %s)\n",
	       ifname, pid, path);
	if (j->bound)
		printf("binding on %s: released by the kernel when pid %ld ended\n",
		       ifname, pid);
	j->bound = 0;
	snprintf(j->path, sizeof(j->path), "%s", path);
	failed = ncd_journal_undo(ifname, if_nametoindex(ifname), j);
	if (!failed) {
		ncd_journal_drop(j);
		printf("restored %s; journal removed\n", ifname);
	} else if (!ncd_journal_save(ifname, j)) {
		fprintf(stderr,
			"ncdevmem: %s is only partly restored; journal kept at %s -> fix the lines above by hand, then delete %s\n",
			ifname, path, path);
	}
	fflush(stdout);
	ncd_nl_close(&j->ctl);
	free(j->rss);
	free(j);
	return failed ? NCD_EXIT_FAIL : NCD_EXIT_OK;
}
