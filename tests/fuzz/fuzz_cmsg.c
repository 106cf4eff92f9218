// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the devmem control-message parser (ncd_devmem_parse_cmsgs).
 * Input: 8 bytes of header, then the control buffer as recvmsg() left it.
 *   byte 0      msg_flags bits: 1 = MSG_CTRUNC, 2 = -L, 4 = a "normal" ret
 *               (ret = sum the cmsgs claim is unknown, so 4 takes byte 1..3)
 *   bytes 1..3  recvmsg() return value (24-bit; 0xffffff = -1)
 *   byte 4      fragment array size (0..255)
 *   bytes 5..7  bound dmabuf id (low 24 bits)
 * The control buffer gets its own exact-size allocation so ASan sees any
 * read past msg_controllen.  Called twice to exercise the running totals.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "devmem_cmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ncd_devmem_parse p;
	struct ncd_frag *frags;
	struct msghdr msg;
	unsigned int max;
	ssize_t ret;
	void *ctl;
	int n;

	if (size < 8)
		return 0;
	memset(&p, 0, sizeof(p));
	memset(&msg, 0, sizeof(msg));
	p.fail_linear = !!(data[0] & 2);
	p.dmabuf_id = data[5] | data[6] << 8 | (uint32_t)data[7] << 16;
	ret = data[1] | data[2] << 8 | (uint32_t)data[3] << 16;
	if (ret == 0xffffff)
		ret = -1;
	max = data[4];
	msg.msg_flags = data[0] & 1 ? MSG_CTRUNC : 0;
	msg.msg_controllen = size - 8;
	ctl = size > 8 ? malloc(size - 8) : NULL;
	if (ctl)
		memcpy(ctl, data + 8, size - 8);
	msg.msg_control = ctl;
	frags = malloc((max ? max : 1) * sizeof(*frags));
	for (int round = 0; round < 2; round++) {
		n = ncd_devmem_parse_cmsgs(&p, &msg, ret, frags, max);
		if (n > (int)max)
			abort();	/* wrote past the fragment array */
		if (n < 0 && !p.err[0])
			abort();	/* every failure explains itself */
		if (n < 0 && strlen(p.err) >= sizeof(p.err))
			abort();
		for (int i = 0; i < n; i++)
			if (frags[i].stream_off > p.stream_off)
				abort();
	}
	free(frags);
	free(ctl);
	return 0;
}
