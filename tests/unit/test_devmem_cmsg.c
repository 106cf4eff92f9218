// SPDX-License-Identifier: MIT
/*
 * devmem cmsg parsing on control buffers laid out the way the kernel's
 * put_cmsg() writes them (CMSG_FIRSTHDR/CMSG_NXTHDR, CMSG_LEN(24) each).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "devmem_cmsg.h"
#include "uapi_devmem.h"

#define ID 7

struct cbuf {
	struct msghdr msg;
	struct cmsghdr *cur;
	char ctrl[64 * 1024] __attribute__((aligned(8)));
};

static void cb_init(struct cbuf *b)
{
	memset(b, 0, sizeof(*b));
	b->msg.msg_control = b->ctrl;
	b->msg.msg_controllen = sizeof(b->ctrl);	/* room for CMSG_NXTHDR */
}

/* Append one cmsg with a dmabuf_cmsg payload; @len overrides cmsg_len. */
static void cb_add(struct cbuf *b, int level, int type, uint64_t off,
		   uint32_t size, uint32_t token, uint32_t id, size_t len)
{
	struct ncd_dmabuf_cmsg c = {
		.frag_offset = off, .frag_size = size,
		.frag_token = token, .dmabuf_id = id,
	};
	size_t used;

	b->cur = b->cur ? CMSG_NXTHDR(&b->msg, b->cur) : CMSG_FIRSTHDR(&b->msg);
	assert_non_null(b->cur);
	b->cur->cmsg_level = level;
	b->cur->cmsg_type = type;
	b->cur->cmsg_len = len ? len : CMSG_LEN(sizeof(c));
	memcpy(CMSG_DATA(b->cur), &c, sizeof(c));
	used = (char *)b->cur - b->ctrl + CMSG_SPACE(sizeof(c));
	b->msg.msg_controllen = used;	/* what recvmsg reports */
}

static void cb_frag(struct cbuf *b, uint64_t off, uint32_t size, uint32_t tok)
{
	/* keep the full buffer while building, the kernel reports the used part */
	b->msg.msg_controllen = sizeof(b->ctrl);
	cb_add(b, SOL_SOCKET, SCM_DEVMEM_DMABUF, off, size, tok, ID, 0);
}

static void cb_linear(struct cbuf *b, uint32_t size)
{
	b->msg.msg_controllen = sizeof(b->ctrl);
	cb_add(b, SOL_SOCKET, SCM_DEVMEM_LINEAR, 0, size, 0, 0, 0);
}

static struct ncd_devmem_parse P(int fail_linear)
{
	struct ncd_devmem_parse p = { .dmabuf_id = ID, .fail_linear = fail_linear };
	return p;
}

static void test_layout(void **st)
{
	/* the kernel's put_cmsg: 16-byte header + 24 bytes, 8-aligned */
	assert_int_equal(CMSG_LEN(sizeof(struct ncd_dmabuf_cmsg)), 40);
	assert_int_equal(NCD_DEVMEM_CMSG_SPACE, 40);
	assert_int_equal(offsetof(struct ncd_dmabuf_cmsg, frag_size), 8);
	assert_int_equal(offsetof(struct ncd_dmabuf_cmsg, frag_token), 12);
	assert_int_equal(offsetof(struct ncd_dmabuf_cmsg, dmabuf_id), 16);
}

static void test_frags_in_order(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];
	int n;

	cb_init(&b);
	cb_frag(&b, 4096, 4096, 10);
	cb_frag(&b, 0, 100, 11);
	cb_frag(&b, 65536, 1000, 3);
	p.stream_off = 5000;
	n = ncd_devmem_parse_cmsgs(&p, &b.msg, 5196, f, 8);
	assert_int_equal(n, 3);
	assert_int_equal(f[0].off, 4096);
	assert_int_equal(f[0].len, 4096);
	assert_int_equal(f[0].token, 10);
	assert_int_equal(f[0].stream_off, 5000);
	assert_int_equal(f[1].stream_off, 9096);
	assert_int_equal(f[1].token, 11);
	assert_int_equal(f[2].off, 65536);
	assert_int_equal(f[2].stream_off, 9196);
	assert_int_equal(p.stream_off, 10196);
	assert_int_equal(p.dmabuf_bytes, 5196);
	assert_int_equal(p.dmabuf_frags, 3);
}

static void test_wrong_id(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	cb_init(&b);
	cb_frag(&b, 0, 10, 1);
	b.msg.msg_controllen = sizeof(b.ctrl);
	cb_add(&b, SOL_SOCKET, SCM_DEVMEM_DMABUF, 0, 10, 2, 9, 0);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 20, f, 8), -EPROTO);
	assert_string_equal(p.err, "received on dmabuf id 9, bound id 7: flow steering error");
}

