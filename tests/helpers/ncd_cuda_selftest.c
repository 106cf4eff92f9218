// SPDX-License-Identifier: MIT
/*
 * The CUDA provider end to end on a real GPU: allocate and export, fill on
 * the GPU, validate fragments on the GPU (clean, then with one corrupted
 * byte), staged copy_in, copy_out.  Exit 0 pass, 1 fail, 4 skip (no libcuda
 * or no GPU; the reason is the last line).   Usage: ncd_cuda_selftest [GPU]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "frag.h"
#include "gpu_mem.h"
#include "mem.h"
#include "pattern.h"

#define SZ	(8u << 20)
#define NFRAG	256

static int failures;

#define CHECK(c, ...) do { if (!(c)) { failures++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* NFRAG fragments of 4 KiB over device bytes [base, +1 MiB), stream from
 * @soff, handed over in a scrambled order. */
static void make_frags(struct ncd_frag *f, uint64_t base, uint64_t soff)
{
	for (unsigned int i = 0; i < NFRAG; i++) {
		unsigned int j = (i * 97) % NFRAG;

		f[i].off = base + (uint64_t)j * 4096;
		f[i].stream_off = soff + (uint64_t)j * 4096;
		f[i].len = 4096;
		f[i].token = j;
	}
}

static void check_pattern(struct ncd_mem *m, const struct ncd_pattern *pat,
			  const char *name)
{
	static struct ncd_frag f[NFRAG];
	static uint8_t host[1 << 20], want[1 << 20];
	struct ncd_verdict v = { 0 };
	uint8_t bad;
	int ret;

	ret = ncd_cuda_fill(m, 4096, 1000, sizeof(host), pat);
	CHECK(!ret, "%s: fill: %d", name, ret);
	CHECK(!m->ops->copy_out(m, 4096, host, sizeof(host)), "%s: copy_out", name);
	ncd_pattern_fill(pat, 1000, want, sizeof(want));
	CHECK(!memcmp(host, want, sizeof(host)), "%s: GPU fill differs from the CPU pattern", name);

	make_frags(f, 4096, 1000);
	ret = ncd_mem_validate(m, f, NFRAG, pat, &v);
	CHECK(!ret && v.bad == 0 && v.checked == sizeof(host),
	      "%s: clean: ret %d bad %llu checked %llu", name, ret,
	      (unsigned long long)v.bad, (unsigned long long)v.checked);

	bad = want[5000] ^ 0x5a;
	CHECK(!m->ops->copy_in(m, 4096 + 5000, &bad, 1), "%s: copy_in", name);
	memset(&v, 0, sizeof(v));
	ret = ncd_mem_validate(m, f, NFRAG, pat, &v);
	CHECK(!ret && v.bad == 1 && v.have_first && v.first_off == 6000 &&
	      v.expected == want[5000] && v.actual == bad,
	      "%s: corrupt: ret %d bad %llu first %llu exp %u act %u", name, ret,
	      (unsigned long long)v.bad, (unsigned long long)v.first_off,
	      v.expected, v.actual);
	printf("%s: fill + validate of %u fragments ok, corrupted byte found at stream offset %llu (expected 0x%02x, got 0x%02x)\n",
	       name, NFRAG, (unsigned long long)v.first_off, v.expected, v.actual);
}

static void check_staged(struct ncd_mem *m, const struct ncd_pattern *pat)
{
	size_t len = 6u << 20;
	uint8_t *src = malloc(len);
	struct ncd_frag f = { .off = 0, .stream_off = 12345, .len = (uint32_t)len };
	struct ncd_verdict v = { 0 };
	int ret;

	ncd_pattern_fill(pat, 12345, src, len);
	ret = m->ops->copy_in(m, 0, src, len);
	CHECK(!ret, "staged copy_in: %d", ret);
	ret = ncd_mem_validate(m, &f, 1, pat, &v);
	CHECK(!ret && !v.bad && v.checked == len, "staged copy_in then validate: ret %d bad %llu",
	      ret, (unsigned long long)v.bad);
	free(src);
}

