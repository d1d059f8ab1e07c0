#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: every shell block of README.md that a reader would paste runs, against
the local DNS world, and each of its commands ends with an exit code the README
documents for a run that worked (0, 1 or 3; never 2, a usage or input error, and never
127, a command that is not there).

What a block is: a fenced block marked ```sh. Each one runs, or carries a marker on the
line just before it saying why it cannot:

    <!-- readme-test: skip (needs root and systemd) -->

How a block runs (the few substitutions a test must make, nothing else):
- in a scratch folder that stands for the top of a checkout: `build/` there is the
  folder of the built binary, so the README's `export PATH="$PWD/build:$PATH"` works
  as written;
- the blocks run in README order in that one folder, as a reader pastes them, each in a
  fresh bash with `dnsbl-scan` on PATH as a small wrapper around the built binary that
  adds `--resolver <the world> --rate 0 --trust-anchor <the world's>` after `check` and
  `scan` (the world is the only resolver a test may ask; its DNSSEC root is its own);
- absolute paths a reader would need root for are moved under the scratch folder:
  `/var/lib/dnsbl-scan/` and `/run/`;
- each command gets at most 180 s; the exit code of each command of a block is
  recorded (a line `__rc $?` after it) and checked."""
import os, re, shutil, subprocess, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import EXE, ROOT, World, check_sanitizers  # noqa: E402

W = None
DOCUMENTED = {0, 1, 3}  # README "Exit codes": nothing listed, listed, a verdict left open
SKIP = re.compile(r'^<!-- readme-test: skip \((.+)\) -->$')
MOVED = [('/var/lib/dnsbl-scan/', 'var/lib/dnsbl-scan/'), ('/run/', 'run/')]


def setUpModule():
    global W
    W = World()


def tearDownModule():
    W.stop()


def shell_blocks(text):
    """[(line number, body, skip reason or None)] of every ```sh block of @text."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == '```sh':
            start = i + 1
            end = next(j for j in range(start, len(lines)) if lines[j].strip() == '```')
            prev = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), '')
            m = SKIP.match(prev)
            out.append((start, '\n'.join(lines[start:end]), m.group(1) if m else None))
            i = end
        i += 1
    return out


def commands(body):
    """The logical command lines of a block (continuations joined), comments kept."""
    out, cur = [], ''
    for line in body.splitlines():
        if cur:
            cur += '\n' + line
        elif line.strip() and not line.strip().startswith('#'):
            cur = line
        else:
            continue
        if not line.rstrip().endswith('\\'):
            out.append(cur)
            cur = ''
    if cur:
        out.append(cur)
    return out


