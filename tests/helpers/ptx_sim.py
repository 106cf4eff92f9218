#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Execute the CUDA provider's PTX kernels on the CPU and compare them with
the C pattern (ncd_ptx_dump --pattern).  Interprets exactly the PTX subset
the kernels use, one thread after another (the kernels share no memory but
the result words, which they update atomically).  Usage: ptx_sim.py DUMP"""
import re
import struct
import subprocess
import sys

M64 = (1 << 64) - 1


def parse(ptx):
    kernels = {}
    for m in re.finditer(r'\.visible \.entry (\w+)\((.*?)\)\s*\{(.*?)\n\}', ptx, re.S):
        name, params, body = m.group(1), m.group(2), m.group(3)
        pnames = re.findall(r'\.param \.\w+ (\w+)', params)
        code, labels = [], {}
        for line in body.split('\n'):
            line = line.split('//')[0].strip()
            if not line or line.startswith('.reg'):
                continue
            if line.endswith(':'):
                labels[line[:-1]] = len(code)
                continue
            pred = None
            if line.startswith('@'):
                pred, line = line.split(None, 1)
                pred = pred[1:]
            parts = line.rstrip(';').split(None, 1)
            op, rest = parts[0], parts[1] if len(parts) > 1 else ''
            args = [a.strip() for a in rest.split(',')] if rest.strip() else []
            code.append((pred, op, args))
        kernels[name] = (pnames, code, labels)
    return kernels


def width(op):
    for t, w in (('u8', 8), ('32', 32), ('64', 64)):
        if op.endswith(t):
            return w
    raise ValueError(op)


def run_thread(kernel, params, mem, ctaid, nctaid, tid, ntid):
    pnames, code, labels = kernel
    regs = {'%ctaid.x': ctaid, '%nctaid.x': nctaid, '%tid.x': tid, '%ntid.x': ntid}

    def val(a, w=64):
        if a in regs:
            return regs[a]
        return int(a, 0) & ((1 << w) - 1)

    def addr(a):
        m = re.match(r'\[(%\w+)(?:\+(\d+))?\]', a)
        return regs[m.group(1)] + int(m.group(2) or 0)

    pc, steps = 0, 0
    while True:
        steps += 1
        assert steps < 10**7, 'runaway kernel'
        pred, op, a = code[pc]
        pc += 1
        if pred and not regs[pred]:
            continue
        base = op.split('.')[0]
        if base == 'ret':
            return
        if base == 'bra':
            pc = labels[a[0]]
            continue
        if base == 'ld' and '.param' in op:
            regs[a[0]] = params[pnames.index(a[1].strip('[]'))]
        elif base == 'ld':
            n = width(op) // 8
            regs[a[0]] = int.from_bytes(mem.read(addr(a[1]), n), 'little')
        elif base == 'st':
            mem.write(addr(a[0]), (val(a[1]) & 0xff).to_bytes(1, 'little'))
        elif base in ('cvta', 'mov'):
            regs[a[0]] = val(a[1], width(op))
        elif base == 'cvt':
            regs[a[0]] = val(a[1]) & ((1 << int(op.split('.')[1][1:])) - 1)
        elif base == 'setp':
            x, y, w = val(a[1]), val(a[2]), width(op)
            cmp = op.split('.')[1]
            regs[a[0]] = {'ge': x >= y, 'eq': x == y}[cmp]
        elif base == 'selp':
            regs[a[0]] = val(a[1], 32) if regs[a[3]] else val(a[2], 32)
        elif base == 'atom':
            p, v, kind = addr(a[1]), val(a[2]), op.split('.')[2]
            old = int.from_bytes(mem.read(p, 8), 'little')
            new = (old + v) & M64 if kind == 'add' else min(old, v)
            mem.write(p, new.to_bytes(8, 'little'))
            regs[a[0]] = old
        else:
            w = 64 if op.startswith('mul.wide') else width(op)
            mask = (1 << w) - 1
            x, y = val(a[1]), val(a[2])
            r = {
                'add': lambda: x + y, 'sub': lambda: x - y,
                'mul': lambda: x * y, 'rem': lambda: x % y,
                'xor': lambda: x ^ y, 'and': lambda: x & y,
                'shr': lambda: x >> y, 'shl': lambda: x << y,
                'min': lambda: min(x, y),
            }[base]()
            regs[a[0]] = r & mask


class Mem:
    def __init__(self, size):
        self.b = bytearray(size)

    def read(self, a, n):
        assert 0 <= a and a + n <= len(self.b), 'out of bounds read %#x' % a
        return bytes(self.b[a:a + n])

    def write(self, a, data):
        assert 0 <= a and a + len(data) <= len(self.b), 'out of bounds write %#x' % a
        self.b[a:a + len(data)] = data


def launch(kernel, params, mem, grid, block):
    for c in range(grid):
        for t in range(block):
            run_thread(kernel, params, mem, c, grid, t, block)


def cpu_pattern(dump, kind, seed, period, off, n):
    out = subprocess.run([dump, '--pattern', str(kind), str(seed), str(period),
                          str(off), str(n)], check=True, capture_output=True).stdout
    assert len(out) == n
    return out


def per(kind, period):
    return period // 8 if kind == 1 else period


def main():
    dump = sys.argv[1]
    k = parse(subprocess.run([dump], check=True, capture_output=True, text=True).stdout)
    assert set(k) == {'ncd_fill', 'ncd_validate'}, k.keys()
    seed = 0x6e6364657665
    cases = [(1, seed, 64, 1003, 700), (1, 12345, 1 << 20, (1 << 20) - 37, 300),
             (2, 0, 7, 5, 500), (2, 0, 256, 250, 300)]
    for kind, sd, period, soff, n in cases:
        # fill: GPU buffer at 0x100, stream from soff
        mem = Mem(0x100 + n + 64)
        launch(k['ncd_fill'], [0x100, soff, n, kind, sd, per(kind, period)], mem, 3, 32)
        want = cpu_pattern(dump, kind, sd, period, soff, n)
        got = mem.read(0x100, n)
        assert got == want, 'fill differs kind %d period %d at %d' % (
            kind, period, next(i for i in range(n) if got[i] != want[i]))
        print('fill kind=%d period=%d stream=%d len=%d: matches the C pattern' % (kind, period, soff, n))

        # validate: fragments of 50 bytes placed in reverse order
        nf = (n + 49) // 50
        data, frags = 0x1000, 0x100
        mem = Mem(data + n + 64)
        fr = b''
        for i in range(nf):
            ln = min(50, n - 50 * i)
            dev = data + (nf - 1 - i) * 50
            mem.write(dev, want[50 * i:50 * i + ln])
            fr += struct.pack('<QQII', dev - data, soff + 50 * i, ln, i)
        mem.write(frags, fr)
        res = 0xf00
        args = [data, frags, nf, kind, sd, per(kind, period), res]
        mem.write(res, struct.pack('<QQ', 0, M64))
        launch(k['ncd_validate'], args, mem, 2, 16)
        assert struct.unpack('<QQ', mem.read(res, 16)) == (0, M64), 'clean batch flagged'
        # corrupt two bytes: count 2, first = the lower stream offset
        for s in (soff + n - 3, soff + n // 3):
            i = (s - soff) // 50
            dev = data + (nf - 1 - i) * 50 + (s - soff) % 50
            mem.write(dev, bytes([mem.read(dev, 1)[0] ^ 0x41]))
        mem.write(res, struct.pack('<QQ', 0, M64))
        launch(k['ncd_validate'], args, mem, 2, 16)
        bad, first = struct.unpack('<QQ', mem.read(res, 16))
        assert (bad, first) == (2, soff + n // 3), (bad, first)
        print('validate kind=%d: clean batch 0 bad; 2 corrupted bytes -> count 2, first at stream %d' % (kind, first))
    print('PTX simulation: fill and validate agree with pattern.c')


main()
