// SPDX-License-Identifier: MIT
/*
 * ncdevmem: netcat-style benchmark and test tool for Linux device memory
 * TCP.  Receives into GPU or host dma-bufs bound to a NIC RX queue, checks
 * the payload where it lies, reports throughput; also sends from device
 * memory.  See --help and README.md.
 */
#include <net/if.h>
#include <stdio.h>
#include "nic.h"
#include "opts.h"
#include "role.h"

int main(int argc, char **argv)
{
	struct ncd_opts o;
	int ret;

	ret = ncd_opts_parse(&o, argc, argv, stderr);
	if (ret)
		return ret < 0 ? NCD_EXIT_OK : ret;
	if (o.ifname && !if_nametoindex(o.ifname)) {
		fprintf(stderr, "ncdevmem: no network interface '%s' here: check -f (ip link lists them)\n",
			o.ifname);
		return NCD_EXIT_FAIL;
	}
	if (o.check)
		return ncd_check_run(&o);
	if (o.ifname && !o.server && !o.client && !o.listen)
		return ncd_negative_run(&o);	/* like the kernel selftest */
	if (o.listen)
		return ncd_server_main(&o);
	return ncd_client_main(&o);
}
