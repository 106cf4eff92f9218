// SPDX-License-Identifier: MIT
/*
 * Generic netlink transport: one request, its replies, the ack, and the
 * kernel's extended ack (NETLINK_EXT_ACK) turned into a readable error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct req {
	struct ncd_nl *nl;
	ncd_nl_parse_fn valid;
	void *arg;
	const struct nlmsghdr *sent;
	int done;
	int err;
};

/* Where the extack TLVs start inside an NLMSG_ERROR payload. */
static const struct nlattr *err_tlvs(const struct nlmsghdr *nlh, int *len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	uint64_t off = sizeof(*e);	/* 64 bits: the echo's length is untrusted */

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->error)
		off = sizeof(e->error) + (uint64_t)e->msg.nlmsg_len;
	off = (off + NLMSG_ALIGNTO - 1) & ~(uint64_t)(NLMSG_ALIGNTO - 1);
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return NULL;
	*len = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	return (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + off);
}

/* The type of the attribute at byte @off of message @m (@avail bytes of
 * it readable, whatever its nlmsg_len claims), or -1. */
static int attr_at(const struct nlmsghdr *m, uint32_t off, uint32_t avail)
{
	const struct nlattr *a;

	if (!m || off < NLMSG_HDRLEN || off % NLA_ALIGNTO ||
	    (uint64_t)off + NLA_HDRLEN > avail ||
	    (uint64_t)off + NLA_HDRLEN > m->nlmsg_len)
		return -1;
	a = (const struct nlattr *)((const char *)m + off);
	return a->nla_type & NLA_TYPE_MASK;
}

int ncd_nl_parse_err(const struct nlmsghdr *nlh, const struct nlmsghdr *sent,
		     char *msg, unsigned int msglen, int *bad_attr)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *a;
	uint32_t sent_len = 0;
	int len = 0;

	if (msglen)
		msg[0] = '\0';
	*bad_attr = -1;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EIO;
	if (sent) {
		sent_len = sent->nlmsg_len;
	} else if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		sent = &e->msg;	/* the echo: no more than what arrived */
		sent_len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(e->error));
	}
	a = err_tlvs(nlh, &len);
	for (; a && len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const char *p = (const char *)a + NLA_HDRLEN;
		int plen = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (msglen)
				snprintf(msg, msglen, "%.*s", plen, p);
			/* the kernel's text ends in '\0'; some end in '\n' */
			if (msglen && msg[0] && msg[strlen(msg) - 1] == '\n')
				msg[strlen(msg) - 1] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen >= 4)
				*bad_attr = attr_at(sent, *(const uint32_t *)p,
						    sent_len);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (plen >= 4 && msglen && !msg[0])
				snprintf(msg, msglen, "missing attribute %u",
					 *(const uint32_t *)p);
			break;
		}
	}
	return e->error;
}

static void set_err(struct ncd_nl *nl, const char *op, int err)
{
	if (nl->extack[0])
		snprintf(nl->err, sizeof(nl->err), "%s: %s: %s", op,
			 strerror(-err), nl->extack);
	else if (nl->bad_attr >= 0)
		snprintf(nl->err, sizeof(nl->err), "%s: %s (attribute %d)",
			 op, strerror(-err), nl->bad_attr);
	else
		snprintf(nl->err, sizeof(nl->err), "%s: %s", op,
			 strerror(-err));
}

static int on_err(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req *r = arg;
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	r->err = ncd_nl_parse_err(nlh, r->sent, r->nl->extack,
				  sizeof(r->nl->extack), &r->nl->bad_attr);
	r->done = 1;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	((struct req *)arg)->done = 1;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	int err;

	if (!r->valid || r->err)
		return NL_OK;
	err = r->valid(msg, r->arg);
	if (err < 0)
		r->err = err;	/* keep reading so the ack is consumed */
	return NL_OK;
}

static struct nl_cb *req_cb(struct req *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, r);
	return cb;
}

int ncd_nl_request(struct ncd_nl *nl, struct nl_msg *msg, const char *op,
		   ncd_nl_parse_fn valid, void *arg)
{
	struct req r = { .nl = nl, .valid = valid, .arg = arg };
	struct nl_cb *cb = NULL;
	int ret;

	nl->extack[0] = '\0';
	nl->bad_attr = -1;
	if (!msg) {
		r.err = -ENOMEM;
		goto out;
	}
	cb = req_cb(&r);
	if (!cb) {
		r.err = -ENOMEM;
		goto out;
	}
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		r.err = -EIO;
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 nl_geterror(ret));
		goto out;
	}
	r.sent = nlmsg_hdr(msg);
	while (!r.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !r.done) {
			r.err = -EIO;
			snprintf(nl->extack, sizeof(nl->extack),
				 "receive: %s", nl_geterror(ret));
			break;
		}
	}
out:
	if (r.err)
		set_err(nl, op, r.err);
	nl_cb_put(cb);
	nlmsg_free(msg);
	return r.err;
}

int ncd_nl_open(struct ncd_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->bad_attr = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		snprintf(nl->err, sizeof(nl->err), "netlink: out of memory");
		return -ENOMEM;
	}
	if (genl_connect(nl->sk)) {
		snprintf(nl->err, sizeof(nl->err),
			 "netlink: cannot open a generic netlink socket");
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -EPROTONOSUPPORT;
	}
	/* Ask for the kernel's error text; harmless where unsupported. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl->netdev_family = genl_ctrl_resolve(nl->sk, "netdev");
	if (nl->netdev_family < 0)
		nl->netdev_family = 0;
	nl->ethtool_family = genl_ctrl_resolve(nl->sk, "ethtool");
	if (nl->ethtool_family < 0)
		nl->ethtool_family = 0;
	return 0;
}

void ncd_nl_close(struct ncd_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);	/* closes the fd: unbinds */
	nl->sk = NULL;
}
