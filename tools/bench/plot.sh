#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compare.sh's JSON report as pictures (gnuplot, PNG):
#   latency-cdf.png          the round-trip CDFs of its "cdf", one curve per
#                            series (rdmarpc's tiers, raw UD verbs, RDS,
#                            TCP), microseconds on a log scale
#   rate-vs-concurrency.png  rdmarpc's calls/s against concurrency (its
#                            "sweep"), with p50 and p99 on the right-hand
#                            axis and the raw UD message rate (ib_send_bw
#                            -s 64, its "baseline") as a reference line
#
# usage: tools/bench/plot.sh COMPARE.JSON OUTDIR
#
# Whatever the report lacks (a series not measured or failed, a sweep point
# that failed, a report older than the distributions) is left out with a
# note on stderr; a picture with nothing to draw is not made, and an older
# file of its name in OUTDIR is removed.  Needs gnuplot (Debian:
# gnuplot-nox) and python3.
# Exit status: 0 the pictures were made or left out with a note, 1 the
# report cannot be read or a picture could not be made, 2 usage.
set -uo pipefail

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

die() {
	echo "plot.sh: $*" >&2
	exit 1
}

note() { echo "plot.sh: note: $*" >&2; }

case "${1:-}" in
-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
[ $# -eq 2 ] || usage
json=$1 outdir=$2

command -v gnuplot > /dev/null 2>&1 ||
	die "gnuplot not found: install it (apt-get install gnuplot-nox; selftests/vm.sh deps installs it)"
command -v python3 > /dev/null 2>&1 ||
	die "python3 not found: install it (apt-get install python3)"
if [ ! -f "$json" ] || [ ! -r "$json" ]; then
	die "cannot read $json"
fi
mkdir -p "$outdir" || die "cannot create $outdir"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rdmarpc-plot.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT

# The report's data, one file per curve in $WORK, and a list on stdout,
# tab-separated:
#   title TEXT               what run this was
#   cdf FILE LABEL           a CDF: "us fraction" lines
#   sweep FILE LAT           "concurrency calls/s p50 p99" lines ("?":
#                            none); LAT 1 if any p50 or p99 is there
#   ref MSG/S                the raw UD message rate
# Notes go to stderr; a report that is not a JSON object exits 1.
extract() {
	python3 - "$json" "$WORK" <<'EOF'
import json, math, os, sys

path, work = sys.argv[1], sys.argv[2]

def note(msg):
    print("plot.sh: note: " + msg, file=sys.stderr)

def num(v):
    """A finite number, else None (JSON null, text, booleans)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None

try:
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
except (OSError, UnicodeDecodeError) as e:
    print(f"plot.sh: cannot read {path}: {e}", file=sys.stderr)
    sys.exit(1)
except ValueError as e:
    print(f"plot.sh: {path} is not JSON: {e}", file=sys.stderr)
    sys.exit(1)
if not isinstance(d, dict):
    print(f"plot.sh: {path} is not a compare.sh report (not a JSON object)",
          file=sys.stderr)
    sys.exit(1)

bits = [str(d[k]) for k in ("date", "kernel") if d.get(k)]
if d.get("mode"):
    bits.append(f"{d['mode']} host{'s' if d['mode'] == 'two' else ''}")
if "quick" in d:
    bits.append("quick run" if d["quick"] is True else "full run")
if d.get("tree"):
    bits.append(f"tree {d['tree']}")
print("title\t" + ", ".join(bits))

# Round-trip CDFs: the series compare.sh measures, in its order, then any
# other the report holds.
KNOWN = ["rdmarpc_sleep", "rdmarpc_busy", "ud_event", "ud_poll", "rds", "tcp"]
cdf = d.get("cdf")
labels = d.get("cdf_labels")
if not isinstance(labels, dict):
    labels = {}
if cdf is None:
    note("no \"cdf\" in the report (it predates the distributions): "
         "no latency CDF")
    cdf = {}
elif not isinstance(cdf, dict):
    note("\"cdf\" is not an object: no latency CDF")
    cdf = {}
else:
    for k in KNOWN:
        if k not in cdf:
            note(f"cdf series {k} is not in the report: left out")
for i, k in enumerate([k for k in KNOWN if k in cdf] +
                      [k for k in cdf if k not in KNOWN]):
    pts = cdf[k]
    if pts is None:
        note(f"cdf series {k} was not measured (null): left out")
        continue
    good = []
    if isinstance(pts, list):
        for p in pts:
            if not isinstance(p, list) or len(p) != 2:
                continue
            us, frac = num(p[0]), num(p[1])
            if us is not None and frac is not None and us > 0 and \
               0 <= frac <= 1:
                good.append((us, frac))
        if len(good) < len(pts):
            note(f"cdf series {k}: {len(pts) - len(good)} of {len(pts)} "
                 "points unusable (not [us>0, fraction 0..1]): left out")
    if not good:
        note(f"cdf series {k} has no usable points: left out")
        continue
    good.sort()
    fn = os.path.join(work, f"cdf{i}.dat")
    with open(fn, "w") as f:
        for us, frac in good:
            f.write(f"{us} {frac}\n")
    label = labels.get(k) if isinstance(labels.get(k), str) else k
    print(f"cdf\t{fn}\t{' '.join(label.split())}")

# The rate sweep.
sweep = d.get("sweep")
if sweep is None:
    note("no \"sweep\" in the report (it predates the sweep): "
         "no rate against concurrency")
    sweep = []
elif not isinstance(sweep, list):
    note("\"sweep\" is not a list: no rate against concurrency")
    sweep = []
elif not sweep:
    note("the sweep is empty (rdmarpc not measured): "
         "no rate against concurrency")
rows = []
for p in sweep:
    if not isinstance(p, dict):
        note(f"sweep entry {p!r} is not an object: left out")
        continue
    c, rate = num(p.get("concurrency")), num(p.get("calls_per_sec"))
    if c is None or c < 1 or rate is None:
        note(f"sweep point {p.get('concurrency')!r}: no calls/s "
             "(failed run): left out")
        continue
    lat = []
    for key in ("p50_us", "p99_us"):
        v = num(p.get(key))
        lat.append(repr(v) if v is not None and v > 0 else "?")
    rows.append((c, rate, lat))
if rows:
    rows.sort()
    fn = os.path.join(work, "sweep.dat")
    with open(fn, "w") as f:
        for c, rate, lat in rows:
            f.write(f"{c:g} {rate} {lat[0]} {lat[1]}\n")
    has_lat = any(v != "?" for _, _, lat in rows for v in lat)
    print(f"sweep\t{fn}\t{1 if has_lat else 0}")

# The raw UD message rate: the better of polling and CQ events.
bw = (d.get("baseline") or {}).get("ud_bw64") \
    if isinstance(d.get("baseline"), dict) else None
refs = []
if isinstance(bw, dict):
    refs = [v for v in (num(bw.get("poll_msg_per_sec")),
                        num(bw.get("event_msg_per_sec"))) if v]
if refs:
    print(f"ref\t{max(refs):.0f}")
elif rows:
    note("no ib_send_bw -s 64 message rate in the report: "
         "no reference line")
EOF
}

list=$(extract) || exit 1

title=
cdf_files=()
cdf_labels=()
sweep=
sweep_lat=0
ref=
while IFS=$'\t' read -r kind a b; do
	case "$kind" in
	title) title=$a ;;
	cdf) cdf_files+=("$a"); cdf_labels+=("$b") ;;
	sweep) sweep=$a sweep_lat=$b ;;
	ref) ref=$a ;;
	esac
done <<< "$list"

# A PNG terminal: cairo's if this gnuplot has it, else libgd's.
if gnuplot -e 'set terminal pngcairo' > /dev/null 2>&1; then
	TERM_PNG="pngcairo size 1000,700 font 'DejaVu Sans,11' noenhanced"
else
	TERM_PNG="png size 1000,700 noenhanced"
fi

# gq TEXT: TEXT as a gnuplot string.
gq() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}

# heading TEXT: a gnuplot title, TEXT over a line saying what run it was.
heading() {
	gq "$1"
	[ -z "$title" ] || printf '."\\n".%s' "$(gq "$title")"
}

# legend N: N entries in two columns under the plot, with room for them.
legend() {
	local rows=$((($1 + 1) / 2))
	echo "set bmargin $((rows + 6))"
	echo "set key at screen 0.5, screen 0.015 center bottom maxrows $rows box"
}

# render NAME SCRIPT: run a gnuplot script that draws OUTDIR/NAME.
render() {
	local png=$outdir/$1 err
	rm -f "$png"
	if ! err=$( { printf 'set terminal %s\nset output %s\n' \
		"$TERM_PNG" "$(gq "$png")"; printf '%s\n' "$2"; } |
		gnuplot 2>&1); then
		printf '%s\n' "$err" >&2
		die "gnuplot failed on $1"
	fi
	[ -s "$png" ] || die "gnuplot wrote no $png"
	echo "plot.sh: wrote $png"
}

# Line styles: rdmarpc's tiers solid and heavy, the baselines dashed.
COLOURS=("#0060ad" "#dd181f" "#2e8b57" "#9400d3" "#ff8c00" "#505050"
	"#00a0a0" "#a0522d")

if [ ${#cdf_files[@]} -gt 0 ]; then
	plots=()
	for i in "${!cdf_files[@]}"; do
		style="lw 3 dt 1"
		[[ ${cdf_labels[i]} == rdmarpc* ]] ||
			style="lw 2 dt $((2 + i % 4))"
		plots+=("$(gq "${cdf_files[i]}") using 1:2 with lines $style lc rgb '${COLOURS[i % ${#COLOURS[@]}]}' title $(gq "${cdf_labels[i]}")")
	done
	render latency-cdf.png "
set title $(heading "32-byte round trip, CDF")
set xlabel 'round trip (µs, log scale)'
set ylabel 'fraction of round trips at or below'
set logscale x 10
set format x '%g'
set yrange [0:1]
set ytics 0.1
set grid xtics mxtics ytics
$(legend ${#cdf_files[@]})
plot $(IFS=,; echo "${plots[*]}")"
else
	rm -f "$outdir/latency-cdf.png"
	note "no CDF series to draw: latency-cdf.png not made"
fi

if [ -n "$sweep" ]; then
	latplot="" refplot="" entries=1
	if [ "$sweep_lat" = 1 ]; then
		latplot=", '' using 1:3 axes x1y2 with linespoints lw 1.5 dt 3 pt 6 lc rgb '${COLOURS[1]}' title 'p50 (right axis)'"
		latplot+=", '' using 1:4 axes x1y2 with linespoints lw 1.5 dt 4 pt 4 lc rgb '${COLOURS[2]}' title 'p99 (right axis)'"
		entries=$((entries + 2))
	else
		note "the sweep has no p50/p99: rate only"
	fi
	if [ -n "$ref" ]; then
		refplot=", $ref with lines lw 2 dt 2 lc rgb '#505050' title $(gq "raw UD verbs, ib_send_bw -s 64: $ref msg/s")"
		entries=$((entries + 1))
	fi
	render rate-vs-concurrency.png "
set title $(heading "rdmarpc, 32-byte calls: rate against concurrency")
set xlabel 'calls in flight (log scale)'
set ylabel 'calls/s'
set y2label 'latency (µs, log scale)'
set logscale x 2
set logscale y2 10
set format x '%g'
set format y2 '%g'
set yrange [0:*]
set ytics nomirror
set y2tics
set datafile missing '?'
set grid xtics ytics
$(legend "$entries")
plot $(gq "$sweep") using 1:2 with linespoints lw 3 pt 7 lc rgb '${COLOURS[0]}' title 'calls/s'$latplot$refplot"
else
	rm -f "$outdir/rate-vs-concurrency.png"
	note "no sweep points to draw: rate-vs-concurrency.png not made"
fi
exit 0
