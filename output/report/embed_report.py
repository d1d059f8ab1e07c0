#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Embed the report's stylesheet and script as C strings, with the
Content-Security-Policy that allows exactly them (by SHA-256) and nothing else:
embed_report.py CSS JS OUTPUT."""
import base64, hashlib, sys

css_path, js_path, dst = sys.argv[1:4]
assets = {'out_report_css': open(css_path, 'rb').read(), 'out_report_js': open(js_path, 'rb').read()}


def digest(data):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(data).digest()).decode()


csp = ("default-src 'none'; style-src %s; script-src %s; img-src data:; base-uri 'none'; "
       "form-action 'none'" % (digest(assets['out_report_css']), digest(assets['out_report_js'])))
with open(dst, 'w') as f:
    f.write('/* generated from report.css and report.js by output/report/embed_report.py: do not edit */\n')
    for sym, data in list(assets.items()) + [('out_report_csp', csp.encode())]:
        f.write('const char %s[] = {\n' % sym)
        for i in range(0, len(data), 16):
            f.write(''.join('%d,' % b for b in data[i:i + 16]) + '\n')
        f.write('0};\n')
