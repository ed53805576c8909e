#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage.sh - the report of `make coverage`: gcovr's line coverage of
# each file given, from the .gcda files under DIR/obj, as a table; exits 1
# if any file is below MIN percent (or has no data).
#
# usage: coverage.sh DIR MIN FILE...
set -euo pipefail

cd "$(dirname "$0")/.."

dir=$1
min=$2
shift 2

if ! command -v gcovr >/dev/null 2>&1; then
	echo "coverage: gcovr is not installed (apt-get install gcovr)"
	exit 1
fi

filters=()
for f in "$@"; do
	filters+=(--filter "$f")
done
report="$dir/coverage.txt"
gcovr --root . --object-directory "$dir/obj" "${filters[@]}" --txt "$report" >/dev/null
gcovr --root . --object-directory "$dir/obj" "${filters[@]}" \
	--html-details "$dir/coverage.html" >/dev/null 2>&1 || true

fail=0
printf '%-28s %7s %7s %7s\n' file lines covered percent
for f in "$@"; do
	# gcovr --txt: "FILE   Lines   Exec  Cover   Missing"
	line=$(awk -v f="$f" '$1 == f { print $2, $3; exit }' "$report")
	if [ -z "$line" ]; then
		printf '%-28s %7s %7s %7s  NO DATA\n' "$f" - - -
		fail=1
		continue
	fi
	read -r total exec <<<"$line"
	pct=$(awk -v e="$exec" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * e / t : 0 }')
	ok=$(awk -v p="$pct" -v m="$min" 'BEGIN { print (p >= m) ? "ok" : "BELOW" }')
	printf '%-28s %7s %7s %6s%%  %s\n' "$f" "$total" "$exec" "$pct" "$ok"
	[ "$ok" = ok ] || fail=1
done
echo "coverage: report $report, $dir/coverage.html (minimum $min%)"
exit "$fail"
