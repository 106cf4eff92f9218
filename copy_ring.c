// SPDX-License-Identifier: MIT
/* A copy-mode flow's receive ring; see copy_ring.h. */
#include <errno.h>
#include <sys/socket.h>
#include "copy_ring.h"
#include "datapath.h"

size_t ncd_copy_ring_room(const struct ncd_copy_ring *r, size_t cap)
{
	size_t room = r->len - r->pos;

	return room < cap ? room : cap;
}

ssize_t ncd_copy_ring_recv(const struct ncd_copy_ring *r, void *buf,
			   size_t room)
{
	ssize_t n;

	do
		n = recv(r->fd, buf, room, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

void ncd_copy_ring_emit(struct ncd_copy_ring *r, struct ncd_frag_source *s,
			size_t n, struct ncd_frag *f)
{
	*f = (struct ncd_frag){ .off = r->off + r->pos, .len = n,
				.stream_off = s->stream_off };
	s->stream_off += n;
	r->pos += n;
	if (r->pos == r->len)
		r->pos = 0;
}
