#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Describe this host for a results directory, as one JSON object on stdout.

usage: hostinfo.py [--if IFNAME | --addr ADDR]

kernel, CPU model and count, memory, and for the interface (named, or the one
holding ADDR): driver, driver version, firmware version and bus address from
the ETHTOOL_GDRVINFO ioctl (the ethtool program is not used), with
/sys/class/net/IF/device/driver as the fallback for the driver name.
Stdlib only, so it can be piped to a remote: ssh HOST python3 - --addr A.
"""
import array
import fcntl
import json
import os
import platform
import socket
import struct
import subprocess
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_GDRVINFO = 0x00000003
# struct ethtool_drvinfo: cmd, driver[32], version[32], fw_version[32],
# bus_info[32], erom_version[32], reserved2[12], 5 x u32
DRVINFO_FMT = "I32s32s32s32s32s12s5I"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k.strip() in ("model name", "Model", "cpu model"):
                    return v.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def mem_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1048576, 1)
    except (OSError, ValueError):
        pass
    return None


def if_of_addr(addr):
    try:
        out = subprocess.run(["ip", "-o", "addr", "show"], capture_output=True,
                             text=True, check=False).stdout
    except OSError:
        return None
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[3].split("/")[0] == addr:
            return f[1].split("@")[0]
    return None


def cstr(b):
    return b.split(b"\0", 1)[0].decode(errors="replace")


def drvinfo(ifname):
    info = {"ifname": ifname}
    buf = array.array("B", struct.pack(DRVINFO_FMT, ETHTOOL_GDRVINFO,
                                       *([b""] * 6), *([0] * 5)))
    ifr = struct.pack("16sP", ifname.encode()[:15], buf.buffer_info()[0])
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
        v = struct.unpack(DRVINFO_FMT, buf.tobytes())
        info.update(driver=cstr(v[1]) or None, driver_version=cstr(v[2]) or None,
                    firmware=cstr(v[3]) or None, bus_info=cstr(v[4]) or None)
    except OSError as e:
        info["ethtool_error"] = e.strerror
    if not info.get("driver"):
        link = "/sys/class/net/%s/device/driver" % ifname
        if os.path.islink(link):
            info["driver"] = os.path.basename(os.readlink(link))
    return info


def main():
    args = sys.argv[1:]
    ifname = None
    if len(args) == 2 and args[0] == "--if":
        ifname = args[1]
    elif len(args) == 2 and args[0] == "--addr":
        ifname = if_of_addr(args[1])
    elif args:
        print(__doc__, file=sys.stderr)
        return 2
    u = platform.uname()
    out = {"hostname": u.node, "kernel": u.release, "arch": u.machine,
           "cpu_model": cpu_model(), "cpus": os.cpu_count(),
           "mem_gib": mem_gib()}
    if args:
        out["nic"] = drvinfo(ifname) if ifname else {"error": "no interface holds " + args[1]}
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
