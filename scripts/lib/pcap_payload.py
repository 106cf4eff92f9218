#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Was TCP payload visible to the host?  Reads a classic pcap file (parsed by
hand, stdlib only) and classifies every TCP data segment by how much of its
payload was captured:

  full      captured length covers the whole payload (IP length says how long)
  none      capture ends at or before the end of the TCP header
  partial   somewhere in between (snaplen cut)

tcpdump -s 0 asks for whole packets, so in copy mode every payload byte is in
host memory and should be captured ("payload visible"); with devmem TCP and
header split the payload sits in device memory and the kernel hands packet
sockets the headers only ("header-only").  Where the payload is visible and
the SYN was captured, payload bytes are compared against the ncdevmem pattern
(--pattern offset|upstream) at their stream offset.

Usage: pcap_payload.py PCAP [--port P] [--mode copy|devmem|zcrx]
        [--pattern none|offset|upstream] [--seed N] [--period N]
        [--check-bytes N] [--json OUT]
Prints one line "capture: ..." and exits 0 (also when the verdict is not the
expected one: the caller decides); 2 when the file cannot be parsed.
"""
import argparse
import json
import struct
import sys

M64 = (1 << 64) - 1
DEFAULT_SEED = 0x6e6364657665
DEFAULT_PERIOD = 64 << 20


def mix64(x):
    """splitmix64 finalizer, as ncd_mix64() in pattern.h."""
    x &= M64
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & M64
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & M64
    x ^= x >> 31
    return x


def pattern_bytes(kind, seed, period, off, n):
    """Expected stream bytes [off, off + n), as ncd_pattern_fill()."""
    if kind == "upstream":
        out = bytearray(n)
        r = off % period
        for i in range(n):
            out[i] = 10 if r == period - 1 else (r + 1) & 0xff
            r = 0 if r + 1 == period else r + 1
        return bytes(out)
    words = period // 8
    first, last = off // 8, (off + n + 7) // 8
    buf = b"".join(struct.pack("<Q", mix64(seed + w % words))
                   for w in range(first, last))
    s = off - first * 8
    return buf[s:s + n]


def read_pcap(path):
    """Yields (linktype, caplen, origlen, data) for every record."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise ValueError("short pcap header")
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            e = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            e = ">"
        elif magic == 0x0a0d0d0a:
            raise ValueError("pcapng is not supported: capture with tcpdump -w (pcap)")
        else:
            raise ValueError("not a pcap file (magic %#x)" % magic)
        linktype = struct.unpack(e + "I", hdr[20:24])[0] & 0x0fffffff
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            _, _, incl, orig = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                return		# truncated file (tcpdump killed mid-write)
            yield linktype, incl, orig, data


def l3_offset(linktype, d):
    """(offset of the IP header, ethertype-ish) or None."""
    if linktype == 1:			# Ethernet, possibly VLAN tagged
        off, et = 14, None
        if len(d) < 14:
            return None
        et = struct.unpack(">H", d[12:14])[0]
        while et in (0x8100, 0x88a8) and len(d) >= off + 4:
            et = struct.unpack(">H", d[off + 2:off + 4])[0]
            off += 4
        return off, et
    if linktype == 113:			# Linux cooked v1
        return (16, struct.unpack(">H", d[14:16])[0]) if len(d) >= 16 else None
    if linktype == 276:			# Linux cooked v2
        return (20, struct.unpack(">H", d[0:2])[0]) if len(d) >= 20 else None
    if linktype in (101, 12, 14, 228, 229):	# raw IP
        if not d:
            return None
        v = d[0] >> 4
        return 0, 0x0800 if v == 4 else 0x86dd
    if linktype == 0:			# BSD loopback
        if len(d) < 5:
            return None
        v = d[4] >> 4
        return 4, 0x0800 if v == 4 else 0x86dd
    return None


def parse_tcp(linktype, caplen, origlen, d):
    """dict with the flow, seq, flags, payload length and captured payload
    bytes, or None for a non-TCP packet or one cut inside its headers."""
    l3 = l3_offset(linktype, d)
    if l3 is None:
        return None
    o, et = l3
    if et == 0x0800:
        if len(d) < o + 20:
            return None
        ihl = (d[o] & 0xf) * 4
        tot = struct.unpack(">H", d[o + 2:o + 4])[0]
        if d[o + 9] != 6:
            return None
        src, dst = d[o + 12:o + 16], d[o + 16:o + 20]
        l4 = o + ihl
        # tot_len 0: a GSO super-packet over 64 KiB (BIG TCP); use the wire length
        iplen = tot if tot else origlen - o
    elif et == 0x86dd:
        if len(d) < o + 40:
            return None
        plen = struct.unpack(">H", d[o + 4:o + 6])[0]
        nh, l4 = d[o + 6], o + 40
        src, dst = d[o + 8:o + 24], d[o + 24:o + 40]
        while nh in (0, 43, 60) and len(d) >= l4 + 2:	# hop-by-hop, routing, dstopts
            nh, l4 = d[l4], l4 + (d[l4 + 1] + 1) * 8
        if nh != 6:
            return None
        iplen = (plen + 40) if plen else origlen - o
    else:
        return None
    if len(d) < l4 + 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", d[l4:l4 + 8])
    doff = (d[l4 + 12] >> 4) * 4
    flags = d[l4 + 13]
    if len(d) < l4 + doff:
        return None
    payload = iplen - (l4 - o) - doff
    if payload < 0:
        payload = 0
    cap = max(0, min(payload, caplen - (l4 + doff)))
    return {
        "flow": (bytes(src), sport, bytes(dst), dport),
        "seq": seq, "syn": bool(flags & 0x02), "payload": payload,
        "captured": cap, "data": d[l4 + doff:l4 + doff + cap],
    }


