#!/usr/bin/env python3
"""Seed corpora for tests/fuzz/fuzz_*.c, written to tests/fuzz/corpus/<name>/.

fuzz_cmsg:    kernel-layout control buffers (cmsghdr + 24-byte dmabuf cmsg)
              behind the harness's 8-byte header.
fuzz_opts:    typical command lines, arguments separated by NUL.
fuzz_ctrl:    control-protocol frames (ctrl_proto.h): HELLO, ACCEPT, REFUSE
              and RESULT as ncdevmem writes them, and broken ones.
fuzz_netlink: real replies of this kernel (root: a veth pair with 4 queues
              in a scratch netns): nlctrl getfamily, netdev dev-get,
              queue-get dump, page-pool-get dump, napi-get, bind-rx errors
              (with and without NETLINK_CAP_ACK), ethtool rings/channels,
              rtnetlink getlink; one control byte, then one recv() buffer.
Run as root:  tests/fuzz/gen_corpus.py   (--no-netlink: skip the kernel part)
"""
import os, socket, struct, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus')


def put(name, tag, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, tag), 'wb') as f:
        f.write(data)

# ---- fuzz_cmsg ----
SOL_SOCKET, SCM_LINEAR, SCM_DMABUF, SCM_TIMESTAMPNS = 1, 78, 79, 35


def cmsg(level, ctype, payload):
    ln = 16 + len(payload)
    pad = (-ln) % 8
    return struct.pack('<QiI', ln, level, ctype) + payload + b'\0' * pad


def frag(off, size, token, dmabuf_id):
    return struct.pack('<QIIII', off, size, token, dmabuf_id, 0)


def cmsg_input(flags, ret, nfrags, dmabuf_id, ctl):
    r = 0xffffff if ret < 0 else ret
    return bytes([flags, r & 255, (r >> 8) & 255, (r >> 16) & 255, nfrags,
                  dmabuf_id & 255, (dmabuf_id >> 8) & 255,
                  (dmabuf_id >> 16) & 255]) + ctl


def gen_cmsg():
    one = cmsg(SOL_SOCKET, SCM_DMABUF, frag(0, 4096, 1, 7))
    put('fuzz_cmsg', 'one_frag', cmsg_input(0, 4096, 64, 7, one))
    three = b''.join(cmsg(SOL_SOCKET, SCM_DMABUF, frag(i * 4096, 4096, i + 1, 7))
                     for i in range(3))
    put('fuzz_cmsg', 'three_frags', cmsg_input(0, 12288, 64, 7, three))
    lin = cmsg(SOL_SOCKET, SCM_LINEAR, frag(0, 66, 0, 0)) + one
    put('fuzz_cmsg', 'linear_then_frag', cmsg_input(0, 4096 + 66, 64, 7, lin))
    put('fuzz_cmsg', 'linear_fail_L', cmsg_input(2, 4096 + 66, 64, 7, lin))
    ts = cmsg(SOL_SOCKET, SCM_TIMESTAMPNS, struct.pack('<qq', 1, 2)) + one
    put('fuzz_cmsg', 'timestamp_then_frag', cmsg_input(0, 4096, 64, 7, ts))
    put('fuzz_cmsg', 'ctrunc', cmsg_input(1, 4096, 64, 7, one))
    put('fuzz_cmsg', 'wrong_id', cmsg_input(0, 4096, 64, 8, one))
    put('fuzz_cmsg', 'too_few_slots', cmsg_input(0, 12288, 2, 7, three))
    put('fuzz_cmsg', 'host_memory', cmsg_input(0, 100, 64, 7, b''))
    put('fuzz_cmsg', 'eof', cmsg_input(0, 0, 64, 7, b''))
    put('fuzz_cmsg', 'truncated', cmsg_input(0, 4096, 64, 7, one[:30]))

