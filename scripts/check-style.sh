#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-style.sh - the mechanical part of the style rules (conventions 7.3,
# 7.9), run by `make lint`:
#   - every .c/.h opens with an SPDX-License-Identifier line;
#   - no trailing whitespace in any text file;
#   - library code (mm lib block drivers fs sim) calls none of strcpy strcat
#     sprintf vsprintf strtok atoi atol gets;
#   - nothing #includes a .c file.
# Files are those git knows or would add (so build output is skipped).
# Prints every problem as FILE:LINE: message and exits 1 if there was one.
set -euo pipefail

cd "$(dirname "$0")/.."

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files --cached --others --exclude-standard | sort -u)
else
	mapfile -t files < <(find . -path ./build -prune -o -path ./.git -prune -o \
		-type f -print | sed 's|^\./||' | sort)
fi

problems=0
report() {
	echo "$1"
	problems=$((problems + 1))
}

for f in "${files[@]}"; do
	[ -f "$f" ] || continue		# deleted but still in the index
	case "$f" in
	*.c | *.h)
		if ! head -n 1 "$f" | grep -q 'SPDX-License-Identifier:'; then
			report "$f:1: first line is not an SPDX-License-Identifier line"
		fi
		;;
	esac
	if grep -Iq . "$f"; then
		while IFS= read -r hit; do
			report "$f:${hit%%:*}: trailing whitespace"
		done < <(grep -n '[[:blank:]]$' "$f" || true)
	fi
done

forbidden='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)[[:space:]]*\('
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	case "$f" in
	mm/*.[ch] | lib/*.[ch] | block/*.[ch] | drivers/*.[ch] | drivers/*/*.[ch] | \
	fs/*.[ch] | fs/*/*.[ch] | sim/*.[ch]) ;;
	*) continue ;;
	esac
	# Comment lines may name the calls they avoid.
	while IFS= read -r hit; do
		line=${hit%%:*}
		text=${hit#*:}
		if [[ "$text" =~ ^[[:space:]]*(/\*|\*|//) ]]; then
			continue
		fi
		report "$f:$line: forbidden call: $(grep -oE "$forbidden" <<<"$text" | head -n 1)"
	done < <(grep -nE "$forbidden" "$f" || true)
done

for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	case "$f" in
	*.c | *.h) ;;
	*) continue ;;
	esac
	while IFS= read -r hit; do
		report "$f:${hit%%:*}: #include of a .c file"
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]*\.c[>"]' "$f" || true)
done

if [ "$problems" -ne 0 ]; then
	echo "check-style: $problems problem(s)"
	exit 1
fi
echo "check-style: ${#files[@]} files ok"
