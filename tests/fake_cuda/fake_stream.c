// SPDX-License-Identifier: MIT
/*
 * The fake libcuda's streams, events and kernels.  Each stream has a worker
 * thread that runs its queue in order, each operation FAKE_CUDA_DELAY_US
 * (default 200) after it was taken, so work completes well after the call
 * that queued it.  Events complete when the worker reaches them.  Kernels
 * are emulated by name with the PTX's semantics (gpu_ptx.c): ncd_validate
 * checks bytes [x * 4096, +4096) of fragment y for each block (x, y) of the
 * grid and adds mismatches / mins the first bad stream offset into res;
 * ncd_fill writes the pattern.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fake_cuda.h"

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

enum { OP_COPY, OP_KERNEL, OP_EVENT };

struct fn {
	const char *name;
	int nparams;
	int size[8];
};

static struct fn fns[] = {
	{ "ncd_validate", 7, { 8, 8, 4, 4, 8, 8, 8 } },
	{ "ncd_fill", 6, { 8, 8, 8, 4, 8, 8 } },
};

struct ev {
	int id;
	unsigned int gen, done_gen;
};

struct op {
	struct op *next;
	int kind;
	char *dst;
	const char *src;
	size_t len;
	const struct fn *f;
	unsigned int gx, gy;
	uint64_t p[8];
	struct ev *ev;
	unsigned int gen;
};

struct stream {
	int id;
	pthread_t th;
	struct op *head, *tail;
	int busy, quit;
};

static pthread_mutex_t slk = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t scv = PTHREAD_COND_INITIALIZER;
static int next_stream_id = 1, next_ev_id = 1;
static struct stream *legacy;

/* ---- kernels ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint8_t expect(uint32_t kind, uint64_t seed, uint64_t per, uint64_t s)
{
	uint64_t r;

	if (kind == 1)
		return mix64(seed + (s / 8) % per) >> (8 * (s % 8));
	r = s % per;
	return r == per - 1 ? '\n' : (uint8_t)(r + 1);
}

/* Compact token list of a batch for the log: "3-9,12". */
static void tokens_str(const char *frags, uint32_t nf, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	for (uint32_t i = 0; i < nf && used + 24 < len; ) {
		uint32_t a, b;

		memcpy(&a, frags + 24 * i + 20, 4);
		b = a;
		for (i++; i < nf; i++) {
			uint32_t t;

			memcpy(&t, frags + 24 * i + 20, 4);
			if (t != b + 1)
				break;
			b = t;
		}
		used += snprintf(out + used, len - used, "%s%u-%u", used ? "," : "", a, b);
	}
}

static void run_validate(struct op *o, int sid)
{
	uint64_t buf = o->p[0], seed = o->p[4], per = o->p[5], bad = 0;
	uint64_t first = UINT64_MAX, *res;
	uint32_t nf = (uint32_t)o->p[2], kind = (uint32_t)o->p[3];
	const char *frags = fake_dev_host(o->p[1], (size_t)nf * 24);
	char toks[4096];

	for (uint32_t y = 0; y < o->gy && y < nf; y++) {
		uint64_t off, soff;
		uint32_t len;

		memcpy(&off, frags + 24 * y, 8);
		memcpy(&soff, frags + 24 * y + 8, 8);
		memcpy(&len, frags + 24 * y + 16, 4);
		for (uint64_t x = 0; x < o->gx && x * 4096 < len; x++) {
			uint64_t lo = x * 4096, hi = lo + 4096 < len ? lo + 4096 : len;
			const uint8_t *d = (const uint8_t *)fake_dev_host(buf + off + lo, hi - lo);

			for (uint64_t i = lo; i < hi; i++) {
				if (d[i - lo] == expect(kind, seed, per, soff + i))
					continue;
				bad++;
				if (soff + i < first)
					first = soff + i;
			}
		}
	}
	res = (uint64_t *)fake_dev_host(o->p[6], 16);
	if (bad) {
		res[0] += bad;
		if (first < res[1])
			res[1] = first;
	}
	tokens_str(frags, nf, toks, sizeof(toks));
	fake_cuda_log("done ncd_validate stream=%d frags=%u bad=%llu tokens=%s", sid, nf,
		      (unsigned long long)bad, toks);
}

