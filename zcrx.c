// SPDX-License-Identifier: MIT
/*
 * io_uring zcrx: liburing 2.3 drives the ring; the ifq registration has no
 * liburing helper before 2.10, so it is a raw io_uring_register(2) with
 * the UAPI structs from uapi_devmem.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "zcrx.h"

#define ZCRX_RING_ENTRIES	512
#define ZCRX_USER_DATA		0x7a637278	/* "zcrx" */

const char *ncd_zcrx_reg_hint(int err)
{
	switch (err) {
	case EINVAL:
		return "kernel rejected the request (older than 6.15, ring flags, or a dma-buf area before 6.16)";
	case EOPNOTSUPP:
		return "the driver has no queue API or cannot use a memory provider (zcrx needs a NIC such as mlx5/bnxt/gve/fbnic, not veth/lo; --zcrx-nodev needs none, Linux 7.x)";
	case ENODEV:
		return "the interface has no parent device (virtual devices like veth cannot do zcrx)";
	case EPERM:
		return "needs CAP_NET_ADMIN (run as root)";
	case EEXIST:
		return "the queue already has a memory provider (devmem or another zcrx)";
	case ERANGE:
		return "queue index out of range: check -t and ethtool -l";
	case ENODATA:
		return "the driver did not pick up the provider (no unreadable-netmem page pool)";
	default:
		return "";
	}
}

static int ring_setup(struct ncd_zcrx *z)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_CQE32 | IORING_SETUP_R_DISABLED,
	};
	/* tests only: a tiny CQ makes RECV_ZC end with -ENOSPC (re-arm) */
	const char *cq = getenv("NCD_ZCRX_CQ_ENTRIES");
	unsigned int sq = ZCRX_RING_ENTRIES;
	int ret;

	if (cq && atoi(cq) > 0) {
		p.flags |= IORING_SETUP_CQSIZE;
		p.cq_entries = (unsigned int)atoi(cq);
		sq = p.cq_entries < sq ? p.cq_entries : sq;
	}
	ret = io_uring_queue_init_params(sq, &z->ring, &p);

	if (ret < 0) {
		fprintf(stderr, "zcrx: io_uring setup (DEFER_TASKRUN|SINGLE_ISSUER|CQE32) failed: %s: needs Linux 6.1+ with io_uring enabled (sysctl kernel.io_uring_disabled=0)\n",
			strerror(-ret));
		return ret;
	}
	z->ring_ok = 1;
	/* disabled until the flow's thread enables it: the queue is bound
	 * before the connection exists (payload that arrives first would
	 * not be zero-copy), and with SINGLE_ISSUER the ring belongs to the
	 * task that enables it */
	z->disabled = 1;
	return 0;
}

static int rq_region(struct ncd_zcrx *z, unsigned int entries)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = pg + (size_t)entries * sizeof(struct ncd_io_uring_zcrx_rqe);

	len = (len + pg - 1) & ~((size_t)pg - 1);
	z->rq_mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (z->rq_mem == MAP_FAILED) {
		z->rq_mem = NULL;
		fprintf(stderr, "zcrx: mmap of the refill ring failed: %s\n",
			strerror(errno));
		return -ENOMEM;
	}
	z->rq_mem_len = len;
	return 0;
}

static int fill_area(struct ncd_io_uring_zcrx_area_reg *a, struct ncd_mem *m,
		     int nodev)
{
	long pg = sysconf(_SC_PAGESIZE);

	/* without a device nothing can map a dma-buf: the kernel copies into
	 * memory it can read, so a no-NIC ifq takes host memory only */
	if (m->dmabuf_fd >= 0 && !nodev) {
		a->flags = NCD_IORING_ZCRX_AREA_DMABUF;
		a->dmabuf_fd = m->dmabuf_fd;
		a->addr = 0;
		a->len = m->size;
		return 0;
	}
	if (!m->cpu_addr || (uintptr_t)m->cpu_addr % pg) {
		fprintf(stderr, "zcrx: the %s provider has %s page-aligned host memory\n",
			m->ops ? m->ops->name : "?",
			nodev ? "no (--zcrx-nodev needs)" : "neither a dma-buf nor");
		return -EINVAL;
	}
	a->addr = (uintptr_t)m->cpu_addr;
	a->len = m->size & ~((size_t)pg - 1);
	return 0;
}

