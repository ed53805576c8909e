#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-callgrind.sh - instructions per I/O and per page, from callgrind.
#
# Instruction counts are repeatable on a noisy machine where times are
# not. Two fixed workloads of the optimized benchmark binary (the build of
# `make bench`: -O2, no sanitizers, no DEBUG_VM) run under
# `valgrind --tool=callgrind`, counting only inside the workload function:
#
#   dio_bench --callgrind-4k N   N 4 KiB O_DIRECT random reads, QD1, one
#                                thread, `ram` disk, inline DMA, raw path
#                                (counted in cg_dio_4k)
#   dio_bench --callgrind-1m K   K sequential 1 MiB O_DIRECT reads, same setup
#                                on a 16 MiB disk (counted in cg_dio_1m)
#   dio_bench --callgrind-pin M  M x pin_user_pages_fast() + unpin_user_pages()
#                                of 512 small pages (cg_pin_small), then of
#                                one PMD-mapped 2 MiB folio (cg_pin_thp)
#
# From callgrind_annotate's inclusive counts it prints one line per layer
# of the 4 KiB path:
#   callgrind: dio_4k layer=NAME instr/io=N functions="..."
# (GUP/pin, bio build, submit, DMA, completion, release, and the syscall +
# VFS + fops remainder), the raw inclusive count per I/O of each function
# it used, and per page for pin_fast:
#   callgrind: pin_fast backing=small|thp instr/page=N pin=N unpin=N
#
# A function inlined into its caller has no count of its own and is
# reported as "inlined"; a function that appears under several source
# files (inlined pieces) is taken at its largest entry.
#
# and for the 1 MiB read, per I/O and per 4 KiB page:
#   callgrind: dio_1m ios=K instr/io=N instr/page=N ram_rw/page=N
# then both reads through a simfs file with each DIO engine (totals):
#   callgrind: dio_4k path=simfs dio=iomap|legacy ios=N instr/io=N software instr/io=N
#   callgrind: dio_1m path=simfs dio=iomap|legacy ios=K ...
# The copy is ram_memcpy() inclusive (drivers/block/ram.c), or the C
# library's memcpy in trees without it.
#
# Usage: scripts/bench-callgrind.sh [N_IOS [N_PIN_ROUNDS [N_1M [N_FS]]]]  (20000, 200, 200, 5000)
# Exits 77 if valgrind or callgrind_annotate is missing.
set -euo pipefail

cd "$(dirname "$0")/.."

n_ios=${1:-20000}
n_pin=${2:-200}
n_1m=${3:-200}
n_fs=${4:-5000}		# 4 KiB reads through each simfs engine
n_1m_fs=$(( (n_1m + 3) / 4 ))	# 1 MiB reads through each simfs engine
O=${O:-build}
bin=$O/bench/dio_bench

# shellcheck source=scripts/callgrind-lib.sh
. scripts/callgrind-lib.sh
callgrind_prepare "$bin"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# inclusive FILE: "function count" per line, the largest entry per name.
inclusive() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
	awk '/^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]+:[^ ]+/ {
		n = $1; gsub(",", "", n)
		f = $0; sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", f)
		sub(/ \[.*$/, "", f); sub(/^.*:/, "", f)
		if (!(f in best) || n + 0 > best[f]) best[f] = n + 0
	}
	END { for (f in best) print f, best[f] }'
}

valgrind --tool=callgrind --callgrind-out-file="$tmp/4k.out" --collect-atstart=no \
	--toggle-collect=cg_dio_4k "$bin" --callgrind-4k "$n_ios" >"$tmp/4k.log" 2>&1 ||
	{ cat "$tmp/4k.log"; exit 1; }
inclusive "$tmp/4k.out" >"$tmp/4k.inc"

valgrind --tool=callgrind --callgrind-out-file="$tmp/pin.out" --collect-atstart=no \
	--toggle-collect=cg_pin_small --toggle-collect=cg_pin_thp \
	"$bin" --callgrind-pin "$n_pin" >"$tmp/pin.log" 2>&1 ||
	{ cat "$tmp/pin.log"; exit 1; }
# Per workload: callgrind_annotate on the whole file mixes both; use the
# call tree of each workload function instead.
callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$tmp/pin.out" \
	2>/dev/null >"$tmp/pin.tree"

