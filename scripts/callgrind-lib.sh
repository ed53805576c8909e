# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/callgrind-lib.sh - sourced by the callgrind scripts
# (bench-callgrind.sh, pin-callgrind.sh, bench-random-callgrind.sh).
#
# callgrind_prepare BIN: exit 77 when valgrind or callgrind_annotate is
# missing; otherwise build BIN the way `make bench` does (-O2, no
# sanitizers, no DEBUG_VM, objects in $O/bench-obj), printing the build
# log and exiting 1 when that fails. $O must be set (the build dir).

callgrind_prepare() {
	local bin=$1 tool log

	for tool in valgrind callgrind_annotate; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "callgrind: $tool is not installed (Debian: apt-get install -y valgrind); skipped"
			exit 77
		fi
	done
	log=$(mktemp)
	if ! make --no-print-directory O="$O/bench-obj" BENCH_DIR="$O/bench" SAN= DEBUG_VM= \
		"$bin" >"$log" 2>&1; then
		cat "$log"
		rm -f "$log"
		exit 1
	fi
	rm -f "$log"
}
