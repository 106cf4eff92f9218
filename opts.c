// SPDX-License-Identifier: MIT
/* Command-line parsing.  Short flags keep the kernel selftest's meaning. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mem.h"
#include "opts.h"
#include "version.h"

enum {
	OPT_TIME = 256, OPT_BYTES, OPT_MEM, OPT_SEED, OPT_PERIOD, OPT_VALIDATE,
	OPT_MODE, OPT_COPY, OPT_DEVMEM, OPT_ZCRX, OPT_GPU, OPT_CHECK,
	OPT_BUF_SIZE, OPT_DISCARD, OPT_CORRUPT_AT, OPT_CONNECT_TIMEOUT,
	OPT_IDLE_TIMEOUT, OPT_RESTORE, OPT_JSON_STREAM, OPT_LOGFILE,
	OPT_FORCEFLUSH, OPT_BIDIR, OPT_NO_CTRL, OPT_UPSTREAM_PATTERN,
	OPT_BITRATE, OPT_CPORT, OPT_FOREVER, OPT_ZCRX_NODEV, OPT_UDMABUF_PAGES,
};

static const struct option long_opts[] = {
	{ "listen",		no_argument,		NULL, 'l' },
	{ "server",		required_argument,	NULL, 's' },
	{ "client",		required_argument,	NULL, 'c' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "ifname",		required_argument,	NULL, 'f' },
	{ "verify-lines",	required_argument,	NULL, 'v' },
	{ "queues",		required_argument,	NULL, 'q' },
	{ "start-queue",	required_argument,	NULL, 't' },
	{ "max-chunk",		required_argument,	NULL, 'z' },
	{ "fail-linear",	no_argument,		NULL, 'L' },
	{ "no-nic-config",	no_argument,		NULL, 'n' },
	{ "rx-page-size",	required_argument,	NULL, 'b' },
	{ "flows",		required_argument,	NULL, 'P' },
	{ "interval",		required_argument,	NULL, 'i' },
	{ "json",		no_argument,		NULL, 'J' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "time",		required_argument,	NULL, OPT_TIME },
	{ "bytes",		required_argument,	NULL, OPT_BYTES },
	{ "mem",		required_argument,	NULL, OPT_MEM },
	{ "seed",		required_argument,	NULL, OPT_SEED },
	{ "period",		required_argument,	NULL, OPT_PERIOD },
	{ "validate",		no_argument,		NULL, OPT_VALIDATE },
	{ "mode",		required_argument,	NULL, OPT_MODE },
	{ "copy",		no_argument,		NULL, OPT_COPY },
	{ "devmem",		no_argument,		NULL, OPT_DEVMEM },
	{ "zcrx",		no_argument,		NULL, OPT_ZCRX },
	{ "zcrx-nodev",		no_argument,		NULL, OPT_ZCRX_NODEV },
	{ "udmabuf-pages",	required_argument,	NULL, OPT_UDMABUF_PAGES },
	{ "gpu",		required_argument,	NULL, OPT_GPU },
	{ "check",		no_argument,		NULL, OPT_CHECK },
	{ "buf-size",		required_argument,	NULL, OPT_BUF_SIZE },
	{ "discard",		no_argument,		NULL, OPT_DISCARD },
	{ "corrupt-at",		required_argument,	NULL, OPT_CORRUPT_AT },
	{ "connect-timeout",	required_argument,	NULL, OPT_CONNECT_TIMEOUT },
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE_TIMEOUT },
	{ "restore",		no_argument,		NULL, OPT_RESTORE },
	{ "json-stream",	no_argument,		NULL, OPT_JSON_STREAM },
	{ "logfile",		required_argument,	NULL, OPT_LOGFILE },
	{ "forceflush",		no_argument,		NULL, OPT_FORCEFLUSH },
	{ "upstream-pattern",	required_argument,	NULL, OPT_UPSTREAM_PATTERN },
	{ "verbose",		no_argument,		NULL, 'd' },
	{ "reverse",		no_argument,		NULL, 'R' },
	{ "bidir",		no_argument,		NULL, OPT_BIDIR },
	{ "no-ctrl",		no_argument,		NULL, OPT_NO_CTRL },
	{ "bitrate",		required_argument,	NULL, OPT_BITRATE },
	{ "window",		required_argument,	NULL, 'w' },
	{ "congestion",		required_argument,	NULL, 'C' },
	{ "omit",		required_argument,	NULL, 'O' },
	{ "affinity",		required_argument,	NULL, 'A' },
	{ "cport",		required_argument,	NULL, OPT_CPORT },
	{ "one-off",		no_argument,		NULL, '1' },
	{ "forever",		no_argument,		NULL, OPT_FOREVER },
	{ NULL, 0, NULL, 0 },
};

void ncd_opts_usage(FILE *f)
{
	fputs(
"usage: ncdevmem -l [-s ADDR] [-p PORT] [options]    receive (server)\n"
"       ncdevmem -s ADDR [-p PORT] [options]         send (client)\n"
"       ncdevmem --check -f IFNAME [--mem KIND]      devmem readiness report\n"
"       ncdevmem -f IFNAME                           kernel negative tests\n"
"       ncdevmem --restore -f IFNAME                 undo what a killed run left\n"
"\n"
"Like netcat: without a pattern the server writes what it receives to stdout\n"
"and the client sends stdin.  With a pattern both sides generate/check it.\n"
"\n"
"Two families of options: the kernel selftest's short flags keep its meaning\n"
"(-l -s -c -p -f -v -q -t -z -L -n -b), so its command lines run unchanged;\n"
"iperf3's options are long options, with iperf3's short letter only where the\n"
"selftest leaves it free (-P -i -J -w -C -O -A -1; --bitrate, not -b, and\n"
"--time, not -t).  See the iperf3 group at the end.\n"
"\n"
"Roles and addresses:\n"
"  -l, --listen            receive; accept --flows connections\n"
"  -s, --server ADDR       server address (IPv4 or IPv6); bind address with -l\n"
"  -c, --client ADDR       client address: 5-tuple steering and the only peer\n"
"                          accepted on the server (repeat -c for several\n"
"                          senders: one queue and rule each, per-host figures),\n"
"                          source address (and source port = -p) on the client\n"
"  -p, --port PORT         TCP port (default 5201)\n"
"  -f, --ifname IFNAME     NIC to bind device memory to (implies --devmem)\n"
"\n"
"Data path:\n"
"      --mode copy|devmem|zcrx  receive path (default devmem with -f, else copy)\n"
"      --copy, --devmem, --zcrx  shorthands for --mode\n"
"      --zcrx-nodev        zcrx with no NIC (ZCRX_REG_NODEV, Linux 7.x): any\n"
"                          interface, lo too, no -f; the kernel copies into\n"
"                          the host-memory area (implies --zcrx)\n"
"      --mem host|udmabuf|cuda  memory the payload lands in / is sent from\n"
"                          (default: udmabuf for devmem RX/TX, else host;\n"
"                          copy mode copies into it)\n"
"      --udmabuf-pages auto|4k|2m  pages behind the receive udmabuf: 2m = 2 MiB\n"
"                          hugetlb pages (reserved in /proc/sys/vm/nr_hugepages),\n"
"                          4k = ordinary pages; auto (default): 2m for devmem\n"
"                          with -b above 4K, else 4k\n"
"      --gpu INDEX|PCI     CUDA device (default: the GPU nearest the NIC)\n"
"      --buf-size BYTES    receive buffer / dma-buf size (default 64M; copy\n"
"                          mode into host memory: 512K per flow)\n"
"  -t, --start-queue N     first RX queue to bind (default: last queue)\n"
"  -q, --queues N          number of RX queues to bind (default 1)\n"
"  -z, --max-chunk BYTES   devmem TX: at most BYTES per iov\n"
"  -b, --rx-page-size B    bind-rx rx-page-size, zcrx rx_buf_len (power of 2;\n"
"                          devmem: a hugetlb-backed udmabuf when above 4K,\n"
"                          see --udmabuf-pages)\n"
"  -L, --fail-linear       fail when payload lands in host memory (no header split)\n"
"  -n, --no-nic-config     leave header split, RSS and flow rules alone\n"
"\n"
"Payload validation:\n"
"      --validate          offset-coded pattern: any byte checkable in place,\n"
"                          misplaced data caught at 8-byte granularity\n"
"      --seed N            pattern seed, decimal (default 121373165188709)\n"
"      --period BYTES      pattern period, >= --buf-size (default 64M)\n"
"  -v, --verify-lines N    upstream pattern: bytes 1..N-1 then '\\n'; 0 = none\n"
"                          (matches: yes $(echo -e \\\\x01..\\\\x06) | head -c 1G | nc)\n"
"      --upstream-pattern=V  -v line end: 7 (current selftest, '\\n', default)\n"
"                          or 6.12 (0x00, its sender piped tr \\\\n \\\\0)\n"
"      --corrupt-at OFF    client: flip the byte at stream offset OFF (tests)\n"
"      --discard           server: drop payload instead of writing stdout\n"
"\n"
"Run length and reporting:\n"
"      --time SEC          run for SEC seconds (client default 10 with a pattern)\n"
"      --bytes BYTES       send/receive BYTES per flow (K/M/G suffixes)\n"
"  -P, --flows N           parallel flows, one thread each (default 1)\n"
"  -i, --interval SEC      interval report period (default 1, >= 0.001, 0 = off)\n"
"      --connect-timeout SEC  client: give up connecting after SEC; server: all\n"
"                          -P flows within SEC of the first (default 10, 0 = never)\n"
"      --idle-timeout SEC  give up when a connection makes no progress for SEC\n"
"                          (default 60, 0 = never)\n"
"  -J, --json              one JSON document on stdout (iperf3-like)\n"
"      --json-stream       JSON events on stdout as they happen, one a line\n"
"                          (start, interval, end; like iperf3 --json-stream)\n"
"      --logfile FILE      append reports and messages (and -J) to FILE\n"
"      --forceflush        flush the reports after every interval\n"
"      --check             print devmem readiness for -f IFNAME\n"
"      --restore           put back the NIC settings of -f IFNAME that a run\n"
"                          killed mid-way left changed (its journal)\n"
"      --verbose           more detail on stderr\n"
"\n"
"Two ncdevmem ends (a control connection on port -p + 1):\n"
"  -R, --reverse           client: the server sends, the client receives\n"
"      --bidir             client: both ends send and receive (-P flows each way)\n"
"      --no-ctrl           no control connection: each end runs its own options\n"
"                          (automatic with nc, socat or the kernel selftest)\n"
"  -h, --help              this text;  -V, --version\n"
"\n"
"iperf3-style options (iperf3's meaning; long only where the selftest has the letter):\n"
"      --bitrate RATE      pace each sending flow to RATE bits/s (K/M/G = 1000;\n"
"                          iperf3 -b), 0 = unpaced (default)\n"
"  -w, --window BYTES      SO_SNDBUF and SO_RCVBUF of every data socket\n"
"  -C, --congestion ALGO   TCP congestion control (tcp_available_congestion_control)\n"
"  -O, --omit SEC          leave the first SEC seconds out of the summary;\n"
"                          their intervals are marked omitted; --time comes after\n"
"  -A, --affinity N[,M]    pin every thread to CPU N; M: the ncdevmem server\n"
"                          pins itself to CPU M for this run (control connection)\n"
"      --cport PORT        client source port; flow i uses PORT+i-1\n"
"  -1, --one-off           server: one run, then exit (the default)\n"
"      --forever           server: serve runs back to back, each reported on its\n"
"                          own, until SIGINT/SIGTERM (iperf3 -s's default)\n"
"\n"
"Exit: 0 ok, 1 failure or validation error, 2 usage, 4 skipped (not supported here).\n",
	f);
}

const char *ncd_mode_name(int mode)
{
	static const char *const names[] = { "copy", "devmem", "zcrx" };

	return mode >= 0 && mode <= NCD_MODE_ZCRX ? names[mode] : "?";
}

int ncd_opts_tx_mode(const struct ncd_opts *o)
{
	if (o->mode != NCD_MODE_ZCRX)
		return o->mode;
	return o->ifname && o->mem != NCD_MEM_HOST ? NCD_MODE_DEVMEM :
						     NCD_MODE_COPY;
}

static int mode_parse(const char *s)
{
	for (int m = NCD_MODE_COPY; m <= NCD_MODE_ZCRX; m++)
		if (!strcmp(s, ncd_mode_name(m)))
			return m;
	return -1;
}

int ncd_udmabuf_pages_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return NCD_UDMABUF_PAGES_AUTO;
	if (!strcasecmp(s, "4k") || !strcmp(s, "4096"))
		return NCD_UDMABUF_PAGES_4K;
	if (!strcasecmp(s, "2m") || !strcmp(s, "2097152"))
		return NCD_UDMABUF_PAGES_2M;
	return -1;
}

int ncd_udmabuf_hugetlb(const struct ncd_opts *o)
{
	if (o->udmabuf_pages != NCD_UDMABUF_PAGES_AUTO)
		return o->udmabuf_pages == NCD_UDMABUF_PAGES_2M;
	/* 7.x bind-rx: every dma-buf sg entry aligned to the rx-page-size */
	return o->rx_page_size > 4096 && o->mode == NCD_MODE_DEVMEM;
}

