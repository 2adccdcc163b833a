#!/usr/bin/env bash
# End-to-end figures: whole `decree` processes over many generated cases of the telegram policy,
# in each input format (YAML, JSON Lines, CSV) and each output mode, timed with /usr/bin/time -v
# (wall time, peak memory), printed as a Markdown table. A benchmark, not a test: run it by hand
# on a quiet machine.
#
#   bench/end_to_end.sh                      # 100,000 and 1,000,000 cases, build/cli/decree
#   SIZES="10000" bench/end_to_end.sh        # other sizes
#   DECREE=/path/to/decree bench/end_to_end.sh
#   MODES="--brief|--summary" bench/end_to_end.sh   # some output modes only (| separates them;
#                                            # `text` is run's default, `validate` the command)
#   TASKSET= bench/end_to_end.sh             # not pinned to one core (default: taskset -c 1)
#   LIMIT=120 bench/end_to_end.sh            # seconds before a run is stopped (default 600)
#   MEASURE=instructions SIZES=3000 bench/end_to_end.sh
#                                            # instructions executed (valgrind's callgrind) instead
#                                            # of time: the same count on a busy machine as on a
#                                            # quiet one, to compare two builds; about 50 times slower
#
# The cases are written to a temporary folder, removed at the end. A run that fails or is
# stopped is shown with its exit status.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
decree=${DECREE:-$root/build/cli/decree}
policy=$root/policies/telegram-1956.decree
sizes=${SIZES:-"100000 1000000"}
limit=${LIMIT:-600}
formats=${FORMATS:-"yaml jsonl csv"}
IFS='|' read -r -a modes <<< "${MODES:---brief|--summary|--format jsonl|--format json|text|validate}"
# One core, as the figures are stated (TASKSET= to use the machine as it is).
read -r -a pin <<< "${TASKSET-taskset -c 1}"
command -v "${pin[0]:-true}" > /dev/null || pin=()

[ -x "$decree" ] || { echo "end_to_end: no decree at $decree (build it, or set DECREE)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "end_to_end: needs /usr/bin/time (Debian's time package)" >&2; exit 2; }
measure=${MEASURE:-time}
case $measure in
  time) ;;
  instructions) command -v valgrind > /dev/null ||
                  { echo "end_to_end: MEASURE=instructions needs valgrind (scripts/setup installs it)" >&2; exit 2; } ;;
  *) echo "end_to_end: MEASURE is time or instructions, not '$measure'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/decree-end-to-end.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Cases of the telegram policy: every fact, each known or left unknown at random (a fixed seed,
# so every run times the same cases), in the three formats with the same content.
generate() {
  local n=$1
  /usr/bin/python3 - "$n" "$tmp" <<'PY'
import json, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1956)
reasons = ["illness", "family", "schooling", "employment", "misdemeanors", "political_criticism",
           "other_reasons"]
# Every fact of the telegram policy but the set stated_reasons, which a CSV row cannot hold
# (docs/case-files.md), so that the three files say the same.
facts = [
    ("soviet_citizen", [True, False]), ("ethnicity", ["korean", "other"]),
    ("left_for_permanent_work", [True, False]),
    ("request", ["return_to_ussr", "convert_to_dprk", "dual_citizenship", "temporary_trip",
                 "release_from_dprk_citizenship", "restore_soviet_citizenship", "send_back_to_dprk",
                 "none"]),
    ("requested_by", ["the_person", "korean_side", "soviet_side"]),
    ("converted_to_dprk", [True, False]),
    ("friends_position", ["agree", "do_not_object", "object"]), ("misdemeanor", [True, False]),
    ("fears_difficulties", [True, False]), ("justified", [True, False]),
    ("recorded_reason", reasons), ("named_request", [True, False]),
    ("exceptional_misdemeanant", [True, False]),
]
names = [f for f, _ in facts]
def word(v):
    return ("true" if v else "false") if isinstance(v, bool) else v
with open(f"{out}/cases-{n}.yaml", "w") as y, open(f"{out}/cases-{n}.jsonl", "w") as j, \
     open(f"{out}/cases-{n}.csv", "w") as c:
    y.write("cases:\n")
    c.write("id," + ",".join(names) + "\n")
    for i in range(n):
        case = {}
        for name, values in facts:
            if rng.random() < 0.85:
                case[name] = rng.choice(values)
        cid = f"case-{i:07d}"
        y.write(f"  - id: {cid}\n    facts:\n")
        for k, v in case.items():
            y.write(f"      {k}: {word(v)}\n")
        if not case:
            y.write("      {}\n")
        j.write(json.dumps({"id": cid, "facts": case}, separators=(",", ":")) + "\n")
        c.write(cid + "," + ",".join(word(case[k]) if k in case else "" for k in names) + "\n")
PY
}

echo "decree: $decree ($("$decree" --version 2>/dev/null || echo '?'))"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
if [ "$measure" = instructions ]; then
  echo "| cases | input | output | instructions | per case | exit |"
  echo "|---:|---|---|---:|---:|---:|"
else
  echo "| cases | input | output | wall (s) | peak memory (MB) | cases/s | exit |"
  echo "|---:|---|---|---:|---:|---:|---:|"
fi
for n in $sizes; do
  generate "$n"
  for format in $formats; do
    file=$tmp/cases-$n.$format
    for mode in "${modes[@]}"; do
      args=(run)  # MODE is options of `decree run`; `text` none; `validate` the command itself
      if [ "$mode" = validate ]; then args=(validate)
      elif [ "$mode" != text ]; then read -r -a more <<< "$mode"; args+=("${more[@]}"); fi
      if [ "$measure" = instructions ]; then
        set +e
        timeout "$limit" valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" \
          "$decree" "${args[@]}" "$policy" "$file" > /dev/null 2> "$tmp/stderr.txt"
        status=$?
        set -e
        count=$(awk '/Collected :/ {print $NF}' "$tmp/stderr.txt")
        each=$(awk -v n="$n" -v c="$count" 'BEGIN { if (c + 0 > 0) printf "%.0f", c / n; else print "-" }')
        printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$format" "$mode" "${count:--}" "$each" "$status"
        continue
      fi
      set +e
      timeout "$limit" /usr/bin/time -v -o "$tmp/time.txt" "${pin[@]}" "$decree" "${args[@]}" "$policy" "$file" \
        > /dev/null 2> "$tmp/stderr.txt"
      status=$?
      set -e
      wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time.txt" 2>/dev/null |
             awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
      rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp/time.txt" 2>/dev/null)
      [ "$status" -eq 124 ] && wall="> $limit"
      rate=$(awk -v n="$n" -v w="$wall" -v s="$status" 'BEGIN { if (s == 0 && w + 0 > 0) printf "%.0f", n / w; else print "-" }')
      printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$format" "$mode" "${wall:--}" "${rss:--}" "$rate" "$status"
    done
  done
  rm -f "$tmp"/cases-"$n".*
done
