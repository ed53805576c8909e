#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pin-callgrind.sh - instructions per page of pin_fast, with page checks on
# and off.
#
# Builds bench/pin_fast_bench the way `make bench` does (-O2, no
# sanitizers, no DEBUG_VM) and runs `pin_fast_bench --callgrind ROUNDS
# checks=on|off` under valgrind --tool=callgrind, counting only inside
# cg_pin_small (512 small pages) and cg_pin_thp (one 2 MiB folio), each
# ROUNDS x pin_user_pages_fast(512 pages, FOLL_WRITE) + unpin_user_pages().
# Prints, per checks mode and backing:
#   callgrind: pin_fast checks=off backing=small chunk=512 op=pin_rw instr/page=N
#
# Usage: scripts/pin-callgrind.sh [ROUNDS]   (default 200)
# Exits 77 if valgrind or callgrind_annotate is missing.
set -euo pipefail

cd "$(dirname "$0")/.."

rounds=${1:-200}
O=${O:-build}
bin=$O/bench/pin_fast_bench

# shellcheck source=scripts/callgrind-lib.sh
. scripts/callgrind-lib.sh
callgrind_prepare "$bin"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run per mode and backing, counting only inside that workload
# function: the run's total is the workload's cost. (The call tree's
# inclusive count of a function can leave out callees reached from code
# inlined into it, such as the ring writes; the total does not.)
for checks in on off; do
	for backing in small thp; do
		out=$tmp/pin-$checks-$backing.out
		valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
			--toggle-collect="cg_pin_$backing" \
			"$bin" --callgrind "$rounds" "checks=$checks" >"$out.log" 2>&1 ||
			{ cat "$out.log"; exit 1; }
		callgrind_annotate "$out" 2>/dev/null | awk -v m="$rounds" -v checks="$checks" \
			-v backing="$backing" '
			/PROGRAM TOTALS/ {
				x = $1; gsub(",", "", x)
				printf "callgrind: pin_fast checks=%s backing=%s chunk=512 op=pin_rw instr/page=%.1f rounds=%d\n",
				       checks, backing, x / (m * 512), m
			}'
	done
done
