#!/bin/bash
# Every validator ISA level this CPU runs (forced with NCD_ISA), end to end:
# a clean validated pair passes and says which level checked it, a flipped
# byte is caught at its exact offset, and -v 7 data from a real netcat-style
# sender passes.  An unknown level falls back with one line, still checking.
. "$(dirname "$0")/lib.sh"
need_root
netns_pair_up
port=5230
levels=(scalar portable)
case "$(uname -m)" in x86_64) levels+=(avx2 avx512) ;; esac

pair() {	# level, server args..., -- client args...
	local level=$1; shift
	local sargs=() cargs=()
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	cargs=("$@")
	port=$((port + 1))
	in_a env NCD_ISA="$level" "$NCDEVMEM" -l -s "$ADDR_A" -p $port -J "${sargs[@]}" \
		>"$TMP/srv.json" 2>"$TMP/srv.err" &
	local srv=$!
	wait_listen "$NS_A" $port
	in_b "$NCDEVMEM" -s "$ADDR_A" -p $port -i 0 "${cargs[@]}" 2>"$TMP/cli.err" || { rc=$?; cat "$TMP/cli.err"; fail "$level: client exit $rc"; }
	wait $srv
}

ran=0
for l in "${levels[@]}"; do
	if [ "$l" = avx512 ] && ! grep -qw avx512bw /proc/cpuinfo; then continue; fi
	if [ "$l" = avx2 ] && ! grep -qw avx2 /proc/cpuinfo; then continue; fi
	pair "$l" --validate -- --validate --bytes 24M ||
		{ cat "$TMP/srv.err"; fail "$l: clean run failed"; }
	python3 - "$TMP/srv.json" "$l" <<'PY' || fail "$l: clean JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["start"]["host_validator"] == sys.argv[2], d["start"]
v = d["end"]["sum"]["validation"]
assert v["result"] == "ok" and v["checked_bytes"] == 24 << 20, v
PY
	off=$((5000000 + ran * 4099 + 3))
	pair "$l" --validate -- --validate --bytes 24M --corrupt-at $off
	rc=$?
	[ $rc -eq 1 ] || fail "$l: corrupted run exit $rc, expected 1"
	assert_one_flip "$TMP/srv.json" $off
	pair "$l" -v 7 -- -v 7 --bytes 8M || { cat "$TMP/srv.err"; fail "$l: -v 7 run failed"; }
	ran=$((ran + 1))
done
[ $ran -ge 2 ] || fail "only $ran levels ran"

pair bogus --validate -- --validate --bytes 1M || fail "unknown NCD_ISA made the run fail"
assert_contains "$TMP/srv.err" "NCD_ISA=bogus is not a level this CPU runs" "the fallback line"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["end"]["sum"]["validation"]["checked_bytes"] == 1 << 20' \
	"$TMP/srv.json" || fail "fallback level checked nothing"
ok "$ran levels: clean, exact corruption offset, -v 7"