# ---- fuzz_opts ----
LINES = [
    '-l -s 198.18.1.1 -p 5201 --validate -i 0.5',
    '-s 198.18.1.1 -p 5201 --validate --time 10 -P 4',
    '-l -f eth1 -s 10.0.0.1 -c 10.0.0.2 -p 5201 -v 7 -t 3 -q 2 -z 1K -L -n -b 16K',
    '-s 10.0.0.1 -f eth1 --devmem --mem udmabuf --buf-size 64M --bytes 1G',
    '-l --zcrx -f eth1 --mem cuda --gpu 0000:3b:00.0 -J --discard',
    '--check -f eth1 --mem host',
    '-f eth1',
    '-l -v 7 -P 8 --period 128M --seed 0x1234 --buf-size 1M',
    '-s ::1 --validate --corrupt-at 4096 --bytes 1M',
    '--help',
    '-lJ --validate -i0',
    '-p 65536',
    '--time=-1 -l',
    '-P 129 -l --discard',
    '-s 10.0.0.1 --validate -P 2 --bitrate 2.5G -w 4M -C reno -O 2 -A 0,1 --cport 40000',
    '-l --forever -1 --window=64K --omit=0.5 --affinity 1 --congestion cubic',
]


# ---- fuzz_ctrl ----
HELLO, ACCEPT, REFUSE, RESULT = 1, 2, 3, 4


def ctrl_frame(mtype, payload, version=1, magic=b'NCDC', length=None):
    n = len(payload) if length is None else length
    return magic + bytes([version, mtype, n >> 8, n & 255]) + payload


def gen_ctrl():
    hello = (b'flows=2\npattern=offset\nseed=121373165188709\nperiod=67108864\n'
             b'time=10.000000\nbytes=0\ndir=forward\nchunk=0\ncorrupt=-1\nset=3\n')
    put('fuzz_ctrl', 'hello', ctrl_frame(HELLO, hello))
    rev = hello.replace(b'dir=forward', b'dir=reverse').replace(b'corrupt=-1', b'corrupt=12345')
    put('fuzz_ctrl', 'hello_reverse', ctrl_frame(HELLO, rev))
    up = b'flows=1\npattern=upstream\nperiod=7\nbytes=1048576\nset=34\n'
    put('fuzz_ctrl', 'accept_upstream', ctrl_frame(ACCEPT, up))
    put('fuzz_ctrl', 'refuse', ctrl_frame(REFUSE, b'-P 1 on the client, -P 2 on the server: give it on one end only\n'))
    res = (b'role=receiver\nvalidated=1\nbytes=8192\nsecs=1.000000\ncpu_user=0.010000\n'
           b'cpu_sys=0.200000\nchecked=8192\nbad=1\nfirst=1000\nexpected=174\nactual=81\n'
           b'flows=2\nflow=0 4096 0.000000 1.000000\nflow=1 4096 0.001000 0.990000\n')
    put('fuzz_ctrl', 'result', ctrl_frame(RESULT, res))
    put('fuzz_ctrl', 'result_flow_out_of_range', ctrl_frame(RESULT, b'flows=1\nflow=5 1 0 1\n'))
    put('fuzz_ctrl', 'unknown_key', ctrl_frame(HELLO, b'future=1\nflows=3\n'))
    put('fuzz_ctrl', 'no_newline', ctrl_frame(HELLO, b'flows=3'))
    put('fuzz_ctrl', 'bad_version', ctrl_frame(HELLO, hello, version=2))
    put('fuzz_ctrl', 'not_ours', b'GET / HTTP/1.1\r\n\r\n')
    put('fuzz_ctrl', 'too_long', ctrl_frame(HELLO, b'', length=65535))
    put('fuzz_ctrl', 'binary', ctrl_frame(HELLO, b'flows=\x00\xff\n'))


def gen_opts():
    for i, line in enumerate(LINES):
        put('fuzz_opts', 'line%02d' % i, b'\0'.join(a.encode() for a in line.split()))

# ---- fuzz_netlink ----
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
NLA_F_NESTED = 0x8000


def attr(t, payload):
    ln = 4 + len(payload)
    return struct.pack('<HH', ln, t) + payload + b'\0' * ((-ln) % 4)


def u32(t, v):
    return attr(t, struct.pack('<I', v))


def genl(family, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK, version=1, seq=[1]):
    seq[0] += 1
    body = struct.pack('<BBH', cmd, version, 0) + attrs
    return struct.pack('<IHHII', 16 + len(body), family, flags, seq[0], 0) + body


def talk(sk, req, tag, name='fuzz_netlink', ctl=0):
    """Send @req, save every recv() buffer until the ack/DONE/error."""
    sk.send(req)
    n, bufs = 0, []
    while True:
        buf = sk.recv(65536)
        bufs.append(buf)
        put(name, '%s_%d' % (tag, n), bytes([ctl]) + buf)
        n += 1
        off, last = 0, False
        while off + 16 <= len(buf):
            ln, typ = struct.unpack_from('<IH', buf, off)
            if typ in (2, 3):		# NLMSG_ERROR (ack too), NLMSG_DONE
                last = True
            off += (ln + 3) & ~3
            if ln < 16:
                break
        if last or n > 20:
            return bufs


