#!/bin/bash
# Without a GPU: execute the CUDA provider's PTX kernels in a small PTX
# interpreter (tests/helpers/ptx_sim.py) and compare fill output and
# validate results with the C pattern code, and the fake libcuda's
# emulation of the same kernels with the simulation.  Checks the kernels' logic, not
# the driver's JIT (t_cuda_ptx.sh) nor a real GPU (t_cuda_provider.sh).
. "$(dirname "$0")/lib.sh"

need_cmd python3
DUMP=$B/tests/ncd_ptx_dump
[ -x "$DUMP" ] || fail "$DUMP not built"
FAKE=$B/tests/fake_cuda/libcuda.so.1
[ -f "$FAKE" ] || fail "$FAKE not built (make tests)"
# the fake libcuda's kernel emulation must leave the same memory as the PTX
python3 "$(dirname "$0")/../helpers/ptx_sim.py" "$DUMP" --fake "$FAKE" ||
	fail "PTX simulation disagrees with pattern.c or with the fake libcuda"
ok "PTX kernels agree with pattern.c in simulation, and the fake's emulation with the PTX"
