#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plots for one run_pair.sh results directory (called by summarize.py).

throughput.png and throughput.svg, three panels:
  1. receiver Gb/s per interval in the round closest to the median: one thin
     line per ncdevmem flow, the ncdevmem total, the iperf3 totals overlaid;
  2. Gb/s per tool, median of the rounds with min..max error bars;
  3. receiver and sender CPU seconds per GB per tool, same error bars.
The data (throughput.dat, bars.dat) and the gnuplot script (throughput.gp)
stay next to the images so a plot can be redrawn or restyled.
"""
import os
import shutil
import subprocess

NAMES = {"ncdevmem": "ncdevmem", "iperf3": "iperf3", "iperf3-l": "iperf3 -l"}


def intervals(doc, per_flow):
    """{flow id or 'sum': [(t_end, Gb/s)]} from an iperf3-like document."""
    out = {}
    for iv in (doc or {}).get("intervals", []) or []:
        rows = (iv.get("streams") or []) if per_flow else [iv.get("sum") or {}]
        for s in rows:
            # iperf3 ends with a sliver of an interval: noise, not a rate
            if "end" not in s or "bits_per_second" not in s or s.get("seconds", 1) < 0.1:
                continue
            key = s.get("id", "?") if per_flow else "sum"
            out.setdefault(key, []).append((float(s["end"]), s["bits_per_second"] / 1e9))
    return out


def v(x, nd=4):
    return "?" if x is None else "%.*f" % (nd, x)


def pick_round(rounds, med):
    best, bd = rounds[0], None
    for r in rounds:
        g = r["tools"]["ncdevmem"]["gbps"]
        if g is None or med is None:
            continue
        if bd is None or abs(g - med) < bd:
            best, bd = r, abs(g - med)
    return best


def plot(d, label, rounds, agg, tools, nrem):
    """Writes the data, script and images; returns None or why not drawn."""
    rep = pick_round(rounds, agg["ncdevmem"]["gbps"]["median"])
    series = rep.get("series") or {}
    blocks = []	# (title, style, points)
    for fid, pts in sorted(intervals(series.get("ncdevmem"), True).items(),
                           key=lambda kv: str(kv[0])):
        blocks.append(("flow %s" % fid, "lines lw 1 dt 3", pts))
    ncd_sum = intervals(series.get("ncdevmem"), False).get("sum", [])
    blocks.append(("ncdevmem total", "linespoints lw 3 pt 7", ncd_sum))
    for t in tools[1:]:
        # one iperf3 per sender: add their intervals up, position by position
        per = [intervals(doc, False).get("sum", []) for doc in series.get(t) or []]
        pts = [(max(p[i][0] for p in per), sum(p[i][1] for p in per))
               for i in range(min(len(p) for p in per))] if per else []
        if pts:
            blocks.append(("%s total" % NAMES[t], "linespoints lw 2 dt 2", pts))
    with open(os.path.join(d, "throughput.dat"), "w") as f:
        for title, _, pts in blocks:
            f.write("# %s: t_end_s gbps\n" % title)
            for t, g in pts or [(None, None)]:
                f.write("%s %s\n" % (v(t, 3), v(g)))
            f.write("\n\n")
    with open(os.path.join(d, "bars.dat"), "w") as f:
        f.write("# tool gbps(med min max) rx_cpu_s_per_gb(med min max) "
                "tx_cpu_s_per_gb(med min max)\n")
        for t in tools:
            a = agg[t]
            f.write('"%s" %s\n' % (NAMES[t], " ".join(
                v(a[k][s]) for k in ("gbps", "rx_cpu_s_per_gb", "tx_cpu_s_per_gb")
                for s in ("median", "min", "max"))))
    lines = ",\\\n     ".join(
        "'throughput.dat' index %d with %s title '%s'" % (i, style, title)
        for i, (title, style, _) in enumerate(blocks))
    n = len(rounds)
    gp = """# gnuplot throughput.gp (in this directory) redraws both images
set datafile missing '?'
set style fill solid 0.5 border -1
set grid ytics
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal png size 900,1150 } else { set terminal svg size 900,1150 dynamic }
  set output 'throughput.'.fmt
  set multiplot layout 3,1 title "%(title)s" noenhanced
  set title "receiver Gb/s per interval, round %(rnd)s" noenhanced
  set xlabel 'time (s)'; set ylabel 'Gb/s'; set yrange [0:*]; set xrange [*:*]
  set key outside right top
  plot %(lines)s
  set title "Gb/s per tool: median of %(n)d round(s), bars min..max" noenhanced
  set xlabel ''; set xrange [-0.6:%(xmax)s]; set boxwidth 0.6
  plot 'bars.dat' using 0:2:xtic(1) with boxes notitle, \\
       '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 notitle
  set title "CPU seconds per GB (user + system), median, bars min..max" noenhanced
  set ylabel 'CPU s / GB'; set boxwidth 0.3
  plot 'bars.dat' using ($0-0.16):5:xtic(1) with boxes title 'receiver', \\
       '' using ($0-0.16):5:6:7 with yerrorbars lc rgb 'black' pt 0 notitle, \\
       '' using ($0+0.16):8 with boxes title 'sender', \\
       '' using ($0+0.16):8:9:10 with yerrorbars lc rgb 'black' pt 0 notitle
  unset multiplot
  unset output
}
""" % {"title": label.replace('"', "'"), "rnd": rep["round"], "lines": lines,
       "n": n, "xmax": "%.1f" % (len(tools) - 0.4)}
    with open(os.path.join(d, "throughput.gp"), "w") as f:
        f.write(gp)
    if not ncd_sum:
        return "no interval data: throughput.png not drawn"
    if not shutil.which("gnuplot"):
        return "gnuplot not installed: throughput.png not drawn"
    for img in ("throughput.png", "throughput.svg"):
        try:
            os.unlink(os.path.join(d, img))
        except OSError:
            pass
    r = subprocess.run(["gnuplot", "throughput.gp"], cwd=d,
                       capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(os.path.join(d, "throughput.svg")):
        return "gnuplot failed: " + r.stderr.strip()[-300:]
    return None
