// SPDX-License-Identifier: MIT
/*
 * devmem TX: zerocopy completion-range accounting (synthetic error-queue
 * messages) and, on the running kernel, MSG_ZEROCOPY completions over
 * loopback and sendmsg(SCM_DEVMEM_DMABUF) on a plain TCP socket.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "devmem_tx.h"
#include "datapath.h"
#include "uapi_devmem.h"

static void test_ranges(void **st)
{
	struct ncd_zc z = { 0 };

	for (int i = 0; i < 10; i++)
		ncd_zc_sent(&z);
	assert_int_equal(ncd_zc_outstanding(&z), 10);
	assert_int_equal(ncd_zc_complete(&z, 0, 3, 0), 0);
	assert_int_equal(ncd_zc_outstanding(&z), 6);
	assert_int_equal(ncd_zc_complete(&z, 4, 4, 1), 0);
	assert_int_equal(z.copied, 1);
	/* out of order: 7..9 before 5..6 */
	assert_int_equal(ncd_zc_complete(&z, 7, 9, 0), 0);
	assert_int_equal(ncd_zc_complete(&z, 5, 6, 0), 0);
	assert_int_equal(ncd_zc_outstanding(&z), 0);
	/* more than outstanding */
	assert_int_equal(ncd_zc_complete(&z, 10, 10, 0), -EPROTO);
	assert_non_null(strstr(z.err, "never issued"));
}

static void test_wrap(void **st)
{
	struct ncd_zc z = { 0 };

	/* pretend 2^32 - 2 sends completed already */
	z.issued = z.completed = 0xfffffffeull;
	for (int i = 0; i < 4; i++)
		ncd_zc_sent(&z);
	/* ids 0xfffffffe, 0xffffffff, 0, 1 */
	assert_int_equal(ncd_zc_complete(&z, 0xfffffffe, 1, 0), 0);
	assert_int_equal(ncd_zc_outstanding(&z), 0);
}

static void test_unissued(void **st)
{
	struct ncd_zc z = { 0 };

	for (int i = 0; i < 3; i++)
		ncd_zc_sent(&z);
	assert_int_equal(ncd_zc_complete(&z, 5, 5, 0), -EPROTO);
	assert_int_equal(ncd_zc_outstanding(&z), 3);
}

/* An error-queue message as the kernel lays it out. */
static void build_err(struct msghdr *m, char *ctrl, size_t cap, int level,
		      int type, uint8_t origin, uint32_t eno, uint32_t lo,
		      uint32_t hi, uint8_t code)
{
	struct sock_extended_err e = {
		.ee_errno = eno, .ee_origin = origin, .ee_code = code,
		.ee_info = lo, .ee_data = hi,
	};
	struct cmsghdr *cm;

	memset(m, 0, sizeof(*m));
	memset(ctrl, 0, cap);
	m->msg_control = ctrl;
	m->msg_controllen = cap;
	cm = CMSG_FIRSTHDR(m);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(sizeof(e));
	memcpy(CMSG_DATA(cm), &e, sizeof(e));
	m->msg_controllen = CMSG_SPACE(sizeof(e));
}

static void test_parse(void **st)
{
	char ctrl[128] __attribute__((aligned(8)));
	struct ncd_zc z = { 0 };
	struct msghdr m;

	for (int i = 0; i < 5; i++)
		ncd_zc_sent(&z);
	build_err(&m, ctrl, sizeof(ctrl), SOL_IP, IP_RECVERR,
		  SO_EE_ORIGIN_ZEROCOPY, 0, 0, 2, 0);
	assert_int_equal(ncd_zc_parse(&z, &m), 1);
	build_err(&m, ctrl, sizeof(ctrl), SOL_IPV6, IPV6_RECVERR,
		  SO_EE_ORIGIN_ZEROCOPY, 0, 3, 4, SO_EE_CODE_ZEROCOPY_COPIED);
	assert_int_equal(ncd_zc_parse(&z, &m), 1);
	assert_int_equal(ncd_zc_outstanding(&z), 0);
	assert_int_equal(z.copied, 2);
	assert_int_equal(z.notifications, 2);

	/* a failed send on the error queue */
	ncd_zc_sent(&z);
	build_err(&m, ctrl, sizeof(ctrl), SOL_IP, IP_RECVERR,
		  SO_EE_ORIGIN_ZEROCOPY, ENOMEM, 5, 5, 0);
	assert_int_equal(ncd_zc_parse(&z, &m), -ENOMEM);
	build_err(&m, ctrl, sizeof(ctrl), SOL_IP, IP_RECVERR,
		  SO_EE_ORIGIN_LOCAL, EMSGSIZE, 0, 0, 0);
	assert_int_equal(ncd_zc_parse(&z, &m), -EMSGSIZE);
	/* unrelated cmsg: ignored */
	build_err(&m, ctrl, sizeof(ctrl), SOL_SOCKET, 29, 0, 0, 0, 0, 0);
	assert_int_equal(ncd_zc_parse(&z, &m), 0);
}

static int tcp_pair(int *cfd, int *sfd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &al))
		return -1;
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*cfd, (void *)&a, sizeof(a)))
		return -1;
	*sfd = accept(l, NULL, NULL);
	close(l);
	return *sfd < 0 ? -1 : 0;
}

/* Real MSG_ZEROCOPY over loopback: completions arrive (as copies). */
static void test_kernel_zerocopy(void **st)
{
	static char buf[65536];
	struct ncd_zc z = { 0 };
	int c, s, one = 1, tries = 0;

	assert_int_equal(tcp_pair(&c, &s), 0);
	assert_int_equal(setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)), 0);
	for (int i = 0; i < 20; i++) {
		assert_true(send(c, buf, sizeof(buf), MSG_ZEROCOPY) > 0);
		ncd_zc_sent(&z);
		while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	while (ncd_zc_outstanding(&z) && tries++ < 50) {
		while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		assert_true(ncd_zc_reap(&z, c, 100) >= 0);
	}
	assert_int_equal(ncd_zc_outstanding(&z), 0);
	assert_int_equal(z.completed, 20);
	print_message("loopback MSG_ZEROCOPY: 20 sends, %llu notifications, %llu copied\n",
		      (unsigned long long)z.notifications,
		      (unsigned long long)z.copied);
	close(c);
	close(s);
}

/* sendmsg(SCM_DEVMEM_DMABUF) on a TCP socket without a TX binding. */
static void test_kernel_devmem_send(void **st)
{
	struct ncd_tx_sink t;
	int c, s;
	long ret;

	assert_int_equal(tcp_pair(&c, &s), 0);
	assert_int_equal(ncd_devmem_sink_open(&t, c, 1, 4), 0);
	ret = t.send(&t, 0, 16);
	print_message("devmem send on plain TCP: %ld (%s)\n", ret,
		      ret < 0 ? strerror(-ret) : "sent");
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(t.finish(&t), 0);
	t.close(&t);
	close(c);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_unissued),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_kernel_zerocopy),
		cmocka_unit_test(test_kernel_devmem_send),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
