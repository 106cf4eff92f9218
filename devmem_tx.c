// SPDX-License-Identifier: MIT
/*
 * devmem TX sink: sendmsg(MSG_ZEROCOPY) whose iovs are byte offsets into
 * the bound dma-buf, tagged with an SCM_DEVMEM_DMABUF cmsg (u32 bind-tx
 * id).  Zerocopy completions are reaped as they become pending (a cheap
 * poll every few sends), and finish() waits for the rest.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "devmem_tx.h"
#include "uapi_devmem.h"

#define TX_MAX_IOV	1024
#define TX_REAP_EVERY	16	/* sends between non-blocking reaps */
#define TX_FINISH_MS	10000

int ncd_zc_complete(struct ncd_zc *z, uint32_t lo, uint32_t hi, int copied)
{
	uint64_t n = (uint64_t)(uint32_t)(hi - lo) + 1;
	/* how far back from the newest issued id @hi lies */
	uint32_t age = (uint32_t)z->issued - 1 - hi;

	/* ranges normally arrive in order but skbs may be freed out of order,
	 * so only check the count and that @hi was issued */
	if (n > ncd_zc_outstanding(z) || age >= z->issued) {
		snprintf(z->err, sizeof(z->err),
			 "zerocopy completion [%u, %u] for sends never issued (%llu outstanding, newest id %u)",
			 lo, hi, (unsigned long long)ncd_zc_outstanding(z),
			 (uint32_t)z->issued - 1);
		return -EPROTO;
	}
	z->completed += n;
	if (copied)
		z->copied += n;
	return 0;
}

static int one_err(struct ncd_zc *z, const struct sock_extended_err *e)
{
	if (e->ee_origin != SO_EE_ORIGIN_ZEROCOPY) {
		snprintf(z->err, sizeof(z->err), "send failed: %s",
			 strerror(e->ee_errno));
		return -(int)(e->ee_errno ? e->ee_errno : EIO);
	}
	if (e->ee_errno) {
		snprintf(z->err, sizeof(z->err), "zerocopy send failed: %s",
			 strerror(e->ee_errno));
		return -(int)e->ee_errno;
	}
	return ncd_zc_complete(z, e->ee_info, e->ee_data,
			       e->ee_code & SO_EE_CODE_ZEROCOPY_COPIED);
}

int ncd_zc_parse(struct ncd_zc *z, const struct msghdr *msg)
{
	struct msghdr m = *msg;
	struct cmsghdr *cm;
	struct sock_extended_err e;
	int n = 0, ret;

	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
			continue;
		if (cm->cmsg_len < CMSG_LEN(sizeof(e))) {
			snprintf(z->err, sizeof(z->err), "truncated error-queue message");
			return -EBADMSG;
		}
		memcpy(&e, CMSG_DATA(cm), sizeof(e));
		ret = one_err(z, &e);
		if (ret)
			return ret;
		z->notifications++;
		n++;
	}
	return n;
}

static int drain(struct ncd_zc *z, int fd)
{
	char ctrl[CMSG_SPACE(sizeof(struct sock_extended_err) + 64)];
	struct msghdr msg;
	int total = 0, ret;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_control = ctrl;
		msg.msg_controllen = sizeof(ctrl);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return total;
			snprintf(z->err, sizeof(z->err),
				 "recvmsg(MSG_ERRQUEUE) failed: %s", strerror(errno));
			return -errno;
		}
		ret = ncd_zc_parse(z, &msg);
		if (ret < 0)
			return ret;
		total += ret;
	}
}

int ncd_zc_reap(struct ncd_zc *z, int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = 0 };
	int ret = poll(&p, 1, timeout_ms);

	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	if (!(p.revents & POLLERR))
		return 0;
	return drain(z, fd);
}

struct devmem_tx {
	uint32_t id;
	uint32_t max_chunk;
	unsigned int since_reap;
	struct ncd_zc zc;
	struct iovec iov[TX_MAX_IOV];
};

static const char *send_hint(int err)
{
	switch (err) {
	case EINVAL:
		return "no TX binding with this id on the socket's device, or the device cannot send from a dma-buf: run bind-tx on -f IF and use its id";
	case ENODEV:
		return "the socket's route does not leave through the bound device: SO_BINDTODEVICE to -f IF";
	case EHOSTUNREACH:
		return "no route through the bound device";
	case EFAULT:
		return "iov offset outside the dma-buf, or the kernel ignored the devmem cmsg (kernel older than 6.16?)";
	case EOPNOTSUPP:
		return "the driver has no netmem TX";
	default:
		return "";
	}
}

