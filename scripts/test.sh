#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest), then builds
# the example plugins out of tree against the installed SDK, as a plugin's
# author would.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j2 "$@"

# The SDK check: install into a temporary prefix, find ptrack-plugin through
# pkg-config (PKG_CONFIG_PATH) or as a CMake package (CMAKE_PREFIX_PATH),
# nothing of the source tree, build each example plugin of examples/ in a
# directory of its own, and check that each module exports the entry point
# and nothing else of its own; then that the CMake package refuses an ABI it
# is not (a later minor, another major).
sdk="$(mktemp -d "${TMPDIR:-/tmp}/ptrack-sdk.XXXXXX")"
trap 'rm -rf "$sdk"' EXIT
cmake --install . --prefix "$sdk/prefix" >/dev/null
pcdir="$(dirname "$(find "$sdk/prefix" -name ptrack-plugin.pc | head -n 1)")"
[ -f "$pcdir/ptrack-plugin.pc" ] || { echo "sdk: ptrack-plugin.pc was not installed" >&2; exit 1; }
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
for example in notify-file import-oa export-duban; do
    name="${example//-/_}" # examples/import-oa builds import_oa.so
    cmake -S "$root/examples/$example" -B "$sdk/$example" -DCMAKE_PREFIX_PATH="$sdk/prefix" >/dev/null
    cmake --build "$sdk/$example"
    so="$sdk/$example/$name.so"
    exported="$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' || true)"
    if [ "$exported" != "ptrack_plugin_entry" ]; then
        echo "sdk: $name.so should export ptrack_plugin_entry only, exports: $exported" >&2
        exit 1
    fi
    echo "sdk: examples/$example built out of tree against $sdk/prefix"
done
abi="$(pkg-config --variable=abi_version ptrack-plugin)"
for want in "${abi%.*}.$((${abi#*.} + 1))" "$((${abi%.*} + 1)).0"; do
    mkdir -p "$sdk/want-$want"
    printf 'cmake_minimum_required(VERSION 3.18)\nproject(p LANGUAGES C)\nfind_package(ptrack-plugin %s REQUIRED)\n' \
        "$want" >"$sdk/want-$want/CMakeLists.txt"
    if cmake -S "$sdk/want-$want" -B "$sdk/want-$want/build" -DCMAKE_PREFIX_PATH="$sdk/prefix" \
        >/dev/null 2>&1; then
        echo "sdk: find_package(ptrack-plugin $want) took the SDK of ABI $abi" >&2
        exit 1
    fi
done
echo "sdk: the CMake package of ABI $abi refuses a later minor and another major"
