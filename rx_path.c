// SPDX-License-Identifier: MIT
/*
 * Receive paths that need the kernel's help.  devmem: prepare the NIC
 * (header split, RSS, flow rule; journaled), bind the provider's dma-buf to
 * the chosen RX queues, then one recvmsg(MSG_SOCK_DEVMEM) source per flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "devmem_rx.h"
#include "nic.h"
#include "role.h"
#include "run.h"
#include "sources.h"

static int devmem_open(struct ncd_rx_path *p, struct ncd_flow *f, int fd,
		       struct ncd_mem *m, struct ncd_frag_source *src)
{
	struct ncd_nic *nic = p->priv;

	return ncd_devmem_source_open(src, fd, m, nic->dmabuf_id, p->o);
}

/* Payload the kernel put in host memory is a steering/header-split failure. */
static void devmem_flow_done(struct ncd_rx_path *p, struct ncd_flow *f,
			     struct ncd_frag_source *src)
{
	struct ncd_devmem_rx_stats st;

	ncd_devmem_source_stats(src, &st);
	f->st->linear_bytes = st.linear_bytes;
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

	if (m->dmabuf_fd < 0) {
		fprintf(stderr, "ncdevmem: devmem needs a dma-buf, %s memory has none: use --mem udmabuf or --mem cuda\n",
			ncd_mem_kind_name(m->kind));
		return -EINVAL;
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

int ncd_rx_path_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
		      struct ncd_mem *m)
{
	p->o = o;
	if (o->mode == NCD_MODE_DEVMEM)
		return devmem_setup(p, o, m);
	fprintf(stderr, "ncdevmem: --mode %s is not available in this build: use --copy or --devmem\n",
		ncd_mode_name(o->mode));
	return -EOPNOTSUPP;
}