static int register_ifq(struct ncd_zcrx *z, int ifindex, int rxq,
			struct ncd_mem *m, unsigned int entries,
			uint32_t rx_buf_len)
{
	struct ncd_io_uring_zcrx_area_reg area = { 0 };
	struct ncd_io_uring_region_desc region = {
		.user_addr = (uintptr_t)z->rq_mem,
		.size = z->rq_mem_len,
		.flags = NCD_IORING_MEM_REGION_TYPE_USER,
	};
	struct ncd_io_uring_zcrx_ifq_reg reg = {
		.if_idx = ifindex,
		.if_rxq = rxq,
		.rq_entries = entries,
		.area_ptr = (uintptr_t)&area,
		.region_ptr = (uintptr_t)&region,
		.rx_buf_len = rx_buf_len,
		.flags = z->nodev ? NCD_ZCRX_REG_NODEV : 0,
	};
	char name[IF_NAMESIZE] = "?";
	int ret = fill_area(&area, m, z->nodev);

	if (ret)
		return ret;
	if (syscall(__NR_io_uring_register, z->ring.ring_fd,
		    NCD_IORING_REGISTER_ZCRX_IFQ, &reg, 1) < 0) {
		int err = errno;
		const char *hint = ncd_zcrx_reg_hint(err);

		if (z->nodev) {
			/* before 7.x the flag is unknown: EINVAL */
			snprintf(z->err, sizeof(z->err),
				 "zcrx: IORING_REGISTER_ZCRX_IFQ with ZCRX_REG_NODEV (no NIC, host area) failed: %s (errno %d)%s",
				 strerror(err), err, err == EINVAL ?
				 ": this kernel has no ZCRX_REG_NODEV (Linux 7.x adds it)" :
				 *hint ? hint : "");
			fprintf(stderr, "%s\n", z->err);
			return err == EINVAL ? -EOPNOTSUPP : -err;
		}

		if_indextoname(ifindex, name);
		snprintf(z->err, sizeof(z->err),
			 "zcrx: IORING_REGISTER_ZCRX_IFQ on %s queue %d (%s area%s) failed: %s (errno %d)%s%s",
			 name, rxq, area.flags ? "dma-buf" : "host",
			 rx_buf_len ? ", rx_buf_len set" : "", strerror(err),
			 err, *hint ? ": " : "",
			 rx_buf_len && err == EINVAL ?
			 "rx_buf_len needs Linux 7.x, a power of 2 the driver takes (-b) and an area aligned to it" :
			 hint);
		fprintf(stderr, "%s\n", z->err);
		return -err;
	}
	z->zcrx_id = reg.zcrx_id;
	z->area_token = area.rq_area_token;
	z->rq_entries = reg.rq_entries;
	z->rq_mask = reg.rq_entries - 1;
	z->rq_head = (uint32_t *)((char *)z->rq_mem + reg.offsets.head);
	z->rq_tail = (uint32_t *)((char *)z->rq_mem + reg.offsets.tail);
	z->rqes = (void *)((char *)z->rq_mem + reg.offsets.rqes);
	return 0;
}

int ncd_zcrx_open(struct ncd_zcrx *z, int ifindex, int rxq, struct ncd_mem *m,
		  unsigned int rq_entries)
{
	return ncd_zcrx_open_buf(z, ifindex, rxq, m, rq_entries, 0);
}

int ncd_zcrx_open_buf(struct ncd_zcrx *z, int ifindex, int rxq,
		      struct ncd_mem *m, unsigned int rq_entries,
		      uint32_t rx_buf_len)
{
	int ret;

	memset(z, 0, sizeof(*z));
	if (!rq_entries)
		rq_entries = 4096;
	ret = ring_setup(z);
	if (ret)
		return ret;
	ret = rq_region(z, rq_entries);
	if (ret)
		goto err;
	ret = register_ifq(z, ifindex, rxq, m, rq_entries, rx_buf_len);
	if (ret)
		goto err;
	return 0;
err:
	ncd_zcrx_close(z);
	return ret;
}

int ncd_zcrx_open_nodev(struct ncd_zcrx *z, struct ncd_mem *m,
			unsigned int rq_entries)
{
	int ret;

	memset(z, 0, sizeof(*z));
	z->nodev = 1;
	if (!rq_entries)
		rq_entries = 4096;
	ret = ring_setup(z);
	if (!ret)
		ret = rq_region(z, rq_entries);
	if (!ret)
		ret = register_ifq(z, 0, 0, m, rq_entries, 0);
	if (ret)
		ncd_zcrx_close(z);
	return ret;
}

