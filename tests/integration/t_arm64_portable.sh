#!/bin/bash
# arm64 builds the portable pattern level: cross-compile pattern.c,
# pattern_simd.c and the self-check with gcc-aarch64, run it under
# qemu-user, and require the portable level to agree with the reference.
. "$(dirname "$0")/lib.sh"
need_cmd aarch64-linux-gnu-gcc
need_cmd qemu-aarch64-static
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
aarch64-linux-gnu-gcc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -static \
	-I"$ROOT" -o "$TMP/selfcheck" "$ROOT/pattern.c" "$ROOT/pattern_simd.c" \
	"$ROOT/tests/helpers/pattern_selfcheck.c" -pthread 2>"$TMP/cc.err" ||
	{ cat "$TMP/cc.err"; fail "cross build for arm64"; }
file "$TMP/selfcheck" | grep -q "ARM aarch64" || fail "not an arm64 binary"
qemu-aarch64-static "$TMP/selfcheck" >"$TMP/out" 2>&1 ||
	{ cat "$TMP/out"; fail "self-check under qemu-aarch64"; }
cat "$TMP/out"
assert_contains "$TMP/out" '^level portable$' "the portable level on arm64"
assert_contains "$TMP/out" '^ok$' "agreement with the reference"
ok "arm64 portable level agrees with the reference"
