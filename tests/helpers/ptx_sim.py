#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Execute the CUDA provider's PTX kernels on the CPU and compare them with
the C pattern (ncd_ptx_dump --pattern).  Interprets exactly the PTX subset
the kernels use, one thread after another (the kernels share no memory but
the result words, which they update atomically; warps run in lockstep at
shfl/vote).  With --fake LIB the fake libcuda's emulation of each kernel
runs on the same input and must leave the same memory.
Usage: ptx_sim.py DUMP [--fake LIB]"""
import ctypes
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
    """A generator: yields ('shfl', value, lane_xor) or ('vote', pred) at
    warp collectives and receives the warp's answer."""
    pnames, code, labels = kernel
    regs = {'%ctaid.x': ctaid[0], '%ctaid.y': ctaid[1], '%nctaid.x': nctaid[0],
            '%nctaid.y': nctaid[1], '%tid.x': tid, '%ntid.x': ntid, '%laneid': tid % 32}

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
        if pred and (regs[pred[1:]] if pred.startswith('!') else not regs[pred]):
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
        elif base == 'mov' and a[0].startswith('{'):      # unpack b64
            lo, hi = [r.strip('{} ') for r in (a[0], a[1])]
            v = val(a[2])
            regs[lo], regs[hi] = v & 0xffffffff, v >> 32
        elif base == 'mov' and a[1].startswith('{'):      # pack b64
            lo, hi = [r.strip('{} ') for r in (a[1], a[2])]
            regs[a[0]] = regs[lo] | (regs[hi] << 32)
        elif base in ('cvta', 'mov'):
            regs[a[0]] = val(a[1], width(op))
        elif base == 'cvt':
            regs[a[0]] = val(a[1]) & ((1 << int(op.split('.')[1][1:])) - 1)
        elif base == 'setp':
            x, y = val(a[1]), val(a[2])
            cmp = op.split('.')[1]
            regs[a[0]] = {'ge': x >= y, 'eq': x == y, 'ne': x != y, 'gt': x > y,
                          'le': x <= y, 'lt': x < y}[cmp]
        elif base == 'selp':
            w = width(op)
            regs[a[0]] = val(a[1], w) if regs[a[3]] else val(a[2], w)
        elif base == 'atom':
            p, v, kind = addr(a[1]), val(a[2]), op.split('.')[2]
            old = int.from_bytes(mem.read(p, 8), 'little')
            new = (old + v) & M64 if kind == 'add' else min(old, v)
            mem.write(p, new.to_bytes(8, 'little'))
            regs[a[0]] = old
        elif base == 'vote':
            regs[a[0]] = yield ('vote', bool(regs[a[1]]))
        elif base == 'shfl':
            regs[a[0]] = yield ('shfl', val(a[1], 32), val(a[2]))
        elif base in ('brev', 'clz', 'popc'):
            x = val(a[1])
            regs[a[0]] = {'brev': lambda: int('{:064b}'.format(x)[::-1], 2),
                          'clz': lambda: 64 - x.bit_length(),
                          'popc': lambda: bin(x).count('1')}[base]()
        else:
            w = 64 if op.startswith('mul.wide') else width(op)
            mask = (1 << w) - 1
            x, y = val(a[1]), val(a[2])
            if base in ('shl', 'shr'):
                y = min(y, w)      # PTX clamps shift amounts to the width
            r = {
                'add': lambda: x + y, 'sub': lambda: x - y,
                'mul': lambda: x * y, 'rem': lambda: x % y,
                'xor': lambda: x ^ y, 'and': lambda: x & y, 'or': lambda: x | y,
                'shr': lambda: x >> y, 'shl': lambda: x << y,
                'min': lambda: min(x, y), 'max': lambda: max(x, y),
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


def run_warp(threads):
    """Step a warp's threads to their next collective (or the end), answer
    it for all of them at once, repeat.  All live lanes must meet there."""
    req = {}
    for t, g in threads.items():
        try:
            req[t] = next(g)
        except StopIteration:
            pass
    while req:
        kinds = {r[0] for r in req.values()}
        assert len(kinds) == 1 and len(req) == len(threads), 'divergent collective'
        ans = {}
        for t, r in req.items():
            if r[0] == 'vote':
                ans[t] = any(q[1] for q in req.values())
            else:
                src = req.get(t ^ r[2], r)
                ans[t] = src[1]
        nxt = {}
        for t, g in threads.items():
            if t not in req:
                continue
            try:
                nxt[t] = g.send(ans[t])
            except StopIteration:
                pass
        alive = {t for t in nxt}
        threads = {t: g for t, g in threads.items() if t in alive}
        req = nxt


def launch(kernel, params, mem, grid, block):
    gx, gy = grid if isinstance(grid, tuple) else (grid, 1)
    for y in range(gy):
        for x in range(gx):
            for w in range(0, block, 32):
                run_warp({t: run_thread(kernel, params, mem, (x, y), (gx, gy), t, block)
                          for t in range(w, min(w + 32, block))})


def cpu_pattern(dump, kind, seed, period, off, n):
    out = subprocess.run([dump, '--pattern', str(kind), str(seed), str(period),
                          str(off), str(n)], check=True, capture_output=True).stdout
    assert len(out) == n
    return out


def per(kind, period):
    return period // 8 if kind == 1 else period


class Fake:
    """The fake libcuda's kernel emulation (tests/fake_cuda), run on the same
    memory image as the simulation; addresses are rebased onto a mapped
    allocation of the fake."""
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        assert self.lib.cuInit(0) == 0

    def run(self, name, image, grid, params, addr_params):
        lib, n = self.lib, len(image)
        hp, dp = ctypes.c_void_p(), ctypes.c_ulonglong()
        assert lib.cuMemHostAlloc(ctypes.byref(hp), n, 3) == 0
        assert lib.cuMemHostGetDevicePointer_v2(ctypes.byref(dp), hp, 0) == 0
        ctypes.memmove(hp, image, n)
        p = [v + dp.value if i in addr_params else v for i, v in enumerate(params)]
        lib.fake_cuda_run(name.encode(), grid[0], grid[1], (ctypes.c_uint64 * 8)(*(p + [0] * (8 - len(p)))))
        out = ctypes.string_at(hp, n)
        lib.cuMemFreeHost(hp)
        return out


def both(k, fake, name, params, addr_params, mem, grid, block):
    """Simulate the PTX; with the fake, run its emulation on the same input
    and require the same memory afterwards."""
    image = bytes(mem.b)
    launch(k[name], params, mem, grid, block)
    if fake:
        got = fake.run(name, image, grid if isinstance(grid, tuple) else (grid, 1),
                       params, addr_params)
        diff = next((i for i in range(len(got)) if got[i] != mem.b[i]), None)
        assert diff is None, '%s: fake emulation differs from the PTX at byte %#x' % (name, diff)


def main():
    dump = sys.argv[1]
    fake = Fake(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--fake' else None
    k = parse(subprocess.run([dump], check=True, capture_output=True, text=True).stdout)
    assert set(k) == {'ncd_fill', 'ncd_validate'}, k.keys()
    seed = 0x6e6364657665
    # kind, seed, period, stream offset, bytes, fragment size
    cases = [(1, seed, 64, 1003, 700, 50), (1, 12345, 1 << 20, (1 << 20) - 37, 300, 50),
             (2, 0, 7, 5, 500, 50), (2, 0, 256, 250, 300, 50),
             (1, seed, 1 << 16, 77, 9000, 4500)]
    for kind, sd, period, soff, n, fs in cases:
        # fill: GPU buffer at 0x100, stream from soff
        mem = Mem(0x100 + n + 64)
        both(k, fake, 'ncd_fill', [0x100, soff, n, kind, sd, per(kind, period)], {0}, mem, 3, 32)
        want = cpu_pattern(dump, kind, sd, period, soff, n)
        got = mem.read(0x100, n)
        assert got == want, 'fill differs kind %d period %d at %d' % (
            kind, period, next(i for i in range(n) if got[i] != want[i]))
        print('fill kind=%d period=%d stream=%d len=%d: matches the C pattern' % (kind, period, soff, n))

        # validate: fragments placed in reverse order, 3 bytes apart in the
        # buffer so device and stream alignment differ
        nf = (n + fs - 1) // fs
        data, frags = 0x1000, 0x100
        mem = Mem(data + n + 3 * nf + 64)
        fr = b''
        for i in range(nf):
            ln = min(fs, n - fs * i)
            dev = data + (nf - 1 - i) * (fs + 3)
            mem.write(dev, want[fs * i:fs * i + ln])
            fr += struct.pack('<QQII', dev - data, soff + fs * i, ln, i)
        mem.write(frags, fr)
        res = 0xf00
        args = [data, frags, nf, kind, sd, per(kind, period), res]
        grid = ((fs + 4095) // 4096, nf)
        mem.write(res, struct.pack('<QQ', 0, M64))
        both(k, fake, 'ncd_validate', args, {0, 1, 6}, mem, grid, 32)
        assert struct.unpack('<QQ', mem.read(res, 16)) == (0, M64), 'clean batch flagged'
        # corrupt three bytes (two in one word): count 3, first = the lowest
        for s in (soff + n - 3, soff + n // 3, soff + n // 3 + 1):
            i = (s - soff) // fs
            dev = data + (nf - 1 - i) * (fs + 3) + (s - soff) % fs
            mem.write(dev, bytes([mem.read(dev, 1)[0] ^ 0x41]))
        mem.write(res, struct.pack('<QQ', 0, M64))
        both(k, fake, 'ncd_validate', args, {0, 1, 6}, mem, grid, 32)
        bad, first = struct.unpack('<QQ', mem.read(res, 16))
        assert (bad, first) == (3, soff + n // 3), (bad, first)
        print('validate kind=%d frag=%d: clean batch 0 bad; 3 corrupted bytes -> count 3, first at stream %d' % (kind, fs, first))
    print('PTX simulation: fill and validate agree with pattern.c' +
          ('; the fake libcuda\'s emulation agrees with the PTX' if fake else ''))


main()