/* No page pool consumes a no-NIC ifq's refill ring: returned buffers
 * reach its free list only through ZCRX_CTRL_FLUSH_RQ. */
static int flush_rq(struct ncd_zcrx *z)
{
	struct ncd_zcrx_ctrl c = { .zcrx_id = z->zcrx_id,
				   .op = NCD_ZCRX_CTRL_FLUSH_RQ };

	if (syscall(__NR_io_uring_register, z->ring.ring_fd,
		    NCD_IORING_REGISTER_ZCRX_CTRL, &c, 0) < 0) {
		int err = errno;

		fprintf(stderr, "zcrx: ZCRX_CTRL_FLUSH_RQ failed: %s (errno %d)\n",
			strerror(err), err);
		return -err;
	}
	z->flushes++;
	return 0;
}

void ncd_zcrx_close(struct ncd_zcrx *z)
{
	if (z->ring_ok)
		io_uring_queue_exit(&z->ring);	/* unregisters the ifq */
	z->ring_ok = 0;
	if (z->rq_mem)
		munmap(z->rq_mem, z->rq_mem_len);
	z->rq_mem = NULL;
}

/* ---- fragment source ---- */

struct zcrx_src {
	struct ncd_zcrx *z;
	int fd;
	double idle_s;		/* --idle-timeout, 0 = wait forever */
};

static int arm(struct ncd_zcrx *z, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&z->ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(NCD_IORING_OP_RECV_ZC, sqe, fd, NULL, 0, 0);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
	sqe->file_index = z->zcrx_id;	/* zcrx_ifq_idx shares this slot */
	sqe->user_data = ZCRX_USER_DATA;
	z->armed = 1;
	return 0;
}

/* One CQE -> maybe a fragment; returns 1 (fragment), 0 (none) or -errno. */
static int one_cqe(struct ncd_frag_source *s, struct ncd_zcrx *z,
		   const struct io_uring_cqe *cqe, struct ncd_frag *f)
{
	const struct ncd_io_uring_zcrx_cqe *zc = (const void *)cqe->big_cqe;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		z->armed = 0;
	/* the CQ was full (Linux 7.x): the multishot request ended, nothing
	 * is lost; reap and arm it again */
	if (cqe->res == -ENOSPC && !z->armed) {
		z->rearmed++;
		return 0;
	}
	if (cqe->res < 0) {
		fprintf(stderr, "zcrx: RECV_ZC failed: %s%s\n", strerror(-cqe->res),
			cqe->res == -EFAULT ? ": data could not be placed in the area (dma-buf area and unsplit payload: check header split)" : "");
		return cqe->res;
	}
	if (cqe->res == 0) {
		if (!z->armed)
			z->eof = 1;
		return 0;
	}
	f->off = zc->off & ~NCD_IORING_ZCRX_AREA_MASK;
	f->len = cqe->res;
	f->token = 0;
	f->stream_off = s->stream_off;
	s->stream_off += cqe->res;
	return 1;
}

static int reap(struct ncd_frag_source *s, struct ncd_zcrx *z,
		struct ncd_frag *frags, unsigned int max)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0, n = 0;
	int ret = 0;

	io_uring_for_each_cqe(&z->ring, head, cqe) {
		if (n >= max)
			break;
		seen++;
		ret = one_cqe(s, z, cqe, &frags[n]);
		if (ret < 0)
			break;
		n += ret;
	}
	io_uring_cq_advance(&z->ring, seen);
	return ret < 0 ? ret : (int)n;
}

/* Submit and wait for one CQE, at most @secs (0: no bound); -ETIME. */
static int wait_cqe(struct ncd_zcrx *z, double secs)
{
	struct __kernel_timespec ts = { .tv_sec = (long long)secs,
		.tv_nsec = (long long)((secs - (long long)secs) * 1e9) };
	struct io_uring_cqe *cqe;

	if (secs <= 0)
		return io_uring_submit_and_wait(&z->ring, 1);
	return io_uring_submit_and_wait_timeout(&z->ring, &cqe, 1, &ts, NULL);
}

