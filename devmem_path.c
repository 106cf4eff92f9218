// SPDX-License-Identifier: MIT
/*
 * devmem as a receive and a transmit path.  RX: prepare the NIC (header
 * split, RSS, flow rule; journaled), bind the provider's dma-buf to the
 * planned queues, then one recvmsg(MSG_SOCK_DEVMEM) source per flow.  TX:
 * the payload in a dma-buf bound with bind-tx, one zerocopy sink per flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "devmem_path.h"
#include "devmem_rx.h"
#include "devmem_tx.h"
#include "nic.h"
#include "pattern.h"

/* A capability this machine lacks (no dma-buf): a skip. */
static int need_dmabuf(const struct ncd_mem *m)
{
	if (m->dmabuf_fd >= 0)
		return 0;
	if (m->dmabuf_err)
		fprintf(stderr, "%s\n", m->dmabuf_err);
	else
		fprintf(stderr, "ncdevmem: devmem needs a dma-buf, %s memory has none: use --mem udmabuf or --mem cuda\n",
			ncd_mem_kind_name(m->kind));
	return -EOPNOTSUPP;
}

/*
 * bind-rx or bind-tx; when the NIC cannot attach the dma-buf (ENOTSUPP)
 * and the provider can export it another way, once more with that one.
 */
static int bind_dmabuf(struct ncd_mem *m, int (*bind)(void *arg, int fd),
		       void *arg)
{
	int ret = bind(arg, m->dmabuf_fd);

	if (ret != -NCD_ENOTSUPP || !m->ops->reexport || m->ops->reexport(m))
		return ret;
	fprintf(stderr, "ncdevmem: the NIC could not attach the %s dma-buf (ENOTSUPP): exported it the other way, binding again\n",
		m->ops->name);
	return bind(arg, m->dmabuf_fd);
}

struct rx_bind {
	struct ncd_nic *nic;
	uint32_t rx_page_size;
};

static int bind_rx(void *arg, int fd)
{
	struct rx_bind *b = arg;

	return ncd_nic_bind_rx(b->nic, fd, b->rx_page_size);
}

static int rx_setup(struct ncd_rx_path *p)
{
	struct ncd_nic *nic;
	int ret = need_dmabuf(p->m);

	if (ret)
		return ret;
	nic = calloc(1, sizeof(*nic));
	if (!nic)
		return -ENOMEM;
	p->priv = nic;
	ret = ncd_nic_prepare_rx(nic, &p->cfg->nic);
	if (!ret)
		ret = bind_dmabuf(p->m, bind_rx, &(struct rx_bind){
			.nic = nic, .rx_page_size = p->cfg->rx_page_size });
	if (ret)
		return ret;
	p->nic = nic;
	if (!p->cfg->quiet)
		fprintf(stderr, "ncdevmem: bound dma-buf (id %u) to %s RX queue%s %u..%u\n",
			nic->dmabuf_id, nic->ifname, nic->nqueues > 1 ? "s" : "",
			nic->queues[0], nic->queues[nic->nqueues - 1]);
	return 0;
}

static int rx_open(struct ncd_rx_path *p, unsigned int idx, int fd,
		   struct ncd_vq *q, struct ncd_frag_source *src)
{
	struct ncd_nic *nic = p->priv;
	struct ncd_devmem_rx_cfg cfg = {
		.dmabuf_id = nic->dmabuf_id,
		.fail_linear = p->cfg->fail_linear,
		.dmabuf_size = p->m->size,
		.flows = p->cfg->flows,
	};

	return ncd_devmem_source_open(src, fd, p->m, &cfg);
}

static void publish(const struct ncd_devmem_rx_stats *st, struct ncd_counters *out)
{
	static const char *const by[NCD_FLUSH_NR] = {
		"dontneed_by.limit", "dontneed_by.held", "dontneed_by.idle",
		"dontneed_by.end",
	};

	out->group = "devmem";
	ncd_counter_add(out, "frags", st->frags, 0);
	ncd_counter_add(out, "tokens_released", st->tokens_released, 0);
	ncd_counter_add(out, "dontneed_calls", st->dontneed_calls, 0);
	ncd_counter_add(out, "frags_per_dontneed", st->dontneed_calls ?
			(double)st->tokens_released / st->dontneed_calls : 0, 1);
	for (int i = 0; i < NCD_FLUSH_NR; i++)
		ncd_counter_add(out, by[i], st->dontneed_by[i], 0);
	out->linear_bytes = st->linear_bytes;
}

/* Tokens go back before the counters are read (--bytes may stop early). */
static int rx_close(struct ncd_rx_path *p, struct ncd_frag_source *src,
		    struct ncd_counters *out)
{
	struct ncd_devmem_rx_stats st;
	int ret = ncd_devmem_source_flush(src);

	ncd_devmem_source_stats(src, &st);
	publish(&st, out);
	src->close(src);
	return ret;
}