static void test_linear_counted(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	cb_init(&b);
	cb_linear(&b, 52);
	cb_frag(&b, 8192, 4044, 5);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 4096, f, 8), 1);
	assert_int_equal(f[0].stream_off, 52);	/* linear bytes come first */
	assert_int_equal(p.linear_bytes, 52);
	assert_int_equal(p.linear_cmsgs, 1);
	assert_int_equal(p.stream_off, 4096);

	/* all-linear recvmsg: zero fragments, not an error */
	cb_init(&b);
	cb_linear(&b, 100);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 100, f, 8), 0);
	assert_int_equal(p.linear_bytes, 152);
}

static void test_linear_fatal(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(1);
	struct ncd_frag f[8];

	cb_init(&b);
	cb_linear(&b, 52);
	cb_frag(&b, 8192, 4044, 5);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 4096, f, 8), -EPROTO);
	assert_non_null(strstr(p.err, "52 payload bytes landed in host memory"));
	assert_non_null(strstr(p.err, "-L"));
}

static void test_no_devmem_cmsg(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	cb_init(&b);
	b.msg.msg_controllen = 0;
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 1000, f, 8), -EPROTO);
	assert_non_null(strstr(p.err, "flow steering error: data landed in host memory (queue not bound)"));

	/* an unrelated cmsg (a timestamp, say) does not count as devmem */
	cb_init(&b);
	cb_add(&b, SOL_SOCKET, 29 /* SCM_TIMESTAMPNS */, 0, 0, 0, 0, 0);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 1000, f, 8), -EPROTO);
	assert_int_equal(p.other_cmsgs, 1);

	/* EOF: no data, no cmsg, no error */
	cb_init(&b);
	b.msg.msg_controllen = 0;
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 0, f, 8), 0);
}

static void test_ctrunc(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	cb_init(&b);
	cb_frag(&b, 0, 10, 1);
	b.msg.msg_flags = MSG_CTRUNC;
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 20, f, 8), -EMSGSIZE);
	assert_non_null(strstr(p.err, "MSG_CTRUNC"));
}

static void test_truncated(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	/* cmsg_len shorter than CMSG_LEN(24) */
	cb_init(&b);
	cb_add(&b, SOL_SOCKET, SCM_DEVMEM_DMABUF, 0, 10, 1, ID, CMSG_LEN(16));
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 10, f, 8), -EBADMSG);
	assert_non_null(strstr(p.err, "truncated devmem cmsg (32 bytes, need 40)"));

	/* control length cut in the middle of the payload */
	cb_init(&b);
	cb_frag(&b, 0, 10, 1);
	b.msg.msg_controllen = CMSG_LEN(12);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 10, f, 8), -EBADMSG);
}

static void test_byte_mismatch(void **st)
{
	static struct cbuf b;
	struct ncd_devmem_parse p = P(0);
	struct ncd_frag f[8];

	cb_init(&b);
	cb_frag(&b, 0, 10, 1);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 11, f, 8), -EPROTO);
	assert_non_null(strstr(p.err, "recvmsg returned 11 bytes but the devmem cmsgs cover 10"));
}

static void test_many_and_overflow(void **st)
{
	static struct cbuf b;
	static struct ncd_frag f[1500];
	struct ncd_devmem_parse p = P(0);

	cb_init(&b);
	for (int i = 0; i < 1500; i++)
		cb_frag(&b, (uint64_t)i * 4096, 4096, 1000 + i);
	assert_int_equal(b.msg.msg_controllen, 1500 * 40);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 1500 * 4096, f, 1500), 1500);
	assert_int_equal(f[1499].token, 2499);
	assert_int_equal(f[1499].stream_off, 1499ull * 4096);

	p = P(0);
	assert_int_equal(ncd_devmem_parse_cmsgs(&p, &b.msg, 1500 * 4096, f, 100), -ENOBUFS);
}

static void test_hint(void **st)
{
	assert_non_null(strstr(ncd_devmem_recv_hint(EFAULT), "host memory"));
	assert_non_null(strstr(ncd_devmem_recv_hint(525), "control buffer too small"));
	assert_string_equal(ncd_devmem_recv_hint(EINVAL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_frags_in_order),
		cmocka_unit_test(test_wrong_id),
		cmocka_unit_test(test_linear_counted),
		cmocka_unit_test(test_linear_fatal),
		cmocka_unit_test(test_no_devmem_cmsg),
		cmocka_unit_test(test_ctrunc),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_byte_mismatch),
		cmocka_unit_test(test_many_and_overflow),
		cmocka_unit_test(test_hint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
