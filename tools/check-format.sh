#!/usr/bin/env bash
# Checks that the C sources are formatted as .clang-format says (make format fixes them), one
# result per file, ending with "N passed, N failed". The formatter is pinned: clang-format-19,
# Debian bookworm's, the same LLVM as the toolchain (tools/test-deps.sh installs it).
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format-19 >/dev/null || { echo "clang-format-19 is missing: run tools/test-deps.sh"; exit 1; }
passed=0 failed=0
for f in src/core/*.c src/core/*.h tests/ext/*.c tests/ext/*.cpp; do
    [ -e "$f" ] || continue
    n=$(clang-format-19 --style=file --dry-run "$f" 2>&1 | grep -c 'warning:')
    if [ "$n" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "not formatted: $f ($n places; run 'make format')"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
