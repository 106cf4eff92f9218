// SPDX-License-Identifier: MIT
/*
 * Token release: coalescing into ranges and the exact SO_DEVMEM_DONTNEED
 * calls (<= 128 ranges, <= 1024 fragments each), recorded through the
 * setsockopt seam; the release policy (a call at a kernel limit, when the
 * held bytes reach a quarter of the flow's dma-buf share, before a recvmsg
 * that would block, at end of stream and close), driven through the devmem
 * source with the recvmsg seam; plus one call against the running kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <poll.h>
#include <cmocka.h>
#include "devmem_rx.h"
#include "devmem_tokens.h"
#include "datapath.h"

#define MAXCALLS 256

static struct call {
	int fd, level, name;
	unsigned int nr, nfrags;
	struct ncd_dmabuf_token r[NCD_DONTNEED_MAX_TOKENS];
} calls[MAXCALLS];
static int ncalls;
static int short_by;		/* return this many fewer than asked */
static int fail_errno;

static int fake_setsockopt(int fd, int level, int name, const void *val,
			   socklen_t len)
{
	struct call *c = &calls[ncalls++];
	const struct ncd_dmabuf_token *t = val;

	assert_true(ncalls <= MAXCALLS);
	assert_int_equal(len % sizeof(*t), 0);
	c->fd = fd;
	c->level = level;
	c->name = name;
	c->nr = len / sizeof(*t);
	c->nfrags = 0;
	assert_true(c->nr >= 1 && c->nr <= NCD_DONTNEED_MAX_TOKENS);
	memcpy(c->r, t, len);
	for (unsigned int i = 0; i < c->nr; i++)
		c->nfrags += t[i].token_count;
	assert_true(c->nfrags <= NCD_DONTNEED_MAX_FRAGS);
	if (fail_errno) {
		errno = fail_errno;
		return -1;
	}
	return (int)c->nfrags - short_by;
}

static int setup(void **st)
{
	memset(calls, 0, sizeof(calls));
	ncalls = 0;
	short_by = 0;
	fail_errno = 0;
	ncd_devmem_setsockopt = fake_setsockopt;
	return 0;
}

static int teardown(void **st)
{
	ncd_devmem_setsockopt = setsockopt;
	return 0;
}

static struct ncd_frag frags[4096];

static void test_consecutive(void **st)
{
	struct ncd_tokens t;

	for (int i = 0; i < 300; i++)
		frags[i].token = 100 + i;
	ncd_tokens_init(&t, 5, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 300), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].fd, 5);
	assert_int_equal(calls[0].level, SOL_SOCKET);
	assert_int_equal(calls[0].name, 80);
	assert_int_equal(calls[0].nr, 1);
	assert_int_equal(calls[0].r[0].token_start, 100);
	assert_int_equal(calls[0].r[0].token_count, 300);
	assert_int_equal(t.released, 300);
}

static void test_frag_cap(void **st)
{
	struct ncd_tokens t;

	for (int i = 0; i < 2500; i++)
		frags[i].token = i;
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 2500), 0);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].nr, 1);
	assert_int_equal(calls[0].r[0].token_start, 0);
	assert_int_equal(calls[0].r[0].token_count, 1024);
	assert_int_equal(calls[1].r[0].token_start, 1024);
	assert_int_equal(calls[1].r[0].token_count, 1024);
	assert_int_equal(calls[2].r[0].token_start, 2048);
	assert_int_equal(calls[2].r[0].token_count, 452);
	assert_int_equal(t.released, 2500);
	assert_int_equal(t.calls, 3);
}

static void test_range_cap(void **st)
{
	struct ncd_tokens t;

	for (int i = 0; i < 300; i++)
		frags[i].token = 2 * i;	/* nothing coalesces */
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 300), 0);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].nr, 128);
	assert_int_equal(calls[1].nr, 128);
	assert_int_equal(calls[2].nr, 44);
	assert_int_equal(calls[1].r[0].token_start, 256);
	assert_int_equal(calls[2].r[43].token_start, 598);
	assert_int_equal(calls[2].r[43].token_count, 1);
}

