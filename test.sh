#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite: configure (once), build, then every meson test suite
# (unit, conformance, integration). Prints a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build
status=0
meson test -C build --print-errorlogs --num-processes 2 "$@" || status=$?
python3 - <<'PY'
import json, os
ok = fail = skip = 0
path = 'build/meson-logs/testlog.json'
if os.path.exists(path):
    for line in open(path):
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'): ok += 1
        elif r == 'SKIP': skip += 1
        else: fail += 1
print(f"{ok} passed, {fail} failed, {skip} skipped")
PY
exit $status