/* Decimal digits only: no sign, no leading blank, no 0x or leading-zero
 * octal surprises ("010" is ten), nothing after the number or its unit. */
int ncd_parse_u64(const char *s, uint64_t max, int suffix, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (suffix && *end && end[1] == '\0') {
		const char *u = strchr("KMGT", *end & ~0x20);

		if (!u || !*u)
			return -1;
		shift = 10 * (int)(u - "KMGT" + 1);
		end++;
	}
	if (*end)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	v <<= shift;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int ncd_parse_rate(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.') ||
	    s[strspn(s, "0123456789.KMGTkmgt")])
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	if (*end) {
		if (end[1] || !(u = strchr(units, *end & ~0x20)))
			return -1;
		v *= pow(1000, (int)(u - units) + 1);
	}
	if (v >= 1e18)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* -A N or N,M: CPU numbers below CPU_SETSIZE (1024). */
static int parse_affinity(const char *s, int *cpu, int *peer)
{
	char *comma = strchr(s, ',');
	char one[16];
	uint64_t v;

	if (comma && (size_t)(comma - s) >= sizeof(one))
		return -1;
	snprintf(one, sizeof(one), "%.*s", comma ? (int)(comma - s) : 15, s);
	if (ncd_parse_u64(one, 1023, 0, &v))
		return -1;
	*cpu = (int)v;
	*peer = -1;
	if (!comma)
		return 0;
	if (ncd_parse_u64(comma + 1, 1023, 0, &v))
		return -1;
	*peer = (int)v;
	return 0;
}

/* Seconds as a plain decimal ("2", "0.5", "1e-3"): no hex, inf or nan. */
int ncd_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.') ||
	    s[strspn(s, "0123456789.eE-+")])
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1e7)
		return -1;
	*out = v;
	return 0;
}