static void run_fill(struct op *o, int sid)
{
	uint64_t len = o->p[2];
	uint8_t *d = (uint8_t *)fake_dev_host(o->p[0], len);

	for (uint64_t i = 0; i < len && o->gx; i++)
		d[i] = expect((uint32_t)o->p[3], o->p[4], o->p[5], o->p[1] + i);
	fake_cuda_log("done ncd_fill stream=%d len=%llu", sid, (unsigned long long)len);
}

/* Run exactly as the PTX would on a grid of blocks (tests call this). */
void fake_cuda_run(const char *name, unsigned int gx, unsigned int gy,
		   const uint64_t *params)
{
	struct op o = { .kind = OP_KERNEL, .gx = gx, .gy = gy };

	memcpy(o.p, params, sizeof(o.p));
	if (!strcmp(name, "ncd_validate"))
		run_validate(&o, -1);
	else
		run_fill(&o, -1);
}

/* ---- streams ---- */

static void exec_op(struct op *o, struct stream *s)
{
	switch (o->kind) {
	case OP_COPY:
		memcpy(o->dst, o->src, o->len);
		fake_cuda_log("done copy stream=%d len=%zu", s->id, o->len);
		break;
	case OP_KERNEL:
		if (!strcmp(o->f->name, "ncd_validate"))
			run_validate(o, s->id);
		else
			run_fill(o, s->id);
		break;
	case OP_EVENT:
		/* logged under the lock: no query can report it done first */
		pthread_mutex_lock(&slk);
		if (o->gen == o->ev->gen)
			o->ev->done_gen = o->gen;
		fake_cuda_log("complete ev=%d stream=%d", o->ev->id, s->id);
		pthread_mutex_unlock(&slk);
		break;
	}
}

static void *worker(void *arg)
{
	struct stream *s = arg;
	int delay = fake_env_int("FAKE_CUDA_DELAY_US", 200);
	struct op *o;

	pthread_mutex_lock(&slk);
	for (;;) {
		while (!s->head && !s->quit)
			pthread_cond_wait(&scv, &slk);
		if (!s->head)
			break;
		o = s->head;
		s->head = o->next;
		if (!s->head)
			s->tail = NULL;
		s->busy = 1;
		pthread_mutex_unlock(&slk);
		if (delay > 0)
			usleep(delay);
		exec_op(o, s);
		free(o);
		pthread_mutex_lock(&slk);
		s->busy = 0;
		pthread_cond_broadcast(&scv);
	}
	pthread_mutex_unlock(&slk);
	return NULL;
}

static struct stream *stream_new(void)
{
	struct stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_lock(&slk);
	s->id = next_stream_id++;
	pthread_mutex_unlock(&slk);
	if (pthread_create(&s->th, NULL, worker, s)) {
		free(s);
		return NULL;
	}
	return s;
}

static struct stream *stream_of(void *h)
{
	pthread_mutex_lock(&slk);
	if (!h && !legacy) {
		pthread_mutex_unlock(&slk);
		h = stream_new();
		pthread_mutex_lock(&slk);
		if (!legacy)
			legacy = h;
		if (legacy)
			legacy->id = 0;
	}
	pthread_mutex_unlock(&slk);
	return h ? h : legacy;
}

static void enqueue(struct stream *s, struct op *o)
{
	pthread_mutex_lock(&slk);
	if (s->tail)
		s->tail->next = o;
	else
		s->head = o;
	s->tail = o;
	pthread_cond_broadcast(&scv);
	pthread_mutex_unlock(&slk);
}

static void drain(struct stream *s)
{
	pthread_mutex_lock(&slk);
	while (s->head || s->busy)
		pthread_cond_wait(&scv, &slk);
	pthread_mutex_unlock(&slk);
}

CUresult cuStreamCreate(void **ph, unsigned int flags)
{
	struct stream *s = stream_new();

	if (!s)
		return 2;
	*ph = s;
	fake_cuda_log("cuStreamCreate stream=%d flags=%u", s->id, flags);
	return 0;
}

CUresult cuStreamSynchronize(void *h)
{
	struct stream *s = stream_of(h);

	drain(s);
	fake_cuda_log("cuStreamSynchronize stream=%d -> 0", s->id);
	return 0;
}

