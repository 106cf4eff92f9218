// SPDX-License-Identifier: MIT
/* Stateless payload patterns; see pattern.h for the scheme. */
#include <string.h>
#include "pattern.h"

/* splitmix64 finalizer: a bijection on 64-bit values, so distinct word
 * indices give distinct words. */
uint64_t ncd_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

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
		return r == p->period - 1 ? '\n' : (uint8_t)(r + 1);
	default:
		return 0;
	}
}

static void upstream_fill(const struct ncd_pattern *p, uint64_t off,
			  uint8_t *d, size_t len)
{
	uint64_t r = off % p->period;

	for (size_t i = 0; i < len; i++) {
		d[i] = r == p->period - 1 ? '\n' : (uint8_t)(r + 1);
		if (++r == p->period)
			r = 0;
	}
}

void ncd_pattern_fill(const struct ncd_pattern *p, uint64_t off, void *dst,
		      size_t len)
{
	uint8_t *d = dst;

	if (p->kind == NCD_PAT_UPSTREAM) {
		upstream_fill(p, off, d, len);
		return;
	}
	if (p->kind != NCD_PAT_OFFSET) {
		memset(d, 0, len);
		return;
	}
	/* Head up to a word boundary, whole words, then the tail. */
	while (len && (off & 7)) {
		*d++ = ncd_pattern_byte(p, off++);
		len--;
	}
	/* the word index wraps incrementally: no division per word */
	for (uint64_t nw = p->period / 8, i = (off / 8) % nw; len >= 8;
	     len -= 8, off += 8, d += 8) {
		uint64_t w = ncd_mix64(p->seed + i);

		memcpy(d, &w, 8);	/* little-endian hosts only (x86, arm64) */
		if (++i == nw)
			i = 0;
	}
	while (len--)
		*d++ = ncd_pattern_byte(p, off++);
}

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
			     const uint8_t *b, size_t len, struct ncd_verdict *v)
{
	uint64_t bad = 0;
	size_t head = (8 - (off & 7)) & 7;

	if (head > len)
		head = len;
	bad += note_bad(p, off, b, head, v);
	off += head, b += head, len -= head;
	for (uint64_t nw = p->period / 8, i = (off / 8) % nw; len >= 8;
	     len -= 8, off += 8, b += 8) {
		uint64_t w;

		memcpy(&w, b, 8);
		if (w != ncd_mix64(p->seed + i))
			bad += note_bad(p, off, b, 8, v);
		if (++i == nw)
			i = 0;
	}
	return bad + note_bad(p, off, b, len, v);
}

static uint64_t upstream_check(const struct ncd_pattern *p, uint64_t off,
			       const uint8_t *b, size_t len,
			       struct ncd_verdict *v)
{
	uint64_t r = off % p->period, bad = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t e = r == p->period - 1 ? '\n' : (uint8_t)(r + 1);

		if (b[i] != e)
			bad += note_bad(p, off + i, b + i, 1, v);
		if (++r == p->period)
			r = 0;
	}
	return bad;
}

uint64_t ncd_pattern_check(const struct ncd_pattern *p, uint64_t off,
			   const void *buf, size_t len, struct ncd_verdict *v)
{
	uint64_t bad;

	if (p->kind == NCD_PAT_OFFSET)
		bad = offset_check(p, off, buf, len, v);
	else if (p->kind == NCD_PAT_UPSTREAM)
		bad = upstream_check(p, off, buf, len, v);
	else
		return 0;
	v->checked += len;
	v->bad += bad;
	return bad;
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
