// SPDX-License-Identifier: MIT
/*
 * The CUDA provider's kernels: hand-written PTX, JIT-compiled by the driver
 * (no toolkit needed to build).  tests/helpers/ptx_sim.py interprets this
 * text and the fake libcuda emulates it by kernel name; both are checked
 * against pattern.c.
 */
#include "gpu_ptx.h"
#include "pattern.h"
#include "frag.h"

_Static_assert(NCD_PAT_OFFSET == 1 && NCD_PAT_UPSTREAM == 2, "PTX kind values");
_Static_assert(sizeof(struct ncd_frag) == 24, "PTX fragment layout");

/*
 * Expected byte at stream offset %rd12 -> %r10.  Inputs: %r2 kind,
 * %rd3 seed, %rd4 per (OFFSET: period / 8 words; UPSTREAM: period N).
 * OFFSET: byte (s & 7) of mix64(seed + (s / 8) % per), little-endian.
 * UPSTREAM: r = s % N; r == N - 1 ? '\n' : r + 1.
 */
#define PTX_EXPECT \
	"	setp.eq.u32	%p5, %r2, 2;\n" \
	"	@%p5 bra	EXP_UP;\n" \
	"	shr.u64		%rd20, %rd12, 3;\n" \
	"	rem.u64		%rd20, %rd20, %rd4;\n" \
	"	add.u64		%rd20, %rd20, %rd3;\n" \
	"	shr.u64		%rd21, %rd20, 30;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	mul.lo.u64	%rd20, %rd20, 0xBF58476D1CE4E5B9;\n" \
	"	shr.u64		%rd21, %rd20, 27;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	mul.lo.u64	%rd20, %rd20, 0x94D049BB133111EB;\n" \
	"	shr.u64		%rd21, %rd20, 31;\n" \
	"	xor.b64		%rd20, %rd20, %rd21;\n" \
	"	cvt.u32.u64	%r11, %rd12;\n" \
	"	and.b32		%r11, %r11, 7;\n" \
	"	shl.b32		%r11, %r11, 3;\n" \
	"	shr.u64		%rd20, %rd20, %r11;\n" \
	"	cvt.u32.u64	%r10, %rd20;\n" \
	"	and.b32		%r10, %r10, 255;\n" \
	"	bra.uni		EXP_DONE;\n" \
	"EXP_UP:\n" \
	"	rem.u64		%rd22, %rd12, %rd4;\n" \
	"	sub.u64		%rd23, %rd4, 1;\n" \
	"	setp.eq.u64	%p6, %rd22, %rd23;\n" \
	"	cvt.u32.u64	%r10, %rd22;\n" \
	"	add.u32		%r10, %r10, 1;\n" \
	"	and.b32		%r10, %r10, 255;\n" \
	"	selp.b32	%r10, 10, %r10, %p6;\n" \
	"EXP_DONE:\n"

/* x = mix64(x) on %rd28 (splitmix64's finalizer, as pattern.c), %rd29 scratch */
#define PTX_MIX \
	"	shr.u64		%rd29, %rd28, 30;\n" \
	"	xor.b64		%rd28, %rd28, %rd29;\n" \
	"	mul.lo.u64	%rd28, %rd28, 0xBF58476D1CE4E5B9;\n" \
	"	shr.u64		%rd29, %rd28, 27;\n" \
	"	xor.b64		%rd28, %rd28, %rd29;\n" \
	"	mul.lo.u64	%rd28, %rd28, 0x94D049BB133111EB;\n" \
	"	shr.u64		%rd29, %rd28, 31;\n" \
	"	xor.b64		%rd28, %rd28, %rd29;\n"

/* One butterfly round of the warp reduction: %r10 += lane^k's count,
 * %rd16 = min(%rd16, lane^k's first). */
#define PTX_SHFL(k) \
	"	mov.b64		{%r22, %r23}, %rd16;\n" \
	"	shfl.sync.bfly.b32	%r24, %r22, " #k ", 31, -1;\n" \
	"	shfl.sync.bfly.b32	%r25, %r23, " #k ", 31, -1;\n" \
	"	mov.b64		%rd37, {%r24, %r25};\n" \
	"	min.u64		%rd16, %rd16, %rd37;\n" \
	"	shfl.sync.bfly.b32	%r24, %r10, " #k ", 31, -1;\n" \
	"	add.u32		%r10, %r10, %r24;\n"

