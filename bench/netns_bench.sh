#!/bin/bash
# SPDX-License-Identifier: MIT
# netns benchmark: ncdevmem copy mode with and without validation against
# iperf3, single and multi flow, over a private veth pair (scripts/run_pair.sh
# no-argument style), median of RUNS runs of SECONDS each, runs interleaved
# so drift hits every column alike.  iperf3 runs twice per cell: with its
# defaults, and with -l set to ncdevmem's read size (256K).  Also runs
# bench_validate (host pattern check vs memcpy, every ISA level).  Writes DIR/bench.md (table, machine) and DIR/bench.json;
# every run's JSON stays under DIR/runs/.
#
# usage: bench/netns_bench.sh [--runs N] [--time S] [--flows "1 2"] [--out DIR]
#        [--report-only]   (rebuild bench.md/json from DIR/runs, run nothing)
# This measures the host stack over veth on this machine, not a NIC.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=3 TIME=3 FLOWS="1 2" OUT='' REPORT_ONLY=0
READ_LEN=256K	# ncdevmem's copy-mode recv() size (copy_path.c COPY_RECV_MAX)
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift ;;
	--time) TIME=$2; shift ;;
	--flows) FLOWS=$2; shift ;;
	--out) OUT=$2; shift ;;
	--report-only) REPORT_ONLY=1 ;;
	-h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "netns_bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$REPORT_ONLY" = 1 ] && [ -z "$OUT" ] && { echo "netns_bench: --report-only needs --out DIR" >&2; exit 2; }
[ -n "$OUT" ] || OUT=$ROOT/results/$(date +%Y-%m-%dT%H%M)-netns-bench
mkdir -p "$OUT/runs" || exit 1
OUT=$(cd "$OUT" && pwd)
rc=0
if [ "$REPORT_ONLY" = 0 ]; then
[ "$(id -u)" -eq 0 ] || { echo "netns_bench: needs root (network namespaces)" >&2; exit 4; }

"$ROOT/scripts/deps.sh" || true
export NCD_NO_DEPS=1
if [ -z "${NCDEVMEM:-}" ]; then
	make -s -C "$ROOT" build/ncdevmem || [ -x "$ROOT/build/ncdevmem" ] || exit 1
	export NCDEVMEM=$ROOT/build/ncdevmem
fi
BD=$(dirname "$NCDEVMEM")
if make -s -C "$ROOT/bench" B="$BD" >/dev/null 2>&1; then
	echo "netns_bench: bench_validate, 256 MiB" >&2
	"$BD/bench/bench_validate" -s 256 -r 3 | tee "$OUT/bench_validate.txt"
else
	echo "netns_bench: could not build bench_validate" >&2
fi

for ((r = 1; r <= RUNS; r++)); do
	for f in $FLOWS; do
		echo "netns_bench: run $r/$RUNS, $f flow(s): ncdevmem --validate + iperf3" >&2
		"$ROOT/scripts/run_pair.sh" --flows "$f" --time "$TIME" --label "validate-P$f" --iperf-len 0 \
			--out "$OUT/runs/r$r-validate-P$f" >"$OUT/runs/r$r-validate-P$f.log" 2>&1 ||
			{ rc=1; tail -n 5 "$OUT/runs/r$r-validate-P$f.log" >&2; }
		echo "netns_bench: run $r/$RUNS, $f flow(s): ncdevmem without validation + iperf3 -l $READ_LEN" >&2
		"$ROOT/scripts/run_pair.sh" --flows "$f" --time "$TIME" --no-validate \
			--iperf-len "$READ_LEN" \
			--label "novalidate-P$f" --out "$OUT/runs/r$r-novalidate-P$f" \
			>"$OUT/runs/r$r-novalidate-P$f.log" 2>&1 ||
			{ rc=1; tail -n 5 "$OUT/runs/r$r-novalidate-P$f.log" >&2; }
	done
done
fi

MACHINE="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
python3 - "$OUT" "$RUNS" "$TIME" "$FLOWS" "$MACHINE" "$READ_LEN" <<'PY'
import json, os, statistics, sys
out, runs, secs, flows, machine, read_len = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                             sys.argv[4].split(), sys.argv[5], sys.argv[6])

def load(p):
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        return None

def med(xs):
    xs = [x for x in xs if isinstance(x, (int, float))]
    return statistics.median(xs) if xs else None