static int zcrx_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		     unsigned int max)
{
	struct zcrx_src *x = s->priv;
	struct ncd_zcrx *z = x->z;
	int n, ret;

	for (;;) {
		n = reap(s, z, frags, max);
		if (n)
			return n;
		if (z->eof)
			return 0;
		if (!z->armed && (ret = arm(z, x->fd)))
			return ret;
		ret = wait_cqe(z, x->idle_s);
		if (ret == -ETIME)
			return -EAGAIN;	/* rx_loop says: the peer went silent */
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "zcrx: io_uring_submit_and_wait failed: %s\n",
				strerror(-ret));
			return ret;
		}
	}
}

static int zcrx_release(struct ncd_frag_source *s, const struct ncd_frag *frags,
			unsigned int n)
{
	struct ncd_zcrx *z = ((struct zcrx_src *)s->priv)->z;
	uint32_t head = __atomic_load_n(z->rq_head, __ATOMIC_ACQUIRE);

	if (z->rq_tail_local - head + n > z->rq_entries) {
		fprintf(stderr, "zcrx: refill ring full (%u entries): buffers returned faster than the kernel takes them\n",
			z->rq_entries);
		return -ENOBUFS;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct ncd_io_uring_zcrx_rqe *r = &z->rqes[z->rq_tail_local++ & z->rq_mask];

		r->off = frags[i].off | z->area_token;
		r->len = frags[i].len;
		r->__pad = 0;
	}
	__atomic_store_n(z->rq_tail, z->rq_tail_local, __ATOMIC_RELEASE);
	return z->nodev ? flush_rq(z) : 0;
}

/* One CQE during the cancel: its payload goes straight back (no one
 * reads it), so a --forever server's next run has every buffer. */
static void drop_cqe(struct ncd_frag_source *s, struct ncd_zcrx *z,
		     const struct io_uring_cqe *cqe)
{
	struct ncd_frag f;

	if (cqe->user_data != ZCRX_USER_DATA)
		return;		/* the cancel's own completion */
	if (cqe->res < 0) {	/* -ECANCELED: what we asked for */
		if (!(cqe->flags & IORING_CQE_F_MORE))
			z->armed = 0;
		return;
	}
	if (one_cqe(s, z, cqe, &f) == 1)
		zcrx_release(s, &f, 1);
}

/*
 * The flow ended before the stream did (--bytes reached, a stop, a
 * failure): the multishot RECV_ZC is still armed and holds a reference
 * to the socket, so closing the fd would not close the connection and the
 * sender would wait for our end (--idle-timeout).  Cancel it and wait,
 * bounded, for its last CQE.
 */
static void cancel_recv(struct ncd_frag_source *s, struct ncd_zcrx *z)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int head, seen;

	if (!z->armed || z->disabled || !(sqe = io_uring_get_sqe(&z->ring)))
		return;
	io_uring_prep_cancel64(sqe, ZCRX_USER_DATA, 0);
	sqe->user_data = 0;
	for (int tries = 0; z->armed && tries < 20; tries++) {
		if (wait_cqe(z, 0.1) < 0 && io_uring_cq_ready(&z->ring) == 0)
			continue;
		seen = 0;
		io_uring_for_each_cqe(&z->ring, head, cqe) {
			seen++;
			drop_cqe(s, z, cqe);
		}
		io_uring_cq_advance(&z->ring, seen);
	}
	if (z->armed)
		fprintf(stderr, "zcrx: the receive request did not end within 2 s of its cancel: the connection closes when the ring goes\n");
	z->armed = 0;
}

static void zcrx_src_close(struct ncd_frag_source *s)
{
	struct zcrx_src *x = s->priv;

	if (x)
		cancel_recv(s, x->z);
	free(s->priv);
	s->priv = NULL;
}

int ncd_zcrx_source_open(struct ncd_frag_source *s, struct ncd_zcrx *z, int fd,
			 double idle_s)
{
	struct zcrx_src *x;
	int ret;

	if (z->disabled) {
		/* IORING_REGISTER_ENABLE_RINGS (liburing 2.3 lacks the helper) */
		if (syscall(__NR_io_uring_register, z->ring.ring_fd, 12, NULL, 0) < 0) {
			ret = -errno;
			fprintf(stderr, "zcrx: enabling the io_uring failed: %s\n",
				strerror(-ret));
			return ret;
		}
		z->disabled = 0;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->z = z;
	x->fd = fd;
	x->idle_s = idle_s;
	z->eof = 0;
	memset(s, 0, sizeof(*s));
	s->name = "zcrx";
	s->next = zcrx_next;
	s->release = zcrx_release;
	s->close = zcrx_src_close;
	s->priv = x;
	return 0;
}
