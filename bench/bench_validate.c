// SPDX-License-Identifier: MIT
/*
 * Host validator benchmark: ncd_pattern_check() and ncd_pattern_fill() at
 * each ISA level, against memcpy() measured in the same run.  The receiver
 * checks every payload byte in place, so the question is how the check
 * compares with the one copy copy mode already pays, and whether one core
 * keeps up with a NIC when the data is in cache.
 *
 * Per level: offset check on a cold buffer (default 256 MiB) as a ratio to
 * memcpy of that buffer; offset check on a hot buffer (default 1 MiB, in
 * cache, repeated to as many bytes as the cold one); -v 7 check on the cold buffer; fill of the hot buffer.
 * Best of -r runs; GB/s = 10^9 bytes/s.  The targets of issue 10 are printed
 * with met/missed for each level.
 *
 * usage: bench_validate [-s MiB] [-c KiB] [-r RUNS] [-l LEVEL]...
 *        levels: avx512 avx2 portable scalar (default: all but scalar)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pattern.h"

#define TARGET_COLD_RATIO	1.5	/* offset check / memcpy, cold buffer */
#define TARGET_HOT_GBS		40.0	/* offset check, in-cache buffer */
#define TARGET_UP_RATIO		0.8	/* -v check / memcpy, cold buffer */

struct bufs {
	uint8_t *cold, *cold_up, *dst, *hot;
	size_t cold_len, hot_len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best GB/s of @runs checks of @len bytes, @reps times each; exits on a
 * mismatch in a good buffer (a benchmark of a broken checker is no use). */
static double check_gbs(const struct ncd_pattern *p, const void *buf,
			size_t len, int runs, int reps)
{
	double best = 1e30;

	for (int i = 0; i < runs; i++) {
		struct ncd_verdict v = { 0 };
		double t = now();

		for (int r = 0; r < reps; r++)
			ncd_pattern_check(p, 0, buf, len, &v);
		t = now() - t;
		if (v.bad) {
			fprintf(stderr, "bench_validate: %s check found %llu bad bytes in a good buffer\n",
				ncd_pattern_isa(), (unsigned long long)v.bad);
			exit(1);
		}
		if (t < best)
			best = t;
	}
	return (double)len * reps / best / 1e9;
}

static double fill_gbs(const struct ncd_pattern *p, void *buf, size_t len,
		       int runs, int reps)
{
	double best = 1e30;

	for (int i = 0; i < runs; i++) {
		double t = now();

		for (int r = 0; r < reps; r++)
			ncd_pattern_fill(p, (uint64_t)r * len, buf, len);
		t = now() - t;
		if (t < best)
			best = t;
	}
	return (double)len * reps / best / 1e9;
}

static double memcpy_gbs(const struct bufs *b, int runs)
{
	double best = 1e30;

	for (int i = 0; i < runs; i++) {
		double t = now();

		memcpy(b->dst, b->cold, b->cold_len);
		t = now() - t;
		if (t < best)
			best = t;
	}
	return b->cold_len / best / 1e9;
}

static const char *met(int ok)
{
	return ok ? "met" : "MISSED";
}

static void bench_level(const struct bufs *b, double gcpy, int runs)
{
	const struct ncd_pattern off = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED,
					 NCD_PAT_DEFAULT_PERIOD };
	const struct ncd_pattern up = { NCD_PAT_UPSTREAM, 0, 7 };
	int reps = b->cold_len > b->hot_len ? b->cold_len / b->hot_len : 1;
	double cold = check_gbs(&off, b->cold, b->cold_len, runs, 1);
	double upc = check_gbs(&up, b->cold_up, b->cold_len, runs, 1);
	double hot, fill;

	ncd_pattern_fill(&off, 0, b->hot, b->hot_len);
	hot = check_gbs(&off, b->hot, b->hot_len, runs, reps);
	fill = fill_gbs(&off, b->hot, b->hot_len, runs, reps);
	printf("  %-9s offset check %7.2f GB/s = %5.2fx memcpy (%s)   hot %7.2f GB/s (%s)   -v 7 check %7.2f GB/s = %5.2fx memcpy (%s)   fill hot %7.2f GB/s\n",
	       ncd_pattern_isa(), cold, cold / gcpy,
	       met(cold / gcpy >= TARGET_COLD_RATIO), hot,
	       met(hot >= TARGET_HOT_GBS), upc, upc / gcpy,
	       met(upc / gcpy >= TARGET_UP_RATIO), fill);
}

static int usage(const char *argv0, int rc)
{
	fprintf(stderr, "usage: %s [-s MiB] [-c KiB] [-r RUNS] [-l avx512|avx2|portable|scalar]...\n",
		argv0);
	return rc;
}

int main(int argc, char **argv)
{
	const char *levels[8] = { "avx512", "avx2", "portable" };
	size_t mib = 256, kib = 1024;
	int runs = 3, nlevels = 3, user_levels = 0, c;
	struct bufs b;

	while ((c = getopt(argc, argv, "s:c:r:l:h")) != -1) {
		switch (c) {
		case 's': mib = strtoul(optarg, NULL, 0); break;
		case 'c': kib = strtoul(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		case 'l':
			if (user_levels == 8)
				return usage(argv[0], 2);
			levels[user_levels++] = optarg;
			nlevels = user_levels;
			break;
		default:
			return usage(argv[0], c == 'h' ? 0 : 2);
		}
	}
	if (!mib || !kib || runs < 1) {
		fprintf(stderr, "bench_validate: -s, -c and -r must be positive\n");
		return 2;
	}
	b.cold_len = mib << 20;
	b.hot_len = kib << 10;
	b.cold = aligned_alloc(4096, b.cold_len);
	b.cold_up = aligned_alloc(4096, b.cold_len);
	b.dst = aligned_alloc(4096, b.cold_len);
	b.hot = aligned_alloc(4096, b.hot_len);
	if (!b.cold || !b.cold_up || !b.dst || !b.hot) {
		fprintf(stderr, "bench_validate: cannot allocate 3 x %zu MiB\n", mib);
		return 1;
	}
	memset(b.dst, 0, b.cold_len);	/* time the copy, not page faults */
	{
		const struct ncd_pattern off = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED,
						 NCD_PAT_DEFAULT_PERIOD };
		const struct ncd_pattern up = { NCD_PAT_UPSTREAM, 0, 7 };

		ncd_pattern_fill(&off, 0, b.cold, b.cold_len);
		ncd_pattern_fill(&up, 0, b.cold_up, b.cold_len);
	}
	double gcpy = memcpy_gbs(&b, runs);

	printf("bench_validate: cold %zu MiB, hot %zu KiB, best of %d run(s), GB/s = 10^9 bytes/s\n",
	       mib, kib, runs);
	printf("  targets: offset check >= %.1fx memcpy cold, >= %.0f GB/s hot; -v check >= %.1fx memcpy\n",
	       TARGET_COLD_RATIO, TARGET_HOT_GBS, TARGET_UP_RATIO);
	printf("  memcpy    %7.2f GB/s (cold, reads and writes)\n", gcpy);
	for (int i = 0; i < nlevels; i++) {
		if (ncd_pattern_set_isa(levels[i])) {
			printf("  %-9s not run by this CPU\n", levels[i]);
			continue;
		}
		bench_level(&b, gcpy, runs);
	}
	free(b.cold);
	free(b.cold_up);
	free(b.dst);
	free(b.hot);
	return 0;
}
