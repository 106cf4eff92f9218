// SPDX-License-Identifier: MIT
/*
 * VM tier, guest side: the udmabuf provider (udmabuf_mem.c through mem.h)
 * against a real /dev/udmabuf (Linux 6.12, size_limit_mb=64).
 * Prints "PASS name" / "FAIL name: reason" for
 *   udmabuf-alloc      16 MiB, an unaligned size and exactly 64 MiB allocate;
 *                      dma-buf fd, CPU mapping and size are filled in
 *   udmabuf-limit      65 MiB fails with -EINVAL and a message naming the
 *                      limit (size_limit_mb, 64) before the kernel is asked
 *   udmabuf-mmap-sync  copy_in/copy_out inside cpu_begin/cpu_end; bytes
 *                      written through the provider are seen through an
 *                      independent mmap of the dma-buf fd and vice versa
 *   udmabuf-validate   in-place validation of scattered, out-of-order
 *                      fragments: clean buffer -> 0 bad; one flipped byte ->
 *                      1 bad at the right stream offset
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "frag.h"
#include "mem.h"
#include "pattern.h"
#include "vm_result.h"

#define MiB (1UL << 20)


/* Run ncd_mem_open with stderr captured into @msg. */
static int open_capture(struct ncd_mem *m, size_t size, char *msg, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	memset(m, 0, sizeof(*m));
	ret = ncd_mem_open(m, NCD_MEM_UDMABUF, size);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, len - 1, tmp);
	msg[n] = 0;
	fclose(tmp);
	return ret;
}

static const char *check_alloc(void)
{
	static char why[512];
	static const size_t sizes[] = { 16 * MiB, 3 * MiB + 100, 64 * MiB };
	char msg[512];

	for (unsigned int i = 0; i < 3; i++) {
		struct ncd_mem m;
		int ret = open_capture(&m, sizes[i], msg, sizeof(msg));

		if (ret) {
			snprintf(why, sizeof(why), "%zu bytes: ncd_mem_open=%d (%s) msg: %s",
				 sizes[i], ret, strerror(-ret), msg);
			return why;
		}
		if (m.dmabuf_fd < 0 || !m.cpu_addr || m.size < sizes[i] ||
		    m.size % sysconf(_SC_PAGESIZE)) {
			snprintf(why, sizeof(why), "%zu bytes: fd=%d cpu_addr=%p size=%zu",
				 sizes[i], m.dmabuf_fd, m.cpu_addr, m.size);
			ncd_mem_close(&m);
			return why;
		}
		ncd_mem_close(&m);
	}
	return NULL;
}

static const char *check_limit(void)
{
	static char why[700];
	char msg[512];
	struct ncd_mem m;
	int ret = open_capture(&m, 65 * MiB, msg, sizeof(msg));

	msg[strcspn(msg, "\n")] = 0;
	if (!ret) {
		ncd_mem_close(&m);
		return "65 MiB was allocated although size_limit_mb is 64";
	}
	if (ret != -EINVAL || !strstr(msg, "size_limit_mb") || !strstr(msg, "64")) {
		snprintf(why, sizeof(why), "65 MiB: ret=%d, message does not name the limit: '%s'",
			 ret, msg);
		return why;
	}
	printf("    | %s\n", msg);
	return NULL;
}