static void defaults(struct ncd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = 5201;
	o->mem = NCD_MEM_HOST;
	o->start_queue = -1;
	o->num_queues = -1;
	o->pat.seed = NCD_PAT_DEFAULT_SEED;
	o->pat.period = NCD_PAT_DEFAULT_PERIOD;
	o->flows = 1;
	o->interval_s = 1.0;
	o->connect_timeout_s = 10;
	o->idle_timeout_s = 60;
	o->corrupt_at = -1;
	o->affinity = -1;
	o->affinity_peer = -1;
}

#define BAD(...) do { fprintf(err, "ncdevmem: " __VA_ARGS__); \
		      fputs(" (see --help)\n", err); return NCD_EXIT_USAGE; } while (0)

/* One numeric option: strict parse into *out or a usage error. */
#define NUM(name, max, sfx, out) do { uint64_t _v; \
	if (ncd_parse_u64(optarg, (max), (sfx), &_v)) \
		BAD("bad %s '%s': expected a number 0..%llu", name, optarg, \
		    (unsigned long long)(max)); \
	out = _v; } while (0)

static int parse_one(struct ncd_opts *o, int c, FILE *err, uint64_t *period)
{
	int k;

	switch (c) {
	case 'l': o->listen = 1; break;
	case 's': o->server = optarg; break;
	case 'c':
		if (o->nclients == NCD_NIC_MAX_PEERS)
			BAD("-c given more than %d times", NCD_NIC_MAX_PEERS);
		o->clients[o->nclients++] = optarg;
		o->client = o->clients[0];
		break;
	case 'f': o->ifname = optarg; break;
	case 'L': o->fail_linear = 1; break;
	case 'n': o->no_nic_config = 1; break;
	case 'J': o->json = 1; break;
	case OPT_JSON_STREAM: o->json = o->json_stream = 1; break;
	case OPT_LOGFILE: o->logfile = optarg; break;
	case OPT_FORCEFLUSH: o->forceflush = 1; break;
	case OPT_UPSTREAM_PATTERN:
		if (!strcmp(optarg, "6.12"))
			o->pat.nul_eol = 1;
		else if (!strcmp(optarg, "7") || !strcmp(optarg, "current"))
			o->pat.nul_eol = 0;
		else
			BAD("bad --upstream-pattern '%s': 6.12 (lines end in 0x00) or 7 (in '\\n')",
			    optarg);
		break;
	case 'd': o->verbose++; break;
	case 'R': o->dir = NCD_DIR_REVERSE; break;
	case OPT_BIDIR: o->dir = NCD_DIR_BIDIR; break;
	case OPT_NO_CTRL: o->no_ctrl = 1; break;
	case 'p':
		NUM("port", 65535, 0, o->port);
		if (!o->port)
			BAD("bad port '0'");
		break;
	case 'v':
		NUM("-v", 256, 0, o->pat.period);
		o->set |= NCD_SET_PATTERN;
		if (!o->pat.period) {	/* as in the kernel selftest: no check */
			o->pat.kind = NCD_PAT_NONE;
			break;
		}
		if (o->pat.period < 2)
			BAD("bad -v '%s': the line length must be 0 (no check) or 2..256",
			    optarg);
		o->pat.kind = NCD_PAT_UPSTREAM;
		break;
	case 'q': NUM("queue count", NCD_MAX_FLOWS, 0, o->num_queues);
		if (!o->num_queues)
			BAD("bad queue count '0'");
		break;
	case 't': NUM("start queue", 65535, 0, o->start_queue); break;
	case 'z': NUM("max chunk", UINT32_MAX, 1, o->tx_chunk);
		o->set |= NCD_SET_CHUNK;
		break;
	case 'b': NUM("rx page size", 1u << 30, 1, o->rx_page_size);
		if (o->rx_page_size & (o->rx_page_size - 1))
			BAD("bad rx page size '%s': must be a power of 2", optarg);
		break;
	case 'P': NUM("flow count", NCD_MAX_FLOWS, 0, o->flows);
		o->set |= NCD_SET_FLOWS;
		if (!o->flows)
			BAD("bad flow count '0': need 1..%d", NCD_MAX_FLOWS);
		break;
	case 'i':
		if (ncd_parse_seconds(optarg, &o->interval_s))
			BAD("bad interval '%s': expected seconds", optarg);
		if (o->interval_s && o->interval_s < NCD_MIN_INTERVAL_S)
			BAD("interval '%s' is below 1 ms: raise -i, or 0 for no interval lines",
			    optarg);
		break;
	case OPT_TIME:
		o->set |= NCD_SET_TIME;
		if (ncd_parse_seconds(optarg, &o->time_s))
			BAD("bad time '%s': expected seconds", optarg);
		break;
	case OPT_BYTES: NUM("byte count", UINT64_MAX, 1, o->bytes);
		o->set |= NCD_SET_BYTES;
		break;
	case OPT_SEED: NUM("seed", UINT64_MAX, 0, o->pat.seed);
		o->set |= NCD_SET_SEED;
		break;
	case OPT_PERIOD: NUM("period", 1ULL << 40, 1, *period);
		o->set |= NCD_SET_PERIOD;
		if (*period < 8 || *period % 8)
			BAD("bad period '%s': must be a multiple of 8", optarg);
		break;
	case OPT_BUF_SIZE: NUM("buffer size", 1ULL << 40, 1, o->dmabuf_size);
		if (o->dmabuf_size < 4096)
			BAD("bad buffer size '%s': at least 4K", optarg);
		o->buf_size_set = 1;
		break;
	case OPT_CORRUPT_AT: NUM("offset", INT64_MAX, 1, o->corrupt_at); break;
	case OPT_CONNECT_TIMEOUT:
		if (ncd_parse_seconds(optarg, &o->connect_timeout_s))
			BAD("bad connect timeout '%s': expected seconds", optarg);
		break;
	case OPT_IDLE_TIMEOUT:
		if (ncd_parse_seconds(optarg, &o->idle_timeout_s))
			BAD("bad idle timeout '%s': expected seconds", optarg);
		break;
	case OPT_VALIDATE: o->pat.kind = NCD_PAT_OFFSET;
		o->set |= NCD_SET_PATTERN;
		break;
	case OPT_DISCARD: o->discard = 1; break;
	case OPT_CHECK: o->check = 1; break;
	case OPT_RESTORE: o->restore = 1; break;
	case OPT_GPU: o->gpu = optarg; break;
	case OPT_UDMABUF_PAGES:
		if ((o->udmabuf_pages = ncd_udmabuf_pages_parse(optarg)) < 0)
			BAD("bad --udmabuf-pages '%s': auto, 4k or 2m", optarg);
		o->udmabuf_pages_set = o->udmabuf_pages != NCD_UDMABUF_PAGES_AUTO;
		break;
	case OPT_COPY: case OPT_DEVMEM: case OPT_ZCRX:
		o->mode = c - OPT_COPY;
		o->mode_set = 1;
		break;
	case OPT_ZCRX_NODEV:
		o->mode = NCD_MODE_ZCRX;
		o->mode_set = 1;
		o->zcrx_nodev = 1;
		break;
	case OPT_MODE:
		if ((o->mode = mode_parse(optarg)) < 0)
			BAD("bad mode '%s': copy, devmem or zcrx", optarg);
		o->mode_set = 1;
		break;
	case OPT_MEM:
		if ((k = ncd_mem_kind_parse(optarg)) < 0)
			BAD("bad memory kind '%s': host, udmabuf or cuda", optarg);
		o->mem = k;
		o->mem_set = 1;
		break;
	case OPT_BITRATE:
		if (ncd_parse_rate(optarg, &o->bitrate))
			BAD("bad bitrate '%s': expected bits per second, e.g. 100M or 2.5G",
			    optarg);
		break;
	case 'w': NUM("window", 1u << 30, 1, o->window);
		if (!o->window)
			BAD("bad window '0': give the socket buffer size in bytes");
		break;
	case 'C':
		if (!*optarg || strlen(optarg) > 15)
			BAD("bad congestion control '%s': a name such as cubic or reno",
			    optarg);
		o->congestion = optarg;
		break;
	case 'O':
		if (ncd_parse_seconds(optarg, &o->omit_s))
			BAD("bad omit '%s': expected seconds", optarg);
		break;
	case 'A':
		if (parse_affinity(optarg, &o->affinity, &o->affinity_peer))
			BAD("bad affinity '%s': expected CPU N or N,M (0..1023)", optarg);
		break;
	case OPT_CPORT: NUM("client port", 65535, 0, o->cport);
		if (!o->cport)
			BAD("bad client port '0'");
		break;
	case '1': o->one_off = 1; break;
	case OPT_FOREVER: o->forever = 1; break;
	default:
		BAD("unknown option");
	}
	return 0;
}