static int build_iov(struct devmem_tx *x, uint64_t off, size_t len)
{
	size_t chunk = x->max_chunk ? x->max_chunk : len;
	int n = 0;

	while (len && n < TX_MAX_IOV) {
		size_t l = len < chunk ? len : chunk;

		x->iov[n].iov_base = (void *)(uintptr_t)off;
		x->iov[n].iov_len = l;
		off += l;
		len -= l;
		n++;
	}
	return n;
}

static int reap_some(struct ncd_tx_sink *t, struct devmem_tx *x, int timeout)
{
	int ret = ncd_zc_reap(&x->zc, t->fd, timeout);

	if (ret < 0)
		fprintf(stderr, "devmem tx: %s\n", x->zc.err);
	return ret;
}

static long send_once(struct ncd_tx_sink *t, struct devmem_tx *x,
		      uint64_t off, size_t len)
{
	char ctrl[CMSG_SPACE(sizeof(uint32_t))] __attribute__((aligned(8))) = { 0 };
	struct msghdr msg = {
		.msg_iov = x->iov,
		.msg_control = ctrl,
		.msg_controllen = sizeof(ctrl),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_DEVMEM_DMABUF;
	cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	memcpy(CMSG_DATA(cm), &x->id, sizeof(x->id));
	msg.msg_iovlen = build_iov(x, off, len);
	return sendmsg(t->fd, &msg, MSG_ZEROCOPY | MSG_NOSIGNAL);
}

static long devmem_send(struct ncd_tx_sink *t, uint64_t buf_off, size_t len)
{
	struct devmem_tx *x = t->priv;
	long ret;
	int err;

	for (;;) {
		ret = send_once(t, x, buf_off, len);
		if (ret >= 0)
			break;
		err = errno;
		if (err == EINTR)
			continue;
		if (err == ENOBUFS && ncd_zc_outstanding(&x->zc)) {
			/* optmem full of notifications: reap, then retry */
			if (reap_some(t, x, 100) < 0)
				return -EPROTO;
			continue;
		}
		if (err == EAGAIN)
			return -EAGAIN;
		fprintf(stderr, "devmem tx: sendmsg(SCM_DEVMEM_DMABUF id %u, %zu bytes at offset %llu) failed: %s%s%s\n",
			x->id, len, (unsigned long long)buf_off, strerror(err),
			*send_hint(err) ? ": " : "", send_hint(err));
		return -err;
	}
	if (ret > 0)
		ncd_zc_sent(&x->zc);
	if (++x->since_reap >= TX_REAP_EVERY) {
		x->since_reap = 0;
		if (reap_some(t, x, 0) < 0)
			return -EPROTO;
	}
	return ret;
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static int devmem_finish(struct ncd_tx_sink *t)
{
	struct devmem_tx *x = t->priv;
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ncd_zc_outstanding(&x->zc)) {
		if (ms_since(&start) > TX_FINISH_MS) {
			fprintf(stderr, "devmem tx: %llu zerocopy completions still outstanding after %d s: the NIC did not finish sending\n",
				(unsigned long long)ncd_zc_outstanding(&x->zc),
				TX_FINISH_MS / 1000);
			return -ETIMEDOUT;
		}
		if (reap_some(t, x, 100) < 0)
			return -EPROTO;
	}
	if (x->zc.copied)
		fprintf(stderr, "devmem tx: warning: the kernel copied %llu of %llu sends instead of sending from the dma-buf\n",
			(unsigned long long)x->zc.copied,
			(unsigned long long)x->zc.completed);
	return 0;
}

static void devmem_close(struct ncd_tx_sink *t)
{
	free(t->priv);
	t->priv = NULL;
}

int ncd_devmem_sink_open(struct ncd_tx_sink *t, int fd, uint32_t tx_dmabuf_id,
			 uint32_t max_chunk)
{
	struct devmem_tx *x;
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0) {
		int err = errno;

		fprintf(stderr, "devmem tx: setsockopt(SO_ZEROCOPY) failed: %s: devmem TX needs a TCP socket with zerocopy\n",
			strerror(err));
		return -err;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->id = tx_dmabuf_id;
	x->max_chunk = max_chunk;
	memset(t, 0, sizeof(*t));
	t->name = "devmem";
	t->send = devmem_send;
	t->finish = devmem_finish;
	t->close = devmem_close;
	t->fd = fd;
	t->priv = x;
	return 0;
}
