// SPDX-License-Identifier: MIT
/*
 * Pattern fill/check at the dispatched ISA level against the byte-wise
 * reference, without cmocka: small enough to cross-build for another
 * architecture and run under qemu-user (tests/integration/t_arm64_portable).
 * Prints the level and "ok", or the first disagreement; exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pattern.h"

static uint64_t rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return ncd_mix64(*s);
}

static int same(const struct ncd_verdict *a, const struct ncd_verdict *b)
{
	return a->checked == b->checked && a->bad == b->bad &&
	       a->have_first == b->have_first && a->first_off == b->first_off &&
	       a->expected == b->expected && a->actual == b->actual;
}

int main(void)
{
	static uint8_t got[70000], want[70000];
	uint64_t s = 12345;

	printf("level %s\n", ncd_pattern_isa());
	for (int iter = 0; iter < 2000; iter++) {
		struct ncd_pattern p = { NCD_PAT_OFFSET, rnd(&s), 8 << (rnd(&s) % 24), 0 };
		struct ncd_verdict vf = { 0 }, vr = { 0 };
		uint64_t off = rnd(&s) >> 20;
		size_t len = rnd(&s) % (sizeof(got) - 64);
		uint8_t *g = got + rnd(&s) % 64;

		if (iter % 3 == 0)
			p = (struct ncd_pattern){ NCD_PAT_UPSTREAM, 0, 2 + rnd(&s) % 255, 0 };
		ncd_pattern_fill(&p, off, g, len);
		ncd_pattern_fill_ref(&p, off, want, len);
		if (memcmp(g, want, len)) {
			printf("fill differs: kind %d period %llu off %llu len %zu\n",
			       p.kind, (unsigned long long)p.period,
			       (unsigned long long)off, len);
			return 1;
		}
		if (len && iter % 2)
			g[rnd(&s) % len] ^= 1 + rnd(&s) % 255;
		ncd_pattern_check(&p, off, g, len, &vf);
		ncd_pattern_check_ref(&p, off, g, len, &vr);
		if (!same(&vf, &vr) || (vf.bad != 0) != (memcmp(g, want, len) != 0)) {
			printf("verdict differs: kind %d period %llu off %llu len %zu: bad %llu vs %llu\n",
			       p.kind, (unsigned long long)p.period,
			       (unsigned long long)off, len,
			       (unsigned long long)vf.bad, (unsigned long long)vr.bad);
			return 1;
		}
	}
	printf("ok\n");
	return 0;
}