/* A client (-s without -l): what it can send, and for how long. */
static int client_rules(struct ncd_opts *o, FILE *err)
{
	if (o->listen || o->check || (!o->server && !o->client))
		return 0;
	if (o->mode == NCD_MODE_ZCRX && o->dir == NCD_DIR_FORWARD)
		BAD("zcrx is a receive path: use it with -l, -R or --bidir");
	if (o->pat.kind == NCD_PAT_NONE && o->flows > 1)
		BAD("stdin can feed only one flow: add --validate or -v N for -P %u",
		    o->flows);
	if (o->pat.kind != NCD_PAT_NONE && !o->bytes && !o->time_s)
		o->time_s = NCD_CLIENT_TIME_S;
	return 0;
}

void ncd_opts_nic_req(const struct ncd_opts *o, struct ncd_nic_req *r)
{
	*r = (struct ncd_nic_req){ .ifname = o->ifname,
				   .start_queue = o->start_queue,
				   .num_queues = o->num_queues,
				   .configure = !o->no_nic_config,
				   .dst = o->server, .port = o->port };
	for (unsigned int i = 0; i < o->nclients; i++)
		r->src[r->nsrc++] = o->clients[i];
}

/* Several -c (fan-in): a server's, each a distinct peer. */
static int peer_rules(struct ncd_opts *o, FILE *err)
{
	if (o->nclients < 2)
		return 0;
	if (!o->listen)
		BAD("several -c addresses are for a server (-l): a client binds one source address");
	if (o->mode == NCD_MODE_ZCRX)
		BAD("several -c addresses: fan-in runs in copy or devmem mode");
	for (unsigned int i = 0; i < o->nclients; i++)
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(o->clients[i], o->clients[j]))
				BAD("-c %s given twice", o->clients[i]);
	if (o->flows % o->nclients)
		BAD("-P %u for %u -c peers: each peer gets -P / peers flows, so -P must be a multiple of %u -> -P %u",
		    o->flows, o->nclients, o->nclients,
		    (o->flows / o->nclients + 1) * o->nclients);
	/* each sender runs on its own options: no one control peer decides */
	o->no_ctrl = 1;
	return 0;
}

