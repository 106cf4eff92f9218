// SPDX-License-Identifier: MIT
/*
 * zcrx as a receive path: the same NIC preparation as devmem, then an
 * io_uring with the planned queue and the provider's memory registered as
 * its area.  The queue is registered at set-up, before any connection:
 * payload that reaches it earlier lands in ordinary pages, which a dma-buf
 * area cannot take (RECV_ZC fails with -ENOMEM).  The ring starts disabled
 * and the flow's thread enables it (it is SINGLE_ISSUER).
 * --zcrx-nodev registers no queue at all (ZCRX_REG_NODEV, Linux 7.x): the
 * kernel copies payload into the area, on any interface.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "counters.h"
#include "nic.h"
#include "zcrx.h"
#include "zcrx_path.h"

struct zcrx_path {
	struct ncd_nic nic;
	struct ncd_zcrx z;
	int z_open;
};

static int zp_setup(struct ncd_rx_path *p)
{
	struct zcrx_path *zp;
	int ret;

	if (p->cfg->flows != 1) {
		/* one registered queue and one area per run: a second flow
		 * would need its own queue and its own memory */
		fprintf(stderr, "ncdevmem: --zcrx receives one flow per run: drop -P %u\n",
			p->cfg->flows);
		return -EINVAL;
	}
	zp = calloc(1, sizeof(*zp));
	if (!zp)
		return -ENOMEM;
	p->priv = zp;
	/* no NIC: nothing to prepare or restore, any socket (lo too) */
	if (p->cfg->zcrx_nodev) {
		ret = ncd_zcrx_open_nodev(&zp->z, p->m, 0);
		zp->z_open = !ret;
		return ret;
	}
	ret = ncd_nic_prepare_rx(&zp->nic, &p->cfg->nic);
	if (!ret)
		ret = ncd_zcrx_open_buf(&zp->z, zp->nic.ifindex, zp->nic.queues[0],
					p->m, 0, p->cfg->rx_page_size);
	zp->z_open = !ret;
	return ret;
}

static int zp_open(struct ncd_rx_path *p, unsigned int idx, int fd,
		   struct ncd_vq *q, struct ncd_frag_source *src)
{
	struct zcrx_path *zp = p->priv;

	return ncd_zcrx_source_open(src, &zp->z, fd, p->cfg->idle_s);
}

static int zp_close(struct ncd_rx_path *p, struct ncd_frag_source *src,
		    struct ncd_counters *out)
{
	struct zcrx_path *zp = p->priv;

	src->close(src);
	/* a full CQ ends RECV_ZC with -ENOSPC: reaped and re-armed, counted */
	out->group = "zcrx";
	ncd_counter_add(out, "rearmed_after_enospc", zp->z.rearmed, 0);
	if (zp->z.nodev)
		ncd_counter_add(out, "rq_flushes", zp->z.flushes, 0);
	return 0;
}

static void zp_teardown(struct ncd_rx_path *p)
{
	struct zcrx_path *zp = p->priv;

	if (!zp)
		return;
	if (zp->z_open)
		ncd_zcrx_close(&zp->z);
	ncd_nic_restore(&zp->nic);
	free(zp);
	p->priv = NULL;
}

const struct ncd_rx_path_ops ncd_zcrx_rx_path = {
	.name = "zcrx",
	.reports_errors = 1,
	.setup = zp_setup,
	.open = zp_open,
	.close = zp_close,
	.teardown = zp_teardown,
};