static void rx_teardown(struct ncd_rx_path *p)
{
	if (!p->priv)
		return;
	ncd_nic_restore(p->priv);
	free(p->priv);
	p->priv = NULL;
	p->nic = NULL;
}

const struct ncd_rx_path_ops ncd_devmem_rx_path = {
	.name = "devmem",
	.reports_errors = 1,
	.setup = rx_setup,
	.open = rx_open,
	.close = rx_close,
	.teardown = rx_teardown,
};

struct devmem_tx {
	struct ncd_mem mem;	/* the payload, in a dma-buf */
	size_t payload_len;	/* whole periods >= 2 chunks, or one chunk */
	struct ncd_nic nic;	/* bind-tx, restored at teardown */
	const char *ifname;
	int mem_open;
};

/* A whole number of periods, at least two chunks, so that any send of up
 * to NCD_TX_CHUNK bytes starting at (offset % period) is contiguous. */
static size_t payload_size(const struct ncd_pattern *p)
{
	uint64_t periods = (2 * NCD_TX_CHUNK + p->period - 1) / p->period;

	return p->period * (periods ? periods : 1);
}

/* Write the pattern into the provider, 1 MiB at a time through copy_in. */
static int fill_provider(struct ncd_mem *m, const struct ncd_pattern *p,
			 size_t len)
{
	size_t step = 1 << 20;
	uint8_t *tmp = malloc(step);
	int ret = 0;

	if (!tmp)
		return -ENOMEM;
	for (size_t off = 0; off < len && !ret; off += step) {
		size_t n = len - off < step ? len - off : step;

		ncd_pattern_fill(p, off, tmp, n);
		ret = m->ops->copy_in(m, off, tmp, n);
	}
	free(tmp);
	return ret;
}

static int bind_tx(void *arg, int fd)
{
	struct devmem_tx *x = arg;

	return ncd_nic_bind_tx(&x->nic, x->ifname, fd);
}

/* Constant payload (zerocopy needs bytes that stay put): the pattern, or a
 * staging chunk for stdin, in a dma-buf bound with bind-tx. */
static int tx_setup(struct ncd_tx_path *p)
{
	const struct ncd_tx_cfg *cfg = p->cfg;
	size_t size = cfg->pat ? payload_size(cfg->pat) : NCD_TX_CHUNK;
	struct devmem_tx *x;
	int ret;

	if (cfg->mem == NCD_MEM_HOST) {
		fprintf(stderr, "ncdevmem: devmem TX needs a dma-buf, host memory has none: use --mem udmabuf or --mem cuda\n");
		return -EINVAL;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	p->priv = x;
	size = (size + 4095) & ~(size_t)4095;
	x->mem.gpu_sel = cfg->gpu;
	x->mem.ifname = cfg->ifname;
	x->ifname = cfg->ifname;
	ret = ncd_mem_open(&x->mem, cfg->mem, size);
	if (ret)
		return ret;
	x->mem_open = 1;
	x->payload_len = size;
	if (cfg->pat && (ret = fill_provider(&x->mem, cfg->pat, size)))
		return ret;
	return bind_dmabuf(&x->mem, bind_tx, x);
}

static int tx_open(struct ncd_tx_path *p, unsigned int idx, int fd,
		   struct ncd_tx_flow *fl)
{
	struct devmem_tx *x = p->priv;

	return ncd_devmem_sink_open(&fl->sink, fd, x->nic.tx_dmabuf_id,
				    p->cfg->max_chunk);
}

/* Stream offset o is at buffer offset o % period; never past the buffer. */
static uint64_t tx_place(struct ncd_tx_path *p, struct ncd_tx_flow *fl,
			 uint64_t off, size_t *len)
{
	struct devmem_tx *x = p->priv;
	uint64_t buf_off = off % p->cfg->pat->period;

	if (*len > x->payload_len - buf_off)
		*len = x->payload_len - buf_off;
	return buf_off;
}

/* Into the dma-buf at offset 0, once the previous chunk's zerocopy
 * completions are in. */
static int tx_stage(struct ncd_tx_path *p, struct ncd_tx_flow *fl, size_t len)
{
	struct devmem_tx *x = p->priv;
	int ret = fl->sink.finish(&fl->sink);

	return ret ? ret : x->mem.ops->copy_in(&x->mem, 0, fl->stdin_buf, len);
}

static void tx_close(struct ncd_tx_path *p, struct ncd_tx_flow *fl)
{
	fl->sink.close(&fl->sink);
}

static void tx_teardown(struct ncd_tx_path *p)
{
	struct devmem_tx *x = p->priv;

	if (!x)
		return;
	ncd_nic_restore(&x->nic);	/* unbind before the memory goes */
	if (x->mem_open)
		ncd_mem_close(&x->mem);
	free(x);
	p->priv = NULL;
}

const struct ncd_tx_path_ops ncd_devmem_tx_path = {
	.name = "devmem",
	.bind_device = 1,
	.setup = tx_setup,
	.open = tx_open,
	.place = tx_place,
	.stage = tx_stage,
	.close = tx_close,
	.teardown = tx_teardown,
};