static const char ncd_ptx[] =
	"//\n// ncdevmem fill/validate kernels (hand-written PTX)\n//\n"
	".version 7.0\n"
	".target sm_70\n"
	".address_size 64\n"
	"\n"
	/*
	 * ncd_validate(buf, frags, nfrags, kind, seed, per, res): block
	 * (x, y) checks bytes [x * 4096, +4096) of fragment y.  A thread takes
	 * whole pattern words (8 stream bytes), loads them with aligned 8-byte
	 * loads, computes each expected word once and masks the bytes outside
	 * the chunk.  A bad word counts its bad bytes and its lowest bad byte's
	 * stream offset; a warp sums/mins before one lane does the atomics:
	 * res[0] += mismatches, res[1] = min(first bad stream offset).
	 */
	".visible .entry ncd_validate(\n"
	"	.param .u64 p_buf,\n"
	"	.param .u64 p_frags,\n"
	"	.param .u32 p_nfrags,\n"
	"	.param .u32 p_kind,\n"
	"	.param .u64 p_seed,\n"
	"	.param .u64 p_per,\n"
	"	.param .u64 p_res)\n"
	"{\n"
	"	.reg .pred	%p<16>;\n"
	"	.reg .b32	%r<32>;\n"
	"	.reg .b64	%rd<48>;\n"
	"\n"
	"	ld.param.u64	%rd1, [p_buf];\n"
	"	ld.param.u64	%rd2, [p_frags];\n"
	"	ld.param.u32	%r1, [p_nfrags];\n"
	"	ld.param.u32	%r2, [p_kind];\n"
	"	ld.param.u64	%rd3, [p_seed];\n"
	"	ld.param.u64	%rd4, [p_per];\n"
	"	ld.param.u64	%rd5, [p_res];\n"
	"	cvta.to.global.u64	%rd1, %rd1;\n"
	"	cvta.to.global.u64	%rd2, %rd2;\n"
	"	cvta.to.global.u64	%rd5, %rd5;\n"
	"	mov.u32		%r3, %ctaid.y;\n"
	"	setp.ge.u32	%p1, %r3, %r1;\n"
	"	@%p1 bra	END;\n"
	"	mul.wide.u32	%rd6, %r3, 24;\n"
	"	add.u64		%rd6, %rd2, %rd6;\n"
	"	ld.global.u64	%rd7, [%rd6];\n"
	"	ld.global.u64	%rd8, [%rd6+8];\n"
	"	ld.global.u32	%r4, [%rd6+16];\n"
	"	mov.u32		%r5, %ctaid.x;\n"
	"	shl.b32		%r6, %r5, 12;\n"
	"	setp.ge.u32	%p1, %r6, %r4;\n"
	"	@%p1 bra	END;\n"
	"	add.u32		%r7, %r6, 4096;\n"
	"	min.u32		%r7, %r7, %r4;\n"
	/* stream range [slo, shi) = %rd9, %rd10; device address of stream
	 * offset s is dbase + s with dbase = buf + off - stream_off (%rd11) */
	"	cvt.u64.u32	%rd9, %r6;\n"
	"	add.u64		%rd9, %rd8, %rd9;\n"
	"	cvt.u64.u32	%rd10, %r7;\n"
	"	add.u64		%rd10, %rd8, %rd10;\n"
	"	add.u64		%rd11, %rd1, %rd7;\n"
	"	sub.u64		%rd11, %rd11, %rd8;\n"
	"	shr.u64		%rd12, %rd9, 3;\n"
	"	sub.u64		%rd13, %rd10, 1;\n"
	"	shr.u64		%rd13, %rd13, 3;\n"
	"	mov.u32		%r8, %tid.x;\n"
	"	mov.u32		%r9, %ntid.x;\n"
	"	cvt.u64.u32	%rd14, %r8;\n"
	"	add.u64		%rd14, %rd12, %rd14;\n"
	"	cvt.u64.u32	%rd15, %r9;\n"
	"	mov.u32		%r10, 0;\n"
	"	mov.u64		%rd16, -1;\n"
	"WLOOP:\n"
	"	setp.gt.u64	%p2, %rd14, %rd13;\n"
	"	@%p2 bra	REDUCE;\n"
	/* word w = %rd14 at stream offset sw = %rd17; its bytes [blo, bhi)
	 * lie in the chunk; mask %rd20 selects them */
	"	shl.b64		%rd17, %rd14, 3;\n"
	"	max.u64		%rd18, %rd17, %rd9;\n"
	"	sub.u64		%rd18, %rd18, %rd17;\n"
	"	add.u64		%rd19, %rd17, 8;\n"
	"	min.u64		%rd19, %rd19, %rd10;\n"
	"	sub.u64		%rd19, %rd19, %rd17;\n"
	"	cvt.u32.u64	%r11, %rd18;\n"
	"	cvt.u32.u64	%r12, %rd19;\n"
	"	shl.b32		%r13, %r11, 3;\n"
	"	mov.u64		%rd20, -1;\n"
	"	shl.b64		%rd20, %rd20, %r13;\n"
	"	shl.b32		%r14, %r12, 3;\n"
	"	sub.u32		%r14, 64, %r14;\n"
	"	mov.u64		%rd21, -1;\n"
	"	shr.b64		%rd21, %rd21, %r14;\n"
	"	and.b64		%rd20, %rd20, %rd21;\n"
	/* data word %rd23: one aligned load, or two aligned loads shifted
	 * together (only the blocks holding wanted bytes are read) */
	"	add.u64		%rd22, %rd11, %rd17;\n"
	"	cvt.u32.u64	%r15, %rd22;\n"
	"	and.b32		%r15, %r15, 7;\n"
	"	setp.ne.u32	%p3, %r15, 0;\n"
	"	@%p3 bra	UNALIGNED;\n"
	"	ld.global.u64	%rd23, [%rd22];\n"
	"	bra.uni		GOTDATA;\n"
	"UNALIGNED:\n"
	"	cvt.u64.u32	%rd25, %r15;\n"
	"	sub.u64		%rd24, %rd22, %rd25;\n"
	"	mov.u64		%rd26, 0;\n"
	"	mov.u64		%rd27, 0;\n"
	"	sub.u32		%r16, 8, %r15;\n"
	"	setp.ge.u32	%p4, %r11, %r16;\n"
	"	@%p4 bra	SKIPA;\n"
	"	ld.global.u64	%rd26, [%rd24];\n"
	"SKIPA:\n"
	"	setp.le.u32	%p5, %r12, %r16;\n"
	"	@%p5 bra	SKIPB;\n"
	"	ld.global.u64	%rd27, [%rd24+8];\n"
	"SKIPB:\n"
	"	shl.b32		%r17, %r15, 3;\n"
	"	shr.b64		%rd26, %rd26, %r17;\n"
	"	sub.u32		%r18, 64, %r17;\n"
	"	shl.b64		%rd27, %rd27, %r18;\n"
	"	or.b64		%rd23, %rd26, %rd27;\n"
	"GOTDATA:\n"
	/* expected word %rd28 */
	"	setp.eq.u32	%p6, %r2, 2;\n"
	"	@%p6 bra	EXP_UP;\n"
	"	rem.u64		%rd28, %rd14, %rd4;\n"
	"	add.u64		%rd28, %rd28, %rd3;\n"
	PTX_MIX
	"	bra.uni		CMP;\n"
	"EXP_UP:\n"
	"	rem.u64		%rd30, %rd17, %rd4;\n"
	"	sub.u64		%rd31, %rd4, 1;\n"
	"	mov.u64		%rd28, 0;\n"
	"	mov.u32		%r19, 0;\n"
	"UPLOOP:\n"
	"	setp.eq.u64	%p7, %rd30, %rd31;\n"
	"	add.u64		%rd32, %rd30, 1;\n"
	"	and.b64		%rd33, %rd32, 255;\n"
	"	selp.b64	%rd33, 10, %rd33, %p7;\n"
	"	shl.b64		%rd33, %rd33, %r19;\n"
	"	or.b64		%rd28, %rd28, %rd33;\n"
	"	selp.b64	%rd30, 0, %rd32, %p7;\n"
	"	add.u32		%r19, %r19, 8;\n"
	"	setp.lt.u32	%p8, %r19, 64;\n"
	"	@%p8 bra	UPLOOP;\n"
	"CMP:\n"
	"	xor.b64		%rd34, %rd23, %rd28;\n"
	"	and.b64		%rd34, %rd34, %rd20;\n"
	"	setp.eq.u64	%p9, %rd34, 0;\n"
	"	@%p9 bra	WNEXT;\n"
	/* bad bytes: fold each byte onto its low bit and count */
	"	shr.b64		%rd35, %rd34, 4;\n"
	"	or.b64		%rd35, %rd35, %rd34;\n"
	"	shr.b64		%rd36, %rd35, 2;\n"
	"	or.b64		%rd35, %rd35, %rd36;\n"
	"	shr.b64		%rd36, %rd35, 1;\n"
	"	or.b64		%rd35, %rd35, %rd36;\n"
	"	and.b64		%rd35, %rd35, 0x0101010101010101;\n"
	"	popc.b64	%r20, %rd35;\n"
	"	add.u32		%r10, %r10, %r20;\n"
	/* lowest bad byte: count trailing zero bits of the difference */
	"	brev.b64	%rd36, %rd34;\n"
	"	clz.b64		%r21, %rd36;\n"
	"	shr.u32		%r21, %r21, 3;\n"
	"	cvt.u64.u32	%rd36, %r21;\n"
	"	add.u64		%rd36, %rd17, %rd36;\n"
	"	min.u64		%rd16, %rd16, %rd36;\n"
	"WNEXT:\n"
	"	add.u64		%rd14, %rd14, %rd15;\n"
	"	bra.uni		WLOOP;\n"
	"REDUCE:\n"
	"	setp.ne.u32	%p10, %r10, 0;\n"
	"	vote.sync.any.pred	%p11, %p10, -1;\n"
	"	@!%p11 bra	END;\n"
	PTX_SHFL(16)
	PTX_SHFL(8)
	PTX_SHFL(4)
	PTX_SHFL(2)
	PTX_SHFL(1)
	"	mov.u32		%r26, %laneid;\n"
	"	setp.ne.u32	%p12, %r26, 0;\n"
	"	@%p12 bra	END;\n"
	"	cvt.u64.u32	%rd38, %r10;\n"
	"	atom.global.add.u64	%rd39, [%rd5], %rd38;\n"
	"	atom.global.min.u64	%rd39, [%rd5+8], %rd16;\n"
	"END:\n"
	"	ret;\n"
	"}\n"
	"\n"
	/* ncd_fill(buf, stream_off, len, kind, seed, per): grid-stride bytes. */
	".visible .entry ncd_fill(\n"
	"	.param .u64 p_buf,\n"
	"	.param .u64 p_soff,\n"
	"	.param .u64 p_len,\n"
	"	.param .u32 p_kind,\n"
	"	.param .u64 p_seed,\n"
	"	.param .u64 p_per)\n"
	"{\n"
	"	.reg .pred	%p<8>;\n"
	"	.reg .b32	%r<16>;\n"
	"	.reg .b64	%rd<32>;\n"
	"\n"
	"	ld.param.u64	%rd1, [p_buf];\n"
	"	ld.param.u64	%rd10, [p_soff];\n"
	"	ld.param.u64	%rd2, [p_len];\n"
	"	ld.param.u32	%r2, [p_kind];\n"
	"	ld.param.u64	%rd3, [p_seed];\n"
	"	ld.param.u64	%rd4, [p_per];\n"
	"	cvta.to.global.u64	%rd1, %rd1;\n"
	"	mov.u32		%r3, %ctaid.x;\n"
	"	mov.u32		%r4, %nctaid.x;\n"
	"	mov.u32		%r5, %tid.x;\n"
	"	mov.u32		%r6, %ntid.x;\n"
	"	mul.wide.u32	%rd11, %r3, %r6;\n"
	"	cvt.u64.u32	%rd15, %r5;\n"
	"	add.u64		%rd11, %rd11, %rd15;\n"
	"	mul.wide.u32	%rd16, %r4, %r6;\n"
	"LOOP:\n"
	"	setp.ge.u64	%p1, %rd11, %rd2;\n"
	"	@%p1 bra	END;\n"
	"	add.u64		%rd12, %rd10, %rd11;\n"
	PTX_EXPECT
	"	add.u64		%rd13, %rd1, %rd11;\n"
	"	st.global.u8	[%rd13], %r10;\n"
	"	add.u64		%rd11, %rd11, %rd16;\n"
	"	bra.uni		LOOP;\n"
	"END:\n"
	"	ret;\n"
	"}\n";


const char *ncd_cuda_ptx(void)
{
	return ncd_ptx;
}
