#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the HTML report (scan --html, report --state) of real scans of a
private copy of the local DNS world: a /24 with listings, unhealthy lists,
record-check findings, hostile TXT and DMARC text, and two runs of history. Each
report is checked as text (nothing it could load, hostile text escaped) and in
headless Chromium (no request but the file itself, cells per colour, list rows,
timeline bars, a screenshot that is not blank)."""
import html.parser, os, re, shutil, sqlite3, struct, sys, tempfile, unittest, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, scan  # noqa: E402
import browser  # noqa: E402

W = None
TMP = None
SHOTS = os.environ.get('REPORT_SHOTS')
POOL = ['192.0.2.0/24', '198.51.100.7', '2001:db8::10', 'example-esp.test',
        'dmarc-syntax.test', 'mx-cname.test']
HOSTILE_TXT = ('<script>alert(1)</script><img src=x onerror=alert(2)> "q" & \'s\' '
               '<a href="javascript:alert(3)">x</a>')
HOSTILE_DMARC = 'v=DMARC1; p=<script>alert(4)</script>'
TEN_DAYS = 10 * 86400 * 1000


def setUpModule():
    global W, TMP
    W = World(copy_data=True)
    TMP = tempfile.mkdtemp(prefix='dnsbl-report-')
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)


def tearDownModule():
    W.stop()
    shutil.rmtree(TMP, ignore_errors=True)


def run(*extra, targets=POOL, spf=True):
    # --spf-domain only where spf-auth runs: elsewhere it is a usage error
    spf_args = ('--spf-domain', 'example-esp.test') if spf else ()
    return scan('scan', '--resolver', W.resolver, '--rate', '0', '--no-color',
                *spf_args, *extra, *targets, timeout=300)


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


class Refs(html.parser.HTMLParser):
    """Every element, with the attributes that could make a browser load something."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.loads = []  # (tag, attribute, value) of anything that is not a plain link
        self.links = []  # href of <a>
        self.handlers = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            value = value or ''
            if name.startswith('on'):
                self.handlers.append((tag, name))
            if tag == 'a' and name == 'href':
                self.links.append(value)
            elif name in ('src', 'href', 'xlink:href', 'srcset', 'action', 'formaction',
                          'poster', 'data', 'background') and not value.startswith('#'):
                self.loads.append((tag, name, value))


def png_colours(path, step=7):
    """The distinct RGB(A) colours of every @step-th pixel of every @step-th row of
    an 8-bit truecolour PNG (what Chromium writes): enough to tell a blank page."""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, width, height, bpp = 8, b'', 0, 0, 4
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
            bpp = 4 if ctype == 6 else 3
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % step == 0:
            for x in range(0, width, step):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return colours


def level_of(results, target):
    """The map's level of an address from its JSON Lines results (README: worst verdict;
    a list unhealthy or blocked for the kind gives no verdict, not an error)."""
    best = 0
    for r in results:
        if r['target'] != target:
            continue
        if r['check'] != 'dnsbl':
            lv = 1
        elif r['status'] == 'listed':
            lv = 5 if r['class'] == 'listing' else 3
        elif r['status'] == 'error':
            lv = 1 if r['reason'] in ('unhealthy', 'blocked') else 4
        else:
            lv = 2
        best = max(best, lv)
    return best


# The counts the tests compare, read from the loaded page.
DOM_COUNTS_JS = '''(function () {
  var cells = {}, lists = document.querySelectorAll('#list-table tbody tr').length;
  document.querySelectorAll('figure.blk [data-n]').forEach(function (r) {
    var c = r.getAttribute('class');
    cells[c] = (cells[c] || 0) + Number(r.getAttribute('data-n'));
  });
  var first = document.querySelector('figure.blk title');
  return {cells: cells, lists: lists, grids: document.querySelectorAll('figure.blk').length,
          bars: document.querySelectorAll('#timeline-table rect.bar').length,
          timeline_rows: document.querySelectorAll('#timeline-table tbody tr').length,
          events: document.querySelectorAll('#event-table tbody tr').length,
          scripts: document.scripts.length, js: document.documentElement.className,
          images: document.images.length, iframes: document.querySelectorAll('iframe').length,
          handlers: Array.prototype.filter.call(document.querySelectorAll('*'), function (e) {
            return Array.prototype.some.call(e.attributes, function (a) {
              return /^on/i.test(a.name); }); }).length,
          title: first ? first.textContent : null};
})()'''