def analyse(path, port=None, kind="none", seed=DEFAULT_SEED,
            period=DEFAULT_PERIOD, check_bytes=4096):
    r = {"packets": 0, "tcp": 0, "data_segments": 0, "payload_bytes": 0,
         "captured_payload_bytes": 0, "full": 0, "header_only": 0,
         "partial": 0, "cut_in_headers": 0, "pattern": kind,
         "pattern_checked": 0, "pattern_match": 0, "pattern_mismatch": 0,
         "pattern_unknown_offset": 0}
    isn, last = {}, {}
    for lt, caplen, origlen, d in read_pcap(path):
        r["packets"] += 1
        t = parse_tcp(lt, caplen, origlen, d)
        if t is None:
            if caplen < origlen:
                r["cut_in_headers"] += 1
            continue
        if port is not None and t["flow"][3] != port:
            continue
        r["tcp"] += 1
        if t["syn"]:
            isn[t["flow"]] = t["seq"]
            last[t["flow"]] = 0
            continue
        if t["payload"] == 0:
            continue
        r["data_segments"] += 1
        r["payload_bytes"] += t["payload"]
        r["captured_payload_bytes"] += t["captured"]
        if t["captured"] == t["payload"]:
            r["full"] += 1
        elif t["captured"] == 0:
            r["header_only"] += 1
        else:
            r["partial"] += 1
        if kind == "none" or not t["captured"]:
            continue
        f = t["flow"]
        if f not in isn:
            r["pattern_unknown_offset"] += 1
            continue
        # Stream offset, unwrapped near the last one seen (streams > 4 GiB).
        rel = (t["seq"] - isn[f] - 1) & 0xffffffff
        delta = (rel - last[f]) & 0xffffffff
        if delta >= 1 << 31:
            delta -= 1 << 32
        off = last[f] + delta
        last[f] = max(last[f], off)
        n = min(t["captured"], check_bytes)
        r["pattern_checked"] += 1
        if t["data"][:n] == pattern_bytes(kind, seed, period, off, n):
            r["pattern_match"] += 1
        else:
            r["pattern_mismatch"] += 1
    ds = r["data_segments"]
    if ds == 0:
        r["verdict"] = "no-data"
    elif r["full"] == ds:
        r["verdict"] = "payload"
    elif r["header_only"] == ds:
        r["verdict"] = "header-only"
    else:
        r["verdict"] = "mixed"
    return r


def describe(r, mode):
    expect = "payload" if mode == "copy" else "header-only"
    texts = {
        "payload": "payload visible to the host",
        "header-only": "header-only, payload not visible to the host",
        "mixed": "payload visible in %d of %d segments (%d header-only, %d cut)"
                 % (r["full"], r["data_segments"], r["header_only"], r["partial"]),
        "no-data": "no TCP data segments captured",
    }
    r["expected_verdict"] = expect
    r["expected"] = r["verdict"] == expect
    if r["expected"]:
        why = "(expected for %s mode)" % mode
    else:
        why = ("(UNEXPECTED for %s mode: expected %s)"
               % (mode, "payload visible" if expect == "payload" else "header-only"))
    line = "capture: %s mode, %d data segments, %s %s" % (
        mode, r["data_segments"], texts[r["verdict"]], why)
    if r["pattern_checked"]:
        line += "; %d/%d captured payloads match the %s pattern" % (
            r["pattern_match"], r["pattern_checked"], r["pattern"])
    r["line"] = line
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int)
    ap.add_argument("--mode", default="copy")
    ap.add_argument("--pattern", default="none",
                    choices=["none", "offset", "upstream"])
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=DEFAULT_SEED)
    ap.add_argument("--period", type=lambda s: int(s, 0), default=None)
    ap.add_argument("--check-bytes", type=int, default=4096)
    ap.add_argument("--json")
    a = ap.parse_args()
    period = a.period or (DEFAULT_PERIOD if a.pattern != "upstream" else 0)
    if a.pattern == "upstream" and period < 2:
        ap.error("--pattern upstream needs --period N (the -v N)")
    try:
        r = analyse(a.pcap, a.port, a.pattern, a.seed, period, a.check_bytes)
    except (OSError, ValueError) as e:
        print("capture: cannot analyse %s: %s" % (a.pcap, e), file=sys.stderr)
        return 2
    print(describe(r, a.mode))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(r, mode=a.mode, pcap=a.pcap), f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
