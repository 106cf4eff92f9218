// SPDX-License-Identifier: MIT
/*
 * Stateless payload patterns; see pattern.h for the scheme.  The byte-exact
 * scalar code below is the reference; the fast paths use pattern_simd.c's
 * kernels to find the next mismatching unit and hand that unit back to the
 * reference, so every level reports exactly what the reference reports.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pattern.h"
#include "pattern_simd.h"

static inline uint64_t offset_word(const struct ncd_pattern *p, uint64_t word)
{
	return ncd_mix64(p->seed + word % (p->period / 8));
}

uint8_t ncd_pattern_byte(const struct ncd_pattern *p, uint64_t off)
{
	uint64_t r;

	switch (p->kind) {
	case NCD_PAT_OFFSET:
		return offset_word(p, off / 8) >> (8 * (off % 8));
	case NCD_PAT_UPSTREAM:
		r = off % p->period;
		if (r == p->period - 1)
			return p->nul_eol ? 0 : '\n';
		return (uint8_t)(r + 1);
	default:
		return 0;
	}
}

/* ---- ISA level: picked once, NCD_ISA may force one ---- */

/* -v N windows: residue r's expected byte at win[eol][N][r], N + slack
 * long; eol 0: lines end in '\n', 1: in 0x00 (the 6.12 selftest). */
static uint8_t windows[2][NCD_PAT_UPSTREAM_MAX + 1]
		      [NCD_PAT_UPSTREAM_MAX + NCD_PAT_WIN_SLACK];
static const struct ncd_pat_kernels *kern;	/* NULL: the reference */
static pthread_once_t pick_once = PTHREAD_ONCE_INIT;

static int level_by_name(const char *name, const struct ncd_pat_kernels **k)
{
	if (!strcmp(name, "scalar")) {
		*k = NULL;
		return 0;
	}
	for (int i = 0; ncd_pat_levels[i]; i++)
		if (!strcmp(name, ncd_pat_levels[i]->name) &&
		    ncd_pat_levels[i]->supported()) {
			*k = ncd_pat_levels[i];
			return 0;
		}
	return -1;
}

static void pick_level(void)
{
	const char *want = getenv("NCD_ISA");

	for (uint32_t n = 2; n <= NCD_PAT_UPSTREAM_MAX; n++)
		for (uint32_t r = 0; r < n + NCD_PAT_WIN_SLACK; r++)
			for (int e = 0; e < 2; e++)
				windows[e][n][r] = r % n == n - 1 ?
						   (e ? 0 : '\n') : r % n + 1;
	for (int i = 0; ncd_pat_levels[i]; i++)
		if (ncd_pat_levels[i]->supported()) {
			kern = ncd_pat_levels[i];
			break;
		}
	if (want && *want && strcmp(want, "auto") && level_by_name(want, &kern))
		fprintf(stderr, "ncdevmem: NCD_ISA=%s is not a level this CPU runs (avx512, avx2, portable, scalar, auto): using %s\n",
			want, kern ? kern->name : "scalar");
}

static const struct ncd_pat_kernels *kernels(void)
{
	pthread_once(&pick_once, pick_level);
	return kern;
}

const char *ncd_pattern_isa(void)
{
	const struct ncd_pat_kernels *k = kernels();

	return k ? k->name : "scalar";
}

int ncd_pattern_set_isa(const char *name)
{
	kernels();
	return level_by_name(name, &kern);
}

/* ---- fill ---- */

/* Calls @words for each run of whole words between period wraps; the
 * caller has handled the bytes before the first word boundary. */
#define FOR_EACH_WORD_RUN(p, off, len, i, nw)				\
	for (uint64_t _pw = (p)->period / 8, i = ((off) / 8) % _pw, nw;	\
	     (len) >= 8 && ((nw) = (len) / 8 < _pw - i ? (len) / 8 : _pw - i); \
	     (off) += 8 * (nw), (len) -= 8 * (nw), i = i + (nw) == _pw ? 0 : i + (nw))

static void offset_fill(const struct ncd_pattern *p, uint64_t off, uint8_t *d,
			size_t len, const struct ncd_pat_kernels *k)
{
	/* Head up to a word boundary, whole words, then the tail. */
	while (len && (off & 7)) {
		*d++ = ncd_pattern_byte(p, off++);
		len--;
	}
	FOR_EACH_WORD_RUN(p, off, len, i, nw) {
		k->offset_fill(p->seed, i, d, nw);
		d += 8 * nw;
	}
	while (len--)
		*d++ = ncd_pattern_byte(p, off++);
}

