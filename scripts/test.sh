#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest), then builds
# the example plugin out of tree against the installed SDK, as a plugin's
# author would.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j2 "$@"

# The SDK check: install into a temporary prefix, find ptrack-plugin through
# pkg-config (PKG_CONFIG_PATH only, nothing of the source tree), build
# examples/notify-file in a directory of its own, and check that the module
# exports the entry point and nothing else of its own.
sdk="$(mktemp -d "${TMPDIR:-/tmp}/ptrack-sdk.XXXXXX")"
trap 'rm -rf "$sdk"' EXIT
cmake --install . --prefix "$sdk/prefix" >/dev/null
pcdir="$(dirname "$(find "$sdk/prefix" -name ptrack-plugin.pc | head -n 1)")"
[ -f "$pcdir/ptrack-plugin.pc" ] || { echo "sdk: ptrack-plugin.pc was not installed" >&2; exit 1; }
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cmake -S "$root/examples/notify-file" -B "$sdk/notify-file" >/dev/null
cmake --build "$sdk/notify-file"
so="$sdk/notify-file/notify_file.so"
exported="$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' || true)"
if [ "$exported" != "ptrack_plugin_entry" ]; then
    echo "sdk: notify_file.so should export ptrack_plugin_entry only, exports: $exported" >&2
    exit 1
fi
echo "sdk: examples/notify-file built out of tree against $sdk/prefix"
