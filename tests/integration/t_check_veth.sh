#!/bin/bash
# --check on veth: "not ready" (exit 4) with the right reasons and fixes.
. "$(dirname "$0")/nl_lib.sh"
nl_setup
[ -x "$NCDEVMEM" ] || skip "no $NCDEVMEM"

in_ns "$NCDEVMEM" --check -f dv0 >"$TMP/out" 2>&1
rc=$?
cat "$TMP/out"
[ $rc = 4 ] || fail "--check on veth: exit $rc, want 4"
assert_contains "$TMP/out" '^\[ ok \] kernel [0-9]+\.[0-9]+.*needs >= 6\.12' "kernel line"
assert_contains "$TMP/out" '^\[ ok \] netdev family \(id [0-9]+\): bind-rx yes' "family line"
assert_contains "$TMP/out" '^\[FAIL\] device dv0: virtual .* -> ' "virtual device"
assert_contains "$TMP/out" '^\[ ok \] RX queues: 4 .*would use 3\.\.3' "queue count"
assert_contains "$TMP/out" '^\[FAIL\] header split: not supported by dv0.* -> needs a NIC with tcp-data-split' "header split"
assert_contains "$TMP/out" '^\[FAIL\] ntuple flow rules: not supported' "ntuple"
assert_contains "$TMP/out" '^\[FAIL\] RSS indirection table' "RSS"
assert_contains "$TMP/out" '^\[ ok \] XDP program: none' "XDP"
assert_contains "$TMP/out" '^\[ ok \] queue users: no RX queue bound' "queue users"
assert_contains "$TMP/out" '^not ready: [0-9]+ problem' "verdict"
grep '^\[FAIL\]' "$TMP/out" | grep -v -- ' -> ' && fail "a FAIL line without a fix"

in_ns "$NCDEVMEM" --check -f dv0 -t 1 -q 2 >"$TMP/out2" 2>&1
assert_contains "$TMP/out2" 'would use 1\.\.2, RSS keeps 0\.\.0' "-t/-q honoured"
in_ns "$NCDEVMEM" --check -f dv0 -t 3 -q 2 >"$TMP/out3" 2>&1
assert_contains "$TMP/out3" '^\[FAIL\] RX queues: 4, but -t/-q ask for 3\.\.4' "-t/-q out of range"

in_ns "$NCDEVMEM" --check -f dv0 --mem cuda >"$TMP/out4" 2>&1
if [ -e /usr/lib/x86_64-linux-gnu/libcuda.so.1 ]; then
	assert_contains "$TMP/out4" '^\[ ok \] cuda: ' "cuda present"
else
	assert_contains "$TMP/out4" '^\[FAIL\] cuda: libcuda.so.1 not found \(no NVIDIA driver\) -> ' "cuda required"
fi

# option parsing may refuse it first (exit 1); --check itself says FAIL (4)
in_ns "$NCDEVMEM" --check -f nosuchdev >"$TMP/out5" 2>&1
rc=$?
[ $rc = 1 ] || [ $rc = 4 ] || fail "--check on a missing device: exit $rc"
assert_contains "$TMP/out5" 'nosuchdev' "missing device named"
ok "--check on veth: not ready, every failure with its fix"
