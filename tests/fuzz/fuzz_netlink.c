// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the netlink reply parsers.  Input: one control byte, then
 * what one recv() on a netlink socket returned (messages back to back).
 *   control bit 0: resolve NLMSGERR_ATTR_OFFS against a real bind-rx
 *                  request (else against the kernel's echoed copy)
 *   control bit 1: tiny extack buffer (8 bytes) instead of 200
 * Messages are walked like libnl's nl_recvmsgs() (nlmsg_ok/nlmsg_next);
 * NLMSG_ERROR goes to ncd_nl_parse_err(), anything else to every reply
 * parser (netdev dev/queue/napi/page-pool/bind, nlctrl ops, rtnetlink
 * link, ethtool rings/channels), each on an exact-size copy so ASan sees
 * any read past nlmsg_len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include "ethtool_nl.h"
#include "netdev_nl.h"

static struct nl_msg *bind_req;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint32_t queues[] = { 1, 2 };

	/* family 0x20, ifindex 2, fd 3, two queues, rx-page-size 4096 */
	bind_req = ncd_nl_bind_rx_msg(0x20, 2, 3, queues, 2, 4096);
	return 0;
}

static void one(const struct nlmsghdr *h, uint8_t ctl, struct ncd_nl_replies *r,
		struct ncd_rings *rings, struct ncd_channels *ch)
{
	struct nlmsghdr *copy;
	struct nl_msg *msg;
	char ext[200];
	int bad, err;

	if (h->nlmsg_type == NLMSG_ERROR) {
		unsigned int extlen = ctl & 2 ? 8 : sizeof(ext);

		copy = malloc(h->nlmsg_len);
		memcpy(copy, h, h->nlmsg_len);
		err = ncd_nl_parse_err(copy, ctl & 1 ? nlmsg_hdr(bind_req) : NULL,
				       ext, extlen, &bad);
		if (strnlen(ext, extlen) >= extlen)
			abort();	/* not terminated */
		if (bad < -1 || bad > 0xffff)
			abort();
		(void)err;
		free(copy);
		return;
	}
	msg = nlmsg_alloc_size(h->nlmsg_len);
	if (!msg)
		return;
	memcpy(nlmsg_hdr(msg), h, h->nlmsg_len);
	ncd_nl_parse_replies(msg, r);
	ncd_eth_parse_replies(msg, rings, ch);
	if (r->nq > NCD_NL_REPLIES_MAX || r->npp > NCD_NL_REPLIES_MAX)
		abort();
	nlmsg_free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ncd_nl_replies r = { .ifindex = 1 };
	struct ncd_channels ch = { 0 };
	struct ncd_rings rings = { 0 };
	struct nlmsghdr *h;
	uint8_t *buf;
	int n;

	if (size < 1)
		return 0;
	/* an aligned private copy, as recv() would leave it */
	n = (int)(size - 1);
	buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, n); h = nlmsg_next(h, &n))
		one(h, data[0], &r, &rings, &ch);
	free(buf);
	return 0;
}