awk -v n="$n_ios" '
	{ c[$1] = $2 }
	# The copy: ram_memcpy() (drivers/block/ram.c) inclusive where it exists,
	# else the C library memcpy (one entry per variant; older trees).
	$1 ~ /^__(memcpy|memmove)_/ { libc_copy += $2 }
	function get(f) { return (f in c) ? c[f] : 0 }
	function per(x) { return sprintf("%.0f", x / n) }
	function show(f) {
		printf "callgrind: dio_4k function=%s instr/io=%s\n", f,
		       (f in c) ? per(c[f]) : "inlined"
	}
	END {
		copy = ("ram_memcpy" in c) ? c["ram_memcpy"] : libc_copy
		total = get("cg_dio_4k")
		gup = get("iov_iter_extract_pages")
		build = get("bio_iov_iter_get_pages") - gup
		wait = get("submit_bio_wait")
		run = get("dma_run")
		fin = get("dma_finish")
		rel = get("bio_release_pages")
		printf "callgrind: dio_4k ios=%d instr/io=%s (warm path; counting inside cg_dio_4k only)\n", n, per(total)
		printf "callgrind: dio_4k copy instr/io=%s software instr/io=%s (copy: ram_memcpy, or the C library memcpy called by ram_rw; a string instruction counts once per iteration)\n", per(copy), per(total - copy)
		printf "callgrind: dio_4k layer=gup instr/io=%s functions=\"iov_iter_extract_pages (pin_user_pages_fast %s)\"\n", per(gup), per(get("pin_user_pages_fast"))
		printf "callgrind: dio_4k layer=bio_build instr/io=%s functions=\"bio_iov_iter_get_pages - iov_iter_extract_pages\"\n", per(build)
		printf "callgrind: dio_4k layer=submit instr/io=%s functions=\"submit_bio_wait - dma_run (submit_bio_noacct, split, ram_submit_bio prefetch %s, dma_submit_bio, queue)\"\n", per(wait - run), ("ram_submit_bio" in c) ? per(get("ram_submit_bio") - get("dma_submit_bio")) : "none"
		printf "callgrind: dio_4k layer=dma instr/io=%s functions=\"dma_run - dma_finish (page checks, ram_rw %s of which copy %s)\"\n", per(run - fin), per(get("ram_rw")), per(copy)
		printf "callgrind: dio_4k layer=completion instr/io=%s functions=\"dma_finish (bio_endio %s)\"\n", per(fin), per(get("bio_endio"))
		printf "callgrind: dio_4k layer=release instr/io=%s functions=\"bio_release_pages (unpin, dirty)\"\n", per(rel)
		printf "callgrind: dio_4k layer=syscall_vfs instr/io=%s functions=\"cg_dio_4k - the above (sim_pread, fdget, vfs_read, blkdev_direct_IO, bench loop)\"\n", per(total - gup - build - wait - rel)
		n_f = split("sim_pread vfs_read blkdev_read_iter blkdev_direct_IO iov_iter_extract_pages pin_user_pages_fast bio_iov_iter_get_pages submit_bio submit_bio_noacct submit_bio_wait ram_submit_bio dma_submit_bio dma_run ram_rw dma_finish bio_endio bio_release_pages __bio_release_pages unpin_user_pages unpin_user_page", fs, " ")
		for (i = 1; i <= n_f; i++)
			show(fs[i])
	}' "$tmp/4k.inc"

# In the calling tree, a "*" line is the function itself with its inclusive
# count; the "> " lines under it are its callees, with their counts.
awk -v m="$n_pin" '
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
			printf "callgrind: pin_fast backing=%s chunk=512 op=pin_rw instr/page=%.1f pin=%.1f unpin=%.1f rounds=%d\n",
			       k, tot[k] / pages, pin[k] / pages, unpin[k] / pages, m
		}
	}' "$tmp/pin.tree"

valgrind --tool=callgrind --callgrind-out-file="$tmp/1m.out" --collect-atstart=no \
	--toggle-collect=cg_dio_1m "$bin" --callgrind-1m "$n_1m" >"$tmp/1m.log" 2>&1 ||
	{ cat "$tmp/1m.log"; exit 1; }
inclusive "$tmp/1m.out" >"$tmp/1m.inc"
# dio_1m_summary FILE N LABEL: per I/O and per 4 KiB page of a 1 MiB read.
dio_1m_summary() {
	awk -v n="$2" -v label="$3" '
	{ c[$1] = $2 }
	$1 ~ /^__(memcpy|memmove)_/ { libc_copy += $2 }
	END {
		copy = ("ram_memcpy" in c) ? c["ram_memcpy"] : libc_copy
		t = ("cg_dio_1m" in c) ? c["cg_dio_1m"] : 0
		r = ("ram_rw" in c) ? c["ram_rw"] : 0
		printf "callgrind: dio_1m%s ios=%d instr/io=%.0f instr/page=%.1f ram_rw/page=%.1f copy/page=%.1f software/page=%.1f\n",
		       label, n, t / n, t / n / 256, r / n / 256, copy / n / 256, (t - copy) / n / 256
	}' "$1"
}
dio_1m_summary "$tmp/1m.inc" "$n_1m" ""

# The same two workloads through a simfs file, per DIO engine: totals only.
for engine in iomap legacy; do
	valgrind --tool=callgrind --callgrind-out-file="$tmp/4k-$engine.out" --collect-atstart=no \
		--toggle-collect=cg_dio_4k "$bin" --callgrind-4k "$n_fs" "simfs=$engine" \
		>"$tmp/4k-$engine.log" 2>&1 || { cat "$tmp/4k-$engine.log"; exit 1; }
	inclusive "$tmp/4k-$engine.out" >"$tmp/4k-$engine.inc"
	awk -v n="$n_fs" -v e="$engine" '
		{ c[$1] = $2 }
		$1 ~ /^__(memcpy|memmove)_/ { libc_copy += $2 }
		END {
			copy = ("ram_memcpy" in c) ? c["ram_memcpy"] : libc_copy
			t = ("cg_dio_4k" in c) ? c["cg_dio_4k"] : 0
			printf "callgrind: dio_4k path=simfs dio=%s ios=%d instr/io=%.0f software instr/io=%.0f\n",
			       e, n, t / n, (t - copy) / n
		}' "$tmp/4k-$engine.inc"
	valgrind --tool=callgrind --callgrind-out-file="$tmp/1m-$engine.out" --collect-atstart=no \
		--toggle-collect=cg_dio_1m "$bin" --callgrind-1m "$n_1m_fs" "simfs=$engine" \
		>"$tmp/1m-$engine.log" 2>&1 || { cat "$tmp/1m-$engine.log"; exit 1; }
	inclusive "$tmp/1m-$engine.out" >"$tmp/1m-$engine.inc"
	dio_1m_summary "$tmp/1m-$engine.inc" "$n_1m_fs" " path=simfs dio=$engine"
done
