/* SPDX-License-Identifier: MIT */
/*
 * A copy-mode flow's slice of the provider used as a ring of recv()s: the
 * direct source (copy_path.c) and the staged one (copy_stage.c) receive the
 * same way and hand out the same fragments.
 */
#ifndef NCD_COPY_RING_H
#define NCD_COPY_RING_H

#include <stddef.h>
#include <sys/types.h>

struct ncd_frag;
struct ncd_frag_source;

struct ncd_copy_ring {
	int fd;
	size_t off, len, pos;	/* slice [off, off + len), next bytes at pos */
};

/* Bytes before the ring wraps, at most @cap. */
size_t ncd_copy_ring_room(const struct ncd_copy_ring *r, size_t cap);
/* recv() of at most @room bytes into @buf, retrying EINTR: bytes, 0 at
 * end of stream, or -errno. */
ssize_t ncd_copy_ring_recv(const struct ncd_copy_ring *r, void *buf,
			   size_t room);
/* The @n bytes just received become fragment @f at the ring position;
 * the ring (wrapping at its end) and the stream offset move on. */
void ncd_copy_ring_emit(struct ncd_copy_ring *r, struct ncd_frag_source *s,
			size_t n, struct ncd_frag *f);

#endif
