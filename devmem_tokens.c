// SPDX-License-Identifier: MIT
/* Coalesced, batched, policy-driven SO_DEVMEM_DONTNEED; see devmem_tokens.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "devmem_tokens.h"

ncd_setsockopt_fn ncd_devmem_setsockopt = setsockopt;

uint64_t ncd_tokens_flush_bytes(uint64_t dmabuf_size, unsigned int flows)
{
	uint64_t b;

	if (!dmabuf_size)
		return 0;
	b = dmabuf_size / (flows ? flows : 1) / 4;
	return b ? b : 1;
}

void ncd_tokens_init(struct ncd_tokens *t, int fd, uint64_t flush_bytes)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->flush_bytes = flush_bytes;
}

void ncd_tokens_hold(struct ncd_tokens *t, uint64_t bytes)
{
	t->held_bytes += bytes;
}

int ncd_tokens_flush(struct ncd_tokens *t, enum ncd_flush_reason why)
{
	int ret;

	if (!t->nr)
		return 0;
	ret = ncd_devmem_setsockopt(t->fd, SOL_SOCKET, SO_DEVMEM_DONTNEED, t->r,
				    t->nr * sizeof(t->r[0]));
	t->calls++;
	t->calls_by[why < NCD_FLUSH_NR ? why : NCD_FLUSH_END]++;
	if (ret < 0) {
		ret = -errno;
		snprintf(t->err, sizeof(t->err),
			 "SO_DEVMEM_DONTNEED of %u tokens in %u ranges failed: %s",
			 t->nfrags, t->nr, strerror(-ret));
		goto out;
	}
	t->released += ret;
	if ((unsigned int)ret != t->nfrags) {
		snprintf(t->err, sizeof(t->err),
			 "SO_DEVMEM_DONTNEED freed %d of %u tokens: tokens lost or already released",
			 ret, t->nfrags);
		ret = -EIO;
		goto out;
	}
	ret = 0;
out:
	/* given back or not, the kernel will not take these again */
	t->held_bytes -= t->held_bytes > t->queued_bytes ? t->queued_bytes :
							   t->held_bytes;
	t->nr = 0;
	t->nfrags = 0;
	t->queued_bytes = 0;
	return ret;
}

int ncd_tokens_add(struct ncd_tokens *t, uint32_t token, uint32_t len)
{
	struct ncd_dmabuf_token *last = t->nr ? &t->r[t->nr - 1] : NULL;
	int ret;

	if (last && last->token_start + last->token_count == token) {
		last->token_count++;
	} else {
		if (t->nr >= NCD_DONTNEED_MAX_TOKENS) {
			ret = ncd_tokens_flush(t, NCD_FLUSH_LIMIT);
			if (ret)
				return ret;
		}
		t->r[t->nr].token_start = token;
		t->r[t->nr].token_count = 1;
		t->nr++;
	}
	t->nfrags++;
	t->queued_bytes += len;
	if (t->nfrags >= NCD_DONTNEED_MAX_FRAGS)
		return ncd_tokens_flush(t, NCD_FLUSH_LIMIT);
	return 0;
}

int ncd_tokens_queue(struct ncd_tokens *t, const struct ncd_frag *frags,
		     unsigned int n)
{
	uint64_t held;
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		ret = ncd_tokens_add(t, frags[i].token, frags[i].len);
		if (ret)
			return ret;
	}
	/* without ncd_tokens_hold() the queue is all the flow holds */
	held = t->held_bytes > t->queued_bytes ? t->held_bytes : t->queued_bytes;
	if (t->nr && held >= t->flush_bytes)
		return ncd_tokens_flush(t, NCD_FLUSH_HELD);
	return 0;
}

int ncd_tokens_release(struct ncd_tokens *t, const struct ncd_frag *frags,
		       unsigned int n)
{
	int ret = ncd_tokens_queue(t, frags, n);

	return ret ? ret : ncd_tokens_flush(t, NCD_FLUSH_END);
}
