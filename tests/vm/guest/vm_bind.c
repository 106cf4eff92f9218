// SPDX-License-Identifier: MIT
/*
 * VM tier, guest side: bind-rx through the project's netlink layer
 * (netlink.h: ncd_nl_bind_rx / ncd_nl_queues) against the extended
 * netdevsim on Linux 6.12.  Usage: vm_bind IFNAME (a 2-queue device).
 *   bind-rx-range            queue 7: -ERANGE, extack "rx queue index out of range"
 *   bind-rx-ok               queue 1: binding id > 0, queue-get shows it on queue 1
 *   bind-rx-busy             queue 1 again from another socket: -EEXIST,
 *                            extack "designated queue already memory provider bound"
 *   bind-rx-unbind-on-close  ncd_nl_close() of the binding socket: queue-get
 *                            shows no dmabuf on any queue
 *   bind-rx-bad-fd           an fd that is not open: -EBADF, nothing bound
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "mem.h"
#include "netdev_nl.h"
#include "vm_result.h"

/* dmabuf id bound to RX queue @q (0 none), -1 on error */
static long queue_dmabuf(int ifindex, uint32_t q, char *err, size_t len)
{
	struct ncd_queue_info qi[64];
	struct ncd_nl nl = { 0 };
	long ret = 0;
	int n, i;

	if (ncd_nl_open(&nl)) {
		snprintf(err, len, "ncd_nl_open: %s", nl.err);
		return -1;
	}
	n = ncd_nl_queues(&nl, ifindex, qi, 64);
	if (n < 0) {
		snprintf(err, len, "ncd_nl_queues: %d %s", n, nl.err);
		ret = -1;
	}
	for (i = 0; i < n; i++)
		if (qi[i].type == 0 && qi[i].id == q)
			ret = qi[i].dmabuf;
	ncd_nl_close(&nl);
	return ret;
}

static const char *expect_err(struct ncd_nl *nl, int ret, int want_errno,
			      const char *want_extack)
{
	static char why[600];

	if (ret == -want_errno && !strcmp(nl->extack, want_extack) &&
	    strstr(nl->err, want_extack)) {
		printf("    | %s\n", nl->err);
		return NULL;
	}
	snprintf(why, sizeof(why), "ret=%d (%s), want -%s; extack='%s' err='%s'",
		 ret, ret < 0 ? strerror(-ret) : "ok", strerror(want_errno),
		 nl->extack, nl->err);
	return why;
}

int main(int argc, char **argv)
{
	static char why[600];
	struct ncd_nl a = { 0 }, b = { 0 };
	struct ncd_mem m;
	uint32_t q, id = 0;
	int ifindex, ret;
	long d;

	if (argc != 2 || !(ifindex = if_nametoindex(argv[1]))) {
		fprintf(stderr, "usage: vm_bind IFNAME\n");
		return 2;
	}
	memset(&m, 0, sizeof(m));
	if (ncd_mem_open(&m, NCD_MEM_UDMABUF, 4 << 20)) {
		printf("FAIL bind-rx-ok: udmabuf allocation failed\n");
		return 1;
	}
	if (ncd_nl_open(&a) || ncd_nl_open(&b)) {
		printf("FAIL bind-rx-ok: ncd_nl_open: %s %s\n", a.err, b.err);
		return 1;
	}

	q = 7;
	ret = ncd_nl_bind_rx(&a, ifindex, m.dmabuf_fd, &q, 1, 0, &id);
	result("bind-rx-range", expect_err(&a, ret, ERANGE, "rx queue index out of range"));

	q = 1;
	id = 0;
	ret = ncd_nl_bind_rx(&a, ifindex, m.dmabuf_fd, &q, 1, 0, &id);
	why[0] = 0;
	d = queue_dmabuf(ifindex, 1, why, sizeof(why));
	if (ret || !id)
		snprintf(why, sizeof(why), "bind queue 1: ret=%d id=%u err='%s'", ret, id, a.err);
	else if (d != (long)id)
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 " queue-get shows dmabuf %ld on queue 1, bound id %u", d, id);
	result("bind-rx-ok", ret || !id || d != (long)id ? why : NULL);

	ret = ncd_nl_bind_rx(&b, ifindex, m.dmabuf_fd, &q, 1, 0, &id);
	result("bind-rx-busy", expect_err(&b, ret, EEXIST,
					  "designated queue already memory provider bound"));

	ncd_nl_close(&a);
	why[0] = 0;
	d = queue_dmabuf(ifindex, 1, why, sizeof(why));
	if (d != 0 && !why[0])
		snprintf(why, sizeof(why), "queue 1 still shows dmabuf %ld after ncd_nl_close", d);
	result("bind-rx-unbind-on-close", d ? why : NULL);

	ret = ncd_nl_bind_rx(&b, ifindex, 1000, &q, 1, 0, &id);
	why[0] = 0;
	d = queue_dmabuf(ifindex, 1, why, sizeof(why));
	if (ret != -EBADF || d)
		snprintf(why, sizeof(why), "fd 1000 (not open): ret=%d (%s), want -EBADF; queue 1 dmabuf %ld; err='%s'",
			 ret, strerror(-ret), d, b.err);
	else
		printf("    | %s\n", b.err);
	result("bind-rx-bad-fd", ret != -EBADF || d ? why : NULL);

	ncd_nl_close(&b);
	ncd_mem_close(&m);
	return failed;
}
