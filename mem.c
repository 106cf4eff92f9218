// SPDX-License-Identifier: MIT
/* Provider selection and the generic CPU validator. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "frag.h"
#include "gpu_mem.h"
#include "host_mem.h"
#include "mem.h"
#include "udmabuf_mem.h"
#include "pattern.h"

static const char *const kind_names[] = {
	[NCD_MEM_HOST] = "host",
	[NCD_MEM_UDMABUF] = "udmabuf",
	[NCD_MEM_CUDA] = "cuda",
};

int ncd_mem_kind_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(s, kind_names[i]))
			return (int)i;
	return -1;
}

const char *ncd_mem_kind_name(enum ncd_mem_kind k)
{
	return k <= NCD_MEM_CUDA ? kind_names[k] : "?";
}

static const struct ncd_mem_ops *ops_for(enum ncd_mem_kind kind)
{
	switch (kind) {
	case NCD_MEM_HOST:
		return &ncd_host_mem_ops;
	case NCD_MEM_UDMABUF:
		return &ncd_udmabuf_mem_ops;
	case NCD_MEM_CUDA:
		return &ncd_cuda_mem_ops;
	}
	return NULL;
}

int ncd_mem_probe(enum ncd_mem_kind kind, size_t size, const char *gpu_sel,
		  const char *ifname, struct ncd_mem_probe *pr)
{
	const struct ncd_mem_ops *ops = ops_for(kind);

	memset(pr, 0, sizeof(*pr));
	pr->size_limit_mb = -1;
	pr->gpu = -1;
	if (!ops) {
		snprintf(pr->why, sizeof(pr->why), "unknown memory kind %d", kind);
		snprintf(pr->fix, sizeof(pr->fix), "use --mem host|udmabuf|cuda");
		return pr->err = -EINVAL;
	}
	pr->err = ops->probe(size, gpu_sel, ifname, pr);
	pr->usable = !pr->err;
	if (!pr->usable)
		pr->dmabuf = 0;
	return pr->err;
}

int ncd_mem_open(struct ncd_mem *m, enum ncd_mem_kind kind, size_t size)
{
	struct ncd_mem_probe pr;
	int ret;

	m->ops = ops_for(kind);
	m->kind = kind;
	m->dmabuf_fd = -1;
	m->dmabuf_err = NULL;
	m->cpu_addr = NULL;
	m->size = 0;
	if (!m->ops)
		return -EINVAL;
	ret = ncd_mem_probe(kind, size, m->gpu_sel, m->ifname, &pr);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", m->ops->name, pr.why, pr.fix);
		m->ops = NULL;
		return ret;
	}
	return m->ops->alloc(m, size, &pr);
}

void ncd_mem_close(struct ncd_mem *m)
{
	if (m->ops && m->ops->free)
		m->ops->free(m);
	m->ops = NULL;
}

static int cpu_validate(struct ncd_mem *m, const struct ncd_frag *frags,
			unsigned int n, const struct ncd_pattern *pat,
			struct ncd_verdict *v)
{
	const uint8_t *base = m->cpu_addr;
	int ret = 0;

	if (!base)
		return -EOPNOTSUPP;
	if (m->ops->cpu_begin && (ret = m->ops->cpu_begin(m)))
		return ret;
	for (unsigned int i = 0; i < n; i++) {
		if (frags[i].off + frags[i].len > m->size) {
			ret = -ERANGE;	/* kernel handed out an impossible offset */
			break;
		}
		ncd_pattern_check(pat, frags[i].stream_off, base + frags[i].off,
				  frags[i].len, v);
	}
	if (m->ops->cpu_end)
		m->ops->cpu_end(m);
	return ret;
}

int ncd_mem_validate(struct ncd_mem *m, const struct ncd_frag *frags,
		     unsigned int n, const struct ncd_pattern *pat,
		     struct ncd_verdict *v)
{
	if (m->ops->validate)
		return m->ops->validate(m, frags, n, pat, v);
	return cpu_validate(m, frags, n, pat, v);
}
