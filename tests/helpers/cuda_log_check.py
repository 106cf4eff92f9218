#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a fake-libcuda call log (tests/fake_cuda) from a devmem RX run:
every token given back (a "dontneed tokens=..." line) was checked by a
validate kernel whose batch's event had completed and been seen complete
by the host (cuEventQuery/cuEventSynchronize -> 0) before the release; and
some stream had at least two batches in flight at once.
Usage: cuda_log_check.py LOG [--tamper]  (--tamper moves the first release
before its batch's completion and expects the check to fail)."""
import re
import sys


def tokens(spec):
    out = []
    for part in filter(None, spec.split(',')):
        a, b = part.split('-')
        out += range(int(a), int(b) + 1)
    return out


def check(lines):
    pending = {}     # stream -> tokens run by a kernel, event not completed
    done = {}        # event -> tokens its completion covered
    ev_stream = {}   # event -> stream of its last record
    seen = set()     # tokens whose completion the host observed
    out, most = {}, 0
    for n, l in enumerate(lines, 1):
        m = re.match(r'done ncd_validate stream=(\d+) .*tokens=(\S*)', l)
        if m:
            pending.setdefault(m.group(1), set()).update(tokens(m.group(2)))
            continue
        m = re.match(r'complete ev=(\d+) stream=(\d+)', l)
        if m:
            done[m.group(1)] = pending.pop(m.group(2), set())
            continue
        m = re.match(r'cuEventRecord ev=(\d+) stream=(\d+)', l)
        if m:
            ev_stream[m.group(1)] = m.group(2)
            out[m.group(2)] = out.get(m.group(2), 0) + 1
            most = max(most, out[m.group(2)])
            continue
        m = re.match(r'cuEvent(?:Query|Synchronize) ev=(\d+) -> 0', l)
        if m and m.group(1) in ev_stream:
            seen |= done.pop(m.group(1), set())
            s = ev_stream.pop(m.group(1))
            out[s] -= 1
            continue
        m = re.match(r'dontneed tokens=(\S*)', l)
        if m:
            for t in tokens(m.group(1)):
                if t not in seen:
                    return 'line %d: token %d released before its batch completed' % (n, t)
                seen.discard(t)
    if most < 2:
        return 'never more than one batch in flight on a stream'
    return None


def main():
    lines = open(sys.argv[1]).read().splitlines()
    if '--tamper' in sys.argv:
        rel = next(i for i, l in enumerate(lines) if l.startswith('dontneed'))
        run = next(i for i, l in enumerate(lines) if l.startswith('done ncd_validate'))
        lines.insert(run + 1, lines.pop(rel))
        err = check(lines)
        print('tampered log:', err)
        sys.exit(0 if err else 1)
    err = check(lines)
    releases = sum(l.startswith('dontneed') for l in lines)
    if err or not releases:
        print('FAIL:', err or 'no token was released')
        sys.exit(1)
    print('%d releases, each after its batch completed' % releases)


main()
