#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarise one scripts/run_pair.sh results directory (stdlib only).

Reads from DIR:
  meta.json                    what run_pair.sh ran (mode, flows, repeat, ...)
  commands.txt                 the exact command lines, one per line
  host-*.json, versions-*.txt  both hosts (kernel, CPU, NIC) and tool versions
  rN/                          round N: ncdevmem-server.json, and per sender K
                               ncdevmem-client.hK.json, iperf3-{server,client}
                               .hK.json, iperf3-l-*.hK.json; rc.txt, order.txt
  capture.json                 scripts/lib/pcap_payload.py (--capture)
A directory in the older one-round layout (the JSON files at the top) is
read as one round with one sender.
Writes summary.md, summary.json and the plots (scripts/plot_run.py).
Prints a short human summary.  Exit 0 when every side succeeded and
validation (if on) passed, 1 otherwise.
"""
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_run  # noqa: E402

TOOLS = ("ncdevmem", "iperf3", "iperf3-l")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def get(d, *path, default=None):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def num(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def fmt(x, nd=2):
    return "n/a" if x is None else ("%.*f" % (nd, x))


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "n": len(xs)}


def cpu_per_gb(cpu_s, nbytes):
    return cpu_s / (nbytes / 1e9) if cpu_s is not None and nbytes else None


def read_rc(path):
    rcs = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.strip().partition(" ")
                if k:
                    rcs[k] = int(v) if v.lstrip("-").isdigit() else v
    except OSError:
        pass
    return rcs


def ncd_client_cpu(doc):
    c = get(doc, "end", "cpu_seconds")
    if not isinstance(c, dict):
        return None
    return (c.get("user") or 0) + (c.get("system") or 0)


def iperf_host(cli, srv):
    """One iperf3 client/server pair: Gb/s received, CPU s and bytes."""
    rx = num(get(cli, "end", "sum_received", "bits_per_second"))
    if rx is None:
        rx = num(get(srv, "end", "sum_received", "bits_per_second"))
    secs = num(get(cli, "end", "sum_sent", "seconds"))
    cpu = get(cli, "end", "cpu_utilization_percent") or {}
    tx_pct, rx_pct = num(cpu.get("host_total")), num(cpu.get("remote_total"))
    return {
        "gbps": rx / 1e9 if rx is not None else None,
        "tx_cpu_s": tx_pct / 100 * secs if tx_pct is not None and secs else None,
        "rx_cpu_s": rx_pct / 100 * secs if rx_pct is not None and secs else None,
        "tx_bytes": num(get(cli, "end", "sum_sent", "bytes")),
        "rx_bytes": num(get(cli, "end", "sum_received", "bytes")),
    }


def sum_or_none(xs):
    xs = list(xs)
    return None if not xs or any(x is None for x in xs) else sum(xs)


def read_round(rd, nrem, legacy, meta, problems, tag):
    """Numbers of one round; problems get '<tag>: ...' entries."""
    rcs = read_rc(os.path.join(rd, "rc.txt"))
    if legacy:
        rcs = {"ncdevmem-server": meta.get("ncdevmem_server_rc"),
               "ncdevmem-client.h1": meta.get("ncdevmem_client_rc"),
               "iperf3-server.h1": meta.get("iperf3_server_rc"),
               "iperf3-client.h1": meta.get("iperf3_client_rc")}

    def name(tool, side, k):
        if legacy:
            return os.path.join(rd, "%s-%s.json" % (tool, side))
        if side == "server" and tool == "ncdevmem":
            return os.path.join(rd, "ncdevmem-server.json")
        return os.path.join(rd, "%s-%s.h%d.json" % (tool, side, k))

    def check(label, doc, rckey, iperf=False):
        rc = rcs.get(rckey)
        if doc is None:
            if rckey in rcs or legacy:
                problems.append("%s: %s: no JSON output" % (tag, label))
        elif iperf and doc.get("error"):
            problems.append("%s: %s: %s" % (tag, label, doc["error"]))
        elif not iperf and get(doc, "end", "result", default="ok") != "ok":
            problems.append("%s: %s: result %s" % (tag, label, get(doc, "end", "result")))
        if rc not in (None, 0):
            problems.append("%s: %s: exit code %s" % (tag, label, rc))

    r = {"round": tag, "order": None, "tools": {}, "hosts": []}
    try:
        with open(os.path.join(rd, "order.txt")) as f:
            r["order"] = f.read().split()
    except OSError:
        pass
    srv = load(name("ncdevmem", "server", 0))
    check("ncdevmem server", srv, "ncdevmem-server")
    clis = []
    for k in range(1, nrem + 1):
        c = load(name("ncdevmem", "client", k))
        check("ncdevmem client %d" % k if nrem > 1 else "ncdevmem client", c,
              "ncdevmem-client.h%d" % k)
        clis.append(c)
    # the iperf3 keys first (end.sum_received / sum_sent), then the older
    # ncdevmem-only end.sum of results written before they existed
    bps = num(get(srv, "end", "sum_received", "bits_per_second"))
    if bps is None:
        bps = num(get(srv, "end", "sum", "bits_per_second"))
    val = get(srv, "end", "sum", "validation", "result") or "n/a"
    if val not in ("ok", "off", "n/a"):
        problems.append("%s: validation %s (%s bad bytes)" % (
            tag, val, get(srv, "end", "sum", "validation", "bad_bytes")))
    if meta.get("validate") and val == "n/a" and srv is not None:
        problems.append("%s: validation requested but not reported" % tag)
    tx_cpu = sum_or_none(ncd_client_cpu(c) for c in clis)
    tx_bytes = sum_or_none(num(get(c, "end", "sum_sent", "bytes",
                                   default=get(c, "end", "sum", "bytes")))
                           for c in clis)
    r["tools"]["ncdevmem"] = {
        # TCP_INFO of the senders; None from results without it
        "retransmits": sum_or_none(num(get(c, "end", "sum_sent", "retransmits"))
                                   for c in clis),
        "gbps": bps / 1e9 if bps is not None else None,
        "rx_cpu_s_per_gb": num(get(srv, "end", "cpu_seconds_per_gb")),
        "tx_cpu_s_per_gb": cpu_per_gb(tx_cpu, tx_bytes),
        "validation": val,
    }
    r["series"] = {"ncdevmem": srv or (clis[0] if nrem == 1 else None)}
    for k in range(nrem):
        g = num(get(clis[k], "end", "sum", "bits_per_second"))
        r["hosts"].append({"ncdevmem": g / 1e9 if g is not None else None})

    for tool in TOOLS[1:]:
        if not meta.get("iperf", True):
            continue
        if tool == "iperf3-l" and (legacy or not meta.get("iperf_len")):
            continue
        hs = []
        for k in range(1, nrem + 1):
            cli, srv_i = load(name(tool, "client", k)), load(name(tool, "server", k))
            lab = "%s%s" % (tool, " %d" % k if nrem > 1 else "")
            check(lab + " client", cli, "%s-client.h%d" % (tool, k), True)
            check(lab + " server", srv_i, "%s-server.h%d" % (tool, k), True)
            hs.append(iperf_host(cli, srv_i))
            r["hosts"][k - 1][tool] = hs[-1]["gbps"]
            r["series"].setdefault(tool, []).append(srv_i or cli)
        r["tools"][tool] = {
            "gbps": sum_or_none(h["gbps"] for h in hs),
            "rx_cpu_s_per_gb": cpu_per_gb(sum_or_none(h["rx_cpu_s"] for h in hs),
                                          sum_or_none(h["rx_bytes"] for h in hs)),
            "tx_cpu_s_per_gb": cpu_per_gb(sum_or_none(h["tx_cpu_s"] for h in hs),
                                          sum_or_none(h["tx_bytes"] for h in hs)),
        }
    n = r["tools"]["ncdevmem"]["gbps"]
    for tool, key in (("iperf3", "ratio"), ("iperf3-l", "ratio_l")):
        i = get(r["tools"], tool, "gbps")
        r[key] = n / i if n and i else None
    return r


def host_line(h, versions):
    nic = h.get("nic") or {}
    drv = nic.get("driver") or "?"
    if nic.get("driver_version"):
        drv += " " + nic["driver_version"]
    return "%s: Linux %s, %s x %s, %s GiB; NIC %s: driver %s, firmware %s; %s" % (
        h.get("hostname", "?"), h.get("kernel", "?"), h.get("cpus", "?"),
        h.get("cpu_model", "?"), h.get("mem_gib", "?"), nic.get("ifname", "?"),
        drv, nic.get("firmware") or "n/a", "; ".join(versions) or "versions n/a")


def read_lines(path):
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except OSError:
        return []


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) == 2 else 2
    d = sys.argv[1]
    meta = load(os.path.join(d, "meta.json")) or {}
    nrem = int(meta.get("remotes") or 1)
    rdirs = sorted(glob.glob(os.path.join(d, "r[0-9]*")),
                   key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 0))
    legacy = not rdirs
    problems = []
    rounds = [read_round(rd, nrem, False, meta, problems, os.path.basename(rd))
              for rd in rdirs] if rdirs else [
        read_round(d, 1, True, meta, problems, "run")]

    label = meta.get("label", os.path.basename(os.path.abspath(d)))
    tools = [t for t in TOOLS if any(t in r["tools"] for r in rounds)]
    agg = {}
    for t in tools:
        agg[t] = {k: stats([get(r["tools"], t, k) for r in rounds])
                  for k in ("gbps", "rx_cpu_s_per_gb", "tx_cpu_s_per_gb",
                            "retransmits")}
    ratios = {k: stats([r[k] for r in rounds]) for k in ("ratio", "ratio_l")}
    for s in ratios.values():
        s["spread"] = ((s["max"] - s["min"]) / s["median"]
                       if s["n"] and s["median"] else None)
    per_host = []
    for k in range(nrem):
        per_host.append({t: stats([r["hosts"][k].get(t) for r in rounds])
                         for t in tools})
    vals = [r["tools"]["ncdevmem"]["validation"] for r in rounds]
    val = next((v for v in vals if v not in ("ok",)), vals[0]) if vals else "n/a"

    hosts = {"local": load(os.path.join(d, "host-local.json")) or {},
             "local_versions": read_lines(os.path.join(d, "versions-local.txt"))}
    for k in range(1, nrem + 1):
        hosts["remote%d" % k] = load(os.path.join(d, "host-remote%d.json" % k)) or {}
        hosts["remote%d_versions" % k] = read_lines(
            os.path.join(d, "versions-remote%d.txt" % k))
    commands = read_lines(os.path.join(d, "commands.txt"))

    cap = load(os.path.join(d, "capture.json"))
    cap_line = cap.get("line") if cap else None
    if meta.get("capture") and not cap:
        problems.append("capture requested but not analysed")

    plot_err = plot_run.plot(d, label, rounds, agg, tools, nrem)
    if plot_err:
        problems.append(plot_err)

    med = lambda t, k: get(agg, t, k, "median")  # noqa: E731
    iperf_on = meta.get("iperf", True)
    ilen = meta.get("iperf_len")
    tname = {"ncdevmem": "ncdevmem", "iperf3": "iperf3",
             "iperf3-l": "iperf3 -l %s" % ilen}
    rep = len(rounds)
    md = ["# %s" % label, ""]
    if meta.get("note"):
        md += ["_%s_" % meta["note"], ""]
    md += ["| mode | memory | flows | Gb/s | CPU s per GB | validation | iperf3 Gb/s | ncdevmem/iperf3 |",
           "|---|---|---|---:|---:|---|---:|---:|",
           "| %s | %s | %s | %s | %s | %s | %s | %s |" % (
               meta.get("mode", "?"), meta.get("mem", "?"),
               meta.get("flows", "?") if nrem == 1 else "%s x %d" % (meta.get("flows"), nrem),
               fmt(med("ncdevmem", "gbps")), fmt(med("ncdevmem", "rx_cpu_s_per_gb"), 4),
               val, fmt(med("iperf3", "gbps")) if iperf_on else "skipped",
               fmt(ratios["ratio"]["median"], 3)), ""]
    md += ["%s round(s) of %s s, tools interleaved (order rotated each round); "
           "medians above, spread below." % (rep, meta.get("time", "?")), "",
           "| tool | Gb/s median | min | max | receiver CPU s/GB | sender CPU s/GB |",
           "|---|---:|---:|---:|---:|---:|"]
    for t in tools:
        a = agg[t]
        md.append("| %s | %s | %s | %s | %s | %s |" % (
            tname[t], fmt(a["gbps"]["median"]), fmt(a["gbps"]["min"]),
            fmt(a["gbps"]["max"]), fmt(a["rx_cpu_s_per_gb"]["median"], 4),
            fmt(a["tx_cpu_s_per_gb"]["median"], 4)))
    md += ["", "| ratio | median | min | max | spread (max-min)/median |",
           "|---|---:|---:|---:|---:|"]
    for k, t in (("ratio", "iperf3"), ("ratio_l", "iperf3-l")):
        if t in tools:
            s = ratios[k]
            md.append("| ncdevmem / %s | %s | %s | %s | %s |" % (
                tname[t], fmt(s["median"], 3), fmt(s["min"], 3), fmt(s["max"], 3),
                "n/a" if s["spread"] is None else "%.1f%%" % (100 * s["spread"])))
    md += ["", "| round | order | " + " | ".join("%s Gb/s" % tname[t] for t in tools)
           + " | ncdevmem/iperf3 | ncdevmem/iperf3 -l | validation |",
           "|---|---|" + "---:|" * (len(tools) + 2) + "---|"]
    for r in rounds:
        md.append("| %s | %s | %s | %s | %s | %s |" % (
            r["round"], " ".join(r["order"] or ["?"]),
            " | ".join(fmt(get(r["tools"], t, "gbps")) for t in tools),
            fmt(r["ratio"], 3), fmt(r["ratio_l"], 3),
            r["tools"]["ncdevmem"]["validation"]))
    if nrem > 1:
        md += ["", "Per sender (fan-in; ncdevmem: the sender's own figure, the "
               "receiver's total is above):", "",
               "| sender | address | " + " | ".join(
                   "%s Gb/s median" % tname[t] for t in tools) + " |",
               "|---|---|" + "---:|" * len(tools)]
        addrs = (meta.get("remote_addr") or "").split(",")
        for k in range(nrem):
            md.append("| %d | %s | %s |" % (
                k + 1, addrs[k] if k < len(addrs) else "?",
                " | ".join(fmt(per_host[k][t]["median"]) for t in tools)))
        md.append("| total | | %s |" % " | ".join(
            fmt(med(t, "gbps")) for t in tools))
    md += ["", "- date: %s" % meta.get("date", "?"),
           "- path: %s -> %s (%s%s), %s s per run" % (
               meta.get("remote_addr", "?"), meta.get("local_addr", "?"),
               meta.get("remote_type", "?"),
               (" " + meta["remote_args"]) if meta.get("remote_args") else "",
               meta.get("time", "?")),
           "- interface (receiver): %s" % meta.get("netif", "?"),
           "- Gb/s: ncdevmem receiver `end.sum.bits_per_second`; iperf3 "
           "`end.sum_received.bits_per_second` (summed over senders)",
           "- CPU s per GB: CPU seconds (user + system) per 10^9 bytes. "
           "ncdevmem: receiver `end.cpu_seconds_per_gb`, senders' "
           "`end.cpu_seconds` over their bytes; iperf3: the client's "
           "`cpu_utilization_percent` host_total (sender) and remote_total "
           "(receiver) times the test's seconds, over the bytes sent/received"]
    md.append("- receiver: %s" % host_line(hosts["local"], hosts["local_versions"]))
    for k in range(1, nrem + 1):
        md.append("- sender %d: %s" % (k, host_line(
            hosts["remote%d" % k], hosts["remote%d_versions" % k])))
    if cap_line:
        md.append("- %s" % cap_line)
        if cap.get("pcap"):
            md.append("- pcap: `%s`" % os.path.basename(cap["pcap"]))
    md.append("- result: %s" % ("PASS" if not problems else
                                 "FAIL: " + "; ".join(problems)))
    if commands:
        md += ["", "Commands (round 1; every round runs the same):", "", "```"]
        md += commands + ["```"]
    md += ["", "![throughput, Gb/s per tool and CPU per GB](throughput.png)", ""]
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write("\n".join(md))

    for r in rounds:
        r.pop("series", None)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({"label": label, "mode": meta.get("mode"), "mem": meta.get("mem"),
                   "flows": meta.get("flows"), "senders": nrem, "repeat": rep,
                   "gbps": med("ncdevmem", "gbps"),
                   "cpu_seconds_per_gb": med("ncdevmem", "rx_cpu_s_per_gb"),
                   "validation": val, "retransmits": med("ncdevmem", "retransmits"),
                   "iperf3_gbps": med("iperf3", "gbps"),
                   "iperf3_l_gbps": med("iperf3-l", "gbps"),
                   "ratio": ratios["ratio"]["median"],
                   "ratio_l": ratios["ratio_l"]["median"],
                   "stats": agg, "ratios": ratios, "per_sender": per_host,
                   "rounds": rounds, "hosts": hosts, "commands": commands,
                   "iperf_len": ilen, "capture": cap_line, "problems": problems,
                   "result": "ok" if not problems else "fail"}, f, indent=1)
        f.write("\n")

    print("== %s ==" % label)
    print("ncdevmem %s/%s, %s flow(s)%s: %s Gb/s, %s CPU s/GB, validation %s%s"
          % (meta.get("mode"), meta.get("mem"), meta.get("flows"),
             " x %d senders" % nrem if nrem > 1 else "",
             fmt(med("ncdevmem", "gbps")), fmt(med("ncdevmem", "rx_cpu_s_per_gb"), 4),
             val, " (median of %d)" % rep if rep > 1 else ""))
    for k, t in (("ratio", "iperf3"), ("ratio_l", "iperf3-l")):
        if t in tools:
            s = ratios[k]
            print("%-24s %s Gb/s, ratio ncdevmem/%s %s%s" % (
                tname[t] + " same path:", fmt(med(t, "gbps")), t,
                fmt(s["median"], 3),
                " (min %s, max %s)" % (fmt(s["min"], 3), fmt(s["max"], 3))
                if rep > 1 else ""))
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
