#!/usr/bin/env bash
# Runs samples/Script/Futured.Script.fsx from a fresh clone: packs Futured.FSharp into artifacts/packages
# with a version stamped by the time (so the script never picks up an older pack from the package cache),
# then runs the script with dotnet fsi, which finds that folder through samples/Script/NuGet.config.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp="$(date -u +%Y%m%d%H%M%S)"
dotnet pack src/Futured.FSharp -c Release -o artifacts/packages -p:Version="0.1.0-script.${stamp}" --nologo -v quiet
dotnet fsi --quiet samples/Script/Futured.Script.fsx
