# SPDX-License-Identifier: MIT
"""Checks shared by the install test (meson install --destdir) and the package
test (dpkg-buildpackage, dpkg -x): man page lint, systemd unit verification and
the sandbox score, the system user and state folder, shell completion. Each
works on an installed tree ROOT (a destdir or an extracted .deb)."""
import concurrent.futures
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SECURITY_LIMIT = 2.0   # systemd-analyze security: 2.0 or lower is "OK"


def have(tool):
    return shutil.which(tool) is not None


def run(args, **kw):
    kw.setdefault('stdout', subprocess.PIPE)
    kw.setdefault('stderr', subprocess.PIPE)
    kw.setdefault('timeout', 120)
    return subprocess.run(args, text=True, **kw)


def find(root, suffix):
    """The one path under @root ending in @suffix (relative to root, leading /)."""
    hits = []
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)[len(root):]
            if p.endswith(suffix):
                hits.append(p)
    if len(hits) != 1:
        raise AssertionError('expected one file ending in %s under %s, found %r' % (suffix, root, hits))
    return hits[0]


def mandoc_lint(page):
    """mandoc -Tlint at warning level. Returns the messages that count: scdoc
    writes a .PP after every .SH and blank line, which mandoc reports as
    'skipping paragraph macro' (harmless: the macro has nothing to do), so
    only those are left out; any other warning or error is returned."""
    p = run(['mandoc', '-Tlint', '-W', 'warning', page])
    return [l for l in (p.stdout + p.stderr).splitlines()
            if l.strip() and 'skipping paragraph macro' not in l]


def man_warnings(page):
    """groff's warnings through man, as lintian runs it. Returns stderr."""
    env = dict(os.environ, LC_ALL='C.UTF-8', MANROFFSEQ='', MANWIDTH='80')
    p = run(['man', '--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', page], env=env)
    return p.stderr.strip() + ('' if p.returncode == 0 else ' (exit %d)' % p.returncode)


def host_units_root(root):
    """A scratch copy of @root plus the host's own units (systemd-analyze
    --root resolves After=/Wants= targets inside the root). Caller removes it."""
    scratch = tempfile.mkdtemp(prefix='dnsbl-units-')
    shutil.copytree(root, scratch, symlinks=True, dirs_exist_ok=True)
    for d in ('/lib/systemd/system', '/usr/lib/systemd/system'):
        if os.path.isdir(d) and not os.path.islink(d):
            shutil.copytree(d, scratch + d, symlinks=True, dirs_exist_ok=True)
    return scratch


def verify_units(root, service, timer, manpath):
    """systemd-analyze verify inside @root (ExecStart must exist there, and
    Documentation= man pages under @manpath). Returns (exit code, output)."""
    scratch = host_units_root(root)
    try:
        env = dict(os.environ, MANPATH=scratch + manpath)
        p = run(['systemd-analyze', 'verify', '--root=' + scratch, service.lstrip('/'),
                 timer.lstrip('/')], cwd=scratch, env=env)
        return p.returncode, (p.stdout + p.stderr).strip()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def security_score(root, service):
    """systemd-analyze security --offline: the overall exposure (0 to 10)."""
    p = run(['systemd-analyze', 'security', '--offline=yes', '--root=' + root,
             service.lstrip('/')], cwd=root)
    m = re.search(r'Overall exposure level for dnsbl-scan\.service: ([0-9.]+) (\w+)', p.stdout)
    if not m:
        raise AssertionError('no score from systemd-analyze security:\n' + p.stdout + p.stderr)
    return float(m.group(1)), m.group(2), p.stdout


def sysusers_and_tmpfiles(root, sysusers, tmpfiles):
    """Apply the sysusers.d and tmpfiles.d files to a scratch root. Returns
    (passwd line of dnsbl-scan, mode of /var/lib/dnsbl-scan, errors)."""
    scratch = tempfile.mkdtemp(prefix='dnsbl-sysusers-')
    try:
        os.makedirs(scratch + '/etc')
        errors = []
        for args in (['systemd-sysusers', '--root=' + scratch, root + sysusers],
                     ['systemd-tmpfiles', '--root=' + scratch, '--create', root + tmpfiles]):
            p = run(args)
            if p.returncode != 0:
                errors.append('%s: %s' % (' '.join(args), p.stderr))
        passwd = ''
        if os.path.exists(scratch + '/etc/passwd'):
            with open(scratch + '/etc/passwd') as f:
                passwd = ''.join(l for l in f if l.startswith('dnsbl-scan:'))
        st = os.stat(scratch + '/var/lib/dnsbl-scan') if os.path.isdir(
            scratch + '/var/lib/dnsbl-scan') else None
        return passwd.strip(), (oct(st.st_mode & 0o7777) if st else None), errors
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def bash_complete(script, line, path):
    """What the bash completion offers for @line (the cursor at its end)."""
    prog = r'''
source /usr/share/bash-completion/bash_completion
source "$1"
COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_dnsbl_scan
printf '%s\n' "${COMPREPLY[@]}"
'''
    env = dict(os.environ, PATH=path + ':' + os.environ.get('PATH', ''))
    p = run(['bash', '-c', prog, 'bash', script, line], env=env)
    if p.returncode != 0:
        raise AssertionError('bash completion failed: ' + p.stderr)
    return [w for w in p.stdout.split('\n') if w]


