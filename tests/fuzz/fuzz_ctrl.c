// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the control-protocol parser (ctrl_proto.c), as a hostile peer
 * would feed it.  Input: a frame (8-byte header, then the payload).  The
 * header goes through ncd_ctrl_parse_hdr; the payload, in an exact-size
 * allocation so ASan sees any read past it, through both payload decoders
 * and the REFUSE text decoder.  Whatever decodes must encode and decode
 * again to the same values (round trip), and every failure explains itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ctrl_proto.h"

static void settings_round_trip(const struct ncd_ctrl_settings *s)
{
	char out[NCD_CTRL_MAX + 1], why[200];
	struct ncd_ctrl_settings t;
	size_t n = ncd_ctrl_enc_settings(out, s);

	if (!n || ncd_ctrl_dec_settings(out, n, &t, why, sizeof(why)))
		abort();
	if (t.flows != s->flows || t.pat.kind != s->pat.kind ||
	    t.pat.seed != s->pat.seed || t.pat.period != s->pat.period ||
	    t.bytes != s->bytes || t.dir != s->dir || t.tx_chunk != s->tx_chunk ||
	    t.corrupt_at != s->corrupt_at || t.set != s->set ||
	    t.bitrate != s->bitrate || t.pat.nul_eol != s->pat.nul_eol)
		abort();
}

static void result_round_trip(const struct ncd_ctrl_result *r)
{
	static char out[NCD_CTRL_MAX + 1];
	static struct ncd_ctrl_result t;
	char why[200];
	size_t n = ncd_ctrl_enc_result(out, r);

	if (!n)
		return;	/* 128 flows may not fit one message: refused, fine */
	if (ncd_ctrl_dec_result(out, n, &t, why, sizeof(why)))
		abort();
	if (t.bytes != r->bytes || t.nflows != r->nflows ||
	    t.verdict.bad != r->verdict.bad || t.sender != r->sender)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ncd_ctrl_result r;
	struct ncd_ctrl_settings s;
	struct ncd_ctrl_hdr h;
	char why[200], text[128];
	const char *w = NULL;
	char *p;
	size_t len;

	if (size < NCD_CTRL_HDR)
		return 0;
	if (ncd_ctrl_parse_hdr(data, &h, &w)) {
		if (!w || !w[0])
			abort();
	} else if (h.len > NCD_CTRL_MAX) {
		abort();
	}
	len = size - NCD_CTRL_HDR;
	p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + NCD_CTRL_HDR, len);
	why[0] = 0;
	if (!ncd_ctrl_dec_settings(p, len, &s, why, sizeof(why))) {
		if (s.flows < 1 || s.flows > NCD_CTRL_MAX_FLOWS || s.set > NCD_SET_ALL)
			abort();
		settings_round_trip(&s);
	} else if (!why[0]) {
		abort();
	}
	why[0] = 0;
	if (!ncd_ctrl_dec_result(p, len, &r, why, sizeof(why))) {
		if (r.nflows > NCD_CTRL_MAX_FLOWS || r.verdict.bad > r.verdict.checked)
			abort();
		result_round_trip(&r);
	} else if (!why[0]) {
		abort();
	}
	ncd_ctrl_dec_text(p, len, text, sizeof(text));
	if (strlen(text) >= sizeof(text))
		abort();
	free(p);
	return 0;
}
