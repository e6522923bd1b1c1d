#!/usr/bin/env bash
# Formats the C sources of the project with clang-format and the committed
# .clang-format, or, with --check, lists the files that differ from it and
# fails. The ctest style.clang_format runs the check.
#
#   bash scripts/format.sh [--check]
#
# Debian 12's clang-format (14) is the reference: another version may lay out
# the same code a little differently.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format.sh: clang-format is needed (apt-get install clang-format)" >&2; exit 2; }
mapfile -d '' files < <(find proposals core cli plugins include tests examples bench fuzz \
    -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
if [ "${1:-}" = --check ]; then
    bad=()
    for f in "${files[@]}"; do
        clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    if ((${#bad[@]})); then
        echo "format.sh: these files differ from .clang-format (run bash scripts/format.sh):" >&2
        printf '  %s\n' "${bad[@]}" >&2
        exit 1
    fi
    echo "format.sh: ${#files[@]} files follow .clang-format"
else
    clang-format -i "${files[@]}"
fi
