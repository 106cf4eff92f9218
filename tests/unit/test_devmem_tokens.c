// SPDX-License-Identifier: MIT
/*
 * Token release: coalescing into ranges and the exact SO_DEVMEM_DONTNEED
 * calls (<= 128 ranges, <= 1024 fragments each), recorded through the
 * setsockopt seam; plus one call against the running kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "devmem_tokens.h"

#define MAXCALLS 64

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
	ncd_tokens_init(&t, 5);
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
	ncd_tokens_init(&t, 3);
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
	ncd_tokens_init(&t, 3);
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
	ncd_tokens_init(&t, 3);
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
	ncd_tokens_init(&t, 3);
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
	ncd_tokens_init(&t, 3);
	assert_int_equal(ncd_tokens_release(&t, frags, 10), -EIO);
	assert_string_equal(t.err, "SO_DEVMEM_DONTNEED freed 7 of 10 tokens: tokens lost or already released");
	assert_int_equal(t.nr, 0);
}

static void test_errno(void **st)
{
	struct ncd_tokens t;

	frags[0].token = 1;
	fail_errno = EINVAL;
	ncd_tokens_init(&t, 3);
	assert_int_equal(ncd_tokens_release(&t, frags, 1), -EINVAL);
	assert_non_null(strstr(t.err, "Invalid argument"));
}

static void test_empty(void **st)
{
	struct ncd_tokens t;

	ncd_tokens_init(&t, 3);
	assert_int_equal(ncd_tokens_release(&t, frags, 0), 0);
	assert_int_equal(ncalls, 0);
}

/* The running kernel knows option 80: on a plain TCP socket it frees 0. */
static void test_real_kernel(void **st)
{
	struct ncd_tokens t;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	ncd_devmem_setsockopt = setsockopt;
	frags[0].token = 1;
	ncd_tokens_init(&t, fd);
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
		cmocka_unit_test_setup_teardown(test_real_kernel, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