static void test_mixed(void **st)
{
	/* 5 6 7 | 9 | 3 4 | 4 | 10 11 */
	static const uint32_t tok[] = { 5, 6, 7, 9, 3, 4, 4, 10, 11 };
	struct ncd_tokens t;

	for (unsigned int i = 0; i < 9; i++)
		frags[i].token = tok[i];
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 9), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nr, 5);
	assert_int_equal(calls[0].r[0].token_start, 5);
	assert_int_equal(calls[0].r[0].token_count, 3);
	assert_int_equal(calls[0].r[1].token_start, 9);
	assert_int_equal(calls[0].r[2].token_start, 3);
	assert_int_equal(calls[0].r[2].token_count, 2);
	assert_int_equal(calls[0].r[3].token_start, 4);
	assert_int_equal(calls[0].r[3].token_count, 1);
	assert_int_equal(calls[0].r[4].token_start, 10);
	assert_int_equal(calls[0].r[4].token_count, 2);
}

static void test_both_caps(void **st)
{
	/* 127 singles then a 2000-long run: range cap and frag cap interact */
	struct ncd_tokens t;
	int n = 0, total = 0;

	for (int i = 0; i < 127; i++)
		frags[n++].token = 10 * i;
	for (int i = 0; i < 2000; i++)
		frags[n++].token = 5000 + i;
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, n), 0);
	for (int i = 0; i < ncalls; i++)
		total += calls[i].nfrags;
	assert_int_equal(total, n);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].nr, 128);
	assert_int_equal(calls[0].nfrags, 1024);
	assert_int_equal(calls[0].r[127].token_start, 5000);
	assert_int_equal(calls[0].r[127].token_count, 897);
	assert_int_equal(calls[1].r[0].token_start, 5897);
	assert_int_equal(calls[1].nfrags, 1024);
	assert_int_equal(calls[2].nfrags, 79);
}

static void test_short_return(void **st)
{
	struct ncd_tokens t;

	for (int i = 0; i < 10; i++)
		frags[i].token = i;
	short_by = 3;
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 10), -EIO);
	assert_string_equal(t.err, "SO_DEVMEM_DONTNEED freed 7 of 10 tokens: tokens lost or already released");
	assert_int_equal(t.nr, 0);
}

static void test_errno(void **st)
{
	struct ncd_tokens t;

	frags[0].token = 1;
	fail_errno = EINVAL;
	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 1), -EINVAL);
	assert_non_null(strstr(t.err, "Invalid argument"));
}

static void test_empty(void **st)
{
	struct ncd_tokens t;

	ncd_tokens_init(&t, 3, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 0), 0);
	assert_int_equal(ncalls, 0);
}

/* ---- release policy ---- */

#define FRAG	4096u

static void set_frags(unsigned int n, uint32_t first, uint32_t step)
{
	for (unsigned int i = 0; i < n; i++) {
		frags[i].token = first + i * step;
		frags[i].len = FRAG;
	}
}

static unsigned int frags_in_calls(void)
{
	unsigned int total = 0;

	for (int i = 0; i < ncalls; i++)
		total += calls[i].nfrags;
	return total;
}

static void test_flush_bytes(void **st)
{
	assert_int_equal(ncd_tokens_flush_bytes(8 << 20, 1), 2 << 20);
	assert_int_equal(ncd_tokens_flush_bytes(8 << 20, 4), 512 << 10);
	assert_int_equal(ncd_tokens_flush_bytes(8 << 20, 0), 2 << 20);
	assert_int_equal(ncd_tokens_flush_bytes(3, 2), 1);
	assert_int_equal(ncd_tokens_flush_bytes(0, 1), 0);
}

