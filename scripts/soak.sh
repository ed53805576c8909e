#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/soak.sh KUNIT [TSAN_KUNIT] - `make soak`: long random runs until
# SOAK_SECONDS have passed (0: until stopped with Ctrl-C). Each round, with
# a fresh seed (SEED=n: n, n+1, ...; else time-based), runs for SOAK_SLICE
# seconds (default 60), half each for:
#   1. random_ops_sequences: generated sequences on fresh machines, every
#      check after every op (the CI mode);
#   2. random_ops_stream: the throughput mode, programs of joined
#      sequences on one machine, sweeps every 1,000 ops, the whole op mix
#      (SOAK_STREAM_MM=1: the memory ops only);
#   3. once: the *stress* cases under ThreadSanitizer, when TSAN_KUNIT is
#      given (SOAK_TSAN=0 leaves them out).
# The first failure stops the soak with its seed, the shrunk reproducer's
# path and a non-zero status.
set -uo pipefail

kunit=$1
tsan=${2:-}
secs=${SOAK_SECONDS:-3600}
slice=${SOAK_SLICE:-60}
start=$(date +%s)
round=0
base=${SEED:-$(( $(date +%s%N) % 2147483647 ))}

fail() {
	echo "soak: FAILED in round $round ($1, seed $2) after $(( $(date +%s) - start )) s"
	exit 1
}

while :; do
	now=$(date +%s)
	s=$slice
	if [ "$secs" -gt 0 ]; then
		left=$(( start + secs - now ))
		[ "$left" -le 0 ] && break
		[ "$left" -lt "$s" ] && s=$left
	fi
	h=$(( (s + 1) / 2 ))
	seed=$(( base + round ))
	round=$(( round + 1 ))
	echo "soak: round $round, seed $seed: random_ops_sequences for $h s"
	PINIO_SOAK_SECONDS=$h "$kunit" -t 0 -s "$seed" -f 'random_ops.random_ops_sequences' ||
		fail random_ops_sequences "$seed"
	echo "soak: round $round, seed $seed: random_ops_stream for $h s"
	PINIO_SOAK_SECONDS=$h PINIO_OPS_STREAM_MM=${SOAK_STREAM_MM:-0} \
		"$kunit" -t 0 -s "$seed" -f 'random_ops.random_ops_stream' ||
		fail random_ops_stream "$seed"
	if [ -n "$tsan" ] && [ "${SOAK_TSAN:-1}" != 0 ]; then
		echo "soak: round $round, seed $seed: the *stress* cases under TSan"
		"$tsan" -s "$seed" -f '*stress*' || fail tsan "$seed"
	fi
done
echo "soak: $round round(s) in $(( $(date +%s) - start )) s, no failure"