class Report(unittest.TestCase):
    """Two runs on one store, the world changed in between (one change per event
    kind the report shows), then the reports."""

    @classmethod
    def setUpClass(cls):
        cls.state = os.path.join(TMP, 'state.db')
        cls.html1 = os.path.join(TMP, 'run1.html')
        cls.html2 = os.path.join(TMP, 'run2.html')
        cls.stored = os.path.join(TMP, 'stored.html')
        cls.bare = os.path.join(TMP, 'bare.html')
        cls.r1 = run('--state', cls.state, '--html', cls.html1, '--format', 'json')
        # as if the first run had been ten days ago: the timeline then has real bars
        with sqlite3.connect(cls.state) as db:
            for table, cols in (('runs', ('started_ms', 'ended_ms')),
                                ('intervals', ('first_seen_ms', 'last_seen_ms')),
                                ('dnsbl_state', ('since_ms',)), ('record_state', ('since_ms',)),
                                ('list_state', ('since_ms',))):
                db.execute('UPDATE %s SET %s' % (table, ', '.join(
                    '%s = %s - %d' % (c, c, TEN_DAYS) for c in cols)))
        # hostile text: a TXT reason on a new listing, a DMARC record the report quotes
        W.edit('rbl/bl.spamcop.net', lambda t: t + '192.0.2.16 :127.0.0.2:%s\n' % HOSTILE_TXT)
        W.edit('rbl/b.barracudacentral.org', lambda t: t.replace('192.0.2.10\n', ''))
        W.edit('nsd/dmarc-syntax.test.zone',
             lambda t: t.replace('"v=DMARC1; p=block"', '"%s"' % HOSTILE_DMARC))
        W.reload()
        cls.r2 = run('--state', cls.state, '--html', cls.html2, '--format', 'json')
        cls.rep = scan('report', '--state', cls.state, '-o', cls.stored)
        cls.r3 = run('--html', cls.bare, '--format', 'json')
        cls.chromium = browser.find_chromium()

    def test_runs_succeed(self):
        self.assertEqual(self.r1.code, 0, self.r1.stderr)  # the baseline: nothing new
        self.assertEqual(self.r2.code, 1, self.r2.stderr)  # a new listing
        self.assertEqual(self.rep.code, 0, self.rep.stderr)
        self.assertEqual(self.rep.stdout, '', 'report -o writes nothing to stdout')
        self.assertEqual(self.r3.code, 1, 'without a store, listings give 1 as before')
        for path in (self.html1, self.html2, self.stored, self.bare):
            self.assertTrue(os.path.getsize(path) > 10000, path)
        self.assertEqual([f for f in os.listdir(TMP) if '.tmp.' in f], [])

    def test_nothing_to_load_and_hostile_text_escaped(self):
        for path in (self.html2, self.stored):
            text = read(path)
            p = Refs()
            p.feed(text)
            self.assertEqual(p.loads, [], '%s: only links, nothing to load' % path)
            self.assertEqual(p.handlers, [], path)
            self.assertEqual(p.tags.count('script'), 1, path)
            for tag in ('img', 'iframe', 'link', 'object', 'embed', 'base', 'form'):
                self.assertNotIn(tag, p.tags, path)
            for href in p.links:
                self.assertTrue(href.startswith('#') or re.match(r'^https?://', href), href)
            self.assertNotIn('@import', text)
            self.assertEqual(re.findall(r'url\((?!#cells\))', text), [], path)
            self.assertIn('<meta http-equiv="Content-Security-Policy" '
                          'content="default-src \'none\'', text)
            self.assertNotIn('<script>alert', text)
            self.assertNotIn('javascript:', text.replace('javascript:alert(3)', ''))
        # the hostile TXT is on the new listing (run 2): shown, escaped, never a link
        text = read(self.html2)
        self.assertIn('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; '
                      '&quot;q&quot; &amp; &#39;s&#39;', text)
        self.assertNotIn('href="javascript', text)
        self.assertIn('p=&lt;script&gt;alert(4)&lt;/script&gt;', text)
        stored = read(self.stored)
        self.assertIn('&lt;script&gt;alert(1)', stored, 'the event carries the TXT')

    def test_live_report_content(self):
        text = read(self.html2)
        self.assertIn('Targets: <b>192.0.2.0/24 198.51.100.7 2001:db8::10', text)
        self.assertIn('dnsbl-scan 0.', text)
        # the score: formula table, this pool's deductions
        self.assertRegex(text, r'<th colspan="5">pool score</th><th class="n">\d+</th>')
        # unhealthy lists say why
        self.assertIn('ip4 unhealthy', text)
        self.assertIn('lists its negative test point', text)
        # record checks: DMARC's first problem, MX alias, FCrDNS share, SPF authorization
        self.assertIn('DMARC invalid', text)
        self.assertIn('is an alias (CNAME)', text)
        self.assertRegex(text, r'FCrDNS \d+ of 258 pass')  # the /24, one IPv4, one IPv6
        self.assertIn('by the SPF record of example-esp.test', text)
        # the timeline and events of the store, with the delisting of 192.0.2.10
        self.assertIn('<span class="badge o-ok">delisted</span>', text)
        self.assertIn('<span class="badge o-listed">new_listing</span>', text)

    def test_store_report_content(self):
        text = read(self.stored)
        self.assertIn('Last complete run in the state store', text)
        self.assertIn('b.barracudacentral.org', text)
        self.assertIn('<span class="badge o-ok">delisted</span>', text)
        self.assertIn('ip4 unhealthy', text)
        self.assertIn('DMARC invalid', text)
        self.assertNotIn('No history', text)

    def test_report_without_store_says_where_history_lives(self):
        text = read(self.bare)
        self.assertIn('No history: this report was made without a state store', text)
        self.assertIn('this report was made without one', text)

    def test_in_chromium(self):
        if not self.chromium:
            self.skipTest('chromium is not installed (debian-packages.txt lists it)')
        b = browser.Chromium(self.chromium)
        try:
            self.check_live(b)
            self.check_stored(b)
        finally:
            b.close()

    def check_live(self, b):
        url = 'file://' + self.html2
        page = b.open(url)
        self.assertEqual(page.requests, [url], 'the page requested something else')
        got = page.evaluate(DOM_COUNTS_JS)
        self.assertEqual(got['scripts'], 1)
        self.assertIn('js', got['js'], 'the inline script ran: the CSP hash matches')
        self.assertEqual((got['images'], got['iframes'], got['handlers']), (0, 0, 0))
        # cells per colour: every address of the two /24s and the IPv6 /120, by the
        # worst verdict its JSON results give
        results = self.r2.results()
        want = {}
        for net in ('192.0.2.%d', '198.51.100.%d'):
            for host in range(256):
                lv = level_of(results, net % host)
                want['l%d' % lv] = want.get('l%d' % lv, 0) + 1
        for host in range(256):
            lv = level_of(results, '2001:db8::%x' % host if host else '2001:db8::')
            want['l%d' % lv] = want.get('l%d' % lv, 0) + 1
        self.assertEqual(got['grids'], 3)
        self.assertEqual(got['cells'], want)
        self.assertGreater(want.get('l5', 0), 5)
        self.assertGreater(want.get('l2', 0), 100)
        # one row per list that reported health or gave a result
        lists = {r['list_id'] for r in self.r2.lines if r.get('list_id')}
        self.assertEqual(got['lists'], len(lists))
        # one bar per listing interval in the window, one row per (target, list)
        with sqlite3.connect(self.state) as db:
            n_iv = db.execute('SELECT count(*) FROM intervals').fetchone()[0]
            pairs = db.execute('SELECT count(DISTINCT target || list_key) FROM intervals'
                               ).fetchone()[0]
        self.assertEqual(got['bars'], n_iv)
        self.assertEqual(got['timeline_rows'], pairs)
        self.assertGreater(got['events'], 0)
        self.assertRegex(got['title'], r'^192\.0\.2\.0')
        shot = os.path.join(SHOTS or TMP, 'report-top.png')
        page.screenshot(shot, None, 1600)
        colours = png_colours(shot)
        self.assertGreater(len(colours), 20, 'the screenshot is blank')
        self.assertIn(bytes.fromhex('10263a'), colours, 'the header is drawn')
        shot = os.path.join(SHOTS or TMP, 'report-map.png')
        page.screenshot(shot, '#map', 1200)
        colours = png_colours(shot, step=3)
        for rgb in ('c62828', '2e9a4e', 'e4e7eb'):  # listed, clean, not scanned
            self.assertIn(bytes.fromhex(rgb), colours, 'map colour %s' % rgb)
        for section in ('lists', 'records', 'timeline', 'events'):
            page.screenshot(os.path.join(SHOTS or TMP, 'report-%s.png' % section),
                            '#' + section, 1400)
        # printing works (print styles, every section)
        pdf = page.call('Page.printToPDF', {'printBackground': True})['data']
        self.assertGreater(len(pdf), 10000)

    def check_stored(self, b):
        url = 'file://' + self.stored
        page = b.open(url)
        self.assertEqual(page.requests, [url])
        got = page.evaluate(DOM_COUNTS_JS)
        self.assertEqual(got['handlers'], 0)
        self.assertGreater(got['bars'], 5)
        self.assertGreaterEqual(got['events'], 2)
        page.screenshot(os.path.join(SHOTS or TMP, 'report-stored.png'), None, 1600)