/* Queued tokens wait until 1024 fragments are queued: then one full call. */
static void test_policy_frag_limit(void **st)
{
	struct ncd_tokens t;

	set_frags(1100, 7, 1);
	ncd_tokens_init(&t, 3, UINT64_MAX);
	for (int b = 0; b < 10; b++)
		assert_int_equal(ncd_tokens_queue(&t, frags + 100 * b, 100), 0);
	assert_int_equal(ncalls, 0);		/* 1000 queued, nothing sent */
	assert_int_equal(t.nfrags, 1000);
	assert_int_equal(ncd_tokens_queue(&t, frags + 1000, 100), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 1024);
	assert_int_equal(calls[0].nr, 1);
	assert_int_equal(t.calls_by[NCD_FLUSH_LIMIT], 1);
	assert_int_equal(t.nfrags, 76);
	assert_int_equal(t.queued_bytes, 76 * FRAG);
	assert_int_equal(ncd_tokens_flush(&t, NCD_FLUSH_END), 0);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[1].r[0].token_start, 7 + 1024);
	assert_int_equal(calls[1].nfrags, 76);
	assert_int_equal(t.released, 1100);
	assert_int_equal(t.calls_by[NCD_FLUSH_END], 1);
}

/* 128 ranges are queued; the 129th range sends them first. */
static void test_policy_range_limit(void **st)
{
	struct ncd_tokens t;

	set_frags(129, 0, 2);			/* nothing coalesces */
	ncd_tokens_init(&t, 3, UINT64_MAX);
	assert_int_equal(ncd_tokens_queue(&t, frags, 128), 0);
	assert_int_equal(ncalls, 0);
	assert_int_equal(t.nr, 128);
	/* a token that extends the last range still fits */
	frags[1000].token = 254 + 1;
	frags[1000].len = FRAG;
	assert_int_equal(ncd_tokens_queue(&t, frags + 1000, 1), 0);
	assert_int_equal(ncalls, 0);
	frags[128].token = 5000;
	assert_int_equal(ncd_tokens_queue(&t, frags + 128, 1), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nr, 128);
	assert_int_equal(calls[0].nfrags, 129);
	assert_int_equal(t.calls_by[NCD_FLUSH_LIMIT], 1);
	assert_int_equal(t.nr, 1);
	assert_int_equal(t.r[0].token_start, 5000);
}

/* Queued bytes reach a quarter of the flow's share: one call. */
static void test_policy_held_queued(void **st)
{
	struct ncd_tokens t;
	uint64_t thr = ncd_tokens_flush_bytes(8 << 20, 2);	/* 1 MiB */

	set_frags(512, 0, 1);
	ncd_tokens_init(&t, 3, thr);
	for (int b = 0; b < 15; b++)
		assert_int_equal(ncd_tokens_queue(&t, frags + 16 * b, 16), 0);
	assert_int_equal(ncalls, 0);		/* 960 KiB queued */
	assert_int_equal(ncd_tokens_queue(&t, frags + 240, 16), 0);
	assert_int_equal(ncalls, 1);		/* 1 MiB: sent */
	assert_int_equal(calls[0].nfrags, 256);
	assert_int_equal(t.calls_by[NCD_FLUSH_HELD], 1);
	assert_int_equal(t.calls_by[NCD_FLUSH_LIMIT], 0);
	assert_int_equal(t.queued_bytes, 0);
	assert_int_equal(t.nr, 0);
}

/* Bytes the consumer still holds count too: releasing a little while the
 * flow holds its quarter sends at once. */
static void test_policy_held_unreleased(void **st)
{
	struct ncd_tokens t;

	set_frags(300, 0, 1);
	ncd_tokens_init(&t, 3, 1 << 20);
	ncd_tokens_hold(&t, 200 * FRAG);	/* received, 800 KiB */
	assert_int_equal(ncd_tokens_queue(&t, frags, 16), 0);
	assert_int_equal(ncalls, 0);
	assert_int_equal(t.held_bytes, 200 * FRAG);
	ncd_tokens_hold(&t, 100 * FRAG);	/* 1.17 MiB held */
	assert_int_equal(ncd_tokens_queue(&t, frags + 16, 1), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 17);
	assert_int_equal(t.calls_by[NCD_FLUSH_HELD], 1);
	assert_int_equal(t.held_bytes, 283 * FRAG);
}