/* -R and --bidir: a client's, and only with an ncdevmem server. */
static int dir_rules(const struct ncd_opts *o, FILE *err)
{
	if (o->dir == NCD_DIR_FORWARD)
		return 0;
	if (o->listen || !o->server)
		BAD("-R and --bidir are for the client: the server takes the direction from it");
	if (o->no_ctrl)
		BAD("-R and --bidir need the control connection: drop --no-ctrl");
	if (o->dir == NCD_DIR_BIDIR && 2 * o->flows > NCD_MAX_FLOWS)
		BAD("--bidir runs 2 x -P flows: -P %u is too many (at most %u)",
		    o->flows, NCD_MAX_FLOWS / 2);
	if (o->pat.kind == NCD_PAT_NONE)
		BAD("-R and --bidir need a pattern: add --validate or -v N");
	return 0;
}

static int receives(const struct ncd_opts *o)
{
	return o->dir == NCD_DIR_BIDIR || !o->listen == (o->dir == NCD_DIR_REVERSE);
}

/* The buffer default and the rules that depend on flows and the pattern. */
static int buffer_rules(struct ncd_opts *o, FILE *err)
{
	if (!o->buf_size_set)
		o->dmabuf_size = o->mode == NCD_MODE_COPY && o->mem == NCD_MEM_HOST ?
				 (uint64_t)o->flows * NCD_COPY_RING : 64ULL << 20;
	if (receives(o) && o->pat.kind == NCD_PAT_OFFSET &&
	    o->pat.period < o->dmabuf_size)
		BAD("--period %llu is smaller than --buf-size %llu: misplaced data would go unnoticed",
		    (unsigned long long)o->pat.period,
		    (unsigned long long)o->dmabuf_size);
	if (receives(o) && !((o->dmabuf_size / o->flows) & ~4095ULL))
		BAD("--buf-size %llu is too small for %u flows: raise --buf-size",
		    (unsigned long long)o->dmabuf_size, o->flows);
	if (o->pat.kind == NCD_PAT_NONE && o->flows > 1 && !o->discard)
		BAD("%u flows without a pattern: add --validate, -v N or --discard",
		    o->flows);
	return 0;
}

