// SPDX-License-Identifier: MIT
/*
 * Negative mode (-f without -s/-c), after the kernel selftest: the kernel
 * must refuse a bind with no queues, a bind with header split off, and
 * shrinking channels below a bound queue; a proper bind must work.
 * Exit 0 all as expected, 4 the device cannot do devmem, 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ethtool_nl.h"
#include "mem.h"
#include "modes.h"
#include "netdev_nl.h"
#include "nic.h"
#include "nic_hint.h"
#include "stop.h"
#include "uapi_devmem.h"

struct neg {
	struct ncd_nic nic;
	struct ncd_mem mem;
	int fd;
	int failed;
};

static void result(struct neg *t, int good, const char *what, const char *why)
{
	printf("%s %s%s%s\n", good ? "[ ok ]" : "[FAIL]", what, why ? ": " : "",
	       why ? why : "");
	fflush(stdout);
	t->failed |= !good;
}

/* bind-rx on the raw socket; unbinds again right away on success. */
static int try_bind(struct neg *t, int nq)
{
	uint32_t id;
	int err = ncd_nl_bind_rx(&t->nic.nl, t->nic.ifindex, t->fd,
				 t->nic.queues, nq, 0, &id);

	if (!err)
		ncd_nic_unbind(&t->nic);
	return err;
}

static void expect_refused(struct neg *t, int nq, const char *what)
{
	int err = try_bind(t, nq);

	result(t, err != 0, what, err ? t->nic.nl.err : "the kernel accepted it");
}

/* Leave only queues below the bound ones; the kernel must say no. */
static void shrink_channels(struct neg *t)
{
	struct ncd_channels c;
	uint32_t keep = t->nic.queues[0];
	int err;

	if (ncd_nic_get_channels(&t->nic, &c)) {
		result(t, 0, "channels-get", NULL);
		return;
	}
	if (c.combined && !c.rx) {
		c.combined = keep;
		c.present = NCD_CH_COMBINED;
	} else {
		c.rx = keep;
		c.present = NCD_CH_RX;
	}
	err = ncd_nic_set_channels(&t->nic, &c);
	result(t, err != 0, "shrinking channels below a bound queue is refused",
	       err ? ncd_nic_ctl_err(&t->nic) : "the kernel accepted it");
}

/* A stop (SIGINT/SIGTERM) ends the tests between steps; main exits 128+N. */
static int stopped(void)
{
	return ncd_stop_signal() ? -EINTR : 0;
}

static int run(struct neg *t, const struct ncd_opts *o)
{
	uint32_t id;
	int err;

	if (!o->no_nic_config &&
	    (err = ncd_nic_rss_equal(&t->nic, t->nic.queues[0])))
		return err;
	if ((err = ncd_nic_set_split(&t->nic, 1)))
		return err;
	expect_refused(t, 0, "bind-rx with an empty queue list is refused");
	if ((err = stopped()) || (err = ncd_nic_set_split(&t->nic, 0)))
		return err;
	expect_refused(t, t->nic.nqueues,
		       "bind-rx with header split off is refused");
	if ((err = stopped()) || (err = ncd_nic_set_split(&t->nic, 1)))
		return err;
	err = ncd_nl_bind_rx(&t->nic.nl, t->nic.ifindex, t->fd, t->nic.queues,
			     t->nic.nqueues, o->rx_page_size, &id);
	if (err) {
		fprintf(stderr, "ncdevmem: %s: %s -> %s\n", t->nic.ifname,
			t->nic.nl.err, ncd_nic_hint(err, t->nic.nl.extack));
		return err;
	}
	result(t, 1, "bind-rx with header split on works", NULL);
	if ((err = stopped()))
		return err;
	shrink_channels(t);
	return 0;
}

int ncd_negative_run(const struct ncd_opts *o)
{
	struct neg t = { .fd = -1 };
	int kind = o->mem == NCD_MEM_CUDA ? NCD_MEM_CUDA : NCD_MEM_UDMABUF;
	struct ncd_nic_plan plan;
	struct ncd_nic_req req;
	int err;

	ncd_opts_nic_req(o, &req);
	req.spread = 1;		/* the upper half: shrinking must cut into it */
	err = ncd_nic_begin(&t.nic, o->ifname);
	if (!err)
		err = ncd_nic_take_queues(&t.nic, &req, &plan);
	if (err) {
		ncd_nic_restore(&t.nic);
		return ncd_nic_exit_code(err);
	}
	err = ncd_mem_open(&t.mem, kind, o->dmabuf_size);
	if (err) {
		fprintf(stderr, "ncdevmem: negative tests need a %s dma-buf, which this machine cannot provide -> see ncdevmem --check -f %s\n",
			ncd_mem_kind_name(kind), o->ifname);
		ncd_nic_restore(&t.nic);
		return NCD_EXIT_SKIP;
	}
	t.fd = t.mem.dmabuf_fd;
	err = run(&t, o);
	ncd_nic_restore(&t.nic);	/* unbind before the memory goes */
	ncd_mem_close(&t.mem);
	if (err)
		return ncd_nic_exit_code(err);
	return t.failed ? NCD_EXIT_FAIL : NCD_EXIT_OK;
}