def zsh_complete(folder, line, path):
    """What the zsh completion in @folder offers for @line (tests/package/zsh-complete.zsh)."""
    env = dict(os.environ, PATH=path + ':' + os.environ.get('PATH', ''))
    p = run(['zsh', '-f', os.path.join(HERE, 'zsh-complete.zsh'), folder, line], env=env,
            timeout=60)
    if p.returncode not in (0,):
        raise AssertionError('zsh completion failed (%d): %s' % (p.returncode, p.stderr))
    return [w.strip() for w in p.stdout.split('\n') if w.strip()]


# The command lines the completions must answer, and words each answer must hold.
COMPLETION_CASES = [
    ('dnsbl-scan ', {'check', 'scan', 'lists', 'history', 'nagios'}),
    ('dnsbl-scan nagios -s zen.spam', {'zen.spamhaus.org'}),
    ('dnsbl-scan check --fo', {'--format'}),
    ('dnsbl-scan scan --format ', {'text', 'json', 'csv', 'summary'}),
    ('dnsbl-scan lists --format ', {'text', 'json'}),
    ('dnsbl-scan scan --checks ', {'dnsbl', 'fcrdns', 'spf', 'spf-auth', 'dmarc', 'mx', 'all'}),
    ('dnsbl-scan check --list spamhaus-z', {'spamhaus-zen'}),
    ('dnsbl-scan check --list zen.spam', {'zen.spamhaus.org'}),
    ('dnsbl-scan history --st', {'--state'}),
]


class InstalledTree:
    """Tests shared by test_install (a meson destdir) and test_deb (an
    extracted .deb). The test class sets, in setUpClass: tree (the root
    folder) and, as absolute paths inside it, bindir, mandir, man_pages,
    service, timer, sysusers, tmpfiles, bash_script and zsh_folder."""

    def test_man_pages_lint(self):
        if not self.man_pages:
            self.skipTest('no man pages (scdoc is not installed)')
        for page in self.man_pages:
            with self.subTest(page=page):
                full = self.tree + page
                if have('mandoc'):
                    self.assertEqual(mandoc_lint(full), [])
                else:
                    print('mandoc is not installed: mandoc -Tlint skipped')
                self.assertEqual(man_warnings(full), '')
                if have('lexgrog'):   # the whatis entry apropos and lintian read
                    p = run(['lexgrog', full])
                    self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    @unittest.skipUnless(have('systemd-analyze'), 'systemd-analyze is not installed')
    def test_units(self):
        code, out = verify_units(self.tree, self.service, self.timer, self.mandir)
        self.assertEqual((code, out), (0, ''))
        score, word, _ = security_score(self.tree, self.service)
        print('systemd-analyze security: %.1f %s' % (score, word))
        self.assertLessEqual(score, SECURITY_LIMIT)
        with open(self.tree + self.service) as f:
            unit = f.read()
        self.assertIn('ExecStart=%s/dnsbl-scan scan --config ' % self.bindir, unit)
        self.assertNotRegex(unit, r'@[a-z_]+@', 'an unreplaced @variable@')

    @unittest.skipUnless(have('systemd-sysusers') and have('systemd-tmpfiles'),
                         'systemd-sysusers or systemd-tmpfiles is not installed')
    def test_sysusers_tmpfiles(self):
        passwd, mode, errors = sysusers_and_tmpfiles(self.tree, self.sysusers, self.tmpfiles)
        self.assertEqual(errors, [])
        self.assertRegex(passwd, r'^dnsbl-scan:x:\d+:\d+:[^:]*:/var/lib/dnsbl-scan:')
        self.assertEqual(mode, '0o750')

    @unittest.skipUnless(os.path.exists('/usr/share/bash-completion/bash_completion'),
                         'bash-completion is not installed')
    def test_bash_completion(self):
        for line, want in COMPLETION_CASES:
            with self.subTest(line=line):
                got = set(bash_complete(self.tree + self.bash_script, line, self.tree + self.bindir))
                self.assertTrue(want <= got, '%r offers %r' % (line, sorted(got)))
        got = bash_complete(self.tree + self.bash_script, 'dnsbl-scan scan --checks dnsbl,s',
                            self.tree + self.bindir)
        self.assertEqual(sorted(got), ['dnsbl,spf', 'dnsbl,spf-auth'])

    @unittest.skipUnless(have('zsh'), 'zsh is not installed')
    def test_zsh_completion(self):
        # One interactive zsh per line, all at once: each takes a second or two.
        with concurrent.futures.ThreadPoolExecutor(len(COMPLETION_CASES)) as pool:
            answers = pool.map(lambda case: zsh_complete(self.tree + self.zsh_folder, case[0],
                                                         self.tree + self.bindir),
                               COMPLETION_CASES)
            for (line, want), got in zip(COMPLETION_CASES, answers):
                with self.subTest(line=line):
                    self.assertTrue(want <= set(got), '%r offers %r' % (line, sorted(got)))
