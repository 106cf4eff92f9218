// SPDX-License-Identifier: MIT
/* Byte layout of bind-rx/bind-tx requests and the extack decoder. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "netdev_nl.h"
#include "nic.h"
#include "nic_hint.h"
#include "uapi_devmem.h"

#define FAMILY 0x1d

/* Next attribute at *off of @m: check its header, return its payload. */
static const uint8_t *attr(const uint8_t *m, size_t *off, uint16_t type,
			   uint16_t len)
{
	const struct nlattr *a = (const void *)(m + *off);

	assert_int_equal(a->nla_type, type);
	assert_int_equal(a->nla_len, len);
	*off += NLA_ALIGN(len);
	return m + *off - NLA_ALIGN(len) + NLA_HDRLEN;
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void check_genl_hdr(const struct nlmsghdr *h, int cmd)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	assert_int_equal(h->nlmsg_type, FAMILY);
	assert_false(h->nlmsg_flags & NLM_F_DUMP);	/* REQUEST/ACK: added at send */
	assert_int_equal(g->cmd, cmd);
	assert_int_equal(g->version, 1);
}

static void test_bind_rx_layout(void **state)
{
	const uint32_t q[] = { 3, 5 };
	struct nl_msg *msg = ncd_nl_bind_rx_msg(FAMILY, 7, 9, q, 2, 0);
	const struct nlmsghdr *h = nlmsg_hdr(msg);
	const uint8_t *m = (const void *)h, *p;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	check_genl_hdr(h, NCD_NETDEV_CMD_BIND_RX);
	assert_int_equal(u32_at(attr(m, &off, NCD_NETDEV_A_DMABUF_IFINDEX, 8)), 7);
	assert_int_equal(u32_at(attr(m, &off, NCD_NETDEV_A_DMABUF_FD, 8)), 9);
	for (int i = 0; i < 2; i++) {
		size_t in = off + NLA_HDRLEN;

		/* each queue is its own nest, flagged NLA_F_NESTED */
		attr(m, &off, NCD_NETDEV_A_DMABUF_QUEUES | NLA_F_NESTED, 20);
		p = attr(m, &in, NCD_NETDEV_A_QUEUE_ID, 8);
		assert_int_equal(u32_at(p), q[i]);
		p = attr(m, &in, NCD_NETDEV_A_QUEUE_TYPE, 8);
		assert_int_equal(u32_at(p), NCD_NETDEV_QUEUE_TYPE_RX);
	}
	assert_int_equal(off, h->nlmsg_len);
	assert_int_equal(h->nlmsg_len, 16 + 4 + 8 + 8 + 2 * 20);
	nlmsg_free(msg);
}

static void test_bind_rx_page_size_and_empty(void **state)
{
	struct nl_msg *msg = ncd_nl_bind_rx_msg(FAMILY, 2, 4, NULL, 0, 16384);
	const struct nlmsghdr *h = nlmsg_hdr(msg);
	const uint8_t *m = (const void *)h;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	attr(m, &off, NCD_NETDEV_A_DMABUF_IFINDEX, 8);
	attr(m, &off, NCD_NETDEV_A_DMABUF_FD, 8);
	/* no queue nest at all: the kernel must refuse (negative mode) */
	assert_int_equal(u32_at(attr(m, &off, NCD_NETDEV_A_DMABUF_RX_PAGE_SIZE, 8)),
			 16384);
	assert_int_equal(off, h->nlmsg_len);
	nlmsg_free(msg);
}

static void test_bind_tx_layout(void **state)
{
	struct nl_msg *msg = ncd_nl_bind_tx_msg(FAMILY, 11, 12);
	const struct nlmsghdr *h = nlmsg_hdr(msg);
	const uint8_t *m = (const void *)h;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	check_genl_hdr(h, NCD_NETDEV_CMD_BIND_TX);
	assert_int_equal(u32_at(attr(m, &off, NCD_NETDEV_A_DMABUF_IFINDEX, 8)), 11);
	assert_int_equal(u32_at(attr(m, &off, NCD_NETDEV_A_DMABUF_FD, 8)), 12);
	assert_int_equal(off, h->nlmsg_len);
	nlmsg_free(msg);
}

/* Append one TLV at @pos of @buf; returns the new end. */
static size_t put_tlv(uint8_t *buf, size_t pos, uint16_t type,
		      const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(buf + pos, &a, sizeof(a));
	memcpy(buf + pos + NLA_HDRLEN, data, len);
	return pos + NLA_ALIGN(a.nla_len);
}

