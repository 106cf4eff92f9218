#!/bin/bash
# The VM tier as one test of `make check`: runs tests/vm/run.sh when it can
# (root, Debian's 6.12 kernel packages reachable or cached), else skips (4)
# with the reason.  A failed boot or a missing PASS line fails.
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the VM tier needs root" >&2; exit 4; }
cache=${NCD_VM_CACHE:-/var/cache/ncdevmem-vm}
if ! ls -d "$cache"/deb-6.12* >/dev/null 2>&1 &&
   ! apt-cache madison linux-source-6.12 2>/dev/null | grep -q .; then
	echo "SKIP: Debian's linux-image-6.12 packages are not reachable (apt-get update?)" >&2
	exit 4
fi
exec tests/vm/run.sh
