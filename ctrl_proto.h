/* SPDX-License-Identifier: MIT */
/*
 * The control protocol between two ncdevmem ends (encoding and parsing
 * only; ctrl.c runs the exchange).  A message is a frame:
 *
 *   "NCDC"  version (1 byte)  type (1 byte)  length (2 bytes, big-endian)
 *   then length bytes of "key=value\n" lines (ASCII, at most 4096 bytes).
 *
 * HELLO (client -> server): the client's settings and which of them were
 * given explicitly.  ACCEPT (server -> client): the settings both ends run
 * with.  REFUSE: one line, why.  RESULT (both ways, at the end): what this
 * end measured.  Unknown keys are skipped (a newer peer may add some);
 * a known key with a bad value fails the whole message.
 */
#ifndef NCD_CTRL_PROTO_H
#define NCD_CTRL_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include "pattern.h"

#define NCD_CTRL_MAGIC		"NCDC"
#define NCD_CTRL_VERSION	1
#define NCD_CTRL_HDR		8
#define NCD_CTRL_MAX		4096	/* payload bytes */
#define NCD_CTRL_MAX_FLOWS	128
#define NCD_CTRL_MAX_CPU	1023	/* -A takes 0..1023 */

enum ncd_ctrl_type {
	NCD_CTRL_HELLO = 1,
	NCD_CTRL_ACCEPT,
	NCD_CTRL_REFUSE,
	NCD_CTRL_RESULT,
};

enum ncd_ctrl_dir {
	NCD_DIR_FORWARD,	/* the client sends */
	NCD_DIR_REVERSE,	/* the server sends (-R) */
	NCD_DIR_BIDIR,		/* both (--bidir) */
};

/* Which settings were given explicitly (bits of ncd_ctrl_settings.set). */
enum {
	NCD_SET_FLOWS = 1 << 0,
	NCD_SET_PATTERN = 1 << 1,
	NCD_SET_SEED = 1 << 2,
	NCD_SET_PERIOD = 1 << 3,
	NCD_SET_TIME = 1 << 4,
	NCD_SET_BYTES = 1 << 5,
	NCD_SET_CHUNK = 1 << 6,
	NCD_SET_ALL = (1 << 7) - 1,
};

struct ncd_ctrl_settings {
	unsigned int flows;	/* 1..NCD_CTRL_MAX_FLOWS */
	struct ncd_pattern pat;
	double time_s;
	uint64_t bytes;
	int dir;		/* enum ncd_ctrl_dir */
	uint32_t tx_chunk;
	int64_t corrupt_at;	/* -1: none */
	unsigned int set;	/* NCD_SET_* */
	uint64_t bitrate;	/* --bitrate of the sending end, 0 = unpaced */
	int cpu;		/* -A N: the client's CPU, -1 = not pinned */
	int peer_cpu;		/* -A N,M: M, where the server pins itself */
};

struct ncd_ctrl_flow {
	uint64_t bytes;
	double t_start, t_end;
};

/* What one end measured, as the other end reports it. */
struct ncd_ctrl_result {
	int sender;		/* this end sent (1) or received (0) */
	int pattern_on;		/* it validated */
	uint64_t bytes;
	double secs, cpu_user, cpu_sys;
	struct ncd_verdict verdict;
	unsigned int nflows;
	struct ncd_ctrl_flow flow[NCD_CTRL_MAX_FLOWS];
};

struct ncd_ctrl_hdr {
	unsigned int version, type, len;
};

/* The frame header at @buf (NCD_CTRL_HDR bytes): 0, or -1 with @why set
 * (not ours, another version, too long). */
int ncd_ctrl_parse_hdr(const uint8_t *buf, struct ncd_ctrl_hdr *h,
		       const char **why);
/* Frame @type with @payload into @out (NCD_CTRL_HDR + NCD_CTRL_MAX bytes);
 * returns the frame length. */
size_t ncd_ctrl_frame(uint8_t *out, int type, const char *payload, size_t len);

/* Payload encoders: text into @out (NCD_CTRL_MAX + 1 bytes); the length,
 * or 0 when it would not fit. */
size_t ncd_ctrl_enc_settings(char *out, const struct ncd_ctrl_settings *s);
size_t ncd_ctrl_enc_result(char *out, const struct ncd_ctrl_result *r);
/* Payload decoders: 0, or -1 with a one-line reason in @why (@wlen). */
int ncd_ctrl_dec_settings(const char *p, size_t len,
			  struct ncd_ctrl_settings *s, char *why, size_t wlen);
int ncd_ctrl_dec_result(const char *p, size_t len, struct ncd_ctrl_result *r,
			char *why, size_t wlen);
/* A REFUSE payload is one line; @out gets it printable (NUL-terminated,
 * at most @olen - 1 bytes, anything but printable ASCII as '?'). */
void ncd_ctrl_dec_text(const char *p, size_t len, char *out, size_t olen);

const char *ncd_ctrl_dir_name(int dir);

#endif