/* Whatever the mix of triggers, every queued token goes back exactly once. */
static void test_policy_nothing_lost(void **st)
{
	static unsigned char seen[8192];
	struct ncd_tokens t;
	unsigned int n = 0, seed = 12345, total;

	memset(seen, 0, sizeof(seen));
	/* runs of random length at random gaps: ranges and frags limits mix */
	for (uint32_t tok = 0; n < 4000; ) {
		unsigned int run = 1 + (seed = seed * 1103515245 + 12345) % 40;

		for (unsigned int i = 0; i < run && n < 4000; i++) {
			frags[n].token = tok++;
			frags[n++].len = FRAG;
		}
		tok += 1 + (seed >> 16) % 3;
	}
	ncd_tokens_init(&t, 3, 600 * FRAG);
	ncd_tokens_hold(&t, 4000ull * FRAG);
	for (unsigned int i = 0; i < n; ) {
		unsigned int b = 1 + (seed = seed * 1103515245 + 12345) % 97;

		if (b > n - i)
			b = n - i;
		assert_int_equal(ncd_tokens_queue(&t, frags + i, b), 0);
		i += b;
	}
	assert_int_equal(ncd_tokens_flush(&t, NCD_FLUSH_END), 0);
	total = frags_in_calls();
	assert_int_equal(total, n);
	assert_int_equal(t.released, n);
	assert_int_equal(t.held_bytes, 0);
	for (int c = 0; c < ncalls; c++)
		for (unsigned int r = 0; r < calls[c].nr; r++)
			for (uint32_t k = 0; k < calls[c].r[r].token_count; k++) {
				uint32_t tok = calls[c].r[r].token_start + k;

				assert_true(tok < sizeof(seen));
				assert_int_equal(seen[tok]++, 0);
			}
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(seen[frags[i].token], 1);
}

/* ---- the devmem source: idle, end of stream, close ---- */

/* One scripted call: recvmsg returning @nfrag fragments from token @tok,
 * EAGAIN or EOF; or poll() timing out or seeing data. */
enum { R_DATA, R_EAGAIN, R_EOF, P_TIMEOUT, P_READY };
static struct step {
	int kind;
	int dontwait;		/* expected MSG_DONTWAIT */
	int calls_before;	/* DONTNEED calls made before this recvmsg */
	unsigned int nfrag;
	uint32_t tok;
} script[16];
static int nsteps, step_i;

