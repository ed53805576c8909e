#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage.sh - the report of `make coverage`: gcovr's line coverage of
# each file given, from the .gcno/.gcda files under DIR/obj, as a table.
# Exits 1 if any file is below MIN percent or has no data, and says why a
# file has no data:
#   NO SOURCE   the file does not exist (split or renamed: update
#               scripts/coverage-files)
#   NO OBJECT   counters (.gcda) but no .gcno: the objects were removed
#               while the suite ran (a `make clean`, `rm -rf build` or a
#               second coverage run in the same tree), and libgcov
#               recreated the directories for its counters alone
#   NOT RUN     a .gcno but no .gcda: the code was built but no test
#               binary that ran links it
# It also fails if a source next to a listed file looks like a part of it
# (FILE.c listed, FILE-*.c or FILE_*.c not): every part of a split file
# must be listed.
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

fail=0
declare -A listed=()
for f in "$@"; do
	listed[$f]=1
done
for f in "$@"; do
	for part in "${f%.c}"-*.c "${f%.c}"_*.c; do
		[ -e "$part" ] || continue
		if [ -z "${listed[$part]:-}" ]; then
			echo "coverage: $part looks like a part of $f but is not listed in scripts/coverage-files"
			fail=1
		fi
	done
done

filters=()
for f in "$@"; do
	filters+=(--filter "$f")
done
report="$dir/coverage.txt"
rm -f "$report" "$dir"/coverage*.html "$dir"/coverage.css
# Search DIR/obj only: by default gcovr searches all of --root, and would
# merge in the counters of any other coverage build under build/.
gcovr --root . --object-directory "$dir/obj" "${filters[@]}" --txt "$report" "$dir/obj" >/dev/null
gcovr --root . --object-directory "$dir/obj" "${filters[@]}" \
	--html-details "$dir/coverage.html" "$dir/obj" >/dev/null 2>&1 || true

nodata() {
	local f=$1 o=$dir/obj/${1%.c}

	if [ ! -e "$f" ]; then
		echo "NO SOURCE (update scripts/coverage-files)"
	elif [ -e "$o.gcda" ] && [ ! -e "$o.gcno" ]; then
		echo "NO OBJECT ($o.gcno removed during the run: make clean?)"
	elif [ -e "$o.gcno" ] && [ ! -e "$o.gcda" ]; then
		echo "NOT RUN (no $o.gcda)"
	else
		echo "NO DATA"
	fi
}

printf '%-28s %7s %7s %7s\n' file lines covered percent
for f in "$@"; do
	# gcovr --txt: "FILE   Lines   Exec  Cover   Missing"
	line=$(awk -v f="$f" '$1 == f { print $2, $3; exit }' "$report")
	if [ -z "$line" ]; then
		printf '%-28s %7s %7s %7s  %s\n' "$f" - - - "$(nodata "$f")"
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
[ "$fail" -eq 0 ] || echo "coverage: FAILED"
exit "$fail"