class Scratch:
    """The scratch checkout: build/ -> the built binary's folder, a wrapper on PATH."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='dnsbl-readme-')
        os.symlink(os.path.dirname(os.path.abspath(EXE)), os.path.join(self.dir, 'build'))
        self.bin = os.path.join(self.dir, '.wrapper')
        os.mkdir(self.bin)
        wrapper = os.path.join(self.bin, 'dnsbl-scan')
        with open(wrapper, 'w') as f:
            f.write('#!/bin/sh\n'
                    '# dnsbl-scan as tests/integration/test_readme.py runs it: the built\n'
                    '# binary, asking the local DNS world\n'
                    'case "$1" in\n'
                    'check|scan) sub=$1; shift\n'
                    '  exec "%s" "$sub" --resolver "%s" --rate 0 --trust-anchor "%s" "$@";;\n'
                    'esac\n'
                    'exec "%s" "$@"\n' % (os.path.abspath(EXE), W.resolver, W.trust_anchor,
                                          os.path.abspath(EXE)))
        os.chmod(wrapper, 0o755)

    def script(self, body):
        """@body with each command followed by the line that records its exit code."""
        for old, new in MOVED:
            body = body.replace(old, os.path.join(self.dir, new))
        out = ['__rc() { echo "$1" >> "$RC_LOG"; }']
        for cmd in commands(body):
            out += [cmd, '__rc $?']
        return '\n'.join(out) + '\n', commands(body)

    def run(self, body, timeout=180):
        """Run a block; return [(command, exit code)], stdout, stderr."""
        script, cmds = self.script(body)
        log = os.path.join(self.dir, '.rc.log')
        if os.path.exists(log):
            os.unlink(log)
        env = dict(os.environ, RC_LOG=log,
                   PATH=self.bin + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'))
        for k in ('SPAMHAUS_DQS_KEY', 'ABUSIX_API_KEY', 'STATE_DIRECTORY', 'NO_COLOR'):
            env.pop(k, None)
        env['XDG_STATE_HOME'] = os.path.join(self.dir, 'state')
        p = subprocess.run(['bash', '-c', script], cwd=self.dir, env=env, capture_output=True,
                           text=True, timeout=timeout * max(1, len(cmds)))
        check_sanitizers(p.stderr, 'a README block')
        codes = []
        if os.path.exists(log):
            with open(log) as f:
                codes = [int(x) for x in f.read().split()]
        return list(zip(cmds, codes)), len(cmds), p

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Readme(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ROOT, 'README.md')) as f:
            cls.blocks = shell_blocks(f.read())

    def test_every_block_runs_or_says_why_not(self):
        self.assertGreaterEqual(len(self.blocks), 8, 'the README has fewer shell blocks than '
                                'this test knows: did the marker syntax change?')
        ran = 0
        s = Scratch()
        try:
            for line, body, skip in self.blocks:
                if skip:
                    self.assertGreater(len(skip.strip()), 10, 'README.md:%d: say why' % line)
                    continue
                with self.subTest(line=line):
                    results, n, p = s.run(body)
                    self.assertEqual(len(results), n, 'README.md:%d: the block stopped early\n'
                                     '%s%s' % (line, p.stdout[-2000:], p.stderr[-2000:]))
                    for cmd, code in results:
                        self.assertIn(code, DOCUMENTED, 'README.md:%d: `%s` exited %d:\n%s'
                                      % (line, cmd.strip(), code, p.stderr[-3000:]))
                    self.assertNotIn('command not found', p.stderr)
                    ran += 1
            # What a reader gets from the blocks: the built program, the files named.
            for name in ('pool.txt', 'pool.html', 'state.db', 'report.html'):
                self.assertTrue(os.path.exists(os.path.join(s.dir, name)), name)
            self.assertTrue(os.path.exists(os.path.join(s.dir, 'var/lib/dnsbl-scan/state.db')))
        finally:
            s.close()
        self.assertGreaterEqual(ran, 3, 'too few README blocks ran')

    def test_after_the_quick_start_dnsbl_scan_is_on_path(self):
        """The README's own PATH line, run as written from the top of a checkout, finds
        the built program (not the test's wrapper)."""
        block = next(b for _, b, skip in self.blocks if not skip and 'export PATH' in b)
        s = Scratch()
        try:
            results, n, p = s.run(block + '\ncommand -v dnsbl-scan\n')
            self.assertEqual([c for _, c in results], [0] * n, p.stderr)
            self.assertEqual(p.stdout.splitlines()[-1], os.path.join(s.dir, 'build', 'dnsbl-scan'))
            self.assertRegex(p.stdout, r'dnsbl-scan \d+\.\d+')
        finally:
            s.close()

    def test_a_broken_block_fails(self):
        """The checks are not vacuous: a usage error, a missing @file and a missing
        program are each caught."""
        s = Scratch()
        try:
            results, n, _ = s.run('dnsbl-scan check --no-such-option 192.0.2.10\n'
                                  'dnsbl-scan scan @missing.txt\n'
                                  'no-such-program-here\n'
                                  'dnsbl-scan check 192.0.2.99  # a comment\n')
            self.assertEqual(n, 4)
            self.assertEqual([c for _, c in results][:3], [2, 2, 127])
            self.assertIn(results[3][1], DOCUMENTED)
            self.assertFalse({c for _, c in results[:3]} & DOCUMENTED)
        finally:
            s.close()

    def test_markers_and_blocks_are_parsed(self):
        text = ('<!-- readme-test: skip (needs root to install packages) -->\n'
                '```sh\nsudo apt-get install x \\\n  y\n```\n\n```sh\n# c\nls\n\nls -l\n```\n')
        b = shell_blocks(text)
        self.assertEqual([x[2] for x in b], ['needs root to install packages', None])
        self.assertEqual(commands(b[0][1]), ['sudo apt-get install x \\\n  y'])
        self.assertEqual(commands(b[1][1]), ['ls', 'ls -l'])


if __name__ == '__main__':
    unittest.main()