/*
 * An NLMSG_ERROR the way the kernel builds it: nlmsgerr, then (uncapped)
 * the rest of the request, then the extack TLVs.
 */
static size_t build_err(uint8_t *buf, const struct nlmsghdr *req, int capped,
			const char *text, int offs, int miss)
{
	struct nlmsghdr *h = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t pos;

	memset(buf, 0, 1024);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e->error = -EINVAL;
	if (capped) {
		e->msg = *req;
		pos = NLMSG_HDRLEN + sizeof(*e);
	} else {
		memcpy(&e->msg, req, req->nlmsg_len);
		pos = NLMSG_HDRLEN + NLMSG_ALIGN(4 + req->nlmsg_len);
	}
	if (text)
		pos = put_tlv(buf, pos, NLMSGERR_ATTR_MSG, text,
			      strlen(text) + 1);
	if (offs >= 0) {
		uint32_t o = offs;

		pos = put_tlv(buf, pos, NLMSGERR_ATTR_OFFS, &o, 4);
	}
	if (miss >= 0) {
		uint32_t t = miss;

		pos = put_tlv(buf, pos, NLMSGERR_ATTR_MISS_TYPE, &t, 4);
	}
	h->nlmsg_len = pos;
	return pos;
}

static void test_extack_uncapped(void **state)
{
	const uint32_t q[] = { 1 };
	struct nl_msg *req = ncd_nl_bind_rx_msg(FAMILY, 7, 9, q, 1, 0);
	uint8_t buf[1024];
	char msg[200];
	int bad;
	/* the FD attribute: after nlmsghdr, genlmsghdr and IFINDEX */
	int fd_off = NLMSG_HDRLEN + GENL_HDRLEN + 8;

	build_err(buf, nlmsg_hdr(req), 0, "tcp-data-split is disabled", fd_off,
		  -1);
	assert_int_equal(ncd_nl_parse_err((void *)buf, NULL, msg, sizeof(msg),
					  &bad), -EINVAL);
	assert_string_equal(msg, "tcp-data-split is disabled");
	assert_int_equal(bad, NCD_NETDEV_A_DMABUF_FD);
	nlmsg_free(req);
}

static void test_extack_capped_uses_request(void **state)
{
	const uint32_t q[] = { 1 };
	struct nl_msg *req = ncd_nl_bind_rx_msg(FAMILY, 7, 9, q, 1, 0);
	uint8_t buf[1024];
	char msg[200];
	int bad;
	/* the QUEUE_ID inside the first nest */
	int id_off = NLMSG_HDRLEN + GENL_HDRLEN + 16 + NLA_HDRLEN;

	build_err(buf, nlmsg_hdr(req), 1, NULL, id_off, 2);
	assert_int_equal(ncd_nl_parse_err((void *)buf, nlmsg_hdr(req), msg,
					  sizeof(msg), &bad), -EINVAL);
	assert_string_equal(msg, "missing attribute 2");
	assert_int_equal(bad, NCD_NETDEV_A_QUEUE_ID);
	/* capped and no request to resolve against: offset is unusable */
	assert_int_equal(ncd_nl_parse_err((void *)buf, NULL, msg, sizeof(msg),
					  &bad), -EINVAL);
	assert_int_equal(bad, -1);
	nlmsg_free(req);
}

static void test_extack_none_and_garbage(void **state)
{
	struct nl_msg *req = ncd_nl_bind_tx_msg(FAMILY, 1, 2);
	uint8_t buf[1024];
	struct nlmsghdr *h = (void *)buf;
	char msg[200];
	int bad;

	build_err(buf, nlmsg_hdr(req), 0, NULL, 4000, -1);
	assert_int_equal(ncd_nl_parse_err(h, NULL, msg, sizeof(msg), &bad),
			 -EINVAL);
	assert_string_equal(msg, "");
	assert_int_equal(bad, -1);	/* offset beyond the message */
	h->nlmsg_flags = 0;		/* no TLVs at all */
	ncd_nl_parse_err(h, NULL, msg, sizeof(msg), &bad);
	assert_string_equal(msg, "");
	h->nlmsg_len = 8;		/* truncated */
	assert_int_equal(ncd_nl_parse_err(h, NULL, msg, sizeof(msg), &bad),
			 -EIO);
	nlmsg_free(req);
}

/* A queue-get reply as 7.3 fills it for a leased physical queue
 * (netdev_nl_queue_fill_lease): lease { queue { id, type }, ifindex,
 * [netns-id] } naming the virtual device's side. */
