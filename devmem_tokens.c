// SPDX-License-Identifier: MIT
/* Coalesced, batched SO_DEVMEM_DONTNEED; see devmem_tokens.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "devmem_tokens.h"

ncd_setsockopt_fn ncd_devmem_setsockopt = setsockopt;

void ncd_tokens_init(struct ncd_tokens *t, int fd)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
}

int ncd_tokens_flush(struct ncd_tokens *t)
{
	int ret;

	if (!t->nr)
		return 0;
	ret = ncd_devmem_setsockopt(t->fd, SOL_SOCKET, SO_DEVMEM_DONTNEED, t->r,
				    t->nr * sizeof(t->r[0]));
	t->calls++;
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
	t->nr = 0;
	t->nfrags = 0;
	return ret;
}

int ncd_tokens_add(struct ncd_tokens *t, uint32_t token)
{
	struct ncd_dmabuf_token *last = t->nr ? &t->r[t->nr - 1] : NULL;
	int ret;

	if (t->nfrags >= NCD_DONTNEED_MAX_FRAGS) {
		ret = ncd_tokens_flush(t);
		if (ret)
			return ret;
		last = NULL;
	}
	if (last && last->token_start + last->token_count == token) {
		last->token_count++;
		t->nfrags++;
		return 0;
	}
	if (t->nr >= NCD_DONTNEED_MAX_TOKENS) {
		ret = ncd_tokens_flush(t);
		if (ret)
			return ret;
	}
	t->r[t->nr].token_start = token;
	t->r[t->nr].token_count = 1;
	t->nr++;
	t->nfrags++;
	return 0;
}

int ncd_tokens_release(struct ncd_tokens *t, const struct ncd_frag *frags,
		       unsigned int n)
{
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		ret = ncd_tokens_add(t, frags[i].token);
		if (ret)
			return ret;
	}
	return ncd_tokens_flush(t);
}
