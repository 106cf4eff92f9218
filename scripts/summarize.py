#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarise one scripts/run_pair.sh results directory (stdlib only).

Reads from DIR:
  meta.json              what run_pair.sh ran (mode, mem, flows, exit codes)
  ncdevmem-server.json   receiver (-J), the devmem side
  ncdevmem-client.json   sender (-J)
  iperf3-server.json     iperf3 receiver (-J)          optional (--no-iperf)
  iperf3-client.json     iperf3 sender (-J)            optional
  capture.json           scripts/lib/pcap_payload.py   optional (--capture)
Writes:
  summary.md             Markdown table + verdicts
  summary.json           the same numbers, machine readable
  throughput.dat/.gp     interval series and the gnuplot script
  throughput.png         ncdevmem and iperf3 Gb/s over time (if gnuplot runs)
Prints a short human summary.  Exit 0 when every side succeeded and
validation (if on) passed, 1 otherwise.
"""
import json
import os
import shutil
import subprocess
import sys


def load(d, name):
    p = os.path.join(d, name)
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def get(d, *path, default=None):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def series(doc):
    """[(t_end, Gb/s)] from the sum of each interval of an (iperf3-like) doc."""
    out = []
    for iv in (doc or {}).get("intervals", []) or []:
        s = iv.get("sum") or {}
        # iperf3 ends with a sliver of an interval: noise, not a rate
        if "end" in s and "bits_per_second" in s and s.get("seconds", 1) >= 0.1:
            out.append((float(s["end"]), s["bits_per_second"] / 1e9))
    return out


def fmt(x, nd=2):
    return "n/a" if x is None else ("%.*f" % (nd, x))


def plot(d, ncd, ipf, title):
    dat = os.path.join(d, "throughput.dat")
    with open(dat, "w") as f:
        f.write("# ncdevmem receiver intervals: t_end_s gbps\n")
        for t, g in ncd:
            f.write("%.3f %.4f\n" % (t, g))
        if not ncd:
            f.write("nan nan\n")
        f.write("\n\n# iperf3 receiver intervals: t_end_s gbps\n")
        for t, g in ipf:
            f.write("%.3f %.4f\n" % (t, g))
        if not ipf:
            f.write("nan nan\n")
    gp = os.path.join(d, "throughput.gp")
    plots = []
    if ncd:
        plots.append("'throughput.dat' index 0 with linespoints lw 2 title 'ncdevmem'")
    if ipf:
        plots.append("'throughput.dat' index 1 with linespoints lw 2 title 'iperf3'")
    with open(gp, "w") as f:
        f.write("set terminal png size 900,500\n"
                "set output 'throughput.png'\n"
                "set title \"%s\" noenhanced\n"
                "set xlabel 'time (s)'\nset ylabel 'Gb/s'\n"
                "set yrange [0:*]\nset grid\nset key bottom right\n"
                "plot %s\n" % (title.replace('"', "'"), ", ".join(plots)))
    if not plots:
        return "no interval data: throughput.png not drawn"
    if not shutil.which("gnuplot"):
        return "gnuplot not installed: throughput.png not drawn"
    r = subprocess.run(["gnuplot", "throughput.gp"], cwd=d,
                       capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(os.path.join(d, "throughput.png")):
        return "gnuplot failed: " + r.stderr.strip()[-300:]
    return None


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) == 2 else 2
    d = sys.argv[1]
    meta = load(d, "meta.json") or {}
    srv = load(d, "ncdevmem-server.json")
    cli = load(d, "ncdevmem-client.json")
    isrv = load(d, "iperf3-server.json")
    icli = load(d, "iperf3-client.json")
    cap = load(d, "capture.json")
    problems = []

    mode = get(srv, "start", "mode") or meta.get("mode", "?")
    mem = get(srv, "start", "mem") or meta.get("mem", "?")
    flows = get(srv, "start", "flows") or meta.get("flows", "?")
    bps = get(srv, "end", "sum", "bits_per_second")
    gbps = bps / 1e9 if isinstance(bps, (int, float)) else None
    cpu_gb = get(srv, "end", "cpu_seconds_per_gb")
    val = get(srv, "end", "sum", "validation", "result") or "n/a"
    bad = get(srv, "end", "sum", "validation", "bad_bytes")
    for side, doc, rc_key in (("ncdevmem server", srv, "ncdevmem_server_rc"),
                              ("ncdevmem client", cli, "ncdevmem_client_rc")):
        rc = meta.get(rc_key)
        if doc is None:
            problems.append("%s: no JSON output" % side)
        elif get(doc, "end", "result", default="ok") != "ok":
            problems.append("%s: result %s" % (side, get(doc, "end", "result")))
        if rc not in (None, 0):
            problems.append("%s: exit code %s" % (side, rc))
    if val not in ("ok", "off", "n/a"):
        problems.append("validation %s (%s bad bytes)" % (val, bad))
    if meta.get("validate") and val == "n/a" and srv is not None:
        problems.append("validation requested but not reported")

    ip_gbps = None
    if meta.get("iperf", True):
        ibps = get(icli, "end", "sum_received", "bits_per_second")
        if ibps is None:
            ibps = get(isrv, "end", "sum_received", "bits_per_second")
        if isinstance(ibps, (int, float)):
            ip_gbps = ibps / 1e9
        for side, doc, rc_key in (("iperf3 server", isrv, "iperf3_server_rc"),
                                  ("iperf3 client", icli, "iperf3_client_rc")):
            rc = meta.get(rc_key)
            if doc is None:
                problems.append("%s: no JSON output" % side)
            elif doc.get("error"):
                problems.append("%s: %s" % (side, doc["error"]))
            if rc not in (None, 0):
                problems.append("%s: exit code %s" % (side, rc))
    ratio = gbps / ip_gbps if gbps and ip_gbps else None

    label = meta.get("label", os.path.basename(os.path.abspath(d)))
    ncd_s = series(srv) or series(cli)
    ipf_s = series(isrv) or series(icli)
    plot_err = plot(d, ncd_s, ipf_s, "%s: receiver throughput" % label)
    if plot_err:
        problems.append(plot_err)

    cap_line = cap.get("line") if cap else None
    if meta.get("capture") and not cap:
        problems.append("capture requested but not analysed")

    rows = [
        "| mode | memory | flows | Gb/s | CPU s per GB | validation | iperf3 Gb/s | ncdevmem/iperf3 |",
        "|---|---|---|---:|---:|---|---:|---:|",
        "| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            mode, mem, flows, fmt(gbps), fmt(cpu_gb, 4), val,
            fmt(ip_gbps) if meta.get("iperf", True) else "skipped",
            fmt(ratio, 3)),
    ]
    md = ["# %s" % label, ""]
    if meta.get("note"):
        md += ["_%s_" % meta["note"], ""]
    md += rows + [""]
    md += ["- date: %s" % meta.get("date", "?"),
           "- path: %s -> %s (%s%s), %s s per run" % (
               meta.get("remote_addr", "?"), meta.get("local_addr", "?"),
               meta.get("remote_type", "?"),
               (" " + meta["remote_args"]) if meta.get("remote_args") else "",
               meta.get("time", "?")),
           "- interface (receiver): %s" % meta.get("netif", "?"),
           "- Gb/s: ncdevmem receiver `end.sum.bits_per_second`; iperf3 "
           "`end.sum_received.bits_per_second`",
           "- CPU s per GB: ncdevmem receiver `end.cpu_seconds_per_gb` "
           "(user + system of the receiving process)"]
    if meta.get("machine"):
        md.append("- machine: %s" % meta["machine"])
    if cap_line:
        md.append("- %s" % cap_line)
        if cap.get("pcap"):
            md.append("- pcap: `%s`" % os.path.basename(cap["pcap"]))
    md.append("- result: %s" % ("PASS" if not problems else
                                 "FAIL: " + "; ".join(problems)))
    md += ["", "![throughput over time](throughput.png)", ""]
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({"label": label, "mode": mode, "mem": mem, "flows": flows,
                   "gbps": gbps, "cpu_seconds_per_gb": cpu_gb,
                   "validation": val, "iperf3_gbps": ip_gbps, "ratio": ratio,
                   "capture": cap_line, "problems": problems,
                   "result": "ok" if not problems else "fail"}, f, indent=1)
        f.write("\n")

    print("== %s ==" % label)
    print("ncdevmem %s/%s, %s flow(s): %s Gb/s, %s CPU s/GB, validation %s"
          % (mode, mem, flows, fmt(gbps), fmt(cpu_gb, 4), val))
    if meta.get("iperf", True):
        print("iperf3 same path:        %s Gb/s, ratio ncdevmem/iperf3 %s"
              % (fmt(ip_gbps), fmt(ratio, 3)))
    if cap_line:
        print(cap_line)
    print("results: %s" % d)
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
