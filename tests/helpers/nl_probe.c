// SPDX-License-Identifier: MIT
/*
 * Test helper: runs one netlink / ethtool / steering request against the
 * real kernel and prints the result as key=value lines, so shell tests can
 * compare it with ip(8) and sysfs.  Raw bind-rx/bind-tx skip ncdevmem's
 * device checks to show what the kernel itself says.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ethtool_nl.h"
#include "netdev_nl.h"
#include "nic.h"
#include "nic_hint.h"
#include "stop.h"
#include "nic_steer.h"
#include "opts.h"
#include "uapi_devmem.h"

static struct ncd_nl nl;

static int ifidx(const char *name)
{
	int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "no such interface %s\n", name);
		exit(2);
	}
	return i;
}

static int report(const char *op, int err)
{
	printf("%s errno=%d (%s) extack=\"%s\" bad_attr=%d\n", op, -err,
	       err ? strerror(-err) : "ok", nl.extack, nl.bad_attr);
	return err ? 1 : 0;
}

static int cmd_dev(char **av)
{
	uint64_t xdp;
	int err = ncd_nl_dev_get(&nl, ifidx(av[0]), &xdp);

	if (err)
		return report("dev-get", err);
	printf("ifindex=%d xdp_features=0x%llx\n", ifidx(av[0]),
	       (unsigned long long)xdp);
	return 0;
}

static int cmd_queues(char **av)
{
	struct ncd_queue_info q[256];
	int n = ncd_nl_queues(&nl, ifidx(av[0]), q, 256);

	if (n < 0)
		return report("queue-get", n);
	for (int i = 0; i < n; i++)
		printf("queue %s %u napi=%u dmabuf=%u io_uring=%d xsk=%d\n",
		       q[i].type == NCD_NETDEV_QUEUE_TYPE_RX ? "rx" : "tx",
		       q[i].id, q[i].napi_id, q[i].dmabuf, q[i].io_uring,
		       q[i].xsk);
	return 0;
}

static int cmd_pools(char **av)
{
	struct ncd_page_pool_info p[256];
	int n = ncd_nl_page_pools(&nl, av[0] ? ifidx(av[0]) : 0, p, 256);

	if (n < 0)
		return report("page-pool-get", n);
	for (int i = 0; i < n; i++)
		printf("pool %llu ifindex=%u napi=%u inflight=%llu dmabuf=%u\n",
		       (unsigned long long)p[i].id, p[i].ifindex,
		       p[i].napi_id, (unsigned long long)p[i].inflight,
		       p[i].dmabuf);
	printf("pools=%d\n", n);
	return 0;
}

static int cmd_napi(char **av)
{
	struct ncd_napi_info n;
	int err = ncd_nl_napi_get(&nl, strtoul(av[0], NULL, 0), &n);

	if (err)
		return report("napi-get", err);
	printf("napi %u ifindex=%u irq=%d pid=%d\n", n.id, n.ifindex, n.irq,
	       n.pid);
	return 0;
}

static int cmd_channels(char **av)
{
	struct ncd_channels c;
	int err = ncd_eth_channels_get(&nl, ifidx(av[0]), &c);

	if (err)
		return report("channels-get", err);
	printf("rx=%u tx=%u combined=%u rx_max=%u tx_max=%u combined_max=%u\n",
	       c.rx, c.tx, c.combined, c.rx_max, c.tx_max, c.combined_max);
	return 0;
}

static int cmd_set_channels(char **av)
{
	struct ncd_channels c = { .present = NCD_CH_RX | NCD_CH_TX };

	c.rx = atoi(av[1]);
	c.tx = atoi(av[2]);
	return report("channels-set",
		      ncd_eth_channels_set(&nl, ifidx(av[0]), &c));
}

/* Journaled channel change, then wait to be killed: restore on signal. */
static int cmd_hold_channels(char **av)
{
	struct ncd_channels c = { .present = NCD_CH_RX | NCD_CH_TX };
	struct ncd_nic nic;
	int sig, err = ncd_stop_init();

	if (!err)
		err = ncd_nic_begin(&nic, av[0]);
	if (err)
		return 1;
	c.rx = atoi(av[1]);
	c.tx = atoi(av[2]);
	err = ncd_nic_set_channels(&nic, &c);
	if (err) {
		fprintf(stderr, "set: %s\n", ncd_nic_ctl_err(&nic));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	if (av[3] && !strcmp(av[3], "exit"))
		exit(0);	/* atexit restores */
	if (av[3] && !strcmp(av[3], "restore")) {
		ncd_nic_restore(&nic);
		return 0;
	}
	/* like ncdevmem: the stop comes as a flag, the undo runs here */
	sig = ncd_stop_wait();
	ncd_nic_restore(&nic);
	return 128 + sig;
}

static int cmd_rings(char **av)
{
	struct ncd_rings r;
	int err = ncd_eth_rings_get(&nl, ifidx(av[0]), &r);

	if (err)
		return report("rings-get", err);
	printf("rx=%u have_split=%d split=%u have_hds=%d hds=%u\n", r.rx,
	       r.have_split, r.tcp_data_split, r.have_hds, r.hds_thresh);
	return 0;
}

static int cmd_set_split(char **av)
{
	return report("rings-set", ncd_eth_rings_set(&nl, ifidx(av[0]),
						     atoi(av[1]), -1));
}

static int fake_dmabuf(void)
{
	return memfd_create("not-a-dmabuf", MFD_CLOEXEC);
}

static int cmd_bind_rx(char **av)
{
	uint32_t q[64], id;
	int n = 0;

	for (char **a = av + 1; *a && n < 64; a++)
		q[n++] = strtoul(*a, NULL, 0);
	return report("bind-rx", ncd_nl_bind_rx(&nl, ifidx(av[0]),
						 fake_dmabuf(), q, n, 0, &id));
}

static int cmd_bind_tx(char **av)
{
	uint32_t id;

	return report("bind-tx", ncd_nl_bind_tx(&nl, ifidx(av[0]),
						 fake_dmabuf(), &id));
}

/* ncdevmem's own bind-tx path: prints its one-line error with a hint. */
static int cmd_nic_bind_tx(char **av)
{
	struct ncd_nic nic = { 0 };	/* bind_tx begins only if !journal */
	int err = ncd_nic_bind_tx(&nic, av[0], fake_dmabuf());

	ncd_nic_restore(&nic);
	return err ? ncd_nic_exit_code(err) : 0;
}

static int cmd_nic_bind_rx(char **av)
{
	struct ncd_nic nic;
	int err = ncd_nic_begin(&nic, av[0]);

	if (err)
		return 1;
	nic.queues[0] = 1;
	nic.nqueues = 1;
	err = ncd_nic_bind_rx(&nic, fake_dmabuf(), 0);
	ncd_nic_restore(&nic);
	return err ? ncd_nic_exit_code(err) : 0;
}

static int cmd_ops(char **av)
{
	uint64_t ops;
	int err = ncd_nl_family_ops(&nl, av[0], &ops);

	if (err)
		return report("getfamily", err);
	printf("ops");
	for (int i = 0; i < 64; i++)
		if (ops & (1ULL << i))
			printf(" %d", i);
	printf("\n");
	return 0;
}

static int cmd_xdp(char **av)
{
	printf("xdp_attached=%d\n", ncd_nl_xdp_attached(ifidx(av[0])));
	return 0;
}

static int cmd_ntuple(char **av)
{
	uint32_t loc, n;
	int on = ncd_steer_ntuple_on(av[0]);

	printf("ntuple=%d", on);
	printf(" loc=%d", ncd_steer_free_loc(av[0], &loc));
	printf(" rss=%d\n", ncd_rss_rings(av[0], &n));
	return 0;
}

static int setopt(int fd, int opt)
{
	struct ncd_dmabuf_token t = { .token_start = 1, .token_count = 1 };
	int ret = setsockopt(fd, SOL_SOCKET, opt, &t, sizeof(t));

	printf("setsockopt(%d)=%d errno=%d\n", opt, ret, ret < 0 ? errno : 0);
	return ret;
}

static int cmd_dontneed(char **av)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	setopt(fd, SO_DEVMEM_DONTNEED);
	setopt(fd, 99);
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int nargs;
	int (*fn)(char **av);
} cmds[] = {
	{ "dev", 1, cmd_dev },		{ "queues", 1, cmd_queues },
	{ "pools", 0, cmd_pools },	{ "napi", 1, cmd_napi },
	{ "channels", 1, cmd_channels },
	{ "set-channels", 3, cmd_set_channels },
	{ "hold-channels", 3, cmd_hold_channels },
	{ "rings", 1, cmd_rings },	{ "set-split", 2, cmd_set_split },
	{ "bind-rx", 1, cmd_bind_rx },	{ "bind-tx", 1, cmd_bind_tx },
	{ "nic-bind-tx", 1, cmd_nic_bind_tx },
	{ "nic-bind-rx", 1, cmd_nic_bind_rx },
	{ "ops", 1, cmd_ops },		{ "xdp", 1, cmd_xdp },
	{ "ntuple", 1, cmd_ntuple },	{ "dontneed", 0, cmd_dontneed },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]);
	     i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (argc - 2 < cmds[i].nargs)
			break;
		if (ncd_nl_open(&nl)) {
			fprintf(stderr, "%s\n", nl.err);
			return 1;
		}
		return cmds[i].fn(argv + 2);
	}
	fprintf(stderr, "usage: nl_probe CMD ARGS (see source)\n");
	return 2;
}
