#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite: configure (once), build, then every meson test suite
# (unit, conformance, integration, fuzz-replay), then the fuzz corpora again
# under AddressSanitizer and UBSan. Prints a closing "N passed, N failed" line.
# With arguments (a suite or test name), only those run, in the main build.
set -euo pipefail
cd "$(dirname "$0")"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build
status=0
meson test -C build --print-errorlogs --num-processes 2 "$@" || status=$?
logs=build/meson-logs/testlog.json
if [ $# -eq 0 ]; then
    # Every fuzz corpus (seeds and past crashes) replayed once, no fuzzing, and
    # the engine's virtual-time test, under ASan+UBSan: any report aborts and
    # fails (tests/fuzz/README.md). A build of its own, at -O0, that compiles only
    # these and the libraries they link: the compile is most of its time.
    [ -f build-asan/build.ninja ] ||
        meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined \
            -Dc_args=-fno-sanitize-recover=all -Dman=disabled >/dev/null
    ninja -C build-asan fuzz-targets tests/test_engine
    meson test -C build-asan --no-rebuild --print-errorlogs --num-processes 2 \
        --suite fuzz-replay || status=$?
    meson test -C build-asan --no-rebuild --print-errorlogs --logbase enginelog \
        unit.engine || status=$?
    logs="$logs build-asan/meson-logs/testlog.json build-asan/meson-logs/enginelog.json"
fi
LOGS="$logs" python3 - <<'PY'
import json, os
ok = fail = skip = 0
for path in os.environ['LOGS'].split():
    if not os.path.exists(path):
        continue
    for line in open(path):
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'): ok += 1
        elif r == 'SKIP': skip += 1
        else: fail += 1
print(f"{ok} passed, {fail} failed, {skip} skipped")
PY
exit $status
