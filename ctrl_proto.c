// SPDX-License-Identifier: MIT
/* Control-protocol frames and their key=value payloads; see ctrl_proto.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctrl_proto.h"

#define VAL_MAX	64	/* longest value of a known key */

static const char *const pat_names[] = { "none", "offset", "upstream" };
static const char *const dir_names[] = { "forward", "reverse", "bidir" };

const char *ncd_ctrl_dir_name(int dir)
{
	return dir >= 0 && dir <= NCD_DIR_BIDIR ? dir_names[dir] : "?";
}

int ncd_ctrl_parse_hdr(const uint8_t *buf, struct ncd_ctrl_hdr *h,
		       const char **why)
{
	if (memcmp(buf, NCD_CTRL_MAGIC, 4)) {
		*why = "not an ncdevmem control message";
		return -1;
	}
	h->version = buf[4];
	h->type = buf[5];
	h->len = (unsigned int)buf[6] << 8 | buf[7];
	if (h->version != NCD_CTRL_VERSION) {
		*why = "another control protocol version: use the same ncdevmem release on both ends";
		return -1;
	}
	if (h->type < NCD_CTRL_HELLO || h->type > NCD_CTRL_RESULT) {
		*why = "unknown control message type";
		return -1;
	}
	if (h->len > NCD_CTRL_MAX) {
		*why = "control message too long";
		return -1;
	}
	return 0;
}

size_t ncd_ctrl_frame(uint8_t *out, int type, const char *payload, size_t len)
{
	if (len > NCD_CTRL_MAX)
		len = NCD_CTRL_MAX;
	memcpy(out, NCD_CTRL_MAGIC, 4);
	out[4] = NCD_CTRL_VERSION;
	out[5] = type;
	out[6] = len >> 8;
	out[7] = len & 0xff;
	memcpy(out + NCD_CTRL_HDR, payload, len);
	return NCD_CTRL_HDR + len;
}

/* snprintf that appends to @out at *@n; sets *@n past the end on overflow */
static void put(char *out, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n > NCD_CTRL_MAX)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *n, NCD_CTRL_MAX + 1 - *n, fmt, ap);
	va_end(ap);
	*n = w < 0 || (size_t)w > NCD_CTRL_MAX - *n ? NCD_CTRL_MAX + 1 : *n + w;
}

size_t ncd_ctrl_enc_settings(char *out, const struct ncd_ctrl_settings *s)
{
	size_t n = 0;

	put(out, &n, "flows=%u\npattern=%s\nseed=%llu\nperiod=%llu\ntime=%.6f\n",
	    s->flows, pat_names[s->pat.kind], (unsigned long long)s->pat.seed,
	    (unsigned long long)s->pat.period, s->time_s);
	put(out, &n, "bytes=%llu\ndir=%s\nchunk=%u\ncorrupt=%lld\nset=%u\n",
	    (unsigned long long)s->bytes, ncd_ctrl_dir_name(s->dir),
	    s->tx_chunk, (long long)s->corrupt_at, s->set);
	if (s->bitrate)		/* keys an older peer skips */
		put(out, &n, "bitrate=%llu\n", (unsigned long long)s->bitrate);
	if (s->pat.nul_eol)	/* --upstream-pattern=6.12 */
		put(out, &n, "eol=nul\n");
	if (s->cpu >= 0)	/* -A N */
		put(out, &n, "cpu=%d\n", s->cpu);
	if (s->peer_cpu >= 0)	/* -A N,M */
		put(out, &n, "peer_cpu=%d\n", s->peer_cpu);
	return n > NCD_CTRL_MAX ? 0 : n;
}

size_t ncd_ctrl_enc_result(char *out, const struct ncd_ctrl_result *r)
{
	const struct ncd_verdict *v = &r->verdict;
	size_t n = 0;

	put(out, &n, "role=%s\nvalidated=%d\nbytes=%llu\nsecs=%.6f\ncpu_user=%.6f\ncpu_sys=%.6f\n",
	    r->sender ? "sender" : "receiver", !!r->pattern_on,
	    (unsigned long long)r->bytes, r->secs, r->cpu_user, r->cpu_sys);
	put(out, &n, "checked=%llu\nbad=%llu\n", (unsigned long long)v->checked,
	    (unsigned long long)v->bad);
	if (v->have_first)
		put(out, &n, "first=%llu\nexpected=%u\nactual=%u\n",
		    (unsigned long long)v->first_off, v->expected, v->actual);
	put(out, &n, "flows=%u\n", r->nflows);
	for (unsigned int i = 0; i < r->nflows && i < NCD_CTRL_MAX_FLOWS; i++)
		put(out, &n, "flow=%u %llu %.6f %.6f\n", i,
		    (unsigned long long)r->flow[i].bytes, r->flow[i].t_start,
		    r->flow[i].t_end);
	return n > NCD_CTRL_MAX ? 0 : n;
}

