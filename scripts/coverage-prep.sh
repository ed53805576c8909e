#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage-prep.sh - before the build of `make coverage`: drop the counters
# (.gcda) of the previous run, and the objects of sources that no longer
# exist, so that a split or deleted file cannot report stale lines.
#
# The objects themselves are kept: $(O)/.flags rebuilds them when a knob
# changes, and `make` when a source does, so a second run only recompiles
# what changed (a .gcno always matches its object).
#
# usage: coverage-prep.sh OBJDIR
set -euo pipefail

cd "$(dirname "$0")/.."

objdir=$1
[ -d "$objdir" ] || exit 0

find "$objdir" -name '*.gcda' -delete
while IFS= read -r -d '' o; do
	src=${o#"$objdir"/}
	src=${src%.o}.c
	[ -e "$src" ] || rm -f "$o" "${o%.o}.gcno" "${o%.o}.d"
done < <(find "$objdir" -name '*.o' -print0)
