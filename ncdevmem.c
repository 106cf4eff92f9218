// SPDX-License-Identifier: MIT
/*
 * ncdevmem: netcat-style benchmark and test tool for Linux device memory
 * TCP.  Receives into GPU or host dma-bufs bound to a NIC RX queue, checks
 * the payload where it lies, reports throughput; also sends from device
 * memory.  See --help and README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "affinity.h"
#include "modes.h"
#include "nic.h"
#include "stop.h"

/*
 * A closed 0, 1 or 2 would be handed to the next socket, and then stdin
 * reads, interval lines or JSON would go into the TCP stream: park
 * /dev/null there first.  Returns -1 if even that is impossible.
 */
static int own_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			return -1;
	}
	return 0;
}

/*
 * --logfile: stderr (reports, messages, and -J) appends to FILE from here
 * on, block-buffered like iperf3's; --forceflush flushes every interval.
 */
static int open_logfile(const struct ncd_opts *o)
{
	int fd;

	if (!o->logfile)
		return 0;
	fd = open(o->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ncdevmem: cannot open --logfile %s: %s\n",
			o->logfile, strerror(errno));
		return -1;
	}
	if (fd != STDERR_FILENO) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
	return 0;
}

static int run_mode(const struct ncd_opts *o)
{
	if (o->restore)
		return ncd_nic_replay(o->ifname);
	if (o->check)
		return ncd_check_run(o);
	if (o->ifname && !o->server && !o->client && !o->listen)
		return ncd_negative_run(o);	/* like the kernel selftest */
	if (o->listen)
		return ncd_server_main(o);
	return ncd_client_main(o);
}

int main(int argc, char **argv)
{
	struct ncd_opts o;
	int ret;

	if (own_std_fds())
		return NCD_EXIT_FAIL;
	/* before any thread or NIC change: a signal becomes a stop request */
	if (ncd_stop_init()) {
		fprintf(stderr, "ncdevmem: cannot start the signal waiter: out of threads? retry\n");
		return NCD_EXIT_FAIL;
	}
	/* a closed pipe or peer is an error return (EPIPE), never a death */
	signal(SIGPIPE, SIG_IGN);
	ret = ncd_opts_parse(&o, argc, argv, stderr);
	if (ret)
		return ret < 0 ? NCD_EXIT_OK : ret;
	if (open_logfile(&o))
		return NCD_EXIT_FAIL;
	if (o.affinity >= 0 && ncd_affinity_pin(o.affinity))
		return NCD_EXIT_USAGE;
	if (o.ifname && !if_nametoindex(o.ifname)) {
		fprintf(stderr, "ncdevmem: no network interface '%s' here: check -f (ip link lists them)\n",
			o.ifname);
		return NCD_EXIT_FAIL;
	}
	return ncd_stop_exit_code(run_mode(&o));
}
