#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the shape of every JSON Lines line, as the README documents it.

The schema is read from README.md, not written here, so the test follows the docs:
the DNSBL field table ("| field | type | meaning |" after "DNSBL results"), the
list-health line shown inline, and the record-check table ("| check | field | type |
meaning |"). Every check word of scanner/core/vocab.c must have a schema there, and every
one must be seen in the runs: the world with a spread of statuses, and a resolver that
never answers (every check's error line, where fields used to go missing)."""
import os, re, socket, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, World, scan  # noqa: E402

W = None
HEAD = ['target', 'check', 'status', 'reason']


def setUpModule():
    global W
    W = World()


def tearDownModule():
    W.stop()


def readme():
    with open(os.path.join(ROOT, 'README.md')) as f:
        return f.read()


def table_after(text, marker, header):
    """Rows (lists of cells, backticks kept) of the first table with @header after @marker."""
    at = text.index(marker)
    lines = text[at:].splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == header)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        rows.append([c.strip() for c in line.strip().strip('|').split('|')])
    return rows


def names(cell):
    """`a`, `b` -> ['a', 'b']"""
    return re.findall(r'`([^`]+)`', cell)


def readme_schema():
    """{check: [(field, type), ...]} for every line kind the README documents, in order."""
    text = readme()
    schema = {}
    dnsbl = table_after(text, 'One object per line. DNSBL results', '| field | type | meaning |')
    schema['dnsbl'] = [(names(r[0])[0], r[1]) for r in dnsbl]
    m = re.search(r'`(\{"check":"list-health".*?\})`', text, re.S)
    schema['list-health'] = [(k, None) for k in re.findall(r'"(\w+)":', m.group(1))]
    check = None
    for r in table_after(text, 'Record-check lines carry', '| check | field | type | meaning |'):
        if r[0]:
            check = names(r[0])[0]
            schema[check] = []
        for field in names(r[1]):
            schema[check].append((field, r[2]))
    return schema


def vocab_checks():
    """Every check word of scanner/core/vocab.c's check_names table."""
    with open(os.path.join(ROOT, 'scanner', 'core', 'vocab.c')) as f:
        src = f.read()
    table = src[src.index('check_names[]'):]
    table = table[:table.index('};')]
    return set(re.findall(r'\{"([a-z-]+)",\s*SCAN_CHECK_', table))


def type_ok(doc, value):
    """Does @value have the README type @doc ("string or null", "array of `{a, b}`"...)?"""
    if doc is None:
        return True
    doc = doc.strip()
    if doc.endswith(' or null'):
        return value is None or type_ok(doc[:-len(' or null')], value)
    if doc == 'string':
        return isinstance(value, str)
    if doc == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if doc == 'bool':
        return isinstance(value, bool)
    if doc == 'array of strings':
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    m = re.fullmatch(r'array of `\{([^}]*)\}`', doc)
    if m:
        keys = [k.strip() for k in m.group(1).split(',')]
        return isinstance(value, list) and all(isinstance(v, dict) and list(v) == keys
                                                for v in value)
    raise AssertionError('README type %r is not one this test knows' % doc)


def expected_keys(check, schema):
    fields = [f for f, _ in schema[check]]
    if check in ('dnsbl', 'list-health'):
        return fields
    return HEAD + fields + ['pool']


def closed_port():
    """A loopback UDP port with nothing behind it (bound, then closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


WORLD_TARGETS = [
    '192.0.2.10', '192.0.2.30', '192.0.3.5', '192.0.9.5', '2001:db8::10',
    'example-esp.test', 'example.com', 'no-spf.test', 'spf-double.test', 'dmarc-missing.test',
    'dmarc-syntax.test', 'mx-null.test', 'mx-none.test', 'mx-cname.test',
    'dkim.test', 'weak.dkim.test', 'none.dkim.test', 'good.tlsrpt.test', 'two.tlsrpt.test',
    'bimi.test', 'declined.bimi.test', 'p-none.bimi.test', 'ns-good.test', 'ns-single.test',
    'good.sts.test', 'noid.sts.test', 'secure.dnssec.test', 'bogus-sig.dnssec.test',
    'unsigned.dnssec.test', 'expand-a.test',
]


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = readme_schema()
        common = ['--format', 'json', '--rate', '0', '--checks', 'all', '--no-fetch',
                  '--trust-anchor', W.trust_anchor, '--spf-domain', 'example-esp.test',
                  '--expand', 'mx,spf,a', '--expand-cap', '28', '--dkim-selector', 's1']
        cls.world = scan('check', '--resolver', W.resolver, *common, *WORLD_TARGETS,
                         timeout=300)
        cls.dead = scan('check', '--resolver', '127.0.0.1:%d' % closed_port(),
                        '--timeout', '200ms', '--tries', '1', *common, '192.0.2.10',
                        'example-esp.test', timeout=120)

    def lines(self):
        for run in (self.world, self.dead):
            self.assertTrue(run.lines, run.stderr[-2000:])
            self.assertEqual(len(run.lines), len(run.stdout.strip().splitlines()))
            yield from run.lines

    def test_readme_documents_every_check(self):
        self.assertLessEqual(vocab_checks() | {'list-health'}, set(self.schema),
                             'a check of scanner/core/vocab.c has no schema in README.md')
        self.assertGreaterEqual(len(vocab_checks()), 14)

    def test_every_line_has_the_documented_fields_in_order(self):
        seen = {}
        for line in self.lines():
            check = line.get('check')
            self.assertIn(check, self.schema, line)
            self.assertEqual(list(line), expected_keys(check, self.schema), line)
            for field, doc in self.schema[check]:
                self.assertTrue(type_ok(doc, line[field]),
                                '%s.%s is %r, README says %s' % (check, field, line[field], doc))
            seen.setdefault(check, set()).add(line.get('status'))
        self.assertEqual(set(seen), vocab_checks() | {'list-health'},
                         'the runs did not produce a line of every check')
        # More than the happy path: several statuses of each, errors included.
        for check in vocab_checks():
            self.assertGreater(len(seen[check]), 1, (check, seen[check]))
            self.assertTrue(seen[check] & {'error', 'temperror'}, (check, seen[check]))

    def test_a_field_missing_from_the_readme_fails(self):
        """The checker is not vacuous: a schema without one field rejects real lines."""
        line = next(x for x in self.world.lines if x.get('check') == 'dmarc')
        broken = dict(self.schema, dmarc=[f for f in self.schema['dmarc'] if f[0] != 'pct'])
        self.assertNotEqual(list(line), expected_keys('dmarc', broken))
        self.assertFalse(type_ok('integer', None))
        self.assertFalse(type_ok('array of `{pref, host}`', [{'host': 'x', 'pref': 1}]))


if __name__ == '__main__':
    unittest.main()
