/* SPDX-License-Identifier: MIT */
/* Command line: parsed once into struct ncd_opts, validated, never global. */
#ifndef NCD_OPTS_H
#define NCD_OPTS_H

#include <stdint.h>
#include <stdio.h>
#include "exit_codes.h"
#include "nic_plan.h"
#include "pattern.h"
#include "ctrl_proto.h"

enum ncd_mode {
	NCD_MODE_COPY,		/* classic recv()/send() through host memory */
	NCD_MODE_DEVMEM,	/* bind-rx + MSG_SOCK_DEVMEM / bind-tx */
	NCD_MODE_ZCRX,		/* io_uring zero-copy receive */
};

/* --udmabuf-pages: the pages behind a udmabuf receive buffer */
enum ncd_udmabuf_pages {
	NCD_UDMABUF_PAGES_AUTO,	/* 2m for devmem with -b above 4K, else 4k */
	NCD_UDMABUF_PAGES_4K,	/* ordinary pages (no hugepages needed) */
	NCD_UDMABUF_PAGES_2M,	/* 2 MiB hugetlb pages */
};

#define NCD_MAX_FLOWS	128
#define NCD_MIN_INTERVAL_S	0.001	/* -i below this would spin */
#define NCD_COPY_RING	(512u << 10)	/* copy/host: receive ring per flow */
#define NCD_CLIENT_TIME_S	10.0	/* a pattern client without --time/--bytes */

struct ncd_opts {
	int listen;		/* -l: server (RX) */
	int check;		/* --check: readiness report only */
	int restore;		/* --restore: replay a dead run's NIC journal */
	const char *server;	/* -s: server address (bind on -l) */
	const char *client;	/* -c: client address (5-tuple steering / bind);
				 * a server's first -c */
	const char *clients[NCD_NIC_MAX_PEERS];	/* server: every -c (fan-in) */
	unsigned int nclients;
	const char *ifname;	/* -f */
	uint16_t port;		/* -p */
	int port_set;
	int mode;		/* enum ncd_mode */
	int mode_set;
	int mem;		/* enum ncd_mem_kind */
	int mem_set;		/* --mem given (devmem defaults to udmabuf) */
	const char *gpu;	/* --gpu index or PCI address */
	int start_queue;	/* -t, -1 = default (last RX queue) */
	int num_queues;		/* -q, -1 = default */
	uint32_t tx_chunk;	/* -z: max bytes per iov, 0 = whole buffer */
	int fail_linear;	/* -L */
	int no_nic_config;	/* -n */
	uint32_t rx_page_size;	/* -b, 0 = kernel default */
	int udmabuf_pages;	/* --udmabuf-pages: enum ncd_udmabuf_pages */
	int udmabuf_pages_set;	/* 4k or 2m given (not auto) */
	int zcrx_nodev;		/* --zcrx-nodev: zcrx without a NIC */
	uint64_t dmabuf_size;	/* --buf-size (default depends on mode/memory) */
	struct ncd_pattern pat;	/* -v N / --validate (offset pattern) */
	double time_s;		/* --time, 0 = until EOF; a client sending a
				 * pattern with neither --time nor --bytes: 10 */
	uint64_t bytes;		/* --bytes per flow, 0 = unlimited */
	unsigned int flows;	/* -P */
	double interval_s;	/* -i, 0 = no interval lines */
	double connect_timeout_s;	/* --connect-timeout, 0 = forever */
	double idle_timeout_s;	/* --idle-timeout: no progress for this long, 0 = forever */
	int json;		/* -J (or --json-stream) */
	int json_stream;	/* --json-stream: one JSON event per line */
	const char *logfile;	/* --logfile: reports (and -J) go there */
	int forceflush;		/* --forceflush: flush after every interval */
	int discard;		/* --discard: server drops payload without a pattern */
	int64_t corrupt_at;	/* --corrupt-at: client flips this stream byte (tests) */
	int verbose;
	/* the control connection with an ncdevmem peer (ctrl.c) */
	int dir;		/* enum ncd_ctrl_dir: -R reverse, --bidir */
	int no_ctrl;		/* --no-ctrl: never open or accept one */
	unsigned int set;	/* NCD_SET_*: settings given explicitly */
	int buf_size_set;	/* --buf-size given */
	/* iperf3-style options */
	uint64_t bitrate;	/* --bitrate: bits/s per sending flow, 0 = unpaced */
	uint32_t window;	/* -w: SO_SNDBUF and SO_RCVBUF, 0 = kernel default */
	const char *congestion;	/* -C: TCP_CONGESTION, NULL = system default */
	double omit_s;		/* -O: left out of the summary */
	int affinity;		/* -A N: this host's CPU, -1 = not pinned */
	int affinity_peer;	/* -A N,M: M, the peer's CPU, -1 = none */
	uint16_t cport;		/* --cport: client source port, 0 = any */
	int one_off;		/* -1: one run, then exit (the default) */
	int forever;		/* --forever: serve runs back to back */
};

/* Parse argv.  Returns 0, or NCD_EXIT_USAGE after printing one line to @err;
 * returns -1 when --help/--version printed and the program should exit 0. */
int ncd_opts_parse(struct ncd_opts *o, int argc, char **argv, FILE *err);
void ncd_opts_usage(FILE *f);
const char *ncd_mode_name(int mode);
/* The path an end sends with: its --mode, but a zcrx end (a receive
 * mode) sends from a dma-buf with devmem TX when it has -f and one, else
 * by copy. */
int ncd_opts_tx_mode(const struct ncd_opts *o);
/* What the NIC layer needs to know (-f, -t, -q, -n, -s, -c, -p). */
void ncd_opts_nic_req(const struct ncd_opts *o, struct ncd_nic_req *r);
/* The same for a client that receives (-R): the rule matches its own
 * address (-c) and the server's port, which it binds as its source port
 * (--cport's, when given). */
void ncd_opts_nic_req_client_rx(const struct ncd_opts *o, struct ncd_nic_req *r);
/* The defaults and cross-option rules again after the control connection
 * changed settings (ctrl.c); 0, or NCD_EXIT_USAGE with one line on @err. */
int ncd_opts_refinish(struct ncd_opts *o, FILE *err);

/* "auto", "4k" or "2m" (also 4096, 2097152): enum ncd_udmabuf_pages, or -1. */
int ncd_udmabuf_pages_parse(const char *s);
/* 1 if the receive udmabuf is to be backed by 2 MiB hugetlb pages. */
int ncd_udmabuf_hugetlb(const struct ncd_opts *o);

/* Strict number parsing: decimal digits only (no sign, blank, 0x, octal),
 * nothing after, range-checked; K/M/G/T (1024) when @suffix.  0 or -1. */
int ncd_parse_u64(const char *s, uint64_t max, int suffix, uint64_t *out);
int ncd_parse_seconds(const char *s, double *out);
/* A rate in bits per second, iperf3-style: "100M", "1.5G" (K/M/G/T are
 * powers of 1000).  0 or -1. */
int ncd_parse_rate(const char *s, uint64_t *out);

#endif
