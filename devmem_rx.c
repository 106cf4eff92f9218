// SPDX-License-Identifier: MIT
/*
 * devmem RX fragment source: recvmsg(MSG_SOCK_DEVMEM) and SCM_DEVMEM_DMABUF
 * cmsgs.  With -L the iov is NULL, so any payload the kernel would copy to
 * host memory fails the call with EFAULT instead of being accepted.  Without
 * -L the iov is a lazily touched anonymous mapping: linear payload is counted
 * (and reported once), a recvmsg without devmem cmsgs is a steering error.
 *
 * Tokens the consumer released are queued (devmem_tokens.h) and given back
 * in large calls; before a recvmsg could block, the queue is flushed: with
 * tokens queued the call is first made with MSG_DONTWAIT; on EAGAIN (socket
 * empty) we wait up to NCD_DEVMEM_IDLE_MS for data, and only when none came
 * are the tokens given back and the blocking call made.  The queue is bounded
 * by the held-bytes trigger (a quarter of the flow's share of the dma-buf),
 * so during that wait the NIC still has at least three quarters of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "devmem_cmsg.h"
#include "devmem_rx.h"
#include "devmem_tokens.h"
#include "uapi_devmem.h"

#define RX_IOV_LEN	(8u << 20)	/* bytes asked for per recvmsg */
#define RX_CTRL_LEN	(160u << 10)	/* 4096 fragments of CMSG_SPACE(24) */
#define RX_MAX_FRAGS	(RX_CTRL_LEN / NCD_DEVMEM_CMSG_SPACE + 1)

ncd_recvmsg_fn ncd_devmem_recvmsg = recvmsg;
ncd_poll_fn ncd_devmem_poll = poll;

struct devmem_rx {
	int fd;
	struct ncd_mem *m;
	struct ncd_devmem_parse parse;
	struct ncd_tokens tok;
	void *iov_buf;			/* NULL with -L */
	uint64_t recvmsgs;
	int warned_linear;
	unsigned int npend, pos;	/* fragments parsed but not handed out */
	struct ncd_frag pend[RX_MAX_FRAGS];
	char ctrl[RX_CTRL_LEN] __attribute__((aligned(8)));
};

static ssize_t do_recv(struct devmem_rx *r, struct msghdr *msg,
		       struct iovec *iov, int flags)
{
	ssize_t ret;

