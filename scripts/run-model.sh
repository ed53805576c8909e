#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-model.sh - verify the Spin model model/dma_lifetime.pml (`make model`).
#
# For each scenario of the correct model (DIO read + fork + truncate, and
# direct_splice_read + truncate): an exhaustive safety run (assertions,
# the invariant monitor, invalid end states) and one acceptance-cycle run
# per LTL property; each must end with "errors: 0" and a complete search.
# For each deliberately broken variant the search must find a
# counterexample; a short summary of its trail is printed.
#
# Each run prints one line:
#   model: NAME expect=pass|error states=N errors=E mem=MB time=S result=PASS|FAIL
# and the script exits 1 if any expectation failed, 77 if spin (or the C
# compiler for pan) is missing. Everything happens in a temporary
# directory, which is removed on exit. PAN_CC= picks the compiler (gcc).
set -euo pipefail

cd "$(dirname "$0")/.."

model=model/dma_lifetime.pml
pan_cc=${PAN_CC:-gcc}

if ! command -v spin >/dev/null 2>&1; then
	echo "model: spin is not installed (Debian: apt-get install -y spin); skipped"
	exit 77
fi
if ! command -v "$pan_cc" >/dev/null 2>&1; then
	echo "model: $pan_cc is not installed, cannot compile pan; skipped"
	exit 77
fi
if [ ! -f "$model" ]; then
	echo "model: $model not found"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pinio-model.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

runs=0
failed=0
depth=100000

# gen DIR [SPIN-FLAGS...]: generate pan.c for the model under DIR.
gen() {
	local dir=$1

	shift
	mkdir -p "$dir"
	cp "$model" "$dir/"
	if ! (cd "$dir" && spin "$@" -a dma_lifetime.pml >spin.log 2>&1); then
		echo "model: spin -a $* failed:"
		cat "$dir/spin.log"
		exit 1
	fi
}

# build DIR OUT [CFLAGS...]: compile DIR/pan.c into DIR/OUT.
build() {
	local dir=$1 out=$2

	shift 2
	if ! (cd "$dir" && "$pan_cc" -w -O1 "$@" -o "$out" pan.c >"$out.cc.log" 2>&1); then
		echo "model: $pan_cc $* pan.c failed:"
		cat "$dir/$out.cc.log"
		exit 1
	fi
}

# summary DIR [SPIN-FLAGS...]: the story of the trail, from spin -t -p.
summary() {
	local dir=$1

	shift
	(cd "$dir" && spin "$@" -t -p dma_lifetime.pml 2>&1) |
		sed -E 's/^[[:space:]]+//' |
		grep -E '^EV |Error:|^spin: text of failed|START OF CYCLE|trail ends' |
		cut -c1-150 | sed 's/^/    | /' || true
}

# check NAME EXPECT DIR PAN "SPIN-FLAGS" [PAN-ARGS...]: run one verification.
check() {
	local name=$1 expect=$2 dir=$3 pan=$4 sflags=$5
	local log states errors mem secs incomplete=0 result=FAIL
	local -a sf=()

	shift 5
	read -ra sf <<<"$sflags"
	log="$dir/$name.log"
	(cd "$dir" && "./$pan" -m"$depth" "$@" >"$log" 2>&1) || true

	states=$(sed -nE 's/^ *([0-9.e+]+) states, stored.*/\1/p' "$log" | head -n 1)
	errors=$(sed -nE 's/.*errors: ([0-9]+).*/\1/p' "$log" | head -n 1)
	mem=$(sed -nE 's/^ *([0-9.]+)[[:space:]]+total actual memory usage.*/\1/p' "$log" | head -n 1)
	secs=$(sed -nE 's/^pan: elapsed time ([0-9.e+]+) seconds.*/\1/p' "$log" | head -n 1)
	grep -q 'max search depth too small' "$log" && incomplete=1

	if [ -z "$errors" ]; then
		result=FAIL
	elif [ "$expect" = pass ]; then
		[ "$errors" -eq 0 ] && [ "$incomplete" -eq 0 ] && result=PASS
	else
		[ "$errors" -gt 0 ] && result=PASS
	fi

	runs=$((runs + 1))
	echo "model: $name expect=$expect states=${states:-?} errors=${errors:-?}" \
		"mem=${mem:-?}MB time=${secs:-?}s result=$result"
	if [ "$expect" = error ] && [ "${errors:-0}" -gt 0 ]; then
		grep -m 1 -E '^pan:1:' "$log" | cut -c1-150 | sed 's/^/    /' || true
		summary "$dir" "${sf[@]}"
	fi
	if [ "$result" = FAIL ]; then
		failed=$((failed + 1))
		[ "$incomplete" -eq 1 ] && echo "    search incomplete: max search depth $depth too small"
		tail -n 40 "$log" | sed 's/^/    /'
		if [ "$expect" = pass ] && [ "${errors:-0}" -gt 0 ]; then
			summary "$dir" "${sf[@]}"
		fi
	fi
}

# scenario NAME [SPIN-FLAGS...]: the correct model: safety, then each LTL.
scenario() {
	local name=$1 dir="$tmp/$1" claim

	shift
	gen "$dir" "$@"
	build "$dir" pan-safety -DSAFETY -DNOCLAIM
	build "$dir" pan-ltl
	check "$name-safety" pass "$dir" pan-safety "$*"
	for claim in bios_complete pins_baseline truncate_returns; do
		check "$name-ltl-$claim" pass "$dir" pan-ltl "$*" -a -N "$claim"
	done
}

# broken NAME [SPIN-FLAGS...]: a broken variant; a safety error must be
# found. -DREACH with -i makes pan look for the shortest trail.
broken() {
	local name=$1 dir="$tmp/$1"

	shift
	gen "$dir" "$@"
	build "$dir" pan-safety -DSAFETY -DNOCLAIM -DREACH
	check "$name" error "$dir" pan-safety "$*" -i
}

echo "model: $(spin -V | head -n 1); pan built with $pan_cc"

scenario dio
scenario splice -DSPLICE

broken broken-truncate -DBROKEN_TRUNCATE
broken broken-pipe-revert -DSPLICE -DBROKEN_PIPE_REVERT
broken foll-get-fork -DFOLL_GET

# A hung device must violate the LTL property (the LTL runs are not vacuous).
gen "$tmp/device-hang" -DBROKEN_DEVICE_HANG
build "$tmp/device-hang" pan-ltl
check device-hang-ltl-bios_complete error "$tmp/device-hang" pan-ltl \
	"-DBROKEN_DEVICE_HANG" -a -N bios_complete

echo "model: $runs runs, $((runs - failed)) as expected, $failed failed"
[ "$failed" -eq 0 ]
