#!/bin/bash
# scripts/lib/pcap_payload.py on synthetic pcaps (no network): the same TCP
# stream written once with whole packets and once cut at the end of the TCP
# header (what a packet socket gets for devmem payload) gives "payload
# visible" and "header-only"; both verdicts and their expected/unexpected
# wording per mode are exercised.  Also Linux cooked (SLL) and IPv6 framing.
. "$(dirname "$0")/lib.sh"
need_cmd python3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
A=$ROOT/scripts/lib/pcap_payload.py
python3 - "$ROOT/scripts/lib" "$TMP" <<'PY' || fail "making synthetic pcaps"
import struct, sys
sys.path.insert(0, sys.argv[1])
from pcap_payload import pattern_bytes, DEFAULT_SEED, DEFAULT_PERIOD
out = sys.argv[2]

def tcp(sport, dport, seq, flags, payload):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags,
                       65535, 0, 0) + payload

def ip4(seg):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 1, 0x4000, 64,
                       6, 0, bytes([198, 18, 0, 2]), bytes([198, 18, 0, 1])) + seg

def ip6(seg):
    return struct.pack(">IHBB16s16s", 6 << 28, len(seg), 6, 64,
                       b"\xfd" + b"\0" * 14 + b"\2", b"\xfd" + b"\0" * 14 + b"\1") + seg

def write(name, linktype, frames, snap_at_l4_end):
    with open("%s/%s" % (out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, (l2, l3len, fr) in enumerate(frames):
            keep = l2 + l3len + 20 if snap_at_l4_end else len(fr)
            keep = min(keep, len(fr))
            f.write(struct.pack("<IIII", 1, i, keep, len(fr)) + fr[:keep])

isn, sport, port = 1000, 40000, 5201
def stream(l3, l3len, l2hdr):
    fr = [(len(l2hdr), l3len, l2hdr + l3(tcp(sport, port, isn, 0x02, b"")))]
    off = 0
    for n in (1448, 1448, 9000, 65000 - 40, 100):
        pl = pattern_bytes("offset", DEFAULT_SEED, DEFAULT_PERIOD, off, n)
        fr.append((len(l2hdr), l3len, l2hdr + l3(tcp(sport, port, isn + 1 + off, 0x18, pl))))
        off += n
    # an ACK the other way and a pure ACK: not data segments
    fr.append((len(l2hdr), l3len, l2hdr + l3(tcp(port, sport, 1, 0x10, b""))))
    return fr

eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
eth6 = b"\x02" * 6 + b"\x04" * 6 + b"\x86\xdd"
sll = struct.pack(">HHH8sH", 0, 1, 6, b"\x02" * 8, 0x0800)
for tag, lt, l3, l3len, l2 in (("eth", 1, ip4, 20, eth), ("sll", 113, ip4, 20, sll),
                               ("eth6", 1, ip6, 40, eth6)):
    write("full-%s.pcap" % tag, lt, stream(l3, l3len, l2), False)
    write("hdr-%s.pcap" % tag, lt, stream(l3, l3len, l2), True)
PY
for t in eth sll eth6; do
	python3 "$A" "$TMP/full-$t.pcap" --port 5201 --mode copy --pattern offset \
		--json "$TMP/full-$t.json" >"$TMP/full-$t.out" || fail "analyse full-$t"
	assert_contains "$TMP/full-$t.out" \
		'^capture: copy mode, 5 data segments, payload visible to the host \(expected for copy mode\); 5/5 captured payloads match the offset pattern$' \
		"full-$t: payload visible"
	python3 "$A" "$TMP/hdr-$t.pcap" --port 5201 --mode devmem --pattern offset \
		>"$TMP/hdr-$t.out" || fail "analyse hdr-$t"
	assert_contains "$TMP/hdr-$t.out" \
		'^capture: devmem mode, 5 data segments, header-only, payload not visible to the host \(expected for devmem mode\)$' \
		"hdr-$t: header-only"
done
# The same pcaps with the other mode's expectation: flagged as unexpected.
python3 "$A" "$TMP/hdr-eth.pcap" --port 5201 --mode copy >"$TMP/u1" || fail "analyse"
assert_contains "$TMP/u1" 'header-only.*UNEXPECTED for copy mode' "header-only in copy mode flagged"
python3 "$A" "$TMP/full-eth.pcap" --port 5201 --mode devmem >"$TMP/u2" || fail "analyse"
assert_contains "$TMP/u2" 'payload visible.*UNEXPECTED for devmem mode' "payload in devmem mode flagged"
# A corrupted payload byte is reported as a pattern mismatch.
python3 - "$TMP/full-eth.pcap" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-(16 + 54) - 5] ^= 0xff	# inside the last data segment, before the trailing ACK
open(sys.argv[1], "wb").write(b)
PY
python3 "$A" "$TMP/full-eth.pcap" --port 5201 --pattern offset >"$TMP/c" || fail "analyse"
assert_contains "$TMP/c" '4/5 captured payloads match' "corrupted payload caught"
# Not a pcap: exit 2 with a reason.
echo "garbage, not a packet capture file" >"$TMP/bad.pcap"
python3 "$A" "$TMP/bad.pcap" 2>"$TMP/bad.err" && fail "garbage accepted"
assert_contains "$TMP/bad.err" 'not a pcap' "garbage refused"
ok "capture analysis: payload visible and header-only"