static ssize_t fake_recvmsg(int fd, struct msghdr *msg, int flags)
{
	const struct step *s = &script[step_i++];
	struct cmsghdr *cm = NULL;

	assert_true(step_i <= nsteps);
	assert_true(s->kind <= R_EOF);		/* not a poll step */
	assert_true(flags & MSG_SOCK_DEVMEM);
	assert_int_equal(!!(flags & MSG_DONTWAIT), s->dontwait);
	assert_int_equal(ncalls, s->calls_before);
	if (s->kind == R_EAGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (s->kind == R_EOF)
		return 0;
	memset(msg->msg_control, 0, msg->msg_controllen);
	for (unsigned int i = 0; i < s->nfrag; i++) {
		struct ncd_dmabuf_cmsg c = {
			.frag_offset = (uint64_t)(s->tok + i) * FRAG,
			.frag_size = FRAG,
			.frag_token = s->tok + i,
			.dmabuf_id = 9,
		};

		cm = cm ? CMSG_NXTHDR(msg, cm) : CMSG_FIRSTHDR(msg);
		assert_non_null(cm);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_DEVMEM_DMABUF;
		cm->cmsg_len = CMSG_LEN(sizeof(c));
		memcpy(CMSG_DATA(cm), &c, sizeof(c));
	}
	msg->msg_controllen = s->nfrag * CMSG_SPACE(sizeof(struct ncd_dmabuf_cmsg));
	return (ssize_t)s->nfrag * FRAG;
}

static int fake_poll(struct pollfd *p, nfds_t n, int timeout)
{
	const struct step *s = &script[step_i++];

	assert_true(step_i <= nsteps);
	assert_true(s->kind == P_TIMEOUT || s->kind == P_READY);
	assert_int_equal(n, 1);
	assert_int_equal(p->fd, 4);
	assert_true(p->events & POLLIN);
	assert_int_equal(timeout, NCD_DEVMEM_IDLE_MS);	/* bounded, never -1 */
	assert_int_equal(ncalls, s->calls_before);
	p->revents = s->kind == P_READY ? POLLIN : 0;
	return s->kind == P_READY;
}

static int setup_src(void **st)
{
	setup(st);
	nsteps = step_i = 0;
	ncd_devmem_recvmsg = fake_recvmsg;
	ncd_devmem_poll = fake_poll;
	return 0;
}

static int teardown_src(void **st)
{
	ncd_devmem_recvmsg = recvmsg;
	ncd_devmem_poll = poll;
	return teardown(st);
}

static void add_step(int kind, int dontwait, int calls_before,
		     unsigned int nfrag, uint32_t tok)
{
	script[nsteps++] = (struct step){ kind, dontwait, calls_before, nfrag, tok };
}

static void open_src(struct ncd_frag_source *s, uint64_t dmabuf_size)
{
	struct ncd_devmem_rx_cfg cfg = {
		.dmabuf_id = 9, .dmabuf_size = dmabuf_size, .flows = 1,
	};

	assert_int_equal(ncd_devmem_source_open(s, 4, NULL, &cfg), 0);
}

/* Socket empty with tokens queued and no data within the grace: they go
 * back before recvmsg blocks; data within the grace or already waiting: no
 * call; end of stream: the rest goes back. */
static void test_src_idle_and_eof(void **st)
{
	struct ncd_frag_source s;
	struct ncd_devmem_rx_stats rs;
	struct ncd_frag f[16];

	add_step(R_DATA, 0, 0, 4, 100);		/* nothing queued: blocking */
	add_step(R_EAGAIN, 1, 0, 0, 0);		/* 4 queued: try, empty ... */
	add_step(P_TIMEOUT, 0, 0, 0, 0);	/* ... nothing within the grace */
	add_step(R_DATA, 0, 1, 4, 104);		/* ... they went back first */
	add_step(R_EAGAIN, 1, 1, 0, 0);		/* 4 queued, empty ... */
	add_step(P_READY, 0, 1, 0, 0);		/* ... data within the grace */
	add_step(R_DATA, 1, 1, 2, 200);		/* no call, no blocking */
	add_step(R_DATA, 1, 1, 3, 202);		/* data waiting: no call */
	add_step(R_EOF, 1, 1, 0, 0);		/* end: the 9 queued go back */
	open_src(&s, 64 << 20);
	assert_int_equal(s.next(&s, f, 16), 4);
	assert_int_equal(s.release(&s, f, 4), 0);
	assert_int_equal(ncalls, 0);
	assert_int_equal(s.next(&s, f, 16), 4);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 4);
	assert_int_equal(calls[0].r[0].token_start, 100);
	assert_int_equal(s.release(&s, f, 4), 0);
	assert_int_equal(s.next(&s, f, 16), 2);
	assert_int_equal(s.release(&s, f, 2), 0);
	assert_int_equal(s.next(&s, f, 16), 3);
	assert_int_equal(s.release(&s, f, 3), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(s.next(&s, f, 16), 0);
	assert_int_equal(step_i, nsteps);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[1].nr, 2);
	assert_int_equal(calls[1].nfrags, 9);
	ncd_devmem_source_stats(&s, &rs);
	assert_int_equal(rs.frags, 13);
	assert_int_equal(rs.tokens_released, 13);
	assert_int_equal(rs.dontneed_calls, 2);
	assert_int_equal(rs.dontneed_by[NCD_FLUSH_IDLE], 1);
	assert_int_equal(rs.dontneed_by[NCD_FLUSH_END], 1);
	s.close(&s);
	assert_int_equal(ncalls, 2);		/* nothing left for close */
}

