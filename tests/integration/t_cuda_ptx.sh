#!/bin/bash
# The CUDA provider's hand-written PTX must assemble: dump it and run ptxas
# for the lowest architecture this ptxas accepts and for sm_80 and sm_90 (the
# driver JITs the same text on the GPU).  Skips when no ptxas is installed.
. "$(dirname "$0")/lib.sh"

PTXAS=$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -n 1)
[ -x "$PTXAS" ] || skip "no ptxas (CUDA toolkit) installed: PTX syntax not checked"
DUMP=$B/tests/ncd_ptx_dump
[ -x "$DUMP" ] || fail "$DUMP not built"
"$DUMP" >"$TMP/ncd.ptx" || fail "dumping the PTX"
grep -q '^.version 7.0' "$TMP/ncd.ptx" || fail "PTX lacks .version 7.0"
grep -q '^.target sm_70' "$TMP/ncd.ptx" || fail "PTX lacks .target sm_70"
for arch in sm_70 sm_75 sm_80; do
	"$PTXAS" -arch=$arch "$TMP/ncd.ptx" -o "$TMP/ncd.cubin" 2>"$TMP/err" && break
	grep -q "not defined for option" "$TMP/err" || { cat "$TMP/err"; fail "ptxas -arch=$arch rejected the PTX"; }
done
[ -s "$TMP/ncd.cubin" ] || { cat "$TMP/err"; fail "ptxas produced nothing"; }
# A100 and H100: the same text must assemble for them too
for a in sm_80 sm_90; do
	"$PTXAS" -arch=$a "$TMP/ncd.ptx" -o "$TMP/ncd-$a.cubin" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "ptxas -arch=$a rejected the PTX"; }
done
"$PTXAS" --version | tail -n 1
ok "PTX assembles with $PTXAS for $arch, sm_80 and sm_90 (ncd_fill, ncd_validate)"
