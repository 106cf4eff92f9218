// SPDX-License-Identifier: MIT
/*
 * Host validator benchmark: ncd_pattern_check() against memcpy() over the
 * same buffer.  The receiver checks every payload byte in place, so the
 * question is how the check compares with the one copy copy mode already
 * pays.  Fills a buffer (default 256 MiB) with the pattern, then times one
 * memcpy into a pre-faulted buffer and one check per pattern (best of -r
 * runs), and prints GB/s (10^9 bytes/s) and the ratio check/memcpy.
 *
 * usage: bench_validate [-s MiB] [-r RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pattern.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double best_check(const struct ncd_pattern *p, const void *buf,
			 size_t len, int runs, uint64_t *bad)
{
	double best = 1e30;

	for (int i = 0; i < runs; i++) {
		struct ncd_verdict v = { 0 };
		double t = now();

		*bad = ncd_pattern_check(p, 0, buf, len, &v);
		t = now() - t;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t mib = 256;
	int runs = 1, c;

	while ((c = getopt(argc, argv, "s:r:h")) != -1) {
		switch (c) {
		case 's': mib = strtoul(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-s MiB] [-r RUNS]\n", argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (!mib || runs < 1) {
		fprintf(stderr, "bench_validate: -s and -r must be positive\n");
		return 2;
	}
	size_t len = mib << 20;
	uint8_t *src = aligned_alloc(4096, len), *dst = aligned_alloc(4096, len);

	if (!src || !dst) {
		fprintf(stderr, "bench_validate: cannot allocate 2 x %zu MiB\n", mib);
		return 1;
	}
	memset(dst, 0, len);	/* fault the pages in: time the copy, not faults */

	struct ncd_pattern off = { NCD_PAT_OFFSET, NCD_PAT_DEFAULT_SEED,
				   NCD_PAT_DEFAULT_PERIOD };
	struct ncd_pattern up = { NCD_PAT_UPSTREAM, 0, 7 };

	ncd_pattern_fill(&off, 0, src, len);

	double tcpy = 1e30;

	for (int i = 0; i < runs; i++) {
		double t = now();

		memcpy(dst, src, len);
		t = now() - t;
		if (t < tcpy)
			tcpy = t;
	}
	if (memcmp(dst, src, 4096)) {
		fprintf(stderr, "bench_validate: memcpy went wrong\n");
		return 1;
	}
	uint64_t bad_off, bad_up;
	double toff = best_check(&off, src, len, runs, &bad_off);

	ncd_pattern_fill(&up, 0, src, len);
	double tup = best_check(&up, src, len, runs, &bad_up);

	double gcpy = len / tcpy / 1e9, goff = len / toff / 1e9, gup = len / tup / 1e9;

	printf("bench_validate: buffer %zu MiB, best of %d run(s), GB/s = 10^9 bytes/s\n",
	       mib, runs);
	printf("  memcpy                       %8.2f GB/s\n", gcpy);
	printf("  pattern check (offset)       %8.2f GB/s   ratio check/memcpy %.3f\n",
	       goff, goff / gcpy);
	printf("  pattern check (upstream -v 7)%8.2f GB/s   ratio check/memcpy %.3f\n",
	       gup, gup / gcpy);
	if (bad_off || bad_up) {
		fprintf(stderr, "bench_validate: check found %llu + %llu bad bytes in a good buffer\n",
			(unsigned long long)bad_off, (unsigned long long)bad_up);
		return 1;
	}
	free(src);
	free(dst);
	return 0;
}
