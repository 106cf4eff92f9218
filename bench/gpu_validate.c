// SPDX-License-Identifier: MIT
/*
 * GPU validator throughput: GB/s of the CUDA provider's validation queue
 * (the RX loop's path: batches in flight on one stream, one launch each)
 * by fragment size and batch size, and the ratio to 400 Gb/s (50 GB/s).
 * Runs on a real GPU or on the fake libcuda (NCD_LIBCUDA; then the numbers
 * only show the code runs).  Exit 0, 1 (a clean buffer failed validation),
 * 2 usage, 4 no CUDA.
 * Usage: gpu_validate [-f SIZES] [-b BATCHES] [-t SECONDS] [-d DEPTH]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "frag.h"
#include "gpu_mem.h"
#include "mem.h"
#include "pattern.h"

#define LINE_RATE	50e9	/* 400 Gb/s in bytes per second */
#define MAXN		16

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int parse_list(char *s, unsigned long *out)
{
	int n = 0;

	for (char *t = strtok(s, ","); t && n < MAXN; t = strtok(NULL, ","))
		if ((out[n] = strtoul(t, NULL, 0)))
			n++;
	return n;
}

/* Keep @depth batches of @nb fragments of @fs bytes in flight for @secs. */
static int cell(struct ncd_mem *m, const struct ncd_pattern *pat,
		unsigned long fs, unsigned long nb, unsigned int depth,
		double secs, double *gbs)
{
	struct ncd_verdict v = { 0 };
	struct ncd_vq q;
	struct ncd_vq_batch *b;
	double t0, t;
	int err = 0, ret;

	ret = ncd_vq_open(&q, m, pat, &v, depth, nb);
	if (ret)
		return ret;
	t0 = now();
	do {
		while (!err && (b = ncd_vq_next(&q))) {
			for (unsigned long i = 0; i < nb; i++)
				b->frags[i] = (struct ncd_frag){ .off = i * fs, .len = fs,
								 .stream_off = i * fs };
			b->n = nb;
			err = ncd_vq_submit(&q);
		}
		while (!err && ncd_vq_reap(&q, 1, &err) && ncd_vq_inflight(&q))
			;
		t = now();
	} while (!err && t - t0 < secs);
	while (!err && ncd_vq_reap(&q, 1, &err))
		;
	t = now();
	ncd_vq_close(&q);
	*gbs = v.checked / (t - t0) / 1e9;
	return err ? err : v.bad ? -EILSEQ : 0;
}

int main(int argc, char **argv)
{
	char fdef[] = "4096,16384,65536,262144", bdef[] = "16,64,256,1024";
	unsigned long fs[MAXN], nb[MAXN], maxb = 0;
	struct ncd_pattern pat = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED, 0 };
	struct ncd_mem m = { 0 };
	char *fl = fdef, *bl = bdef;
	double secs = 1.0;
	unsigned int depth = 4;
	int nf, nbs, c, ret;

	while ((c = getopt(argc, argv, "f:b:t:d:")) != -1) {
		switch (c) {
		case 'f': fl = optarg; break;
		case 'b': bl = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'd': depth = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: gpu_validate [-f SIZES] [-b BATCHES] [-t SECONDS] [-d DEPTH]\n");
			return 2;
		}
	}
	nf = parse_list(fl, fs);
	nbs = parse_list(bl, nb);
	for (int i = 0; i < nf; i++)
		for (int j = 0; j < nbs; j++)
			if (fs[i] * nb[j] > maxb)
				maxb = fs[i] * nb[j];
	if (!nf || !nbs || secs <= 0) {
		fprintf(stderr, "gpu_validate: empty size list or bad -t: see usage\n");
		return 2;
	}
	pat.period = (maxb + 7) & ~7UL;
	ret = ncd_mem_open(&m, NCD_MEM_CUDA, maxb);
	if (ret)
		return ret == -ENOENT ? 4 : 1;
	ret = ncd_cuda_fill(&m, 0, 0, maxb, &pat);
	printf("%-10s %-7s %10s %10s\n", "fragment", "batch", "GB/s", "x400G");
	for (int i = 0; i < nf && !ret; i++) {
		for (int j = 0; j < nbs && !ret; j++) {
			double g = 0;

			ret = cell(&m, &pat, fs[i], nb[j], depth, secs, &g);
			printf("%-10lu %-7lu %10.2f %10.3f\n", fs[i], nb[j], g, g * 1e9 / LINE_RATE);
		}
	}
	ncd_mem_close(&m);
	if (ret)
		fprintf(stderr, "gpu_validate: %s\n", ret == -EILSEQ ?
			"a clean buffer failed validation: kernel or driver bug" : strerror(-ret));
	return ret ? 1 : 0;
}
