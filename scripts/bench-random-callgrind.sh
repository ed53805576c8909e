#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-random-callgrind.sh - instructions per op of the random tester's
# throughput mode (dio_bench case random_ops), with page poisoning on and
# off, and where they go.
#
# Builds dio_bench the way `make bench` does (-O2, no sanitizers, no
# DEBUG_VM) and runs `dio_bench --callgrind-random N [poison=off]` under
# valgrind --tool=callgrind, counting only inside cg_random_ops: one
# program of N mm-mix ops (seed 5), the model compared and sim_check()
# every 1,000 ops. Prints per mode:
#   callgrind: random_ops poison=on|off ops=N instr/op=N
# and the share of the big consumers (inclusive, per op; they overlap:
# memset and memcmp are also inside the others):
#   callgrind: random_ops poison=.. part=NAME instr/op=N share=P% functions="..."
#
# A string instruction (rep stosb, rep movsb) counts once per byte here:
# glibc's memset/memcpy use them for 4 KiB and up, so the frames' zeroing
# and poisoning weigh far more in instructions than in time.
#
# Usage: scripts/bench-random-callgrind.sh [N_OPS]   (default 20000)
# Exits 77 if valgrind or callgrind_annotate is missing.
set -euo pipefail

cd "$(dirname "$0")/.."

n=${1:-20000}
O=${O:-build}
bin=$O/bench/dio_bench

# shellcheck source=scripts/callgrind-lib.sh
. scripts/callgrind-lib.sh
callgrind_prepare "$bin"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for poison in on off; do
	out=$tmp/random-$poison.out
	valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
		--toggle-collect=cg_random_ops "$bin" --callgrind-random "$n" "poison=$poison" \
		>"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
	grep '^callgrind:' "$out.log" || true
	# Inclusive counts, the largest entry per function name.
	callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$out" 2>/dev/null |
	awk '/^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]+:[^ ]+/ {
		n = $1; gsub(",", "", n)
		f = $0; sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", f)
		sub(/ \[.*$/, "", f); sub(/^.*:/, "", f)
		if (!(f in best) || n + 0 > best[f]) best[f] = n + 0
	}
	END { for (f in best) print f, best[f] }' >"$out.inc"
	# The C library's memset and memcmp (self counts; every variant).
	callgrind_annotate --inclusive=no --auto=no --threshold=100 "$out" 2>/dev/null |
	awk '/^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]+:__memset_/ { x = $1; gsub(",", "", x); ms += x }
	     /^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]+:__memcmp_/ { x = $1; gsub(",", "", x); mc += x }
	     END { print "libc_memset", ms + 0; print "libc_memcmp", mc + 0 }' >>"$out.inc"
	awk -v n="$n" -v mode="$poison" '
		{ c[$1] = $2 }
		function get(f) { return (f in c) ? c[f] : 0 }
		function line(name, x, fs) {
			printf "callgrind: random_ops poison=%s part=%s instr/op=%.0f share=%.1f%% functions=\"%s\"\n",
			       mode, name, x / n, t ? 100 * x / t : 0, fs
		}
		END {
			t = get("cg_random_ops")
			printf "callgrind: random_ops poison=%s ops=%d instr/op=%.0f\n", mode, n, t / n
			line("free_folio", get("free_folio"), "free_folio (poison memset, buddy merge)")
			line("folio_alloc", get("__folio_alloc"), "__folio_alloc (poison check, __GFP_ZERO memset)")
			v = get("ops_verify_task") + get("ops_verify_range")
			v += get("ops_verify_addr_everywhere") + get("ops_verify_obj_page")
			line("verify_pages", v,
			     "ops_verify_task, _range, _addr_everywhere, _obj_page (oracle: pages vs model)")
			line("check_machine", get("ops_check_machine"), "ops_check_machine (sim_check, I1 pins, bindings)")
			line("check_balances", get("ops_check_balances"), "ops_check_balances (after every op)")
			line("model", get("model_write") + get("model_fork") + get("model_munmap") + get("model_obj_write"),
			     "model_write, model_fork, model_munmap, model_obj_write")
			line("memset", get("libc_memset"), "the C library memset, all callers (zeroing, poisoning, patterns)")
			line("memcmp", get("libc_memcmp"), "the C library memcmp, all callers (oracle, poison checks)")
		}' "$out.inc"
done
