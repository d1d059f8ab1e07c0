# SPDX-License-Identifier: MIT
# Copyright (c) 2026 dnsbl-scan authors
"""Shared by the example --on-change hooks (python3 standard library only): read
the delta document dnsbl-scan writes on standard input and render its events as
short lines a person can act on, delist URLs included.

Everything in the document that came from DNS (TXT reasons, meanings, names) is
untrusted: control characters are replaced before a line is built, and each
hook escapes for its own medium.
"""
import json
import os
import re
import sys
import urllib.error
import urllib.request

_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f]')


def clean(value, limit=300):
    """A string safe to show: no control characters, at most @limit characters."""
    if value is None:
        return '-'
    s = _CONTROL.sub('?', str(value))
    return s if len(s) <= limit else s[:limit - 3] + '...'


def read_delta(stream=None):
    """The delta document from standard input (or @stream)."""
    data = (stream or sys.stdin.buffer).read()
    return json.loads(data.decode('utf-8', errors='replace'))


def _target(ev):
    t = clean(ev.get('target'))
    if ev.get('pool'):
        t += ' (pool %s)' % clean(ev['pool'], 60)
    return t


def event_line(ev):
    """One line for one event, in plain text."""
    kind = ev.get('type', 'event')
    codes = ', '.join(clean(c, 40) for c in ev.get('codes') or [])
    if kind in ('new_listing', 'code_changed'):
        line = '%s %s on %s: %s' % ('NEW LISTING' if kind == 'new_listing' else 'CODE CHANGED',
                                    _target(ev), clean(ev.get('list')), codes or '-')
        if kind == 'code_changed':
            line += ' (was %s)' % ', '.join(clean(c, 40) for c in ev.get('codes_before') or [])
        if ev.get('meaning'):
            line += ' - %s' % clean(ev['meaning'], 200)
        if ev.get('delist_url'):
            line += ' - delist: %s' % clean(ev['delist_url'], 500)
    elif kind == 'delisted':
        line = 'DELISTED %s from %s' % (_target(ev), clean(ev.get('list')))
    elif kind in ('list_unhealthy', 'list_recovered', 'list_anomaly'):
        name = clean(ev.get('list'))
        if ev.get('kind'):
            name += ' (%s)' % clean(ev['kind'], 10)
        if kind == 'list_unhealthy':
            line = 'LIST UNHEALTHY %s: %s' % (name, clean(ev.get('reason') or 'unhealthy', 40))
            if ev.get('detail'):
                line += ' - %s' % clean(ev['detail'], 300)
        elif kind == 'list_recovered':
            line = 'LIST RECOVERED %s' % name
        else:
            line = 'LIST ANOMALY %s: %s new listings of %s targets, held back as a list fault' % (
                name, ev.get('new_listings', '?'), ev.get('scanned', '?'))
    else:
        before = (ev.get('before') or {}).get('status') if isinstance(ev.get('before'), dict) else None
        after = (ev.get('after') or {}).get('status') if isinstance(ev.get('after'), dict) else None
        line = '%s %s (%s): %s -> %s' % (kind.replace('_', ' ').upper(), _target(ev),
                                         clean(ev.get('check'), 20), clean(before, 40),
                                         clean(after, 40))
    if ev.get('redelivered'):
        line = '(redelivered from run %s) %s' % (ev.get('run_id', '?'), line)
    return line


def summary(doc):
    """The first line: which run, how many events."""
    run = doc.get('run') or {}
    n = len(doc.get('events') or [])
    s = 'dnsbl-scan run %s (%s): %d event%s' % (run.get('id', '?'), clean(run.get('status'), 20),
                                                n, '' if n == 1 else 's')
    if doc.get('redelivered'):
        s += ', %s redelivered' % doc['redelivered']
    return s


def lines(doc):
    """Every event as a line, in the document's order."""
    return [event_line(ev) for ev in doc.get('events') or []]


def fail(prog, message):
    """One line on standard error (dnsbl-scan passes it on) and a failing exit: the
    events stay in dnsbl-scan's store and the next run delivers them again."""
    sys.stderr.write('%s: %s\n' % (prog, message))
    sys.exit(1)


def setting(prog, env, what):
    """The first argument, else $@env; fails when neither is given."""
    value = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(env)
    if not value:
        fail(prog, 'no %s: give it as the argument or in %s' % (what, env))
    return value


def post_json(prog, url, payload, headers=None):
    """POST @payload as JSON; fails unless the server answers 2xx within 20 s."""
    h = {'Content-Type': 'application/json; charset=utf-8'}
    h.update(headers or {})
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method='POST',
                                 headers=h)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        fail(prog, 'the webhook answered HTTP %d' % e.code)
    except (urllib.error.URLError, OSError) as e:
        fail(prog, 'cannot post to the webhook: %s' % getattr(e, 'reason', e))
