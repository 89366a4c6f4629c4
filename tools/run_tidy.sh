#!/usr/bin/env bash
# clang-tidy (.clang-tidy) on every public header, each alone in its own translation unit
# (no compile database needed): core headers with the core contract's flags, host headers
# (io.hpp, tensor/) without -fno-exceptions.
#   tools/run_tidy.sh              fail on any finding not in tools/tidy_baseline.txt
#   tools/run_tidy.sh --baseline   rewrite tools/tidy_baseline.txt with today's findings
# A baseline line is "file|check|source line, trimmed": a known finding survives edits
# elsewhere in the file, and goes stale (reported) once its line is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tidy=${CLANG_TIDY:-clang-tidy}
baseline=tools/tidy_baseline.txt
if ! command -v "$tidy" >/dev/null; then
  echo "run_tidy: $tidy not found (bash .ci/install-deps.sh installs it)" >&2
  exit 1
fi
update=0
[ "${1:-}" = "--baseline" ] && update=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/core" "$work/host"
count=0
while IFS= read -r header; do
  id=${header#floatlab/}
  id=${id//\//_}
  kind=core
  [[ $header =~ ^floatlab/(io\.hpp|tensor/) ]] && kind=host
  printf '#include <%s>\n' "$header" > "$work/$kind/${id%.hpp}.cpp"
  count=$((count + 1))
done < <(cd include && find floatlab -name '*.hpp' | sort)

common=(-std=c++17 -I"$root/include" -fno-rtti -Wall -Wextra)
# run <kind> <flags...>: clang-tidy on each translation unit of <kind>, nproc at a time.
run() {
  local kind=$1
  shift
  find "$work/$kind" -name '*.cpp' -print0 |
    xargs -0 -r -P "$(nproc)" -I{} bash -c \
      '"$0" --quiet --config-file="$1" "$2" -- "${@:3}" > "$2.out" 2>&1; echo $? > "$2.rc"' \
      "$tidy" "$root/.clang-tidy" {} "$@"
}
run core "${common[@]}" -fno-exceptions
run host "${common[@]}"

# Findings: "path:line:col: warning|error: message [check]", once each (headers are seen by
# several translation units).
found=$work/found.txt
: > "$found"
{ cat "$work"/*/*.out | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' || true; } | sort -u |
  while IFS= read -r diag; do
    path=${diag%%:*}
    rest=${diag#*:}
    line=${rest%%:*}
    check=$(sed -nE 's/.*\[([^]]+)\]$/\1/p' <<<"$diag")
    [ -n "$check" ] || check=clang-diagnostic
    [[ $diag == *": error: "* ]] && check="error:$check"
    file=$(realpath -m --relative-to="$root" "$path")
    text=$(sed -n "${line}p" "$file" 2>/dev/null | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//')
    printf '%s|%s|%s\t%s:%s: %s\n' "$file" "$check" "$text" "$file" "$line" "${diag#*: }"
  done | sort -u -t$'\t' -k1,1 > "$found"

if ((update)); then
  {
    echo "# Known clang-tidy findings in include/ (tools/run_tidy.sh --baseline writes this file)."
    echo "# file|check|source line. Fix the code and delete the line; never add lines for new code."
    cut -f1 "$found"
  } > "$baseline"
  echo "run_tidy: wrote $(wc -l < "$found") findings to $baseline"
  exit 0
fi

new=0 known=0
# clang-tidy exits non-zero on compile errors (reported below as findings) and on crashes.
for rc in "$work"/*/*.rc; do
  if [ "$(cat "$rc")" != 0 ] && ! grep -q ': error: ' "${rc%.rc}.out"; then
    echo "run_tidy: clang-tidy failed on $(head -1 "${rc%.rc}"):"
    tail -20 "${rc%.rc}.out"
    new=$((new + 1))
  fi
done
while IFS=$'\t' read -r key where; do
  if [ -f "$baseline" ] && grep -Fxq -- "$key" "$baseline"; then
    known=$((known + 1))
  else
    echo "run_tidy: NEW $where"
    new=$((new + 1))
  fi
done < "$found"
stale=0
cut -f1 "$found" > "$work/keys.txt"
if [ -f "$baseline" ]; then
  while IFS= read -r key; do
    [[ -z $key || $key == \#* ]] && continue
    if ! grep -Fxq -- "$key" "$work/keys.txt"; then
      echo "run_tidy: fixed (delete from $baseline): $key"
      stale=$((stale + 1))
    fi
  done < "$baseline"
fi
echo "run_tidy: $count headers, $known known findings (tools/tidy_baseline.txt), $new new, $stale fixed"
((new == 0))
