// SPDX-License-Identifier: MIT
/*
 * devmem RX into (fake) GPU memory through the real pieces: the devmem
 * fragment source parses cmsgs laid out exactly as the kernel's put_cmsg()
 * writes them (recvmsg seam), the RX loop validates batches on the GPU and
 * gives tokens back (setsockopt seam).  The seam plays the kernel: it hands
 * out only dma-buf slots whose tokens came back, writes each slot's payload
 * (as the NIC would) just before announcing it, and logs every
 * SO_DEVMEM_DONTNEED into the fake libcuda's call log, so the test can
 * check that no token went back before its batch's event completed.
 * Usage: ncd_fake_devmem_rx [CORRUPT_STREAM_OFFSET]; needs NCD_LIBCUDA.
 * Exit 0 when the verdict is what was sent, 1 otherwise, 4 without CUDA.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "devmem_rx.h"
#include "devmem_tokens.h"
#include "mem.h"
#include "opts.h"
#include "pattern.h"
#include "run.h"
#include "rx_loop.h"
#include "datapath.h"
#include "uapi_devmem.h"

#define ID	9
#define SLOTS	256		/* 4 KiB dma-buf slots = tokens */
#define MSGS	60

static struct ncd_mem mem;
static struct ncd_pattern pat = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED, 1 << 20, 0 };
static int held[SLOTS];
static unsigned int msgs_sent, next_slot;
static uint64_t stream_off, issued, returned;
static int64_t corrupt_at = -1;
static void (*note)(const char *fmt, ...);

static int take_slot(void)
{
	for (unsigned int i = 0; i < SLOTS; i++) {
		unsigned int s = (next_slot + i * 37) % SLOTS;

		if (!held[s]) {
			next_slot = s + 1;
			held[s] = 1;
			return (int)s;
		}
	}
	return -1;
}

/* What the NIC does: DMA the payload of stream [soff, +len) into slot s. */
static int nic_write(unsigned int s, uint64_t soff, uint32_t len)
{
	uint8_t buf[4096];

	ncd_pattern_fill(&pat, soff, buf, len);
	if (corrupt_at >= 0 && (uint64_t)corrupt_at >= soff &&
	    (uint64_t)corrupt_at < soff + len)
		buf[corrupt_at - soff] ^= 0xff;
	return mem.ops->copy_in(&mem, (size_t)s * 4096, buf, len);
}

static ssize_t fake_recvmsg(int fd, struct msghdr *msg, int flags)
{
	unsigned int want = 17 + (msgs_sent * 13) % 48, n = 0;
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	ssize_t total = 0;

	if (msgs_sent == MSGS)
		return 0;
	for (; n < want && c; n++, c = CMSG_NXTHDR(msg, c)) {
		uint32_t len = 4096 - (uint32_t)((issued % 3) * 1000);
		struct ncd_dmabuf_cmsg d = { .frag_size = len, .dmabuf_id = ID };
		int s = take_slot();

		if (s < 0)
			break;
		d.frag_offset = (uint64_t)s * 4096;
		d.frag_token = (uint32_t)s;
		if (nic_write(s, stream_off, len))
			return -1;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_DEVMEM_DMABUF;
		c->cmsg_len = CMSG_LEN(sizeof(d));
		memcpy(CMSG_DATA(c), &d, sizeof(d));
		stream_off += len;
		total += len;
		issued++;
	}
	if (!n) {	/* every token held: a real NIC would stall now */
		fprintf(stderr, "FAIL: the receiver holds all %d tokens while asking for more data\n", SLOTS);
		exit(1);
	}
	msg->msg_controllen = n * CMSG_SPACE(sizeof(struct ncd_dmabuf_cmsg));
	msg->msg_flags = 0;
	msgs_sent++;
	return total;
}

static int fake_dontneed(int fd, int level, int name, const void *val,
			 socklen_t len)
{
	const struct ncd_dmabuf_token *t = val;
	char line[4096];
	size_t used = 0;
	int freed = 0;

	for (size_t i = 0; i < len / sizeof(*t); i++) {
		for (uint32_t k = 0; k < t[i].token_count; k++)
			held[t[i].token_start + k] = 0;
		freed += t[i].token_count;
		if (used + 32 < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%s%u-%u",
					 used ? "," : "", t[i].token_start,
					 t[i].token_start + t[i].token_count - 1);
	}
	returned += freed;
	note("dontneed tokens=%s", line);
	return freed;
}

static int run(struct ncd_run *r, int fd)
{
	struct ncd_flow *f = &r->flows[0];
	struct ncd_frag_source src;
	struct ncd_rx x = { .f = f, .src = &src, .fd = fd, .path_reports = 1 };
	int ret;

	ret = ncd_vq_open(&x.q, &mem, &pat, &f->st->verdict, NCD_RX_DEPTH, NCD_RX_BATCH);
	if (!ret)
		ret = ncd_devmem_source_open(&src, fd, &mem,
			&(struct ncd_devmem_rx_cfg){ .dmabuf_id = ID,
						     .dmabuf_size = mem.size,
						     .flows = 1 });
	if (ret)
		return ret;
	ncd_rx_loop(&x);
	ncd_vq_close(&x.q);
	src.close(&src);
	return f->st->error[0] && !f->st->verdict.bad ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static struct ncd_opts o;
	static struct ncd_run r;
	struct ncd_verdict *v = &r.stats[0].verdict;
	void *lib = dlopen(getenv("NCD_LIBCUDA") ? getenv("NCD_LIBCUDA") : "", RTLD_NOW);
	int sv[2], ret;

	if (!lib || !(note = (void (*)(const char *, ...))dlsym(lib, "fake_cuda_log"))) {
		fprintf(stderr, "SKIP: NCD_LIBCUDA must name the fake libcuda\n");
		return 4;
	}
	if (argc > 1)
		corrupt_at = strtoll(argv[1], NULL, 0);
	o.pat = pat;
	o.flows = 1;
	o.discard = 1;
	ret = ncd_mem_open(&mem, NCD_MEM_CUDA, SLOTS * 4096);
	if (ret)
		return ret == -ENOENT ? 4 : 1;
	/* queued data that is never read: the loop always sees "more to come" */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || write(sv[1], "x", 1) != 1)
		return 1;
	ncd_devmem_recvmsg = fake_recvmsg;
	ncd_devmem_setsockopt = fake_dontneed;
	if (ncd_run_init(&r, &o, "receiver", 1, NULL))
		return 1;
	ret = run(&r, sv[0]);
	printf("frags=%llu returned=%llu checked=%llu bad=%llu first=%lld\n",
	       (unsigned long long)issued, (unsigned long long)returned,
	       (unsigned long long)v->checked, (unsigned long long)v->bad,
	       v->have_first ? (long long)v->first_off : -1LL);
	ncd_mem_close(&mem);
	if (ret || v->checked != stream_off || returned != issued)
		return 1;
	if (corrupt_at < 0)
		return v->bad ? 1 : 0;
	return v->bad == 1 && v->first_off == (uint64_t)corrupt_at ? 0 : 1;
}
