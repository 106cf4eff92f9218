#!/bin/bash
# bench/bench_validate builds against libncd.a and, on a small buffer, prints
# memcpy and pattern-check bandwidths and the check/memcpy ratio.  No speed
# is asserted here: the figures live in results/ (bench/README.md).
. "$(dirname "$0")/lib.sh"
need_cmd make
need_cmd cc
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BD=${B:-$ROOT/build}
make -s -C "$ROOT/bench" B="$BD" >"$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; fail "building bench/bench_validate"; }
"$BD/bench/bench_validate" -s 8 -c 64 -r 1 -l scalar -l portable -l avx2 -l avx512 \
	>"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "bench_validate exit $?"; }
cat "$TMP/out"
assert_contains "$TMP/out" '^  memcpy +[0-9]+\.[0-9]+ GB/s' "memcpy bandwidth"
num='[0-9]+\.[0-9]+'
row="offset check +$num GB/s = +${num}x memcpy \((met|MISSED)\) +hot +$num GB/s \((met|MISSED)\) +-v 7 check +$num GB/s = +${num}x memcpy \((met|MISSED)\) +fill hot +$num GB/s"
assert_contains "$TMP/out" "^  scalar +$row" "the scalar reference row"
assert_contains "$TMP/out" "^  portable +$row" "the portable row"
# x86 binaries carry avx2 and avx512: a row, or the CPU's refusal
for l in avx2 avx512; do
	assert_contains "$TMP/out" "^  $l +($row|not run by this CPU)" "the $l row"
done
"$BD/bench/bench_validate" -s 0 2>/dev/null && fail "-s 0 accepted"
ok "bench_validate prints each level against memcpy"