/* Decimal digits only, nothing after, at most @max. */
static int get_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A plain decimal, finite, in [0, @max]; @end: where it stopped (NULL:
 * nothing may follow). */
static int get_double(const char *s, double max, double *out, char **endp)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0 || v > max)
		return -1;
	if (endp)
		*endp = end;
	else if (*end)
		return -1;
	*out = v;
	return 0;
}

static int pick(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

typedef int (*kv_fn)(void *ctx, const char *key, const char *val);

/*
 * Split @p into "key=value\n" lines and hand each to @fn.  Keys are
 * [a-z_]+, values printable ASCII; a value longer than VAL_MAX - 1 is
 * passed as "" (no known key takes one that long).
 */
static int each_kv(const char *p, size_t len, kv_fn fn, void *ctx, char *why,
		   size_t wlen)
{
	size_t i = 0;

	while (i < len) {
		char key[32], val[VAL_MAX];
		size_t k = 0, v = 0;

		while (i < len && (islower((unsigned char)p[i]) || p[i] == '_')) {
			if (k == sizeof(key) - 1)
				goto bad;
			key[k++] = p[i++];
		}
		if (!k || i == len || p[i++] != '=')
			goto bad;
		key[k] = 0;
		while (i < len && p[i] != '\n') {
			if (p[i] < 0x20 || p[i] > 0x7e)
				goto bad;
			if (v < sizeof(val) - 1)
				val[v] = p[i];
			v++;
			i++;
		}
		if (i == len)
			goto bad;	/* every line ends with \n */
		i++;
		val[v < sizeof(val) ? v : 0] = 0;
		if (fn(ctx, key, val)) {
			snprintf(why, wlen, "bad value for '%s' in a control message", key);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(why, wlen, "malformed control message at byte %zu", i);
	return -1;
}

static int settings_kv(void *ctx, const char *key, const char *val)
{
	struct ncd_ctrl_settings *s = ctx;
	uint64_t u;
	int k;

	if (!strcmp(key, "flows")) {
		if (get_u64(val, NCD_CTRL_MAX_FLOWS, &u) || !u)
			return -1;
		s->flows = u;
	} else if (!strcmp(key, "pattern")) {
		if ((k = pick(val, pat_names, 3)) < 0)
			return -1;
		s->pat.kind = k;
	} else if (!strcmp(key, "seed")) {
		return get_u64(val, UINT64_MAX, &s->pat.seed);
	} else if (!strcmp(key, "period")) {
		return get_u64(val, 1ULL << 40, &s->pat.period);
	} else if (!strcmp(key, "time")) {
		return get_double(val, 1e7, &s->time_s, NULL);
	} else if (!strcmp(key, "bytes")) {
		return get_u64(val, UINT64_MAX, &s->bytes);
	} else if (!strcmp(key, "dir")) {
		if ((k = pick(val, dir_names, 3)) < 0)
			return -1;
		s->dir = k;
	} else if (!strcmp(key, "chunk")) {
		if (get_u64(val, UINT32_MAX, &u))
			return -1;
		s->tx_chunk = u;
	} else if (!strcmp(key, "corrupt")) {
		if (!strcmp(val, "-1")) {
			s->corrupt_at = -1;
			return 0;
		}
		if (get_u64(val, INT64_MAX, &u))
			return -1;
		s->corrupt_at = u;
	} else if (!strcmp(key, "eol")) {
		if (strcmp(val, "nul") && strcmp(val, "newline"))
			return -1;
		s->pat.nul_eol = !strcmp(val, "nul");
	} else if (!strcmp(key, "bitrate")) {
		return get_u64(val, 1000000000000000000ULL, &s->bitrate);
	} else if (!strcmp(key, "cpu") || !strcmp(key, "peer_cpu")) {
		if (get_u64(val, NCD_CTRL_MAX_CPU, &u))
			return -1;
		*(!strcmp(key, "cpu") ? &s->cpu : &s->peer_cpu) = (int)u;
	} else if (!strcmp(key, "set")) {
		if (get_u64(val, NCD_SET_ALL, &u))
			return -1;
		s->set = u;
	}
	return 0;
}

int ncd_ctrl_dec_settings(const char *p, size_t len,
			  struct ncd_ctrl_settings *s, char *why, size_t wlen)
{
	*s = (struct ncd_ctrl_settings){ .flows = 1, .corrupt_at = -1,
		.cpu = -1, .peer_cpu = -1,
		.pat = { .seed = NCD_PAT_DEFAULT_SEED,
			 .period = NCD_PAT_DEFAULT_PERIOD } };
	if (each_kv(p, len, settings_kv, s, why, wlen))
		return -1;
	if ((s->pat.kind == NCD_PAT_OFFSET &&
	     (s->pat.period < 8 || s->pat.period % 8)) ||
	    (s->pat.kind == NCD_PAT_UPSTREAM &&
	     (s->pat.period < 2 || s->pat.period > 256))) {
		snprintf(why, wlen, "bad pattern period %llu in a control message",
			 (unsigned long long)s->pat.period);
		return -1;
	}
	return 0;
}

struct result_ctx {
	struct ncd_ctrl_result *r;
	int have_flows;
	unsigned int max_idx;	/* 1 + the highest flow index seen */
};

static int flow_kv(struct result_ctx *c, const char *val)
{
	struct ncd_ctrl_flow fl;
	unsigned long long idx, b;
	char *end;

	if (!isdigit((unsigned char)val[0]))
		return -1;
	errno = 0;
	idx = strtoull(val, &end, 10);
	if (errno || *end != ' ' || idx >= NCD_CTRL_MAX_FLOWS ||
	    !isdigit((unsigned char)end[1]))
		return -1;
	b = strtoull(end + 1, &end, 10);
	if (errno || *end != ' ' || get_double(end + 1, 1e9, &fl.t_start, &end) ||
	    *end != ' ' || get_double(end + 1, 1e9, &fl.t_end, NULL))
		return -1;
	fl.bytes = b;
	c->r->flow[idx] = fl;
	if (idx + 1 > c->max_idx)
		c->max_idx = idx + 1;
	return 0;
}

static int result_kv(void *ctx, const char *key, const char *val)
{
	struct result_ctx *c = ctx;
	struct ncd_ctrl_result *r = c->r;
	struct ncd_verdict *v = &r->verdict;
	uint64_t u;
	int k;

	if (!strcmp(key, "role")) {
		if ((k = pick(val, (const char *const[]){ "receiver", "sender" }, 2)) < 0)
			return -1;
		r->sender = k;
	} else if (!strcmp(key, "validated")) {
		if (get_u64(val, 1, &u))
			return -1;
		r->pattern_on = u;
	} else if (!strcmp(key, "bytes")) {
		return get_u64(val, UINT64_MAX, &r->bytes);
	} else if (!strcmp(key, "secs")) {
		return get_double(val, 1e9, &r->secs, NULL);
	} else if (!strcmp(key, "cpu_user")) {
		return get_double(val, 1e9, &r->cpu_user, NULL);
	} else if (!strcmp(key, "cpu_sys")) {
		return get_double(val, 1e9, &r->cpu_sys, NULL);
	} else if (!strcmp(key, "checked")) {
		return get_u64(val, UINT64_MAX, &v->checked);
	} else if (!strcmp(key, "bad")) {
		return get_u64(val, UINT64_MAX, &v->bad);
	} else if (!strcmp(key, "first")) {
		v->have_first = 1;
		return get_u64(val, UINT64_MAX, &v->first_off);
	} else if (!strcmp(key, "expected") || !strcmp(key, "actual")) {
		if (get_u64(val, 255, &u))
			return -1;
		*(key[0] == 'e' ? &v->expected : &v->actual) = u;
	} else if (!strcmp(key, "flows")) {
		if (get_u64(val, NCD_CTRL_MAX_FLOWS, &u))
			return -1;
		r->nflows = u;
		c->have_flows = 1;
	} else if (!strcmp(key, "flow")) {
		return flow_kv(c, val);
	}
	return 0;
}

int ncd_ctrl_dec_result(const char *p, size_t len, struct ncd_ctrl_result *r,
			char *why, size_t wlen)
{
	struct result_ctx c = { .r = r };

	memset(r, 0, sizeof(*r));
	if (each_kv(p, len, result_kv, &c, why, wlen))
		return -1;
	if (c.max_idx > r->nflows) {
		snprintf(why, wlen, "a result names flow %u of %u", c.max_idx,
			 r->nflows);
		return -1;
	}
	if (r->verdict.bad > r->verdict.checked) {
		snprintf(why, wlen, "a result with more bad bytes than checked ones");
		return -1;
	}
	return 0;
}

void ncd_ctrl_dec_text(const char *p, size_t len, char *out, size_t olen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < olen; i++) {
		if (p[i] == '\n' && i + 1 == len)
			break;
		out[n++] = p[i] >= 0x20 && p[i] <= 0x7e ? p[i] : '?';
	}
	if (olen)
		out[n] = 0;
}
