// SPDX-License-Identifier: MIT
/*
 * Receive paths that need the kernel's help.  devmem: prepare the NIC
 * (header split, RSS, flow rule; journaled), bind the provider's dma-buf to
 * the chosen RX queues, then one recvmsg(MSG_SOCK_DEVMEM) source per flow.
 * zcrx: the same NIC preparation, then an io_uring with the queue and the
 * provider's memory registered as its area, created on the flow's thread
 * (the ring is SINGLE_ISSUER).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "devmem_rx.h"
#include "zcrx.h"
#include "nic.h"
#include "role.h"
#include "run.h"
#include "sources.h"

static int devmem_open(struct ncd_rx_path *p, struct ncd_flow *f, int fd,
		       struct ncd_mem *m, struct ncd_frag_source *src)
{
	struct ncd_nic *nic = p->priv;
	struct ncd_devmem_rx_cfg cfg = {
		.dmabuf_id = nic->dmabuf_id,
		.fail_linear = p->o->fail_linear,
		.dmabuf_size = m->size,
		.flows = p->o->flows,
	};

	return ncd_devmem_source_open(src, fd, m, &cfg);
}

/* Payload the kernel put in host memory is a steering/header-split failure. */
static void devmem_flow_done(struct ncd_rx_path *p, struct ncd_flow *f,
			     struct ncd_frag_source *src)
{
	struct ncd_devmem_rx_stats st;

	if (ncd_devmem_source_flush(src))
		ncd_flow_record(f, "giving tokens back at the end failed");
	ncd_devmem_source_stats(src, &st);
	f->st->linear_bytes = st.linear_bytes;
	f->st->tokens_released = st.tokens_released;
	f->st->dontneed_calls = st.dontneed_calls;
	for (int i = 0; i < NCD_FLUSH_NR && i < 4; i++)
		f->st->dontneed_by[i] = st.dontneed_by[i];
}

static void devmem_teardown(struct ncd_rx_path *p)
{
	ncd_nic_restore(p->priv);
	free(p->priv);
	p->priv = NULL;
}

static int devmem_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
			struct ncd_mem *m)
{
	struct ncd_nic *nic;
	int ret;

	if (m->dmabuf_fd < 0) {	/* a capability this machine lacks: skip */
		if (m->dmabuf_err)
			fprintf(stderr, "%s\n", m->dmabuf_err);
		else
			fprintf(stderr, "ncdevmem: devmem needs a dma-buf, %s memory has none: use --mem udmabuf or --mem cuda\n",
				ncd_mem_kind_name(m->kind));
		return -EOPNOTSUPP;
	}
	nic = calloc(1, sizeof(*nic));
	if (!nic)
		return -ENOMEM;
	p->priv = nic;
	p->teardown = devmem_teardown;
	ret = ncd_nic_prepare_rx(nic, o);
	if (!ret)
		ret = ncd_nic_bind_rx(nic, m->dmabuf_fd, o->rx_page_size);
	if (ret)
		return ret;
	if (!o->json)
		fprintf(stderr, "ncdevmem: bound dma-buf (id %u) to %s RX queue%s %u..%u\n",
			nic->dmabuf_id, nic->ifname, nic->nqueues > 1 ? "s" : "",
			nic->queues[0], nic->queues[nic->nqueues - 1]);
	p->open_source = devmem_open;
	p->flow_done = devmem_flow_done;
	return 0;
}

struct zcrx_path {
	struct ncd_nic nic;
	struct ncd_zcrx z;
	int z_open;
};

static int zcrx_open(struct ncd_rx_path *p, struct ncd_flow *f, int fd,
		     struct ncd_mem *m, struct ncd_frag_source *src)
{
	struct zcrx_path *zp = p->priv;

	(void)m;	/* registered at setup, before the connection exists */
	return ncd_zcrx_source_open(src, &zp->z, fd);
}

static void zcrx_teardown(struct ncd_rx_path *p)
{
	struct zcrx_path *zp = p->priv;

	if (zp->z_open && zp->z.rearmed && p->o->verbose)
		fprintf(stderr, "zcrx: RECV_ZC re-armed %lu times after -ENOSPC (CQ full)\n",
			zp->z.rearmed);
	if (zp->z_open)
		ncd_zcrx_close(&zp->z);
	ncd_nic_restore(&zp->nic);
	free(zp);
	p->priv = NULL;
}

static int zcrx_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
		      struct ncd_mem *m)
{
	struct zcrx_path *zp;
	int ret;

	if (o->flows != 1) {
		/* one registered queue and one area per run: a second flow
		 * would need its own queue and its own memory */
		fprintf(stderr, "ncdevmem: --zcrx receives one flow per run: drop -P %u\n",
			o->flows);
		return -EINVAL;
	}
	zp = calloc(1, sizeof(*zp));
	if (!zp)
		return -ENOMEM;
	p->priv = zp;
	p->teardown = zcrx_teardown;
	p->open_source = zcrx_open;
	ret = ncd_nic_prepare_rx(&zp->nic, o);
	if (ret)
		return ret;
	/* bind the queue now: payload that reaches it before the ifq exists
	 * lands in ordinary pages, which a dma-buf area cannot take */
	ret = ncd_zcrx_open_buf(&zp->z, zp->nic.ifindex, zp->nic.queues[0], m,
				0, o->rx_page_size);
	if (ret)
		return ret;
	zp->z_open = 1;
	return 0;
}

int ncd_rx_path_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
		      struct ncd_mem *m)
{
	p->o = o;
	if (o->mode == NCD_MODE_DEVMEM)
		return devmem_setup(p, o, m);
	return zcrx_setup(p, o, m);
}
