# Shared by t_fault_*.sh and t_valgrind_pair.sh: lib.sh plus a bounded wait
# for a process to end (tail --pid polls only once a second).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# wait_gone PID SECONDS: 0 once PID has exited, 1 if it still runs after SECONDS.
wait_gone() {
	local pid=$1 i n=$(($2 * 20))
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