rows, data = [], {}
for f in flows:
    v, nv, ip, ipl, cv, cnv, vres, rss = [], [], [], [], [], [], [], []
    for r in range(1, runs + 1):
        d = os.path.join(out, "runs", "r%d-validate-P%s" % (r, f))
        s = load(os.path.join(d, "summary.json")) or {}
        v.append(s.get("gbps")); ip.append(s.get("iperf3_gbps"))
        cv.append(s.get("cpu_seconds_per_gb")); vres.append(s.get("validation"))
        srv = os.path.join(d, "r1", "ncdevmem-server.json")	# run_pair's round 1
        if not os.path.exists(srv):
            srv = os.path.join(d, "ncdevmem-server.json")	# older layout
        rss.append(((load(srv) or {})
                    .get("end") or {}).get("max_rss_kb"))
        s = load(os.path.join(out, "runs", "r%d-novalidate-P%s" % (r, f), "summary.json")) or {}
        nv.append(s.get("gbps")); cnv.append(s.get("cpu_seconds_per_gb"))
        ipl.append(s.get("iperf3_l_gbps", s.get("iperf3_gbps")))
    d = {"flows": int(f), "runs": runs, "validate_gbps": v, "novalidate_gbps": nv,
         "iperf3_gbps": ip, "iperf3_l_gbps": ipl, "validate_cpu_s_per_gb": cv,
         "novalidate_cpu_s_per_gb": cnv, "validation": vres,
         "receiver_max_rss_kb": rss}
    for k in ("validate_gbps", "novalidate_gbps", "iperf3_gbps", "iperf3_l_gbps",
              "validate_cpu_s_per_gb", "novalidate_cpu_s_per_gb",
              "receiver_max_rss_kb"):
        d["median_" + k] = med(d[k])
    data[f] = d
f2 = lambda x, n=2: "n/a" if x is None else "%.*f" % (n, x)
ratio = lambda a, b: (a / b) if a and b else None
hdr = ("| flows | ncdevmem --validate Gb/s | ncdevmem no validation Gb/s | iperf3 Gb/s "
       "| iperf3 -l %s Gb/s | validate/iperf3 | validate/iperf3 -l | no-validate/iperf3 "
       "| validate/no-validate | CPU s/GB validate | CPU s/GB no validation "
       "| receiver max RSS MB | validation |" % read_len)
lines = [hdr, "|" + "---:|" * 12 + "---|"]
for f, d in data.items():
    a, b, c = d["median_validate_gbps"], d["median_novalidate_gbps"], d["median_iperf3_gbps"]
    cl, rs = d["median_iperf3_l_gbps"], d["median_receiver_max_rss_kb"]
    ok = all(x == "ok" for x in d["validation"])
    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        f, f2(a), f2(b), f2(c), f2(cl), f2(ratio(a, c), 3), f2(ratio(a, cl), 3),
        f2(ratio(b, c), 3), f2(ratio(a, b), 3),
        f2(d["median_validate_cpu_s_per_gb"], 4),
        f2(d["median_novalidate_cpu_s_per_gb"], 4),
        f2(rs * 1024 / 1e6 if rs else None, 1),
        "ok (%d/%d)" % (runs, runs) if ok else "FAILED: %s" % d["validation"]))
lines += ["", "Per-run Gb/s (validate / no validation / iperf3 / iperf3 -l %s):" % read_len, ""]
for f, d in data.items():
    lines.append("- %s flow(s): %s / %s / %s / %s" % (f, *(
        ", ".join(f2(x) for x in d[k]) for k in
        ("validate_gbps", "novalidate_gbps", "iperf3_gbps", "iperf3_l_gbps"))))
table = "\n".join(lines)
bv = ""
p = os.path.join(out, "bench_validate.txt")
if os.path.exists(p):
    bv = "\n## Validator vs memcpy (bench/bench_validate, 256 MiB, best of 3)\n\n```\n" + open(p).read() + "```\n"
md = """# netns benchmark: ncdevmem copy mode vs iperf3

_netns copy mode over veth on a %s; not NIC throughput._

Median of %d runs x %s s per cell (runs interleaved), receiver-side figures:
Gb/s from ncdevmem `end.sum.bits_per_second` / iperf3
`end.sum_received.bits_per_second`; CPU s/GB from ncdevmem
`end.cpu_seconds_per_gb` (receiving process, user + system).  Without
validation the client still sends the pattern and the server drops it
(`--discard`); that run's iperf3 uses `-l %s`, ncdevmem's read size.  Both ends share the same cores, so sender and receiver compete
for CPU.

%s

Machine: %s
%s
Per-run JSON: `runs/`.  Reproduce: `bench/netns_bench.sh --runs %d --time %s`.
""" % ("%s-core machine" % machine.split()[0], runs, secs, read_len, table, machine, bv, runs, secs)
open(os.path.join(out, "bench.md"), "w").write(md)
json.dump({"machine": machine, "runs": runs, "seconds": float(secs), "rows": data},
          open(os.path.join(out, "bench.json"), "w"), indent=1)
print(table)
print("machine: %s" % machine)
PY
echo "netns_bench: $OUT/bench.md" >&2
exit $rc
