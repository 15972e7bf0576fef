#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpcctl as a user runs it, where no module is needed: options,
# --help, the version, and the command lines refused before the tool asks
# the kernel anything (key files, unknown names, forms that exclude each
# other).  One "ok"/"not ok" line per check, then "ctl: N passed, N failed".
set -u
ctl=${1:-rdmarpcctl/rdmarpcctl}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0
key=5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a

report() { # ok? description
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		pass=$((pass + 1))
		echo "ok $n - $2"
	else
		fail=$((fail + 1))
		echo "not ok $n - $2"
	fi
}

# expect RC PATTERN DESCRIPTION -- ARGS...: exit status RC and PATTERN
# (grep -E) in stdout and stderr; stdin from $stdin if set.
expect() {
	want=$1 pat=$2 what=$3
	shift 4
	"$ctl" "$@" < "${stdin:-/dev/null}" > "$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$tmp/out"; then
		report 1 "$what"
	else
		echo "# exit $rc, wanted $want and /$pat/:"
		sed 's/^/#   /' "$tmp/out"
		report 0 "$what"
	fi
}

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
expect 0 "^rdmarpcctl $version\$" "-V prints dkms.conf's version" -- -V
expect 0 "^rdmarpcctl $version\$" "--version too" -- --version
expect 2 "unknown option '-x'" "an unknown option: usage" -- -x

# --help names every option and every command's arguments.
"$ctl" --help > "$tmp/help" 2>&1
good=1
for w in -j --json -p --pretty -V --version -h --help -P --prometheus \
	 --count --timeout psk-file "show \[NAME\]" "show \[ID\]" \
	 "show \[PARAM\]" "show \[DEV\]" loopback monitor "set PARAM"; do
	grep -Eq -- "$w" "$tmp/help" || { echo "# --help lacks $w"; good=0; }
done
report $good "--help lists every option and command"
"$ctl" help peer > "$tmp/peer" 2>&1
grep -q 'psk-file PATH' "$tmp/peer" && grep -q 'standard input' "$tmp/peer"
report $((1 - $?)) "help peer says where the key comes from"

# The key: never from the command line.
expect 2 "psk-file PATH.*psk-file -" "psk HEX: refused, pointing to psk-file" \
	-- peer add b 10.0.0.2 psk "$key"
printf '%s\n' "$key" > "$tmp/key"
chmod 644 "$tmp/key"
expect 2 "group or others" "a key file others may read: refused" \
	-- peer add b 10.0.0.2 psk-file "$tmp/key"
chmod 640 "$tmp/key"
expect 2 "group or others" "a key file its group may read: refused" \
	-- peer add b 10.0.0.2 psk-file "$tmp/key"
stdin=$tmp/key expect 2 "group or others" \
	"the same file on standard input: refused" \
	-- peer add b 10.0.0.2 psk-file -
chmod 600 "$tmp/key"
printf '%s\n' "${key}aa" > "$tmp/long"
chmod 600 "$tmp/long"
expect 2 "not a key.*64 hex digits" "a key file with 66 digits: refused" \
	-- peer add b 10.0.0.2 psk-file "$tmp/long"
: > "$tmp/empty"
chmod 600 "$tmp/empty"
stdin=$tmp/empty expect 2 "'-': empty" "an empty standard input: refused" \
	-- peer add b 10.0.0.2 psk-file -
expect 1 "No such file" "a key file that does not exist" \
	-- peer add b 10.0.0.2 psk-file "$tmp/none"
expect 2 "given twice" "psk-file twice" \
	-- peer add b 10.0.0.2 psk-file "$tmp/key" psk-file "$tmp/key"
# A good key goes on to the kernel: past the parsing whatever happens
# there.  Not where the module is loaded: that would add the peer.
if [ -d /sys/module/rdmarpc ]; then
	n=$((n + 2))
	echo "ok $((n - 1)) - a 0600 key file is taken # SKIP the module is loaded"
	echo "ok $n - a key piped to psk-file - is taken # SKIP the module is loaded"
else
	"$ctl" peer add b 10.0.0.2 psk-file "$tmp/key" > "$tmp/out" 2>&1
	rc=$?
	[ $rc != 2 ] && ! grep -q psk-file "$tmp/out"
	report $((1 - $?)) "a 0600 key file is taken (exit $rc: the kernel's answer)"
	printf '  %s  \n\n' "$key" | "$ctl" peer add b 10.0.0.2 psk-file - \
		> "$tmp/out" 2>&1
	rc=$?
	[ $rc != 2 ] && ! grep -q psk-file "$tmp/out"
	report $((1 - $?)) "a key piped to psk-file - is taken (exit $rc)"
fi

# Names and forms refused before the kernel is asked.
expect 2 "unknown parameter 'nope'" "param show of an unknown parameter" \
	-- param show nope
expect 2 "invalid session id" "session show of no number" \
	-- session show zz
expect 2 "-P and -j" "stats -P with -j: refused" -- -j stats -P
expect 2 "Usage: .* stats" "stats with an unknown word" -- stats --nope
expect 2 "Usage: .* peer" "peer show with two names" -- peer show a b

echo "ctl: $pass passed, $fail failed"
[ "$fail" = 0 ]
