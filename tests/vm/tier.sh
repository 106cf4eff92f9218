#!/bin/bash
# The VM tiers as one test of `make check`: tests/vm/run.sh (Linux 6.12,
# the oldest supported kernel) and tests/vm/run73.sh (Linux 7.3: devmem TX,
# io_uring zcrx, the 7.3 bind-rx rules).  A tier whose kernel packages are
# neither cached nor reachable is skipped with the reason; the whole test
# skips (4) only when both are.  A failed boot or a missing PASS line fails.
cd "$(dirname "$0")/../.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the VM tiers need root" >&2; exit 4; }
cache=${NCD_VM_CACHE:-/var/cache/ncdevmem-vm}
rc=0 ran=0
if ls -d "$cache"/deb-6.12* >/dev/null 2>&1 ||
   apt-cache madison linux-source-6.12 2>/dev/null | grep -q .; then
	tests/vm/run.sh || rc=1
	ran=1
else
	echo "SKIP 6.12 tier: Debian's linux-image-6.12 packages are not reachable (apt-get update?)" >&2
fi
# the 7.3 tier reaches trixie-backports through its own apt configuration
if ls -d "$cache"/deb-7.3* >/dev/null 2>&1 ||
   grep -qhsE '^(URIs:|deb) ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; then
	tests/vm/run73.sh || rc=1
	ran=1
else
	echo "SKIP 7.3 tier: no Debian mirror configured in /etc/apt" >&2
fi
[ $ran -eq 1 ] || exit 4
exit $rc