int ncd_opts_refinish(struct ncd_opts *o, FILE *err)
{
	return buffer_rules(o, err);
}

/*
 * A receiving client steers to its own address (-c) and local port.  A
 * 5-tuple rule matches one port on both ends (the selftest's convention):
 * it fits when the client binds the server's port (-c, one flow each
 * way); with --cport each receiving flow's port gets a 3-tuple rule; an
 * unknown (ephemeral) port gets no rule, RSS alone.
 */
void ncd_opts_nic_req_client_rx(const struct ncd_opts *o, struct ncd_nic_req *r)
{
	unsigned int first = o->dir == NCD_DIR_BIDIR ? o->flows : 0;
	uint16_t lport = o->cport ? o->cport + first :
			 o->client && o->flows == 1 && !first ? o->port : 0;

	ncd_opts_nic_req(o, r);
	r->dst = lport ? o->client : NULL;
	r->nsrc = 0;
	if (r->dst && lport == o->port)
		r->src[r->nsrc++] = o->server;
	r->port = lport;
	/* --cport: every receiving flow's port is known, each gets a rule
	 * (RSS keeps away from the bound queues) */
	if (o->cport && o->flows > 1)
		r->nports = o->flows;
}

/* Cross-option rules, after everything is parsed. */
static int finish(struct ncd_opts *o, FILE *err, uint64_t period)
{
	if (dir_rules(o, err))
		return NCD_EXIT_USAGE;
	if (!o->mode_set)	/* peer_rules needs the mode */
		o->mode = o->ifname && !o->check ? NCD_MODE_DEVMEM : NCD_MODE_COPY;
	if (peer_rules(o, err))
		return NCD_EXIT_USAGE;
	if (o->pat.kind == NCD_PAT_OFFSET)
		o->pat.period = period;
	/* devmem needs a dma-buf: udmabuf unless --mem says otherwise, as
	 * the kernel selftest always uses */
	if (!o->mem_set && o->mode == NCD_MODE_DEVMEM && !o->check)
		o->mem = NCD_MEM_UDMABUF;
	/* copy mode into host memory reuses a small ring per flow: it stays in
	 * cache, as iperf3's buffer does; a dma-buf must hold what the NIC
	 * writes before the tokens come back, so it keeps 64M */
	if (!o->dmabuf_size)
		o->dmabuf_size = o->mode == NCD_MODE_COPY && o->mem == NCD_MEM_HOST ?
				 (uint64_t)o->flows * NCD_COPY_RING : 64ULL << 20;
	if (o->udmabuf_pages_set && o->mem != NCD_MEM_UDMABUF)
		BAD("--udmabuf-pages is for --mem udmabuf (here: --mem %s)",
		    ncd_mem_kind_name(o->mem));
	if (o->udmabuf_pages_set && !o->check && !receives(o))
		BAD("--udmabuf-pages sets the receive buffer: use it on the receiving end (-l, or -R)");
	if (o->check && !o->ifname)
		BAD("--check needs -f IFNAME");
	if (o->restore && (!o->ifname || o->check || o->listen || o->server))
		BAD("--restore takes only -f IFNAME");
	if (!o->listen && !o->check && !o->server && !o->ifname)
		BAD("need -l (server), -s ADDR (client) or -f IFNAME");
	if (o->zcrx_nodev && o->mode != NCD_MODE_ZCRX)
		BAD("--zcrx-nodev is a zcrx mode: drop --mode %s", ncd_mode_name(o->mode));
	if (o->zcrx_nodev && (o->ifname || o->check))
		BAD("--zcrx-nodev binds no interface: drop -f%s", o->check ? " and --check" : "");
	if (o->zcrx_nodev && o->mem != NCD_MEM_HOST)
		BAD("--zcrx-nodev copies into host memory: drop --mem");
	if (o->zcrx_nodev && o->rx_page_size)
		BAD("--zcrx-nodev takes page-sized buffers only: drop -b");
	if (o->mode != NCD_MODE_COPY && !o->ifname && !o->check && !o->zcrx_nodev)
		BAD("--mode %s needs -f IFNAME", ncd_mode_name(o->mode));
	if (o->corrupt_at >= 0 && (o->listen || o->pat.kind == NCD_PAT_NONE))
		BAD("--corrupt-at is for a client sending a pattern");
	if (o->listen && o->pat.kind == NCD_PAT_OFFSET &&
	    o->pat.period < o->dmabuf_size)
		BAD("--period %llu is smaller than --buf-size %llu: misplaced data would go unnoticed",
		    (unsigned long long)o->pat.period,
		    (unsigned long long)o->dmabuf_size);
	/* with the control connection the client may bring the pattern;
	 * server.c checks again when it does not */
	if (o->json && !o->logfile && o->listen && o->pat.kind == NCD_PAT_NONE &&
	    !o->discard && o->no_ctrl)
		BAD("-J prints JSON on stdout, where received payload would go: add --validate, -v N or --discard");
	if (o->forever && o->one_off)
		BAD("--forever and --one-off contradict each other: pick one");
	if ((o->forever || o->one_off) && !o->listen)
		BAD("--%s is for a server (-l)", o->forever ? "forever" : "one-off");
	if (o->cport && o->listen)
		BAD("--cport is for a client: the server listens on -p");
	if (o->cport && o->cport + o->flows - 1 > 65535)
		BAD("--cport %u with -P %u runs past port 65535: lower --cport",
		    o->cport, o->flows);
	if (o->pat.kind == NCD_PAT_NONE && o->flows > 1 && !o->discard && o->listen)
		BAD("%u flows without a pattern: add --validate, -v N or --discard",
		    o->flows);
	/* each flow receives into its own page-aligned slice of the buffer */
	if (o->listen && !((o->dmabuf_size / o->flows) & ~4095ULL))
		BAD("--buf-size %llu is too small for %u flows: raise --buf-size",
		    (unsigned long long)o->dmabuf_size, o->flows);
	return client_rules(o, err);
}

int ncd_opts_parse(struct ncd_opts *o, int argc, char **argv, FILE *err)
{
	uint64_t period = NCD_PAT_DEFAULT_PERIOD;
	int c, ret;

	defaults(o);
	optind = 0;	/* 0, not 1: glibc also forgets a half-read "-ab" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ls:c:p:f:v:q:t:z:Lnb:P:i:JhVRw:C:O:A:1",
				long_opts, NULL)) != -1) {
		if (c == 'h') {
			ncd_opts_usage(stdout);
			return -1;
		}
		if (c == 'V') {
			ncd_version_print(stdout);
			return -1;
		}
		if (c == ':')
			BAD("option '%s' needs a value", argv[optind - 1]);
		/* in "-lZ" argv[optind - 1] may not be the culprit */
		if (c == '?' && optopt && strncmp(argv[optind - 1], "--", 2))
			BAD("unknown option '-%c'", optopt);
		if (c == '?')
			BAD("unknown option '%s'", argv[optind - 1]);
		if ((ret = parse_one(o, c, err, &period)))
			return ret;
	}
	if (optind < argc)
		BAD("unexpected argument '%s'", argv[optind]);
	return finish(o, err, period);
}