/*
 * A small copy_in must be complete when it returns: read back at once
 * (copy_out) and, where the dma-buf can be mapped (the fake's can; a real
 * GPU's cannot), through the dma-buf as a NIC sending it would.
 */
static void check_small_copy_in(struct ncd_mem *m)
{
	uint8_t src[100], back[100];
	uint8_t *map = MAP_FAILED;

	for (int round = 0; round < 20; round++) {
		size_t off = 3u << 20 | (size_t)round * 4096;

		memset(src, 0x40 + round, sizeof(src));
		CHECK(!m->ops->copy_in(m, off, src, sizeof(src)), "small copy_in");
		CHECK(!m->ops->copy_out(m, off, back, sizeof(back)), "copy_out");
		CHECK(!memcmp(src, back, sizeof(src)),
		      "copy_in returned before its %zu bytes reached GPU memory (round %d)",
		      sizeof(src), round);
		if (m->dmabuf_fd >= 0 && round == 0)
			map = mmap(NULL, m->size, PROT_READ, MAP_SHARED, m->dmabuf_fd, 0);
		if (map != MAP_FAILED)
			CHECK(!memcmp(src, map + off, sizeof(src)),
			      "dma-buf (what the NIC sends) lacks the copied bytes (round %d)", round);
	}
	if (map != MAP_FAILED)
		munmap(map, m->size);
	printf("small copy_in: complete on return (copy_out%s)\n",
	       map != MAP_FAILED ? " and dma-buf mapping" : "");
}

/* A NIC that cannot attach the first dma-buf (ENOTSUPP): the provider
 * exports the same memory the other way, and the new fd shows its bytes.
 * Only with NCD_SELFTEST_REEXPORT set: where one way is refused outright
 * there is no other way to try. */
static void check_reexport(struct ncd_mem *m)
{
	int old = m->dmabuf_fd;
	uint8_t b = 0;

	if (old < 0 || !getenv("NCD_SELFTEST_REEXPORT"))
		return;
	if (!m->ops->reexport || m->ops->reexport(m) || m->dmabuf_fd < 0) {
		fprintf(stderr, "FAIL: re-export after an attach refusal\n");
		failures++;
		return;
	}
	if (m->ops->copy_in(m, 5, "\x5a", 1) || pread(m->dmabuf_fd, &b, 1, 5) != 1 || b != 0x5a) {
		fprintf(stderr, "FAIL: the re-exported dma-buf does not show the memory\n");
		failures++;
		return;
	}
	printf("re-export: dma-buf fd %d (was %d)\n", m->dmabuf_fd, old);
}

int main(int argc, char **argv)
{
	struct ncd_mem m = { .gpu_sel = argc > 1 ? argv[1] : NULL, .ifname = getenv("NCD_NIC") };
	struct ncd_pattern off = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED, 1 << 16, 0 };
	struct ncd_pattern up = { NCD_PAT_UPSTREAM, 0, 7, 0 };
	int ret = ncd_mem_open(&m, NCD_MEM_CUDA, SZ);

	if (ret == -ENOENT || ret == -ENOSYS) {
		fprintf(stderr, "SKIP: no usable CUDA GPU on this machine (%s)\n", strerror(-ret));
		return 4;
	}
	if (ret) {
		fprintf(stderr, "FAIL: cuda provider alloc: %s\n", strerror(-ret));
		return 1;
	}
	printf("cuda: GPU %d, %zu bytes, dma-buf fd %d\n", m.gpu_index, m.size, m.dmabuf_fd);
	check_pattern(&m, &off, "offset pattern");
	check_pattern(&m, &up, "upstream -v 7 pattern");
	check_staged(&m, &off);
	check_small_copy_in(&m);
	check_reexport(&m);
	ncd_mem_close(&m);
	if (failures) {
		fprintf(stderr, "FAIL: %d check(s) failed\n", failures);
		return 1;
	}
	printf("cuda provider: all checks passed\n");
	return 0;
}
