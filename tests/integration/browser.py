# SPDX-License-Identifier: MIT
"""Headless Chromium for the report tests and the benchmark, driven through the
DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages ended by
NUL on file descriptors 3 and 4), so no debugging port is opened at all.

Every page load records the requests the page made (Network.requestWillBeSent),
so a test can check that a report asked for nothing but itself. Chromium runs
with the flags the project's network rule asks for, a fresh profile, a proxy on
a closed loopback port and a host resolver that resolves nothing: even a request
that slipped through could not leave the machine."""
import base64, json, os, select, shutil, subprocess, tempfile, time

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-default-apps', '--disable-extensions', '--mute-audio', '--hide-scrollbars',
         '--proxy-server=http://127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND',
         '--remote-debugging-pipe']


def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        self.requests = []  # every URL the page asked for, its own included

    def call(self, method, params=None):
        return self.browser.call(method, params, self.session)

    def evaluate(self, expr, await_promise=False):
        r = self.call('Runtime.evaluate', {'expression': expr, 'returnByValue': True,
                                           'awaitPromise': await_promise})
        if 'exceptionDetails' in r:
            raise RuntimeError('evaluate %r: %s' % (expr[:80], r['exceptionDetails']))
        return r['result'].get('value')

    def frames(self):
        """Wait two animation frames: what was invalidated is laid out and painted."""
        self.evaluate(FRAMES_JS, await_promise=True)

    def screenshot(self, path, selector=None, max_height=4000):
        """A PNG of the element @selector (at most @max_height pixels of it), or of the
        whole page. The viewport is first made tall enough to hold it: the report lays
        out off-screen parts only when they are visible (content-visibility)."""
        width = self.evaluate('document.documentElement.clientWidth')
        clip = None
        for _ in range(3):  # positions settle once what is above has been drawn
            clip = self.element_clip(selector) if selector else {
                'x': 0, 'y': 0, 'width': width,
                'height': self.evaluate('document.documentElement.scrollHeight')}
            clip['height'] = min(clip['height'], max_height)
            self.call('Emulation.setDeviceMetricsOverride', {
                'width': width, 'height': int(clip['y'] + clip['height']) + 1,
                'deviceScaleFactor': 1, 'mobile': False})
            self.frames()
        data = self.call('Page.captureScreenshot', {'format': 'png',
                                                    'clip': dict(clip, scale=1)})['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))
        return path

    def element_clip(self, selector):
        """The page rectangle of the first element matching @selector."""
        return self.evaluate(
            '(function(){var r=document.querySelector(%s).getBoundingClientRect();'
            'return {x:r.left+scrollX,y:r.top+scrollY,width:r.width,height:r.height};})()'
            % json.dumps(selector))


class Chromium:
    def __init__(self, exe=None, timeout=60):
        self.exe = exe or find_chromium()
        if not self.exe:
            raise RuntimeError('no chromium on PATH')
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix='dnsbl-chromium-')
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # fds 3 and 4 of the child are the pipe's ends, set by the shell just before exec
        # (bash: dash cannot redirect from a descriptor above 9)
        cmd = ['bash', '-c', 'exec "$0" "$@" 3<&%d 4>&%d' % (to_r, from_w), self.exe] + FLAGS + [
            '--user-data-dir=' + self.profile, 'about:blank']
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, pass_fds=(to_r, from_w))
        os.close(to_r)
        os.close(from_w)
        self._buf = b''
        self._id = 0
        self._events = []
        self.pages = {}

    def _read(self, deadline):
        while b'\0' not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_r], [], [], left)[0]:
                raise TimeoutError('chromium did not answer in time')
            chunk = os.read(self._from_r, 1 << 20)
            if not chunk:
                raise RuntimeError('chromium closed the pipe: %s' % self._stderr())
            self._buf += chunk
        msg, self._buf = self._buf.split(b'\0', 1)
        return json.loads(msg)

    def _stderr(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors='replace')[-2000:]

    def _dispatch(self, msg):
        page = self.pages.get(msg.get('sessionId'))
        if page and msg.get('method') == 'Network.requestWillBeSent':
            page.requests.append(msg['params']['request']['url'])
        self._events.append(msg)

    def call(self, method, params=None, session=None):
        self._id += 1
        msg = {'id': self._id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self._to_w, json.dumps(msg).encode() + b'\0')
        deadline = time.monotonic() + self.timeout
        while True:
            r = self._read(deadline)
            if r.get('id') == self._id:
                if 'error' in r:
                    raise RuntimeError('%s: %s' % (method, r['error']))
                return r.get('result', {})
            self._dispatch(r)

    def wait_event(self, name, session):
        deadline = time.monotonic() + self.timeout
        for i, e in enumerate(self._events):
            if e.get('method') == name and e.get('sessionId') == session:
                del self._events[i]
                return e
        while True:
            e = self._read(deadline)
            self._dispatch(e)
            if e.get('method') == name and e.get('sessionId') == session:
                self._events.remove(e)
                return e

    def open(self, url, width=1400, height=900):
        """A new tab showing @url, loaded (load event fired); its requests recorded."""
        target = self.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = self.call('Target.attachToTarget', {'targetId': target,
                                                      'flatten': True})['sessionId']
        page = Page(self, session)
        self.pages[session] = page
        page.call('Network.enable')
        page.call('Page.enable')
        page.call('Emulation.setDeviceMetricsOverride', {'width': width, 'height': height,
                                                         'deviceScaleFactor': 1,
                                                         'mobile': False})
        page.call('Page.navigate', {'url': url})
        self.wait_event('Page.loadEventFired', session)
        return page

    def close(self):
        try:
            self.call('Browser.close')
        except Exception:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        os.close(self._to_w)
        os.close(self._from_r)
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# Two animation frames: whatever was invalidated has been laid out and painted.
FRAMES_JS = '''new Promise(function (done) {
  requestAnimationFrame(function () { requestAnimationFrame(function () { done(true); }); });
})'''

# Time to a drawn page: navigation start to two animation frames after the load
# event (the frame after layout and paint of everything the parser built).
LOAD_TIMING_JS = '''new Promise(function (done) {
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    var n = performance.getEntriesByType('navigation')[0];
    done({painted: performance.now(), load: n.loadEventEnd, dom: n.domContentLoadedEventEnd,
          bytes: n.transferSize || n.encodedBodySize || 0});
  }); });
})'''