static const char *check_mmap_sync(void)
{
	static char why[256];
	struct ncd_mem m;
	char msg[512];
	size_t size = 8 * MiB, off = 5 * MiB + 123, len = 100000;
	unsigned char *in = malloc(len), *out = malloc(len), *view;
	const char *err = NULL;

	if (open_capture(&m, size, msg, sizeof(msg)))
		return "8 MiB allocation failed";
	if (!m.ops->cpu_begin || !m.ops->cpu_end || !m.ops->copy_in || !m.ops->copy_out) {
		ncd_mem_close(&m);
		return "provider lacks cpu_begin/cpu_end/copy_in/copy_out";
	}
	view = mmap(NULL, m.size, PROT_READ | PROT_WRITE, MAP_SHARED, m.dmabuf_fd, 0);
	if (view == MAP_FAILED) {
		ncd_mem_close(&m);
		return "second mmap of the dma-buf fd failed";
	}
	for (size_t i = 0; i < len; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	if (m.ops->copy_in(&m, off, in, len)) {
		err = "copy_in failed";
	} else if (memcmp(view + off, in, len)) {
		err = "bytes written by copy_in are not in the dma-buf";
	} else {
		/* written through the other mapping, read back via the provider */
		for (size_t i = 0; i < len; i++)
			view[off + i] = (unsigned char)~in[i];
		if (m.ops->copy_out(&m, off, out, len))
			err = "copy_out failed";
		for (size_t i = 0; !err && i < len; i++)
			if (out[i] != (unsigned char)~in[i])
				err = "copy_out does not return the dma-buf's bytes";
	}
	if (!err && (m.ops->cpu_begin(&m) || m.ops->cpu_end(&m)))
		err = "DMA_BUF_IOCTL_SYNC bracket failed";
	if (!err && m.ops->copy_in(&m, m.size - 10, in, 100) != -ERANGE) {
		snprintf(why, sizeof(why), "copy_in past the end was not refused with -ERANGE");
		err = why;
	}
	munmap(view, m.size);
	ncd_mem_close(&m);
	free(in);
	free(out);
	return err;
}

static const char *check_validate(void)
{
	static char why[256];
	struct ncd_pattern pat = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED, NCD_PAT_DEFAULT_PERIOD, 0 };
	/* fragments out of order, at unrelated buffer offsets, odd sizes */
	struct ncd_frag frags[] = {
		{ .off = 3 * MiB,         .stream_off = 4096 * 3 + 17, .len = 4096 },
		{ .off = 0,               .stream_off = 0,             .len = 4096 },
		{ .off = 7 * MiB + 4096,  .stream_off = 4096,          .len = 4096 },
		{ .off = 12345,           .stream_off = 8192,          .len = 4096 * 2 + 17 },
		{ .off = 15 * MiB,        .stream_off = 60 * MiB + 5,  .len = 1 },
	};
	unsigned int n = sizeof(frags) / sizeof(frags[0]);
	struct ncd_verdict v = { 0 };
	uint64_t total = 0;
	struct ncd_mem m;
	char msg[512];
	int ret;

	if (open_capture(&m, 16 * MiB, msg, sizeof(msg)))
		return "16 MiB allocation failed";
	for (unsigned int i = 0; i < n; i++) {
		unsigned char *tmp = malloc(frags[i].len);

		ncd_pattern_fill(&pat, frags[i].stream_off, tmp, frags[i].len);
		m.ops->copy_in(&m, frags[i].off, tmp, frags[i].len);
		total += frags[i].len;
		free(tmp);
	}
	ret = ncd_mem_validate(&m, frags, n, &pat, &v);
	if (ret < 0 || v.bad || v.checked != total) {
		snprintf(why, sizeof(why), "clean buffer: ret=%d checked=%llu/%llu bad=%llu",
			 ret, (unsigned long long)v.checked, (unsigned long long)total,
			 (unsigned long long)v.bad);
		ncd_mem_close(&m);
		return why;
	}
	/* flip one byte in the 4th fragment: stream offset 8192 + 5000 */
	{
		unsigned char b;

		m.ops->copy_out(&m, frags[3].off + 5000, &b, 1);
		b ^= 0x40;
		m.ops->copy_in(&m, frags[3].off + 5000, &b, 1);
	}
	memset(&v, 0, sizeof(v));
	ret = ncd_mem_validate(&m, frags, n, &pat, &v);
	ncd_mem_close(&m);
	if (v.bad != 1 || !v.have_first || v.first_off != 8192 + 5000) {
		snprintf(why, sizeof(why), "one flipped byte: ret=%d bad=%llu first=%llu (want 1 at %u)",
			 ret, (unsigned long long)v.bad, (unsigned long long)v.first_off, 8192 + 5000);
		return why;
	}
	return NULL;
}

int main(void)
{
	result("udmabuf-alloc", check_alloc());
	result("udmabuf-limit", check_limit());
	result("udmabuf-mmap-sync", check_mmap_sync());
	result("udmabuf-validate", check_validate());
	return failed;
}
