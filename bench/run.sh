#!/usr/bin/env bash
# Reruns the whole benchmark suite (every BenchmarkDotNet class in bench/Futured.Benchmarks) and the
# memory-flatness program (which also runs the 10^7 bounded map against Dataflow and the first-result
# measurement in fresh processes), then writes the results section of docs/benchmarks.md, where every case is
# judged against its target in bench/targets.tsv (met / missed).
#
#   bash bench/run.sh              BenchmarkDotNet's medium job, full sizes; rewrites docs/benchmarks.md
#   bash bench/run.sh --short      dry job in process, small sizes; writes bench/artifacts/short/results.md only
#   bash bench/run.sh -- ARGS      ARGS replace the job switches given to BenchmarkDotNet (e.g. -- --job short)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
invocation="bash bench/run.sh${1+ $*}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

mode=full
job=(--job medium)
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short; job=(--job dry --inProcess); shift ;;
    --) shift; job=("$@"); break ;;
    *) echo "usage: bash bench/run.sh [--short] [-- BenchmarkDotNet switches]" >&2; exit 2 ;;
  esac
done

artifacts="$root/bench/artifacts/$mode"
rm -rf "$artifacts"
mkdir -p "$artifacts"

echo "== build (Release)"
dotnet build -c Release bench/Futured.Benchmarks -v quiet -nologo
dotnet build -c Release bench/Futured.MemoryFlatness -v quiet -nologo

echo "== BenchmarkDotNet: ${job[*]}"
# BenchmarkDotNet finds the project to rebuild for its own processes from the working directory.
(
  cd bench/Futured.Benchmarks
  dotnet bin/Release/net10.0/Futured.Benchmarks.dll --filter '*' "${job[@]}" \
    --exporters github --artifacts "$artifacts/bdn"
) | tee "$artifacts/benchmarks.log"

echo "== memory flatness"
flat_args=()
[ "$mode" = short ] && flat_args=(--short)
flat_args+=(--figures "$artifacts/figures.tsv")
set +e
dotnet bench/Futured.MemoryFlatness/bin/Release/net10.0/Futured.MemoryFlatness.dll "${flat_args[@]}" \
  > "$artifacts/memory.md"
flat_status=$?
set -e
cat "$artifacts/memory.md"

echo "== report"
{
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r) $(uname -m)"
  echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) logical cores available"
  echo "- .NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([^ ]*\).*/\1/p' | tail -n 1)"
  echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'), \`$invocation\` (BenchmarkDotNet switches \`${job[*]}\`)"
} > "$artifacts/machine.md"

if [ "$mode" = full ]; then target=docs/benchmarks.md; else target="$artifacts/results.md"; fi
dotnet fsi bench/report.fsx "$artifacts" bench/targets.tsv "$target"
echo "results written to $target"

if [ "$flat_status" -ne 0 ]; then
  echo "the memory-flatness program failed (exit $flat_status)" >&2
  exit "$flat_status"
fi
