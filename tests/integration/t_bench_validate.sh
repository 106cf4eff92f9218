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
"$BD/bench/bench_validate" -s 8 -r 1 >"$TMP/out" 2>&1 ||
	{ cat "$TMP/out"; fail "bench_validate exit $?"; }
cat "$TMP/out"
assert_contains "$TMP/out" '^  memcpy +[0-9]+\.[0-9]+ GB/s' "memcpy bandwidth"
assert_contains "$TMP/out" 'pattern check \(offset\) +[0-9]+\.[0-9]+ GB/s +ratio check/memcpy [0-9]+\.[0-9]+' \
	"offset pattern check ratio"
assert_contains "$TMP/out" 'pattern check \(upstream -v 7\) *[0-9]+\.[0-9]+ GB/s +ratio check/memcpy [0-9]+\.[0-9]+' \
	"upstream pattern check ratio"
"$BD/bench/bench_validate" -s 0 2>/dev/null && fail "-s 0 accepted"
ok "bench_validate prints a ratio"