CUresult cuStreamDestroy_v2(void *h)
{
	struct stream *s = h;

	if (!s)
		return 1;
	drain(s);
	pthread_mutex_lock(&slk);
	s->quit = 1;
	pthread_cond_broadcast(&scv);
	pthread_mutex_unlock(&slk);
	pthread_join(s->th, NULL);
	fake_cuda_log("cuStreamDestroy stream=%d", s->id);
	free(s);
	return 0;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t len, void *h)
{
	struct stream *s = stream_of(h);
	struct op *o = calloc(1, sizeof(*o));

	if (!o)
		return 2;
	*o = (struct op){ .kind = OP_COPY, .dst = fake_dev_host(dst, len),
			  .src = src, .len = len };
	fake_cuda_log("cuMemcpyHtoDAsync %#llx len=%zu stream=%d", dst, len, s->id);
	enqueue(s, o);
	return 0;
}

/* ---- events ---- */

CUresult cuEventCreate(void **ph, unsigned int flags)
{
	struct ev *e = calloc(1, sizeof(*e));

	if (!e)
		return 2;
	pthread_mutex_lock(&slk);
	e->id = next_ev_id++;
	pthread_mutex_unlock(&slk);
	*ph = e;
	fake_cuda_log("cuEventCreate ev=%d", e->id);
	return 0;
}

CUresult cuEventDestroy_v2(void *h)
{
	free(h);
	return 0;
}

CUresult cuEventRecord(void *h, void *sh)
{
	struct ev *e = h;
	struct stream *s = stream_of(sh);
	struct op *o = calloc(1, sizeof(*o));

	if (!o)
		return 2;
	pthread_mutex_lock(&slk);
	o->gen = ++e->gen;
	fake_cuda_log("cuEventRecord ev=%d stream=%d", e->id, s->id);
	pthread_mutex_unlock(&slk);
	o->kind = OP_EVENT;
	o->ev = e;
	enqueue(s, o);
	return 0;
}

CUresult cuEventQuery(void *h)
{
	struct ev *e = h;
	int done;

	pthread_mutex_lock(&slk);
	done = e->done_gen == e->gen;
	fake_cuda_log("cuEventQuery ev=%d -> %d", e->id, done ? 0 : 600);
	pthread_mutex_unlock(&slk);
	return done ? 0 : 600;
}

CUresult cuEventSynchronize(void *h)
{
	struct ev *e = h;

	pthread_mutex_lock(&slk);
	while (e->done_gen != e->gen)
		pthread_cond_wait(&scv, &slk);
	fake_cuda_log("cuEventSynchronize ev=%d -> 0", e->id);
	pthread_mutex_unlock(&slk);
	return 0;
}

/* ---- modules and launches ---- */

static int module_token;

CUresult cuModuleLoadDataEx(void **mod, const void *image, unsigned int n,
			    int *opts, void **vals)
{
	const char *ptx = image;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), ".visible .entry %s(", fns[i].name);
		if (!strstr(ptx, want)) {
			fake_cuda_log("cuModuleLoadDataEx -> 218 (no %s)", fns[i].name);
			return 218;	/* CUDA_ERROR_INVALID_PTX */
		}
	}
	*mod = &module_token;
	fake_cuda_log("cuModuleLoadDataEx -> 0");
	return 0;
}

CUresult cuModuleUnload(void *mod)
{
	return 0;
}

CUresult cuModuleGetFunction(void **f, void *mod, const char *name)
{
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(name, fns[i].name)) {
			*f = &fns[i];
			return 0;
		}
	return 500;	/* CUDA_ERROR_NOT_FOUND */
}

CUresult cuLaunchKernel(void *fh, unsigned int gx, unsigned int gy,
			unsigned int gz, unsigned int bx, unsigned int by,
			unsigned int bz, unsigned int shmem, void *sh,
			void **params, void **extra)
{
	const struct fn *f = fh;
	struct stream *s = stream_of(sh);
	struct op *o;

	if (!gx || !gy || !gz || !bx || bx > 1024 || gy > 65535 || !params)
		return 1;
	o = calloc(1, sizeof(*o));
	if (!o)
		return 2;
	o->kind = OP_KERNEL;
	o->f = f;
	o->gx = gx;
	o->gy = gy;
	/* parameters are captured at launch, as the driver does */
	for (int i = 0; i < f->nparams; i++)
		memcpy(&o->p[i], params[i], f->size[i]);
	fake_cuda_log("cuLaunchKernel %s grid=%ux%u block=%u stream=%d", f->name,
		      gx, gy, bx, s->id);
	enqueue(s, o);
	return 0;
}
