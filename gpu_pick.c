// SPDX-License-Identifier: MIT
/*
 * Which GPU: --gpu (index or PCI address), else the one nearest the NIC in
 * the PCIe tree (devmem traffic between them should not cross the CPU's
 * root complex), else one on the NIC's NUMA node, else GPU 0.  The choice
 * is printed with its PCI address, with a warning when NIC and GPU share
 * no switch or root port.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpu_mem.h"
#include "gpu_pick.h"
#include "gpu_priv.h"
#include "mem.h"

#define MAX_GPUS	64

int ncd_pci_addr_norm(const char *in, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (strspn(in, "0123456789abcdefABCDEF:.") != strlen(in))
		return -EINVAL;
	if (sscanf(in, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
		dom = 0;
		if (sscanf(in, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3)
			return -EINVAL;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

static int common_components(const char *a, const char *b)
{
	int n = 0;

	while (*a && *a == *b) {
		if (*a == '/')
			n++;
		a++, b++;
	}
	/* a whole last component matches only if both end or both hit '/' */
	if ((!*a || *a == '/') && (!*b || *b == '/'))
		n++;
	return n;
}

int ncd_gpu_pick_nearest(const char *nic_path, const char *const *gpu_paths,
			 int n)
{
	int best = -1, best_n = 3;	/* "", "sys", "devices" shared by all */

	for (int i = 0; nic_path && i < n; i++) {
		int c = gpu_paths[i] ? common_components(nic_path, gpu_paths[i]) : 0;

		if (c > best_n) {
			best = i;
			best_n = c;
		}
	}
	return best;
}

int ncd_gpu_shares_port(const char *nic_path, const char *gpu_path)
{
	/* "", sys, devices, pciDDDD:BB, then the first shared port/switch */
	return nic_path && gpu_path && common_components(nic_path, gpu_path) > 4;
}

int ncd_cuda_bdf(int ordinal, char *out, size_t len)
{
	char raw[64] = { 0 };
	CUdevice d;

	/* one byte short: a driver that fills the buffer leaves it unterminated */
	if (cu.DeviceGet(&d, ordinal) ||
	    cu.DeviceGetPCIBusId(raw, sizeof(raw) - 1, d))
		return -EIO;
	raw[strcspn(raw, " \t\n")] = 0;
	return ncd_pci_addr_norm(raw, out, len);
}

static int refuse(struct ncd_mem_probe *pr, int err, const char *sel,
		  const char *why, const char *fix)
{
	snprintf(pr->why, sizeof(pr->why), "--gpu %s: %s", sel, why);
	snprintf(pr->fix, sizeof(pr->fix), "%s", fix);
	return err;
}

static int pick_by_sel(const char *sel, int count, struct ncd_mem_probe *pr)
{
	char want[32], have[32], why[64];
	char *end;
	long idx = strtol(sel, &end, 10);

	if (*sel && !*end) {
		if (idx >= 0 && idx < count)
			return (int)idx;
		snprintf(why, sizeof(why), "only %d GPU(s) (0..%d)", count, count - 1);
		return refuse(pr, -ENODEV, sel, why, "pick one of those");
	}
	if (ncd_pci_addr_norm(sel, want, sizeof(want)))
		return refuse(pr, -EINVAL, sel, "neither an index nor a PCI address",
			      "pass an index or an address like 0000:3b:00.0");
	for (int i = 0; i < count; i++)
		if (!ncd_cuda_bdf(i, have, sizeof(have)) && !strcmp(want, have))
			return i;
	return refuse(pr, -ENODEV, sel, "no CUDA device at that PCI address",
		      "pick one that nvidia-smi lists");
}

static int read_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

struct topo {
	char nic[PATH_MAX];
	int nic_node;
	int n;
	char *paths[MAX_GPUS];
	int node[MAX_GPUS];
};

static int topo_load(struct topo *t, const char *ifname, int count)
{
	char path[PATH_MAX], bdf[32];

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifname);
	if (!realpath(path, t->nic))
		return -ENODEV;	/* virtual interface: no PCIe position */
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/numa_node", ifname);
	t->nic_node = read_int(path, -1);
	t->n = count < MAX_GPUS ? count : MAX_GPUS;
	for (int i = 0; i < t->n; i++) {
		t->node[i] = -2;
		if (ncd_cuda_bdf(i, bdf, sizeof(bdf)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
		t->paths[i] = realpath(path, NULL);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", bdf);
		t->node[i] = read_int(path, -2);
	}
	return 0;
}

static void topo_free(struct topo *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->paths[i]);
}

/* Nearest by PCIe path; without a shared port, the NIC's NUMA node. */
static int pick_nearest(const char *ifname, int count, const char **why,
			char *note, size_t note_len)
{
	struct topo t = { 0 };
	int best;

	*why = "default";
	if (topo_load(&t, ifname, count))
		return 0;
	best = ncd_gpu_pick_nearest(t.nic, (const char *const *)t.paths, t.n);
	if (best >= 0 && ncd_gpu_shares_port(t.nic, t.paths[best])) {
		*why = "nearest to the NIC";
		goto out;
	}
	for (int i = 0; i < t.n && t.nic_node >= 0; i++)
		if (t.node[i] == t.nic_node) {
			best = i;
			*why = "same NUMA node as the NIC";
			goto out;
		}
	best = best < 0 ? 0 : best;
out:
	if (!ncd_gpu_shares_port(t.nic, t.paths[best]))
		snprintf(note, note_len, "cuda: warning: GPU %d and %s share no PCIe switch or root port: devmem traffic crosses the root complex (expect lower throughput); pick another GPU with --gpu",
			 best, ifname);
	topo_free(&t);
	return best;
}

int ncd_cuda_pick_gpu(const char *sel, const char *ifname, int count,
		      struct ncd_mem_probe *pr)
{
	const char *why = "default";
	int g;

	if (sel && *sel) {
		g = pick_by_sel(sel, count, pr);
		why = "--gpu";
	} else if (ifname && *ifname) {
		g = pick_nearest(ifname, count, &why, pr->note, sizeof(pr->note));
	} else {
		g = 0;
	}
	if (g < 0)
		return g;
	if (ncd_cuda_bdf(g, pr->gpu_bdf, sizeof(pr->gpu_bdf)))
		snprintf(pr->gpu_bdf, sizeof(pr->gpu_bdf), "unknown PCI address");
	pr->gpu = g;
	pr->gpu_why = why;
	return g;
}
