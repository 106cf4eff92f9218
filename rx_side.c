// SPDX-License-Identifier: MIT
/* The receiving end of a run; see rx_side.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "copy_path.h"
#include "devmem_path.h"
#include "rx_loop.h"
#include "rx_side.h"
#include "zcrx_path.h"

static const struct ncd_rx_path_ops *const rx_paths[] = {
	[NCD_MODE_COPY] = &ncd_copy_rx_path,
	[NCD_MODE_DEVMEM] = &ncd_devmem_rx_path,
	[NCD_MODE_ZCRX] = &ncd_zcrx_rx_path,
};

/* netcat behaviour: payload to stdout, through copy_out when needed. */
static int write_out(struct ncd_rx_side *s, const struct ncd_frag *fr,
		     unsigned int n)
{
	struct ncd_mem *m = &s->mem;

	for (unsigned int i = 0; i < n; i++) {
		const char *p = (const char *)m->cpu_addr + fr[i].off;
		size_t len = fr[i].len, done = 0;

		if (!m->cpu_addr) {
			if (m->ops->copy_out(m, fr[i].off, s->out_buf, len))
				return -EIO;
			p = s->out_buf;
		}
		while (done < len) {
			ssize_t w = write(STDOUT_FILENO, p + done, len - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -errno;
			done += w;
		}
	}
	return 0;
}

static int side_write_out(void *ctx, const struct ncd_frag *fr, unsigned int n)
{
	return write_out(ctx, fr, n);
}

/* A receive that gets nothing for --idle-timeout fails with EAGAIN. */
static void set_idle_timeout(int fd, double secs)
{
	struct timeval tv = { .tv_sec = (time_t)secs,
			      .tv_usec = (long)((secs - (time_t)secs) * 1e6) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* The NAPI (so the RX queue) the flow's last packet came through. */
static void note_napi(struct ncd_flow *f, int fd)
{
	unsigned int id = 0;
	socklen_t len = sizeof(id);

	if (!getsockopt(fd, SOL_SOCKET, SO_INCOMING_NAPI_ID, &id, &len))
		f->st->napi_id = id;
}

void ncd_rx_side_flow(struct ncd_flow *f, struct ncd_rx_side *s, int fd)
{
	const struct ncd_rx_path_ops *ops = s->path.ops;
	struct ncd_frag_source src;
	struct ncd_rx x = { .f = f, .src = &src, .fd = fd,
			    .path_reports = ops->reports_errors,
			    .limit = f->run->o->bytes,
			    .idle_s = f->run->o->idle_timeout_s,
			    .write_payload = s->write_payload,
			    .write_out = side_write_out, .ctx = s };
	const char *why = "validation queue";
	int ret;

	set_idle_timeout(fd, f->run->o->idle_timeout_s);
	ret = ncd_vq_open(&x.q, &s->mem, &f->run->o->pat, &f->st->verdict,
			  NCD_RX_DEPTH, NCD_RX_BATCH);
	if (!ret) {
		why = "receive path";
		ret = ops->open(&s->path, f->side_idx, fd, &x.q, &src);
	}
	if (ret) {
		ncd_flow_error(f, "cannot set up the %s %s: %s", ops->name, why,
			       strerror(-ret));
		ncd_vq_close(&x.q);
		return;
	}
	ncd_rx_loop(&x);
	note_napi(f, fd);
	ncd_vq_close(&x.q);	/* the GPU is done with the source's buffers */
	if (ops->close(&s->path, &src, &f->st->counters))
		ncd_flow_record(f, "giving tokens back at the end failed");
}

int ncd_rx_side_setup(struct ncd_rx_side *s, const struct ncd_opts *o,
		      const struct ncd_nic_req *nic)
{
	int ret;

	s->mem.gpu_sel = o->gpu;
	s->mem.ifname = o->ifname;
	/* --udmabuf-pages; auto: 2 MiB pages for an rx-page-size above 4K */
	s->mem.hugetlb = ncd_udmabuf_hugetlb(o);
	ret = ncd_mem_open(&s->mem, o->mem, o->dmabuf_size);
	if (ret)
		return ret;
	if (!s->mem.cpu_addr && !(s->out_buf = malloc(256 << 10)))
		return -ENOMEM;
	s->cfg = (struct ncd_rx_cfg){ .flows = o->flows,
				      .fail_linear = o->fail_linear,
				      .rx_page_size = o->rx_page_size,
				      .zcrx_nodev = o->zcrx_nodev,
				      .quiet = o->json,
				      .idle_s = o->idle_timeout_s, .nic = *nic };
	s->write_payload = o->pat.kind == NCD_PAT_NONE && !o->discard;
	s->path = (struct ncd_rx_path){ .ops = rx_paths[o->mode],
					.cfg = &s->cfg, .m = &s->mem };
	return s->path.ops->setup(&s->path);
}

void ncd_rx_side_teardown(struct ncd_rx_side *s)
{
	if (s->path.ops)
		s->path.ops->teardown(&s->path);
	free(s->out_buf);
	ncd_mem_close(&s->mem);
	memset(s, 0, sizeof(*s));
}