/* poll() saw something but recvmsg still has nothing: the tokens still go
 * back before the recvmsg that blocks. */
static void test_src_idle_spurious_wakeup(void **st)
{
	struct ncd_frag_source s;
	struct ncd_frag f[16];

	add_step(R_DATA, 0, 0, 3, 10);
	add_step(R_EAGAIN, 1, 0, 0, 0);
	add_step(P_READY, 0, 0, 0, 0);
	add_step(R_EAGAIN, 1, 0, 0, 0);
	add_step(P_TIMEOUT, 0, 0, 0, 0);
	add_step(R_EOF, 0, 1, 0, 0);		/* blocking, after the call */
	open_src(&s, 64 << 20);
	assert_int_equal(s.next(&s, f, 16), 3);
	assert_int_equal(s.release(&s, f, 3), 0);
	assert_int_equal(s.next(&s, f, 16), 0);
	assert_int_equal(step_i, nsteps);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 3);
	s.close(&s);
	assert_int_equal(ncalls, 1);
}

/* Fragments received but not handed out or released count as held: with a
 * 64 KiB dma-buf (16 KiB quarter) releasing 2 of 8 received sends them. */
static void test_src_held(void **st)
{
	struct ncd_frag_source s;
	struct ncd_frag f[16];

	add_step(R_DATA, 0, 0, 8, 0);
	open_src(&s, 64 << 10);
	assert_int_equal(s.next(&s, f, 2), 2);
	assert_int_equal(s.release(&s, f, 2), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 2);
	s.close(&s);
}

/* The consumer stops early (--bytes reached): the explicit flush and close
 * give every released token back, nothing is sent twice. */
static void test_src_flush_and_close(void **st)
{
	struct ncd_frag_source s;
	struct ncd_devmem_rx_stats rs;
	struct ncd_frag f[16];

	add_step(R_DATA, 0, 0, 5, 50);
	open_src(&s, 64 << 20);
	assert_int_equal(s.next(&s, f, 16), 5);
	assert_int_equal(s.release(&s, f, 3), 0);
	assert_int_equal(ncalls, 0);
	assert_int_equal(ncd_devmem_source_flush(&s), 0);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].nfrags, 3);
	assert_int_equal(s.release(&s, f + 3, 2), 0);
	ncd_devmem_source_stats(&s, &rs);
	assert_int_equal(rs.tokens_released, 3);
	s.close(&s);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[1].r[0].token_start, 53);
	assert_int_equal(calls[1].nfrags, 2);
}

/* The running kernel knows option 80: on a plain TCP socket it frees 0. */
static void test_real_kernel(void **st)
{
	struct ncd_tokens t;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	ncd_devmem_setsockopt = setsockopt;
	frags[0].token = 1;
	ncd_tokens_init(&t, fd, 0);
	assert_int_equal(ncd_tokens_release(&t, frags, 1), -EIO);
	assert_string_equal(t.err, "SO_DEVMEM_DONTNEED freed 0 of 1 tokens: tokens lost or already released");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consecutive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frag_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_frag_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_range_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_held_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_held_unreleased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_nothing_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_src_idle_and_eof, setup_src, teardown_src),
		cmocka_unit_test_setup_teardown(test_src_idle_spurious_wakeup, setup_src, teardown_src),
		cmocka_unit_test_setup_teardown(test_src_held, setup_src, teardown_src),
		cmocka_unit_test_setup_teardown(test_src_flush_and_close, setup_src, teardown_src),
		cmocka_unit_test_setup_teardown(test_real_kernel, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
