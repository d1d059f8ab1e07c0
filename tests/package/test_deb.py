#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the Debian package from a scratch copy of the work tree with
`dpkg-buildpackage -us -uc -b` (nocheck: test.sh runs the unit tests anyway),
then check what it holds:

- the file list (`dpkg -c`), exactly;
- the maintainer scripts create the user (sysusers) before the state folder
  (tmpfiles), and leave the timer disabled;
- `dpkg -x` into a scratch root: the binary runs, the man pages lint clean,
  `systemd-analyze verify` passes and `systemd-analyze security` is 2.0 or
  lower, the sysusers.d and tmpfiles.d files apply, the bash completion answers;
- lintian reports no error (when lintian is installed).

Skips (exit 77) when dpkg-buildpackage or debhelper is missing. One to two
minutes on the 2-core development machine (35 s of CPU), most of it the compile.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import checks  # noqa: E402
from checks import have, run  # noqa: E402

# Everything the package holds besides folders ("./" stripped).
FILES = {
    'lib/systemd/system/dnsbl-scan.service',
    'lib/systemd/system/dnsbl-scan.timer',
    'usr/bin/dnsbl-scan',
    'usr/bin/check_rbl',
    'usr/lib/sysusers.d/dnsbl-scan.conf',
    'usr/lib/tmpfiles.d/dnsbl-scan.conf',
    'usr/share/bash-completion/completions/dnsbl-scan',
    'usr/share/doc/dnsbl-scan/README.md.gz',
    'usr/share/doc/dnsbl-scan/changelog.gz',
    'usr/share/doc/dnsbl-scan/copyright',
    'usr/share/doc/dnsbl-scan/examples/icinga2-dnsbl-scan.conf',
    'usr/share/doc/dnsbl-scan/examples/job.yaml',
    'usr/share/doc/dnsbl-scan/examples/nagios-dnsbl-scan.cfg',
    'usr/share/man/man1/dnsbl-scan.1.gz',
    'usr/share/man/man5/dnsbl-scan-job.5.gz',
    'usr/share/zsh/vendor-completions/_dnsbl-scan',
    'usr/share/dnsbl-scan/hooks/dnsbl_hook.py',
    'usr/share/dnsbl-scan/hooks/json-webhook',
    'usr/share/dnsbl-scan/hooks/mail-sendmail',
    'usr/share/dnsbl-scan/hooks/slack-webhook',
}
# Folders that must be there although empty: where the job file goes.
DIRS = {'etc/dnsbl-scan'}


def copy_tree(dst):
    """The work tree as git sees it (tracked and new files, not ignored ones:
    no build folders), or all of it less build* when it is not a checkout."""
    p = run(['git', '-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    if p.returncode == 0:
        for rel in p.stdout.split('\0'):
            src = os.path.join(ROOT, rel)
            if not rel or not os.path.lexists(src):
                continue   # deleted in the work tree but not yet in git
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dst, rel), follow_symlinks=False)
    else:
        shutil.copytree(ROOT, dst, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns('build*', '.git'))


