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
#   callgrind: pin_fast checks=off backing=small chunk=512 op=pin_rw instr/page=N pin=N unpin=N
#
# Usage: scripts/pin-callgrind.sh [ROUNDS]   (default 200)
# Exits 77 if valgrind or callgrind_annotate is missing.
set -euo pipefail

cd "$(dirname "$0")/.."

rounds=${1:-200}
O=${O:-build}
bin=$O/bench/pin_fast_bench

for tool in valgrind callgrind_annotate; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "callgrind: $tool is not installed (Debian: apt-get install -y valgrind); skipped"
		exit 77
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! make --no-print-directory O="$O/bench-obj" BENCH_DIR="$O/bench" SAN= DEBUG_VM= "$bin" \
	>"$tmp/make.log" 2>&1; then
	cat "$tmp/make.log"
	exit 1
fi

for checks in on off; do
	valgrind --tool=callgrind --callgrind-out-file="$tmp/pin-$checks.out" \
		--collect-atstart=no --toggle-collect=cg_pin_small --toggle-collect=cg_pin_thp \
		"$bin" --callgrind "$rounds" "checks=$checks" >"$tmp/pin-$checks.log" 2>&1 ||
		{ cat "$tmp/pin-$checks.log"; exit 1; }
	callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$tmp/pin-$checks.out" \
		2>/dev/null >"$tmp/pin-$checks.tree"
	# A "*" line is a function with its inclusive count; the "> " lines
	# under it are its callees.
	awk -v m="$rounds" -v checks="$checks" '
		/^ *[0-9,]+ .*\* .*:cg_pin_(small|thp) / {
			cur = ($0 ~ /cg_pin_small/) ? "small" : "thp"
			x = $1; gsub(",", "", x); tot[cur] = x; next
		}
		/^ *[0-9,]+ .*\* / { cur = ""; next }
		cur != "" && /> .*:pin_user_pages_fast / { x = $1; gsub(",", "", x); pin[cur] += x }
		cur != "" && /> .*:unpin_user_pages / { x = $1; gsub(",", "", x); unpin[cur] += x }
		END {
			pages = m * 512
			for (b = 0; b < 2; b++) {
				k = b ? "thp" : "small"
				printf "callgrind: pin_fast checks=%s backing=%s chunk=512 op=pin_rw instr/page=%.1f pin=%.1f unpin=%.1f rounds=%d\n",
				       checks, k, tot[k] / pages, pin[k] / pages, unpin[k] / pages, m
			}
		}' "$tmp/pin-$checks.tree"
done
