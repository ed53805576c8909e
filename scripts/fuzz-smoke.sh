#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz-smoke.sh - `make fuzz-smoke` (conventions 7.7): for each fuzz target
# given, replay its committed corpus fuzz/corpus/TARGET/ with the replay
# build ($O/replay/TARGET, made by $(CC)), then run the libFuzzer build
# ($O/fuzz/TARGET) for $FUZZ_SECONDS seconds. New inputs go to
# $O/fuzz/corpus/TARGET/ and crash artifacts to $O/fuzz/artifacts/, never
# into the tree. fuzz/TARGET.options (ClusterFuzz format: a [libfuzzer]
# section of "key = value" lines) adds libFuzzer flags. Prints the
# executions and coverage of each run; exits 1 on a crash or a failed
# replay.
set -euo pipefail

cd "$(dirname "$0")/.."

O=${O:-build}
secs=${FUZZ_SECONDS:-30}

# The [libfuzzer] options of fuzz/$1.options as -key=value flags.
target_flags() {
	local file="fuzz/$1.options" section="" line key value

	[ -f "$file" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		if [[ "$line" =~ ^[[:space:]]*\[(.*)\][[:space:]]*$ ]]; then
			section=${BASH_REMATCH[1]}
		elif [[ "$section" == libfuzzer && "$line" =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*([^[:space:]]+) ]]; then
			key=${BASH_REMATCH[1]}
			value=${BASH_REMATCH[2]}
			echo "-$key=$value"
		fi
	done <"$file"
}

for t in "$@"; do
	if [ -d "fuzz/corpus/$t" ]; then
		"$O/replay/$t" "fuzz/corpus/$t"
	else
		echo "fuzz-smoke: $t: no committed corpus"
	fi
done

mkdir -p "$O/fuzz/artifacts"
for t in "$@"; do
	mkdir -p "$O/fuzz/corpus/$t"
	log="$O/fuzz/$t.log"
	mapfile -t flags < <(target_flags "$t")
	dirs=("$O/fuzz/corpus/$t")
	[ -d "fuzz/corpus/$t" ] && dirs+=("fuzz/corpus/$t")
	echo "fuzz-smoke: $t: fuzzing for ${secs}s (${flags[*]:-no extra flags})"
	if ! "$O/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$O/fuzz/artifacts/$t-" "${flags[@]}" "${dirs[@]}" \
		>"$log" 2>&1; then
		tail -n 80 "$log"
		echo "fuzz-smoke: $t: FAILED (log: $log, inputs: $O/fuzz/artifacts/)"
		exit 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1 || true)
	echo "fuzz-smoke: $t: ${execs:-?} executions (${rate:-?}/s), ${cov:-no coverage line}"
done
