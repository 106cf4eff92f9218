#!/bin/bash
# run.sh FUZZER SECONDS: run one libFuzzer harness for SECONDS on a scratch
# copy of its seed corpus (tests/fuzz/corpus/<name>/).  Exit 0 when nothing
# was found; otherwise 1 with the reproducer saved next to the binary
# (FUZZER-crash-*, -leak-*, -timeout-*: rerun as `FUZZER FILE`).
set -u
bin=$1 secs=${2:-60}
name=$(basename "$bin")
seeds=$(cd "$(dirname "$0")" && pwd)/corpus/$name
[ -x "$bin" ] || { echo "no fuzzer $bin (make fuzzers)" >&2; exit 1; }
work=$(mktemp -d /tmp/ncd-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
# -timeout: one input over 5 s is a hang; -rss_limit_mb: a runaway allocation.
"$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$bin-" "$work" 2>&1 |
	grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)' | tail -n 40
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && echo "$name: no crash, leak or hang in ${secs}s"
exit "$rc"