class Deb(checks.InstalledTree, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='dnsbl-deb-')
        src = os.path.join(cls.tmp, 'dnsbl-scan')
        copy_tree(src)
        env = dict(os.environ, DEB_BUILD_OPTIONS='nocheck parallel=%d' % (os.cpu_count() or 2))
        env.pop('MAKEFLAGS', None)
        env.pop('DESTDIR', None)
        log = os.path.join(cls.tmp, 'build.log')
        with open(log, 'w') as f:
            p = subprocess.run(['dpkg-buildpackage', '-us', '-uc', '-b'], cwd=src, env=env,
                               stdout=f, stderr=subprocess.STDOUT, timeout=900)
        if p.returncode != 0:
            with open(log) as f:
                tail = f.read()[-6000:]
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise RuntimeError('dpkg-buildpackage failed:\n' + tail)
        debs = [d for d in glob.glob(os.path.join(cls.tmp, 'dnsbl-scan_*.deb'))]
        assert len(debs) == 1, debs
        cls.deb = debs[0]
        cls.changes = glob.glob(os.path.join(cls.tmp, 'dnsbl-scan_*.changes'))[0]
        cls.root = os.path.join(cls.tmp, 'root')
        subprocess.run(['dpkg', '-x', cls.deb, cls.root], check=True)
        cls.control = os.path.join(cls.tmp, 'control')
        subprocess.run(['dpkg-deb', '-e', cls.deb, cls.control], check=True)
        # For checks.InstalledTree: Debian 12's folders.
        cls.tree = cls.root
        cls.bindir = '/usr/bin'
        cls.mandir = '/usr/share/man'
        cls.man_pages = ['/usr/share/man/man1/dnsbl-scan.1.gz',
                         '/usr/share/man/man5/dnsbl-scan-job.5.gz']
        cls.service = '/lib/systemd/system/dnsbl-scan.service'
        cls.timer = '/lib/systemd/system/dnsbl-scan.timer'
        cls.sysusers = '/usr/lib/sysusers.d/dnsbl-scan.conf'
        cls.tmpfiles = '/usr/lib/tmpfiles.d/dnsbl-scan.conf'
        cls.bash_script = '/usr/share/bash-completion/completions/dnsbl-scan'
        cls.zsh_folder = '/usr/share/zsh/vendor-completions'

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_file_list(self):
        listing = run(['dpkg', '-c', self.deb]).stdout
        print(listing)
        files, dirs = set(), set()
        for line in listing.splitlines():
            path = line.split(' -> ')[0].split()[-1].lstrip('.').strip('/')
            (dirs if line.startswith('d') else files).add(path)
        self.assertEqual(files, FILES)
        self.assertTrue(DIRS <= dirs)
        self.assertIn('./usr/bin/check_rbl -> dnsbl-scan', listing)

    def test_binary_runs(self):
        p = run([os.path.join(self.root, 'usr/bin/dnsbl-scan'), '--version'])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(ROOT, 'debian/changelog')) as f:
            version = f.readline().split('(')[1].split(')')[0]
        self.assertEqual(p.stdout.strip(), 'dnsbl-scan ' + version.split('-')[0])

    def test_maintainer_scripts(self):
        with open(os.path.join(self.control, 'postinst')) as f:
            postinst = f.read()
        users = postinst.index('systemd-sysusers')
        folder = postinst.index('systemd-tmpfiles')
        self.assertLess(users, folder, 'the user must exist before its folder is chowned')
        # dh_installsystemd --no-enable: the timer is enabled again on upgrade
        # only when the operator had enabled it (debian-installed), never on a
        # first installation.
        self.assertIn("if deb-systemd-helper debian-installed 'dnsbl-scan.timer'; then", postinst)
        self.assertNotIn('deb-systemd-invoke start', postinst)
        with open(os.path.join(self.control, 'control')) as f:
            control = f.read()
        self.assertIn('systemd-sysusers', control)   # Depends, for the postinst

    def test_unit_paths(self):
        with open(self.tree + self.service) as f:
            unit = f.read()
        self.assertIn('ExecStart=/usr/bin/dnsbl-scan scan --config /etc/dnsbl-scan/job.yaml', unit)
        self.assertIn('ConditionPathExists=/etc/dnsbl-scan/job.yaml', unit)

    @unittest.skipUnless(have('lintian'), 'lintian is not installed')
    def test_lintian(self):
        p = run(['lintian', '--fail-on', 'error', '--display-info', self.changes], timeout=300)
        out = '\n'.join(l for l in (p.stdout + p.stderr).splitlines()
                        if 'running with root privileges' not in l)
        print('lintian: ' + (out or 'no tags'))
        self.assertEqual(p.returncode, 0, out)


if __name__ == '__main__':
    if not (have('dpkg-buildpackage') and have('dh')):
        print('dpkg-buildpackage or debhelper is not installed: apt-get install dpkg-dev debhelper')
        sys.exit(77)
    unittest.main(verbosity=2)
