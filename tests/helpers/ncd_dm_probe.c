// SPDX-License-Identifier: MIT
/*
 * Runs one devmem / zcrx data-path step against the real kernel on an
 * ordinary interface (veth) and prints what happened, for the integration
 * tests.  The last line is "result: <step> errno=<n> (<name>)" or
 * "result: <step> ok".
 *   ncd_dm_probe rx PORT [-L]      accept one TCP connection, devmem RX
 *   ncd_dm_probe sink PORT         accept one TCP connection, read to EOF
 *   ncd_dm_probe tx ADDR PORT IF   connect, SO_BINDTODEVICE IF, devmem TX
 *   ncd_dm_probe zcrx IF QUEUE     register an io_uring zcrx ifq (host area)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "mem.h"
#include "opts.h"
#include "datapath.h"
#include "devmem_rx.h"
#include "devmem_tx.h"
#include "zcrx.h"

static int result(const char *step, int ret)
{
	if (ret < 0)
		printf("result: %s errno=%d (%s)\n", step, -ret, strerror(-ret));
	else
		printf("result: %s ok\n", step);
	return ret < 0 ? 0 : 3;		/* these steps are expected to fail */
}

static int accept_one(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), c;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1)) {
		perror("listen");
		exit(1);
	}
	c = accept(l, NULL, NULL);
	close(l);
	if (c < 0) {
		perror("accept");
		exit(1);
	}
	return c;
}

static int do_rx(int port, int fail_linear)
{
	struct ncd_devmem_rx_cfg cfg = { .dmabuf_id = 1, .fail_linear = fail_linear };
	struct ncd_mem m = { 0 };
	struct ncd_frag_source s;
	struct ncd_frag f[64];
	int fd = accept_one(port), ret;

	usleep(200 * 1000);	/* let the payload arrive */
	ret = ncd_devmem_source_open(&s, fd, &m, &cfg);
	if (!ret) {
		ret = s.next(&s, f, 64);
		s.close(&s);
	}
	close(fd);
	return result(fail_linear ? "devmem-rx-L" : "devmem-rx", ret);
}

static int do_sink(int port)
{
	char buf[4096];
	int fd = accept_one(port);

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

static int do_tx(const char *addr, int port, const char *ifname)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct ncd_tx_sink t;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long ret;

	inet_pton(AF_INET, addr, &a.sin_addr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname)) ||
	    connect(fd, (void *)&a, sizeof(a))) {
		perror("connect");
		return 1;
	}
	ret = ncd_devmem_sink_open(&t, fd, 1, 0);
	if (!ret) {
		ret = t.send(&t, 0, 4096);
		t.close(&t);
	}
	close(fd);
	return result("devmem-tx", ret);
}

static int do_zcrx(const char *ifname, int queue)
{
	struct ncd_mem m = { 0 };
	struct ncd_zcrx z;
	int ifindex = if_nametoindex(ifname), ret;

	if (!ifindex) {
		perror(ifname);
		return 1;
	}
	if ((ret = ncd_mem_open(&m, NCD_MEM_HOST, 4 << 20)))
		return 1;
	ret = ncd_zcrx_open(&z, ifindex, queue, &m, 0);
	if (!ret)
		ncd_zcrx_close(&z);
	ncd_mem_close(&m);
	return result("zcrx-register", ret);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "rx"))
		return do_rx(atoi(argv[2]), argc > 3 && !strcmp(argv[3], "-L"));
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return do_sink(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "tx"))
		return do_tx(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 4 && !strcmp(argv[1], "zcrx"))
		return do_zcrx(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: ncd_dm_probe rx PORT [-L] | sink PORT | tx ADDR PORT IF | zcrx IF QUEUE\n");
	return 2;
}