static struct nl_msg *leased_queue_msg(uint32_t ifindex, uint32_t id,
				       uint32_t nk_ifindex, uint32_t nk_queue,
				       int netns)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *lease, *q;

	genlmsg_put(m, 0, 0, FAMILY, 0, 0, NCD_NETDEV_CMD_QUEUE_GET, 1);
	nla_put_u32(m, NCD_NETDEV_A_QUEUE_ID, id);
	nla_put_u32(m, NCD_NETDEV_A_QUEUE_TYPE, NCD_NETDEV_QUEUE_TYPE_RX);
	nla_put_u32(m, NCD_NETDEV_A_QUEUE_IFINDEX, ifindex);
	lease = nla_nest_start(m, NCD_NETDEV_A_QUEUE_LEASE);
	q = nla_nest_start(m, NCD_NETDEV_A_LEASE_QUEUE);
	nla_put_u32(m, NCD_NETDEV_A_QUEUE_ID, nk_queue);
	nla_put_u32(m, NCD_NETDEV_A_QUEUE_TYPE, NCD_NETDEV_QUEUE_TYPE_RX);
	nla_nest_end(m, q);
	nla_put_u32(m, NCD_NETDEV_A_LEASE_IFINDEX, nk_ifindex);
	if (netns >= 0)
		nla_put_s32(m, NCD_NETDEV_A_LEASE_NETNS_ID, netns);
	nla_nest_end(m, lease);
	return m;
}

static void test_queue_lease(void **state)
{
	struct ncd_nl_replies r = { .ifindex = 2 };
	struct nl_msg *m = leased_queue_msg(2, 1, 7, 3, -1);

	ncd_nl_parse_replies(m, &r);
	nlmsg_free(m);
	assert_int_equal(r.nq, 1);
	assert_int_equal(r.q[0].id, 1);
	assert_int_equal(r.q[0].ifindex, 2);
	assert_true(r.q[0].lease);
	assert_int_equal(r.q[0].lease_ifindex, 7);
	assert_int_equal(r.q[0].lease_queue, 3);
	assert_int_equal(r.q[0].lease_netns, -1);
	/* the virtual device in another netns (id 0 is a valid id) */
	m = leased_queue_msg(2, 1, 7, 3, 0);
	memset(&r, 0, sizeof(r));
	r.ifindex = 2;
	ncd_nl_parse_replies(m, &r);
	nlmsg_free(m);
	assert_int_equal(r.q[0].lease_netns, 0);
	/* ifindex 0: a dump of every device keeps other devices' queues */
	m = leased_queue_msg(5, 0, 7, 1, -1);
	memset(&r, 0, sizeof(r));
	ncd_nl_parse_replies(m, &r);
	nlmsg_free(m);
	assert_int_equal(r.nq, 1);
	assert_int_equal(r.q[0].ifindex, 5);
	/* a filtered dump drops them (old kernels ignore the filter) */
	m = leased_queue_msg(5, 0, 7, 1, -1);
	memset(&r, 0, sizeof(r));
	r.ifindex = 2;
	ncd_nl_parse_replies(m, &r);
	nlmsg_free(m);
	assert_int_equal(r.nq, 0);
}

static void test_hints(void **state)
{
	assert_non_null(strstr(ncd_nic_hint(-EINVAL, "tcp-data-split is disabled"),
			       "tcp-data-split on"));
	assert_non_null(strstr(ncd_nic_hint(-EOPNOTSUPP,
					    "Driver does not support netmem TX"),
			       "devmem TX"));
	assert_non_null(strstr(ncd_nic_hint(-EOPNOTSUPP, ""), "queue management"));
	/* 7.3's text for a 4K-page udmabuf bound with -b 16384 */
	assert_non_null(strstr(ncd_nic_hint(-EINVAL,
		"dmabuf sg entry (addr=0x0000000012345000, len=4096) not aligned to niov size 16384"),
			       "--udmabuf-pages 2m"));
	assert_non_null(strstr(ncd_nic_hint(-ENODATA, NULL), "page pool"));
	assert_int_equal(ncd_nic_exit_code(-EOPNOTSUPP), 4);
	assert_int_equal(ncd_nic_exit_code(-EINVAL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_rx_layout),
		cmocka_unit_test(test_bind_rx_page_size_and_empty),
		cmocka_unit_test(test_bind_tx_layout),
		cmocka_unit_test(test_extack_uncapped),
		cmocka_unit_test(test_extack_capped_uses_request),
		cmocka_unit_test(test_extack_none_and_garbage),
		cmocka_unit_test(test_queue_lease),
		cmocka_unit_test(test_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
