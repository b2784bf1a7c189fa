#!/usr/bin/env bash
# Runs every test suite (make test) and ends with one line totalling them: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
eval "$(sed -n "s/^\([A-Z_]*\) := \(.*\)/\1=\2/p" build/paths.mk)"
log=$(mktemp -d)
start=$(date +%s)
passed=0 failed=0 status=0

suite() {
    local name=$1; shift
    echo "=== $name"
    "$@" 2>&1 | tee "$log/$name"
    local rc=${PIPESTATUS[0]}
    local p f
    # node --test prints "# pass N" / "# fail N"; the Python runners print "N passed, N failed".
    p=$(grep -oP '^(# pass |ℹ pass )\K\d+' "$log/$name" | tail -1)
    f=$(grep -oP '^(# fail |ℹ fail )\K\d+' "$log/$name" | tail -1)
    if [ -z "$p" ]; then
        p=$(grep -oP '^\d+(?= passed, \d+ failed)' "$log/$name" | tail -1)
        f=$(grep -oP '^\d+ passed, \K\d+(?= failed)' "$log/$name" | tail -1)
    fi
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] || [ -z "$p" ]; then
        status=1
        [ -n "$f" ] && [ "$f" -gt 0 ] || failed=$((failed + 1))
        echo "!!! $name failed (exit $rc)"
    fi
}

suite format tools/check-format.sh
suite tools node --test --test-reporter=tap tests/tools/
suite js node --test --test-reporter=tap tests/js/
suite ext node --test --test-reporter=tap tests/ext/
suite core node --test --test-reporter=tap tests/core/
# (core runs on dist/'s default snapshot; this, on a snapshot of a runtime that imported more.
# SANGAM_NO_SNAPSHOT=1 runs any suite on Python's own start-up.)
suite core-snapshot env SANGAM_FFI_IMPL=sangam-snapshot node --test --test-reporter=tap tests/core/
suite robustness node --test --test-reporter=tap tests/fuzz/
suite npm node --test --test-reporter=tap tests/npm/
suite console node --test --test-reporter=tap tests/console/
suite docs node --test --test-reporter=tap tests/docs/
suite browser node --test --test-reporter=tap tests/browser/
suite packages node --test --test-reporter=tap tests/packages/
suite py bin/sangam tests/py/run.py
suite packages-py node tests/packages/run-py.mjs
suite buildtool node --test --test-reporter=tap tests/buildtool/
suite cpython "$PY_NATIVE/bin/python3.13" tests/cpython/run.py --lib "$PY_SRC/Lib" --quick
rm -rf "$log"
echo
echo "all suites took $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
exit $status