/* -v N from its window: 64-byte blocks, the residue advancing by 64 % N. */
static void window_fill(const struct ncd_pattern *p, uint64_t off, uint8_t *d,
			size_t len)
{
	const uint8_t *win = windows[!!p->nul_eol][p->period];
	uint32_t n = p->period, r = off % n, step = NCD_PAT_WIN_SLACK % n;

	for (; len; r = r + step >= n ? r + step - n : r + step) {
		size_t c = len < NCD_PAT_WIN_SLACK ? len : NCD_PAT_WIN_SLACK;

		memcpy(d, win + r, c);
		d += c;
		len -= c;
	}
}

static int windowed(const struct ncd_pattern *p)
{
	return p->period >= 2 && p->period <= NCD_PAT_UPSTREAM_MAX;
}

void ncd_pattern_fill(const struct ncd_pattern *p, uint64_t off, void *dst,
		      size_t len)
{
	const struct ncd_pat_kernels *k = kernels();

	if (!k)
		ncd_pattern_fill_ref(p, off, dst, len);
	else if (p->kind == NCD_PAT_OFFSET)
		offset_fill(p, off, dst, len, k);
	else if (p->kind == NCD_PAT_UPSTREAM && windowed(p))
		window_fill(p, off, dst, len);
	else
		ncd_pattern_fill_ref(p, off, dst, len);
}

/* The reference: one byte at a time, straight from the definition. */
void ncd_pattern_fill_ref(const struct ncd_pattern *p, uint64_t off, void *dst,
			  size_t len)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++)
		d[i] = ncd_pattern_byte(p, off + i);
}

/* ---- check ---- */

/* The reference: compares byte by byte, records the first bad byte. */
static uint64_t note_bad(const struct ncd_pattern *p, uint64_t off,
			 const uint8_t *b, size_t len, struct ncd_verdict *v)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t e = ncd_pattern_byte(p, off + i);

		if (b[i] == e)
			continue;
		if (!bad && (!v->have_first || off + i < v->first_off)) {
			v->have_first = 1;
			v->first_off = off + i;
			v->expected = e;
			v->actual = b[i];
		}
		bad++;
	}
	return bad;
}

static uint64_t offset_check(const struct ncd_pattern *p, uint64_t off,
			     const uint8_t *b, size_t len, struct ncd_verdict *v,
			     const struct ncd_pat_kernels *k)
{
	uint64_t bad = 0;
	size_t head = (8 - (off & 7)) & 7;

	if (head > len)
		head = len;
	bad += note_bad(p, off, b, head, v);
	off += head, b += head, len -= head;
	FOR_EACH_WORD_RUN(p, off, len, i, nw) {
		for (uint64_t j = 0; j < nw; j++) {	/* to the next bad word */
			j += k->offset_find(p->seed, i + j, b + 8 * j, nw - j);
			if (j == nw)
				break;
			bad += note_bad(p, off + 8 * j, b + 8 * j, 8, v);
		}
		b += 8 * nw;
	}
	return bad + note_bad(p, off, b, len, v);
}

static uint64_t window_check(const struct ncd_pattern *p, uint64_t off,
			     const uint8_t *b, size_t len, struct ncd_verdict *v,
			     const struct ncd_pat_kernels *k)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < len; i++) {	/* to the next bad byte */
		i += k->window_find(windows[!!p->nul_eol][p->period], p->period,
				    (off + i) % p->period, b + i, len - i);
		if (i == len)
			break;
		bad += note_bad(p, off + i, b + i, 1, v);
	}
	return bad;
}

static uint64_t check(const struct ncd_pattern *p, uint64_t off,
		      const void *buf, size_t len, struct ncd_verdict *v,
		      const struct ncd_pat_kernels *k)
{
	uint64_t bad;

	if (p->kind != NCD_PAT_OFFSET && p->kind != NCD_PAT_UPSTREAM)
		return 0;
	if (k && p->kind == NCD_PAT_OFFSET)
		bad = offset_check(p, off, buf, len, v, k);
	else if (k && windowed(p))
		bad = window_check(p, off, buf, len, v, k);
	else
		bad = note_bad(p, off, buf, len, v);
	v->checked += len;
	v->bad += bad;
	return bad;
}

uint64_t ncd_pattern_check(const struct ncd_pattern *p, uint64_t off,
			   const void *buf, size_t len, struct ncd_verdict *v)
{
	return check(p, off, buf, len, v, kernels());
}

uint64_t ncd_pattern_check_ref(const struct ncd_pattern *p, uint64_t off,
			       const void *buf, size_t len,
			       struct ncd_verdict *v)
{
	return check(p, off, buf, len, v, NULL);
}

void ncd_verdict_merge(struct ncd_verdict *dst, const struct ncd_verdict *src)
{
	dst->checked += src->checked;
	dst->bad += src->bad;
	if (src->have_first &&
	    (!dst->have_first || src->first_off < dst->first_off)) {
		dst->have_first = 1;
		dst->first_off = src->first_off;
		dst->expected = src->expected;
		dst->actual = src->actual;
	}
}