	do {
		iov->iov_base = r->iov_buf;
		iov->iov_len = RX_IOV_LEN;
		memset(msg, 0, sizeof(*msg));
		msg->msg_iov = iov;
		msg->msg_iovlen = 1;
		msg->msg_control = r->ctrl;
		msg->msg_controllen = sizeof(r->ctrl);
		ret = ncd_devmem_recvmsg(r->fd, msg, MSG_SOCK_DEVMEM | flags);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static int flush_tokens(struct devmem_rx *r, enum ncd_flush_reason why)
{
	int ret = ncd_tokens_flush(&r->tok, why);

	if (ret)
		fprintf(stderr, "devmem: %s\n", r->tok.err);
	return ret;
}

static int recv_batch(struct ncd_frag_source *s, struct devmem_rx *r)
{
	struct iovec iov;
	struct msghdr msg;
	ssize_t ret;
	int n;

	if (r->tok.nr) {
		/* tokens queued: they go back before we wait for the NIC */
		ret = do_recv(r, &msg, &iov, MSG_DONTWAIT);
		while (ret < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = r->fd, .events = POLLIN };

			if (ncd_devmem_poll(&p, 1, NCD_DEVMEM_IDLE_MS) <= 0) {
				n = flush_tokens(r, NCD_FLUSH_IDLE);
				if (n)
					return n;
				ret = do_recv(r, &msg, &iov, 0);
				break;
			}
			ret = do_recv(r, &msg, &iov, MSG_DONTWAIT);
		}
	} else {
		ret = do_recv(r, &msg, &iov, 0);
	}
	if (ret < 0) {
		int err = errno;
		const char *hint = ncd_devmem_recv_hint(err);

		if (err == EAGAIN)
			return -EAGAIN;
		fprintf(stderr, "devmem: recvmsg(MSG_SOCK_DEVMEM) failed: %s%s%s\n",
			strerror(err), *hint ? ": " : "", hint);
		return -err;
	}
	r->recvmsgs++;
	if (ret == 0)	/* end of stream: every released token goes back */
		return flush_tokens(r, NCD_FLUSH_END);
	r->parse.stream_off = s->stream_off;
	n = ncd_devmem_parse_cmsgs(&r->parse, &msg, ret, r->pend, RX_MAX_FRAGS);
	if (n < 0) {
		fprintf(stderr, "devmem: %s\n", r->parse.err);
		return n;
	}
	s->stream_off = r->parse.stream_off;
	for (int i = 0; i < n; i++)
		ncd_tokens_hold(&r->tok, r->pend[i].len);
	if (r->parse.linear_bytes && !r->warned_linear) {
		r->warned_linear = 1;
		fprintf(stderr, "devmem: warning: %llu payload bytes landed in host memory (SCM_DEVMEM_LINEAR): enable header split (hds-thresh 0); -L makes this fatal\n",
			(unsigned long long)r->parse.linear_bytes);
	}
	r->npend = n;
	r->pos = 0;
	return 1;
}

static int devmem_next(struct ncd_frag_source *s, struct ncd_frag *frags,
		       unsigned int max)
{
	struct devmem_rx *r = s->priv;
	unsigned int n;
	int ret;

	while (r->pos >= r->npend) {
		ret = recv_batch(s, r);
		if (ret <= 0)
			return ret;
	}
	n = r->npend - r->pos;
	if (n > max)
		n = max;
	memcpy(frags, r->pend + r->pos, n * sizeof(*frags));
	r->pos += n;
	return (int)n;
}

static int devmem_release(struct ncd_frag_source *s, const struct ncd_frag *frags,
			  unsigned int n)
{
	struct devmem_rx *r = s->priv;
	int ret = ncd_tokens_queue(&r->tok, frags, n);

	if (ret)
		fprintf(stderr, "devmem: %s\n", r->tok.err);
	return ret;
}

int ncd_devmem_source_flush(struct ncd_frag_source *s)
{
	struct devmem_rx *r = s->priv;

	return r ? flush_tokens(r, NCD_FLUSH_END) : 0;
}

static void devmem_close(struct ncd_frag_source *s)
{
	struct devmem_rx *r = s->priv;

	if (!r)
		return;
	flush_tokens(r, NCD_FLUSH_END);
	if (r->iov_buf)
		munmap(r->iov_buf, RX_IOV_LEN);
	free(r);
	s->priv = NULL;
}

void ncd_devmem_source_stats(const struct ncd_frag_source *s,
			     struct ncd_devmem_rx_stats *st)
{
	const struct devmem_rx *r = s->priv;

	memset(st, 0, sizeof(*st));
	if (!r)
		return;
	st->recvmsgs = r->recvmsgs;
	st->frags = r->parse.dmabuf_frags;
	st->bytes = r->parse.dmabuf_bytes;
	st->linear_bytes = r->parse.linear_bytes;
	st->tokens_released = r->tok.released;
	st->dontneed_calls = r->tok.calls;
	memcpy(st->dontneed_by, r->tok.calls_by, sizeof(st->dontneed_by));
}

int ncd_devmem_source_open(struct ncd_frag_source *s, int fd, struct ncd_mem *m,
			   const struct ncd_devmem_rx_cfg *cfg)
{
	struct devmem_rx *r = calloc(1, sizeof(*r));

	if (!r) {
		fprintf(stderr, "devmem: out of memory for the RX state\n");
		return -ENOMEM;
	}
	r->fd = fd;
	r->m = m;
	r->parse.dmabuf_id = cfg->dmabuf_id;
	r->parse.fail_linear = cfg->fail_linear;
	ncd_tokens_init(&r->tok, fd,
			ncd_tokens_flush_bytes(cfg->dmabuf_size, cfg->flows));
	if (!r->parse.fail_linear) {
		r->iov_buf = mmap(NULL, RX_IOV_LEN, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (r->iov_buf == MAP_FAILED) {
			fprintf(stderr, "devmem: mmap of the linear-data buffer failed: %s\n",
				strerror(errno));
			free(r);
			return -ENOMEM;
		}
	}
	memset(s, 0, sizeof(*s));
	s->name = "devmem";
	s->next = devmem_next;
	s->release = devmem_release;
	s->close = devmem_close;
	s->priv = r;
	return 0;
}
