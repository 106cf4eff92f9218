// SPDX-License-Identifier: MIT
/* Parse the cmsgs of one recvmsg(MSG_SOCK_DEVMEM); see devmem_cmsg.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "devmem_cmsg.h"
#include "uapi_devmem.h"

#ifndef ETOOSMALL
#define ETOOSMALL 525	/* kernel-internal errno, leaks out of recvmsg */
#endif

#define HINT_STEER "check header split (ethtool -G IF tcp-data-split on hds-thresh 0) and that the ntuple rule steers this flow to the bound queue"

static int fail(struct ncd_devmem_parse *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return -err;
}

static int add_dmabuf(struct ncd_devmem_parse *p, const struct ncd_dmabuf_cmsg *c,
		      struct ncd_frag *frags, unsigned int n, unsigned int max)
{
	if (c->dmabuf_id != p->dmabuf_id)
		return fail(p, EPROTO, "received on dmabuf id %u, bound id %u: flow steering error",
			    c->dmabuf_id, p->dmabuf_id);
	if (n >= max)
		return fail(p, ENOBUFS, "more than %u fragments in one recvmsg: fragment array too small",
			    max);
	frags[n].off = c->frag_offset;
	frags[n].len = c->frag_size;
	frags[n].token = c->frag_token;
	frags[n].stream_off = p->stream_off;
	p->stream_off += c->frag_size;
	p->dmabuf_frags++;
	p->dmabuf_bytes += c->frag_size;
	return 0;
}

static int add_linear(struct ncd_devmem_parse *p, const struct ncd_dmabuf_cmsg *c)
{
	if (p->fail_linear)
		return fail(p, EPROTO, "%u payload bytes landed in host memory (SCM_DEVMEM_LINEAR) and -L is set: %s",
			    c->frag_size, HINT_STEER);
	p->linear_cmsgs++;
	p->linear_bytes += c->frag_size;
	p->stream_off += c->frag_size;
	return 0;
}

/* One cmsg; returns 1 for a devmem cmsg, 0 for one skipped, or -errno. */
static int one_cmsg(struct ncd_devmem_parse *p, const struct cmsghdr *cm,
		    struct ncd_frag *frags, unsigned int *n, unsigned int max,
		    uint64_t *bytes)
{
	struct ncd_dmabuf_cmsg c;
	int ret;

	if (cm->cmsg_level != SOL_SOCKET ||
	    (cm->cmsg_type != SCM_DEVMEM_DMABUF &&
	     cm->cmsg_type != SCM_DEVMEM_LINEAR)) {
		p->other_cmsgs++;
		return 0;
	}
	if (cm->cmsg_len < CMSG_LEN(sizeof(c)))
		return fail(p, EBADMSG, "truncated devmem cmsg (%zu bytes, need %zu): control data is corrupt",
			    (size_t)cm->cmsg_len, (size_t)CMSG_LEN(sizeof(c)));
	memcpy(&c, CMSG_DATA(cm), sizeof(c));
	if (cm->cmsg_type == SCM_DEVMEM_LINEAR) {
		ret = add_linear(p, &c);
	} else {
		ret = add_dmabuf(p, &c, frags, *n, max);
		if (!ret)
			(*n)++;
	}
	*bytes += c.frag_size;
	return ret ? ret : 1;
}

int ncd_devmem_parse_cmsgs(struct ncd_devmem_parse *p, const struct msghdr *msg,
			   ssize_t ret, struct ncd_frag *frags, unsigned int max)
{
	struct msghdr m = *msg;
	struct cmsghdr *cm;
	unsigned int n = 0, devmem = 0;
	uint64_t bytes = 0;
	int r;

	p->err[0] = 0;
	if (msg->msg_flags & MSG_CTRUNC)
		return fail(p, EMSGSIZE, "control data truncated (MSG_CTRUNC): control buffer of %zu bytes too small, fragments lost",
			    (size_t)msg->msg_controllen);
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_len < sizeof(*cm) ||
		    cm->cmsg_len > (size_t)((char *)m.msg_control +
					    m.msg_controllen - (char *)cm))
			return fail(p, EBADMSG, "truncated cmsg header (cmsg_len %zu): control data is corrupt",
				    (size_t)cm->cmsg_len);
		r = one_cmsg(p, cm, frags, &n, max, &bytes);
		if (r < 0)
			return r;
		devmem += r;
	}
	if (ret > 0 && !devmem)
		return fail(p, EPROTO, "flow steering error: data landed in host memory (queue not bound): %s",
			    HINT_STEER);
	if (ret >= 0 && bytes != (uint64_t)ret)
		return fail(p, EPROTO, "recvmsg returned %zd bytes but the devmem cmsgs cover %llu",
			    ret, (unsigned long long)bytes);
	return (int)n;
}

const char *ncd_devmem_recv_hint(int err)
{
	switch (err) {
	case EFAULT:
		return "payload landed in host memory (EFAULT: unreadable or host data with a NULL iov): " HINT_STEER;
	case ETOOSMALL:
		return "control buffer too small for the fragments (ETOOSMALL)";
	case ENOBUFS:
		return "out of devmem buffers: tokens are not released fast enough or --buf-size is too small";
	default:
		return "";
	}
}
