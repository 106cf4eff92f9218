// SPDX-License-Identifier: MIT
/*
 * Device-memory providers without the devices: GPU choice (PCI address
 * parsing, nearest GPU in the PCI tree), the one-line errors of the CUDA
 * provider without libcuda and of udmabuf without /dev/udmabuf or above
 * size_limit_mb (through the NCD_LIBCUDA / NCD_UDMABUF_* seams).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "gpu_mem.h"
#include "gpu_pick.h"
#include "mem.h"

static void test_pci_norm(void **st)
{
	char b[32];

	assert_int_equal(ncd_pci_addr_norm("0000:3B:00.0", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:3b:00.0");
	assert_int_equal(ncd_pci_addr_norm("3b:00.1", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:3b:00.1");
	/* cuDeviceGetPCIBusId's own format */
	assert_int_equal(ncd_pci_addr_norm("00000000:18:00.0", b, sizeof(b)), 0);
	assert_string_equal(b, "0000:18:00.0");
	assert_int_equal(ncd_pci_addr_norm("3b:00", b, sizeof(b)), -EINVAL);
	assert_int_equal(ncd_pci_addr_norm("3b:00.9", b, sizeof(b)), -EINVAL);
	assert_int_equal(ncd_pci_addr_norm("3b:00.0x", b, sizeof(b)), -EINVAL);
	assert_int_equal(ncd_pci_addr_norm("eth0", b, sizeof(b)), -EINVAL);
}

static void test_nearest(void **st)
{
	const char *nic = "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:08.0/0000:05:00.0";
	const char *gpus[] = {
		"/sys/devices/pci0000:80/0000:80:01.0/0000:81:00.0",		/* other socket */
		"/sys/devices/pci0000:00/0000:00:03.0/0000:07:00.0",		/* same root */
		"/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:10.0/0000:06:00.0", /* same switch */
		NULL,
	};
	const char *far[] = { "/sys/devices/pci0000:80/0000:80:01.0/0000:81:00.0" };
	const char *prefix[] = {
		/* "0000:00:01.1" must not match "0000:00:01.0" by string prefix */
		"/sys/devices/pci0000:00/0000:00:01.1/0000:09:00.0",
		"/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0",
	};

	assert_int_equal(ncd_gpu_pick_nearest(nic, gpus, 4), 2);
	assert_int_equal(ncd_gpu_pick_nearest(nic, gpus, 2), 1);
	assert_int_equal(ncd_gpu_pick_nearest(nic, far, 1), -1);
	assert_int_equal(ncd_gpu_pick_nearest(nic, gpus, 0), -1);
	assert_int_equal(ncd_gpu_pick_nearest(NULL, gpus, 3), -1);
	assert_int_equal(ncd_gpu_pick_nearest(nic, prefix, 2), 1);
}

/* Run @fn with stderr captured into @out. */
static int capture(int (*fn)(void *), void *arg, char *out, size_t len)
{
	char path[] = "/tmp/ncd-stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2), ret;
	ssize_t n;

	fflush(stderr);
	dup2(fd, 2);
	ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return ret;
}

static int open_mem(void *arg)
{
	struct ncd_mem *m = arg;

	return ncd_mem_open(m, m->kind, m->size);
}

static void test_cuda_missing(void **st)
{
	struct ncd_mem m = { .kind = NCD_MEM_CUDA, .size = 1 << 20 };
	char err[512];

	setenv("NCD_LIBCUDA", "libcuda-ncd-missing.so.1", 1);
	assert_int_equal(capture(open_mem, &m, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "cuda: libcuda-ncd-missing.so.1 not found (no NVIDIA driver): use --mem host|udmabuf\n");
	unsetenv("NCD_LIBCUDA");
}

static void test_udmabuf_missing(void **st)
{
	struct ncd_mem m = { .kind = NCD_MEM_UDMABUF, .size = 1 << 20 };
	char err[512];

	setenv("NCD_UDMABUF_DEV", "/nonexistent/udmabuf", 1);
	setenv("NCD_UDMABUF_LIMIT", "/nonexistent/size_limit_mb", 1);
	assert_int_equal(capture(open_mem, &m, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "udmabuf: /nonexistent/udmabuf does not exist: run 'modprobe udmabuf' (kernel needs CONFIG_UDMABUF) or use --mem host\n");
	unsetenv("NCD_UDMABUF_DEV");
	unsetenv("NCD_UDMABUF_LIMIT");
}

static void test_udmabuf_limit(void **st)
{
	struct ncd_mem m = { .kind = NCD_MEM_UDMABUF, .size = 128 << 20 };
	char lim[] = "/tmp/ncd-limit-XXXXXX", err[512];
	int fd = mkstemp(lim);

	assert_int_equal(write(fd, "64\n", 3), 3);
	close(fd);
	setenv("NCD_UDMABUF_LIMIT", lim, 1);
	assert_int_equal(capture(open_mem, &m, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "udmabuf: 128 MiB requested but size_limit_mb is 64: lower --buf-size or raise /sys/module/udmabuf/parameters/size_limit_mb\n");
	unsetenv("NCD_UDMABUF_LIMIT");
	unlink(lim);
}

static int probe_udmabuf(void *arg)
{
	return ncd_mem_probe(NCD_MEM_UDMABUF, 128 << 20, NULL, NULL, arg);
}

/* The probe prints nothing and holds the words ncd_mem_open() prints. */
static void test_udmabuf_probe(void **st)
{
	struct ncd_mem_probe pr;
	char lim[] = "/tmp/ncd-limit-XXXXXX", dev[] = "/tmp/ncd-udmabuf-XXXXXX";
	char err[512];
	int fd = mkstemp(lim);

	assert_int_equal(write(fd, "64\n", 3), 3);
	close(fd);
	setenv("NCD_UDMABUF_LIMIT", lim, 1);
	assert_int_equal(capture(probe_udmabuf, &pr, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "");
	assert_int_equal(pr.usable, 0);
	assert_int_equal(pr.size_limit_mb, 64);
	assert_string_equal(pr.why, "128 MiB requested but size_limit_mb is 64");
	assert_string_equal(pr.fix, "lower --buf-size or raise /sys/module/udmabuf/parameters/size_limit_mb");

	fd = mkstemp(dev);	/* a device that opens: the limit is all that counts */
	close(fd);
	setenv("NCD_UDMABUF_DEV", dev, 1);
	assert_int_equal(ncd_mem_probe(NCD_MEM_UDMABUF, 64 << 20, NULL, NULL, &pr), 0);
	assert_true(pr.usable && pr.dmabuf);
	assert_int_equal(ncd_mem_probe(NCD_MEM_HOST, 1 << 20, NULL, NULL, &pr), 0);
	assert_true(pr.usable && !pr.dmabuf);
	unsetenv("NCD_UDMABUF_DEV");
	unsetenv("NCD_UDMABUF_LIMIT");
	unlink(dev);
	unlink(lim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci_norm),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_cuda_missing),
		cmocka_unit_test(test_udmabuf_missing),
		cmocka_unit_test(test_udmabuf_limit),
		cmocka_unit_test(test_udmabuf_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
