#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages in doc/man: each renders without a warning (man
# --warnings, as lintian runs it), and each page in the table below
# documents what it must:
#   options  every option (-x, --long-option) the command's output names:
#            a tool's --help
#   phrases  every line the command prints, as a phrase of the rendered
#            page: the library's functions, the module's parameters
#            (with range and default, as modinfo gives them), its counters
# The commands run from the top of the tree, with the tools built.  A row
# whose page does not exist yet is skipped; a page in no row is still
# checked for warnings.
#
# Usage: man-check.sh              check doc/man
#        man-check.sh --self-test  the check fails a page with an
#                                  undocumented option, a missing phrase,
#                                  a roff warning
#        man-check.sh --symbols | --params | --counters
#                                  the phrases of librdmarpc.3, rdmarpc.4

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
SELF=$TOP/scripts/man-check.sh

# page|kind|command
TABLE=(
	"rdmarpc-bench.1|options|tools/bench/rdmarpc-bench --help"
	"rdmarpc-sim.1|options|tools/rdmarpc-sim --help"
	"rdmarpcctl.8|options|tools/rdmarpcctl/rdmarpcctl --help; for c in dev peer session stats param set loopback monitor; do tools/rdmarpcctl/rdmarpcctl \$c --help; done"
	"librdmarpc.3|phrases|$SELF --symbols"
	"rdmarpc.4|phrases|$SELF --params; $SELF --counters"
)

# Every function the libraries export (their version scripts), as the
# page writes it: name().
symbols() {
	sed -n 's/^[[:space:]]*\(rdmarpc_[a-z0-9_]*\);.*/\1()/p' \
		"$TOP/ulib/librdmarpc.map" "$TOP/ulib/protobuf/librdmarpc-protobuf.map"
}

# Every parameter as modinfo describes its values: name (range; default).
params() {
	"$TOP/scripts/abi-table.sh" params |
		while IFS='|' read -r name _ _ def min max zero _; do
			range="$min..$max"
			[ "$zero" = true ] && range="0 or $range"
			echo "$name ($range; default $def)"
		done
}

# Every counter, by the name rdmarpcctl and the library give it.
counters() {
	"$TOP/scripts/abi-table.sh" counters | cut -d' ' -f2 | sort -u
}

# The page as text on long lines, without hyphenation or emphasis.
render() {
	groff -man -Tascii -rLL=250n -rHY=0 -P-c -P-b -P-u -P-o "$1" 2> /dev/null |
		sed 's/[[:space:]][[:space:]]*/ /g'
}

# What man --warnings says about the page, as lintian asks it.
warnings() {
	# shellcheck disable=SC2069 # its stderr only: stdout is dropped
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 > /dev/null
}

# check_page PAGE KIND COMMAND: prints what is wrong, fails if anything.
check_page() {
	local page=$1 kind=$2 cmd=$3 text out want bad=0 opt

	text=$(render "$page")
	out=$(cd "$TOP" && bash -c "$cmd" 2>&1)
	case $kind in
	options)
		want=$(grep -oE -- '(^|[][ (|,])--?[[:alpha:]][[:alnum:]-]*' <<< "$out" |
			sed 's/^[][ (|,]//' | sort -u)
		[ -n "$want" ] || {
			echo "$page: '$cmd' names no option"
			return 1
		}
		for opt in $want; do
			grep -qE -- "(^|[^[:alnum:]-])$opt([^[:alnum:]-]|\$)" <<< "$text" || {
				echo "$page: $opt is not documented"
				bad=1
			}
		done
		;;
	phrases)
		[ -n "$out" ] || {
			echo "$page: '$cmd' printed nothing"
			return 1
		}
		while IFS= read -r want; do
			grep -qF -- "$want" <<< "$text" || {
				echo "$page: no \"$want\""
				bad=1
			}
		done <<< "$out"
		;;
	*)
		echo "$page: unknown kind $kind"
		return 1
		;;
	esac
	return $bad
}

# check_dir DIR ROW...: every page of DIR, and the rows' checks.
check_dir() {
	local dir=$1 row page kind cmd w bad=0 n=0
	shift

	for page in "$dir"/*.[1-8]; do
		[ -e "$page" ] || continue
		n=$((n + 1))
		w=$(warnings "$page")
		[ -z "$w" ] || {
			printf '%s: man --warnings:\n%s\n' "$page" "$w"
			bad=1
		}
	done
	for row in "$@"; do
		page=${row%%|*}
		row=${row#*|}
		kind=${row%%|*}
		cmd=${row#*|}
		[ -e "$dir/$page" ] || {
			echo "man-check: $page: not written yet, skipped"
			continue
		}
		check_page "$dir/$page" "$kind" "$cmd" || bad=1
	done
	[ $bad -eq 0 ] && echo "man-check: $n pages clean"
	return $bad
}

self_test() {
	local t rc
	t=$(mktemp -d)
	# shellcheck disable=SC2064 # $t is fixed now
	trap "rm -rf '$t'" EXIT
	printf '%s\n' '#!/bin/sh' 'echo "usage: tool [-v] [--level N] [--planted-option]"' \
		> "$t/tool"
	chmod +x "$t/tool"
	printf '%s\n' '.TH TOOL 1' '.SH NAME' 'tool \- a tool' '.SH OPTIONS' \
		'.TP' '.B \-v' 'Verbose.' '.TP' '.BI \-\-level " N"' 'The level.' \
		'.SH SEE ALSO' 'phrase one, phrase two' > "$t/tool.1"
	check_dir "$t" "tool.1|options|$t/tool" > "$t/out"
	rc=$?
	if [ $rc -eq 0 ] || ! grep -q -- '--planted-option is not documented' "$t/out"; then
		echo "man-check: a planted undocumented option was not found" >&2
		return 1
	fi
	printf '%s\n' '.TP' '.B \-\-planted\-option' 'Planted.' >> "$t/tool.1"
	check_dir "$t" "tool.1|options|$t/tool" "tool.1|phrases|echo 'phrase two'" \
		> "$t/out" || {
		echo "man-check: a documented option failed the check:" >&2
		cat "$t/out" >&2
		return 1
	}
	if check_dir "$t" "tool.1|phrases|echo 'phrase three'" > /dev/null; then
		echo "man-check: a missing phrase was not found" >&2
		return 1
	fi
	echo '.XX an unknown macro' >> "$t/tool.1"
	if check_dir "$t" > /dev/null; then
		echo "man-check: a page with a roff warning passed" >&2
		return 1
	fi
	echo "man-check: self-test ok"
}

case "${1:-}" in
--self-test) self_test ;;
--symbols) symbols ;;
--params) params ;;
--counters) counters ;;
"") check_dir "$TOP/doc/man" "${TABLE[@]}" ;;
*)
	echo "usage: $0 [--self-test | --symbols | --params | --counters]" >&2
	exit 2
	;;
esac