def family_id(sk, fam):
    buf = talk(sk, genl(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                        attr(2, fam.encode() + b'\0')), 'getfamily_' + fam)[0]
    off = 20
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('<HH', buf, off)
        if t == 1:
            return struct.unpack_from('<H', buf, off + 4)[0]
        off += (ln + 3) & ~3
    return 0


def gen_netlink_in_ns():
    ifi = socket.if_nametoindex('dv0')
    for cap in (0, 1):
        sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # GENERIC
        sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, cap)
        sk.bind((0, 0))
        netdev = family_id(sk, 'netdev')
        ethtool = family_id(sk, 'ethtool')
        sfx = '_capped' if cap else ''
        if netdev:
            talk(sk, genl(netdev, 1, u32(1, ifi)), 'dev_get' + sfx)
            talk(sk, genl(netdev, 1, u32(1, 999999)), 'dev_get_enodev' + sfx)
            talk(sk, genl(netdev, 10, u32(2, ifi), NLM_F_REQUEST | NLM_F_DUMP),
                 'queue_dump' + sfx)
            talk(sk, genl(netdev, 5, b'', NLM_F_REQUEST | NLM_F_DUMP),
                 'page_pool_dump' + sfx)
            talk(sk, genl(netdev, 11, u32(1, 12345)), 'napi_get_enoent' + sfx)
            q = attr(3 | NLA_F_NESTED, u32(1, 1) + u32(3, 0))
            # ctl bit 0: resolve the bad-attribute offset against a request
            talk(sk, genl(netdev, 13, u32(1, ifi) + u32(2, 0) + q),
                 'bind_rx_err' + sfx, ctl=1)
            talk(sk, genl(netdev, 13, u32(1, ifi) + u32(2, 0)),
                 'bind_rx_noqueues' + sfx)
            talk(sk, genl(netdev, 15, u32(1, ifi) + u32(2, 0)),
                 'bind_tx_err' + sfx)
        if ethtool:
            hdr = attr(1 | NLA_F_NESTED, u32(1, ifi))
            talk(sk, genl(ethtool, 15, hdr), 'rings_get' + sfx)
            talk(sk, genl(ethtool, 17, hdr), 'channels_get' + sfx)
            talk(sk, genl(ethtool, 16, hdr + attr(11, b'\x05')),
                 'rings_set_err' + sfx)
        sk.close()
    rt = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)   # ROUTE
    rt.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    rt.bind((0, 0))
    ifinfo = struct.pack('<BBHiII', 0, 0, 0, ifi, 0, 0)
    rt.send(struct.pack('<IHHII', 16 + len(ifinfo), 18, NLM_F_REQUEST, 1, 0) + ifinfo)
    put('fuzz_netlink', 'getlink', b'\0' + rt.recv(65536))


def gen_netlink():
    if os.geteuid() != 0:
        print('gen_corpus: not root, netlink replies not regenerated', file=sys.stderr)
        return
    ns = 'ncd-corpus-%d' % os.getpid()
    subprocess.run(['ip', 'netns', 'add', ns], check=True)
    try:
        ip = ['ip', '-n', ns, 'link']
        subprocess.run(ip + ['add', 'dv0', 'numrxqueues', '4', 'numtxqueues', '4',
                             'type', 'veth', 'peer', 'name', 'dv1',
                             'numrxqueues', '4', 'numtxqueues', '4'], check=True)
        subprocess.run(ip + ['set', 'dv0', 'up'], check=True)
        subprocess.run(ip + ['set', 'dv1', 'up'], check=True)
        subprocess.run(['ip', 'netns', 'exec', ns, sys.executable,
                        os.path.abspath(__file__), '--in-ns'], check=True)
    finally:
        subprocess.run(['ip', 'netns', 'del', ns])


if __name__ == '__main__':
    if '--in-ns' in sys.argv:
        gen_netlink_in_ns()
        sys.exit(0)
    gen_cmsg()
    gen_ctrl()
    gen_opts()
    if '--no-netlink' not in sys.argv:
        gen_netlink()