class Usage(unittest.TestCase):
    def test_bad_usage_is_exit_2(self):
        for args in (['report', '--state', os.path.join(TMP, 'none.db')],
                     ['report', '--state', os.path.join(TMP, 'x.db'), '--since', '30'],
                     ['report', '--state', os.path.join(TMP, 'x.db'), '192.0.2.1'],
                     ['scan', '-o', os.path.join(TMP, 'x.html'), '192.0.2.1'],
                     ['history', '--html', os.path.join(TMP, 'x.html')]):
            r = scan(*args)
            self.assertEqual(r.code, 2, '%s: %s' % (args, r.stderr))
            self.assertTrue(r.stderr.startswith('dnsbl-scan: '), r.stderr)

    def test_unwritable_report_is_exit_3(self):
        r = run('--checks', 'dnsbl', '--list', 'zen.spamhaus.org', '--html',
                os.path.join(TMP, 'no-such-dir', 'x.html'), targets=['192.0.2.16'], spf=False)
        self.assertEqual(r.code, 3, r.stderr)
        self.assertIn('cannot write the HTML report', r.stderr)

    def test_store_without_complete_run(self):
        state = os.path.join(TMP, 'empty.db')
        db = sqlite3.connect(state)
        db.close()
        r = run('--state', state, '--checks', 'dnsbl', '--list', 'zen.spamhaus.org',
                targets=['192.0.2.16'], spf=False)
        self.assertEqual(r.code, 0, r.stderr)
        with sqlite3.connect(state) as db:
            db.execute("UPDATE runs SET status = 'aborted'")
        r = scan('report', '--state', state)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertIn('no complete run yet', r.stderr)
        self.assertIn('No complete run in the state store yet.', r.stdout)


if __name__ == '__main__':
    unittest.main(verbosity=2)
