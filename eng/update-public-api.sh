#!/usr/bin/env bash
# Brings each shipped project's PublicAPI.Unshipped.txt in line with its public API: builds, then adds the symbols
# RS0016 reports as undeclared and removes the lines RS0017 reports as gone. Review the diff before committing.
#   eng/update-public-api.sh [path/to/Project.csproj ...]   (default: every packable project under src/)
set -euo pipefail
cd "$(dirname "$0")/.."

projects=("$@")
if [ "${#projects[@]}" -eq 0 ]; then
  while IFS= read -r p; do projects+=("$p"); done < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj)
fi

for project in "${projects[@]}"; do
  dir="$(dirname "$project")"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || printf '#nullable enable\n' > "$unshipped"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  log="$(mktemp)"
  dotnet build "$project" -c Release -p:TreatWarningsAsErrors=false > "$log" 2>&1 || true
  added="$(grep -o "RS0016: Symbol '.*' is not part of the declared public API" "$log" \
    | sed "s/^RS0016: Symbol '\(.*\)' is not part of the declared public API$/\1/" | sort -u || true)"
  removed="$(grep -o "RS0017: Symbol '.*' is part of the declared API" "$log" \
    | sed "s/^RS0017: Symbol '\(.*\)' is part of the declared API$/\1/" | sort -u || true)"
  rm -f "$log"
  if [ -n "$removed" ]; then
    grep -vxF -f <(printf '%s\n' "$removed") "$unshipped" > "$unshipped.tmp" || true
    mv "$unshipped.tmp" "$unshipped"
  fi
  if [ -n "$added" ]; then
    { head -n 1 "$unshipped"; { tail -n +2 "$unshipped"; printf '%s\n' "$added"; } | sort -u; } > "$unshipped.tmp"
    mv "$unshipped.tmp" "$unshipped"
  fi
  echo "$project: $(printf '%s' "$added" | grep -c . || true) added, $(printf '%s' "$removed" | grep -c . || true) removed"
done
