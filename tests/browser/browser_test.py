#!/usr/bin/python3
"""browser_test.py — the web face in a real browser (Debian's chromium
driven by chromium-driver through the W3C WebDriver HTTP protocol; Python
standard library only, no Node, no pip).

Starts `salesplan demo` in a temporary workspace, adds an admin and a rep
(`salesplan user add`), runs `salesplan serve` on a free loopback port and
chromedriver on another, headless, then:
  1. logs in and reads the dashboard (goals with progress bars, trend, funnel,
     leaderboard, alert counts);
  2. changes a task's status inline and sees it kept;
  3. logs a visit on the stalest follow-up and sees that alert disappear;
  4. imports a CSV with a bad line, sees the line in the error list and checks
     (sqlite3) that nothing was written;
  5. switches the language to Chinese and back;
  6. logs in as a rep, who lands on their own view;
  7. reads the analysis board (a PEST factor, the SWOT quadrants) and the
     strategies (a goal link leads to the goal's page), in both languages;
  8. on the users page adds a user (the password shown once) who then signs
     in, makes an API token that answers /api/v1/me, revokes it (401 after),
     and checks that a non-admin gets 403 on /users and no menu entry;
and fails on any console error or CSP violation (goog:loggingPrefs browser
ALL, every page). Screenshots of every page at 1366x900 and 390x844 (both
languages on the desktop) go to $SCREENSHOTS (meson: build/screenshots).

Environment: SALESPLAN (the binary), SCREENSHOTS (directory). Exits 1 on a
failure — also when chromium or chromedriver is missing: `make deps`
installs them; a browser suite that cannot run has not passed.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SALESPLAN = os.environ.get('SALESPLAN', 'build/salesplan')
SHOTS = os.environ.get('SCREENSHOTS', 'build/screenshots')
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
DRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'
SIZES = {'desktop': (1366, 900), 'phone': (390, 844)}
PASSWORD = 'correct horse battery staple'

failures = []
procs = []


def log(msg):
    print(msg, flush=True)


def fail(msg):
    failures.append(msg)
    log('FAIL: ' + msg)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, what, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit('%s exited early with %s' % (what, proc.returncode))
        try:
            socket.create_connection(('127.0.0.1', port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit('%s did not listen on %d' % (what, port))


def run(*args, stdin=None, check=True):
    r = subprocess.run(list(args), input=stdin, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit('%s: exit %d\n%s%s' % (' '.join(args), r.returncode, r.stdout, r.stderr))
    return r


# ---- WebDriver ----

W3C_ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'


def elem_id(e):
    if isinstance(e, dict):
        for k in (W3C_ELEMENT, 'ELEMENT'):
            if k in e:
                return e[k]
    raise RuntimeError('webdriver: not an element: %r' % (e,))


def elem(eid):
    """An element reference to pass to execute/sync."""
    return {W3C_ELEMENT: eid, 'ELEMENT': eid}

class Driver:
    def __init__(self, port):
        self.base = 'http://127.0.0.1:%d' % port
        caps = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {'binary': CHROMIUM, 'args': [
                '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--lang=en-US', '--user-data-dir=' + tempfile.mkdtemp(prefix='sp-chrome-'),
                '--window-size=1366,900']},
            'goog:loggingPrefs': {'browser': 'ALL'},
        }}}
        self.sid = self.call('POST', '/session', caps)['sessionId']

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b'{}' if method == 'POST' else None)
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read().decode()).get('value')
        except urllib.error.HTTPError as e:
            raise RuntimeError('webdriver %s %s: %s' % (method, path, e.read().decode()[:500]))

    def s(self, method, path, body=None):
        return self.call(method, '/session/%s%s' % (self.sid, path), body)

    def go(self, url):
        self.s('POST', '/url', {'url': url})

    def url(self):
        return self.s('GET', '/url')

    def find(self, css, many=False):
        r = self.s('POST', '/elements' if many else '/element', {'using': 'css selector', 'value': css})
        return [elem_id(e) for e in r] if many else elem_id(r)

    def exists(self, css):
        return len(self.find(css, many=True)) > 0

    def text(self, el):
        return self.s('GET', '/element/%s/text' % el)

    def click(self, el):
        self.s('POST', '/element/%s/click' % el)

    def type(self, el, text):
        self.s('POST', '/element/%s/value' % el, {'text': text})

    def js(self, script, *args):
        return self.s('POST', '/execute/sync', {'script': script, 'args': list(args)})

    def cdp(self, cmd, params=None):
        return self.s('POST', '/goog/cdp/execute', {'cmd': cmd, 'params': params or {}})

    def logs(self):
        try:
            return self.s('POST', '/se/log', {'type': 'browser'}) or []
        except RuntimeError:
            return self.s('POST', '/log', {'type': 'browser'}) or []

    def quit(self):
        try:
            self.call('DELETE', '/session/' + self.sid)
        except Exception:
            pass


def check_console(d, where):
    """Fails on any console error or CSP violation since the last check."""
    for e in d.logs():
        msg = e.get('message', '')
        if e.get('level') == 'SEVERE' or 'Content Security Policy' in msg or 'Content-Security-Policy' in msg:
            fail('%s: console: %s' % (where, msg))


def wait_for(d, css, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if d.exists(css):
            return True
        time.sleep(0.1)
    return False


def screenshot(d, name):
    os.makedirs(SHOTS, exist_ok=True)
    for size, (w, h) in SIZES.items():
        d.cdp('Emulation.setDeviceMetricsOverride',
              {'width': w, 'height': h, 'deviceScaleFactor': 1, 'mobile': size == 'phone'})
        time.sleep(0.15)
        height = d.js('return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);') or h
        width = d.js('return document.documentElement.scrollWidth;') or w
        if width > w + 2:
            fail('%s at %s: the page is %dpx wide, wider than the screen (%dpx)' % (name, size, width, w))
        shot = d.cdp('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': True,
                                               'clip': {'x': 0, 'y': 0, 'width': w, 'height': min(height, 6000),
                                                        'scale': 1}})
        with open(os.path.join(SHOTS, '%s-%s.png' % (name, size)), 'wb') as f:
            f.write(base64.b64decode(shot['data']))
    d.cdp('Emulation.clearDeviceMetricsOverride')


def login(d, base, user, password=PASSWORD):
    d.go(base + '/logout-page-does-not-exist')   # a page on the origin, so cookies can be cleared
    d.s('DELETE', '/cookie')
    d.go(base + '/login')
    if not wait_for(d, 'input[type=password]'):
        raise SystemExit('no login form at /login')
    d.type(d.find('input[name=login]'), user)
    d.type(d.find('input[type=password]'), password)
    d.click(d.find('form button[type=submit], form input[type=submit]'))
    if not wait_for(d, 'nav.main'):
        fail('login as %s: no navigation after logging in (%s)' % (user, d.url()))
    d.logs()   # the 404 page above is not under test


def http_status(url, headers):
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def accept_confirm(d, what, timeout=5):
    """Accepts the page's confirm() dialog (data-confirm forms)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            text = d.s('GET', '/alert/text')
            d.s('POST', '/alert/accept')
            return text
        except RuntimeError:
            time.sleep(0.1)
    fail('%s: no confirmation asked' % what)
    return None


def session_cookie(d):
    for c in d.s('GET', '/cookie') or []:
        if c.get('name') == 'sp_session':
            return 'sp_session=' + c['value']
    return ''


def sql(db, q):
    return run('sqlite3', db, q).stdout.strip()


def main():
    for tool in (CHROMIUM, DRIVER):
        if not os.path.exists(tool):
            log('FAIL: %s is missing: run `make deps` (Debian packages chromium chromium-driver '
                'fonts-wqy-microhei)' % tool)
            return 1
    tmp = tempfile.mkdtemp(prefix='sp-browser-')
    db = os.path.join(tmp, 'demo.db')
    run(SALESPLAN, 'demo', '--db', db, '--lang', 'en')
    run(SALESPLAN, '--db', db, 'user', 'add', 'director', '--role', 'admin', '--password-stdin', stdin=PASSWORD + '\n')
    alerts = json.loads(run(SALESPLAN, '--db', db, 'alerts', '--kind', 'stale_followup', '--format', 'json').stdout)
    stale = alerts['alerts']
    if not stale:
        raise SystemExit('the demo workspace has no stale follow-up to work on')
    rep = stale[0]['owner']
    run(SALESPLAN, '--db', db, 'user', 'add', 'rep1', '--role', 'rep', '--rep', rep, '--password-stdin',
        stdin=PASSWORD + '\n')

    port, dport = free_port(), free_port()
    server = subprocess.Popen([SALESPLAN, '--db', db, 'serve', '--listen', '127.0.0.1:%d' % port],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    procs.append(server)
    wait_port(port, 'salesplan serve', server)
    driver = subprocess.Popen([DRIVER, '--port=%d' % dport], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(driver)
    wait_port(dport, 'chromedriver', driver)
    base = 'http://127.0.0.1:%d' % port
    d = Driver(dport)
    try:
        flows(d, base, db)
    finally:
        d.quit()
    return 1 if failures else 0


def flows(d, base, db):
    # 1. log in, read the dashboard
    login(d, base, 'director')
    d.go(base + '/?lang=en')
    check_console(d, 'dashboard')
    rows = d.find('table.goals tbody tr', many=True)
    if len(rows) < 2:
        fail('dashboard: %d goal rows' % len(rows))
    for css in ('svg.bar', 'svg.trend', 'svg.funnel', 'table.rank', '#alerts-stale_followup'):
        if not d.exists(css):
            fail('dashboard: no %s' % css)
    first = d.text(rows[0]) if rows else ''
    if not any(s in first for s in ('on track', 'at risk', 'off track', 'achieved', 'missed', 'not started')):
        fail('dashboard: the first goal shows no status: %r' % first)
    stale_before = int(d.text(d.find('#alerts-stale_followup .v')))
    screenshot(d, 'dashboard')
    check_console(d, 'dashboard')

    # goal detail
    d.click(d.find('table.goals tbody tr a'))
    wait_for(d, 'h1')
    check_console(d, 'goal detail')
    screenshot(d, 'goal')

    # 2. change a task's status inline
    d.go(base + '/tasks')
    check_console(d, 'tasks')
    if not d.exists('svg.gantt'):
        fail('tasks: no Gantt chart')
    sel = d.find('select[data-autosubmit]', many=True)
    if not sel:
        fail('tasks: no status form')
    else:
        sid = d.js('return arguments[0].id;', elem(sel[0]))
        cur = d.js('return arguments[0].value;', elem(sel[0]))
        new = 'blocked' if cur != 'blocked' else 'doing'
        d.click(d.find('#%s option[value=%s]' % (sid, new)))   # the page script submits the form
        wait_for(d, '.notice.ok')
        check_console(d, 'tasks after the change')
        now = d.js('return document.getElementById(arguments[0]).value;', sid)
        if now != new:
            fail('tasks: status of %s is %r after choosing %r' % (sid, now, new))
        task_id = sid[len('status-'):]
        stored = sql(db, "SELECT status FROM task_states WHERE task_id = '%s'" % task_id.replace("'", "''"))
        if stored != new:
            fail('tasks: the workspace holds %r for %s, not %r' % (stored, task_id, new))
    screenshot(d, 'tasks')

    # 3. log a visit: the stale alert disappears
    d.go(base + '/followups')
    check_console(d, 'follow-ups')
    stale_rows = d.find('table.stale tbody tr', many=True)
    if not stale_rows:
        fail('follow-ups: no stale follow-up listed')
    else:
        rid = d.js('return arguments[0].id;', elem(stale_rows[0]))
        screenshot(d, 'followups')
        d.click(d.find('#%s button.log-visit' % rid))
        wait_for(d, '.notice.ok')
        check_console(d, 'follow-ups after logging a visit')
        if d.exists('#' + rid):
            fail('follow-ups: %s still listed after logging a visit' % rid)
        d.go(base + '/')
        after = int(d.text(d.find('#alerts-stale_followup .v')))
        if after != stale_before - 1:
            fail('dashboard: stale follow-ups %d before, %d after one visit' % (stale_before, after))

    # 4. import a CSV with a bad line: the error names the line; nothing written
    deals_before = sql(db, 'SELECT count(*) FROM deals')
    cust = sql(db, 'SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1')
    rep = sql(db, 'SELECT rep_id FROM reps ORDER BY rep_id LIMIT 1')
    csv_path = os.path.join(os.path.dirname(db), 'deals-bad.csv')
    with open(csv_path, 'w', encoding='utf-8') as f:
        f.write('deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount\n'
                'bt-1,%s,%s,CRM,2026-01-05,2026-02-01,won,1000\n'
                'bt-2,%s,%s,CRM,not-a-date,,open,2000\n' % (cust, rep, cust, rep))
    d.go(base + '/imports')
    check_console(d, 'imports')
    screenshot(d, 'imports')
    d.click(d.find('#import-table option[value=deals]'))
    d.type(d.find('#import-file'), csv_path)
    d.click(d.find('#import-go'))
    if not wait_for(d, '#import-errors'):
        fail('imports: no error list after a bad file')
    else:
        errs = d.text(d.find('#import-errors'))
        if ':3' not in errs and 'line 3' not in errs:
            fail('imports: the error does not name line 3: %r' % errs)
        if 'deals-bad.csv' not in errs:
            fail('imports: the error does not name the uploaded file: %r' % errs)
    check_console(d, 'imports with errors')
    screenshot(d, 'import-errors')
    if sql(db, 'SELECT count(*) FROM deals') != deals_before:
        fail('imports: deals were written from a file with a bad line')

    # every other page, in English
    for path, name in (('/plan', 'plan'), ('/customers', 'customers'), ('/budget', 'budget'),
                       ('/reviews', 'reviews')):
        d.go(base + path)
        check_console(d, name)
        if not d.exists('main h1'):
            fail('%s: no heading' % name)
        screenshot(d, name)

    # 5. switch the language
    d.go(base + '/')
    d.click(d.find('#lang-zh'))
    wait_for(d, '#lang-en')
    lang = d.js('return document.documentElement.lang;')
    nav = d.text(d.find('nav.main'))
    if lang != 'zh-CN' or '仪表盘' not in nav:
        fail('language switch: lang=%r nav=%r' % (lang, nav))
    check_console(d, 'dashboard in Chinese')
    for path, name in (('/', 'dashboard'), ('/plan', 'plan'), ('/tasks', 'tasks'), ('/followups', 'followups'),
                       ('/customers', 'customers'), ('/budget', 'budget'), ('/reviews', 'reviews'),
                       ('/imports', 'imports')):
        d.go(base + path + ('?' if '?' not in path else '&') + 'lang=zh')
        check_console(d, name + ' (zh)')
        body = d.text(d.find('main'))
        if sum(1 for ch in body if '\u4e00' <= ch <= '\u9fff') < 4:
            fail('%s (zh): hardly any Chinese on the page' % name)
        screenshot(d, name + '-zh')
    d.click(d.find('#lang-en'))
    wait_for(d, '#lang-zh')
    if d.js('return document.documentElement.lang;') != 'en':
        fail('language switch back to English')

    # 7. the analysis board and the strategies
    analysis_flows(d, base)
    # 8. users and API tokens
    admin_flows(d, base, db)

    # 6. a rep lands on their own view
    login(d, base, 'rep1')
    d.go(base + '/?lang=en')
    check_console(d, 'rep dashboard')
    h1 = d.text(d.find('main h1'))
    if 'My dashboard' not in h1:
        fail('rep: lands on %r, not their own dashboard' % h1)
    if d.exists('nav.main a[href="/imports"]'):
        fail('rep: sees the imports page in the navigation')
    screenshot(d, 'rep-dashboard')
    d.go(base + '/followups')
    check_console(d, 'rep follow-ups')
    screenshot(d, 'rep-followups')
    if d.exists('nav.main a[href="/users"]'):
        fail('rep: sees the users page in the navigation')
    st = http_status(base + '/users', {'Cookie': session_cookie(d)})
    if st != 403:
        fail('rep: GET /users answered %d, not 403' % st)


def analysis_flows(d, base):
    for lang, factor, quadrant in (('en', 'Political', 'Strengths (S)'), ('zh', '政治', '优势（S）')):
        d.go(base + '/analysis?lang=' + lang)
        check_console(d, 'analysis (%s)' % lang)
        pest = d.text(d.find('#pest')) if d.exists('#pest') else ''
        if factor not in pest or not d.exists('#pest ul.items li .eff'):
            fail('analysis (%s): no PEST factor %r with an effect: %r' % (lang, factor, pest[:200]))
        for q in ('s', 'w', 'o', 't'):
            if not d.exists('#swot-' + q):
                fail('analysis (%s): no SWOT quadrant %s' % (lang, q))
        if d.exists('#swot-s') and quadrant not in d.text(d.find('#swot-s')):
            fail('analysis (%s): the strengths quadrant is not titled %r' % (lang, quadrant))
        screenshot(d, 'analysis' + ('-zh' if lang == 'zh' else ''))
    for lang in ('zh', 'en'):
        d.go(base + '/strategies?lang=' + lang)
        check_console(d, 'strategies (%s)' % lang)
        if not d.exists('section.strat'):
            fail('strategies (%s): no strategy' % lang)
        screenshot(d, 'strategies' + ('-zh' if lang == 'zh' else ''))
    links = d.find('section.strat ul.served a.goal', many=True)
    if not links:
        fail('strategies: no link to a goal it serves')
        return
    name = d.text(links[0])
    d.click(links[0])
    wait_for(d, 'main h1')
    check_console(d, 'goal from a strategy')
    if '/goals/' not in d.url() or name not in d.text(d.find('main h1')):
        fail('strategies: the goal link led to %s (%r), not the goal %r' % (d.url(), d.text(d.find('main h1')), name))


def admin_flows(d, base, db):
    d.go(base + '/users?lang=en')
    check_console(d, 'users')
    if not d.exists('#user-director'):
        fail('users: the signed-in admin is not listed')
    screenshot(d, 'users')
    # add a rep: the password is shown once
    if not d.js('return document.getElementById("add-user").open;'):
        d.click(d.find('#add-user summary'))
    d.type(d.find('#new-login'), 'newrep')
    d.type(d.find('#new-name'), 'New Rep')
    d.click(d.find('#new-role option[value=rep]'))
    rep_opts = d.find('#new-rep option', many=True)
    if len(rep_opts) < 2:
        fail('users: no rep to choose')
        return
    d.click(rep_opts[1])
    d.click(d.find('#add-user-go'))
    if not wait_for(d, '#secret'):
        fail('users: no password shown after adding a user (%s)' % d.text(d.find('main'))[:300])
        return
    check_console(d, 'users after adding')
    pw = d.text(d.find('#secret')).strip()
    screenshot(d, 'users-added')
    row = sql(db, "SELECT role || '|' || coalesce(rep_id, '') || '|' || name FROM users WHERE login = 'newrep'")
    if not row.startswith('rep|') or not row.endswith('|New Rep'):
        fail('users: the workspace holds %r for newrep' % row)
    # a token: shown once, answers the API, stops when revoked
    d.go(base + '/users')
    d.click(d.find('#token-user option[value=director]'))
    d.type(d.find('#token-label'), 'browser test')
    d.click(d.find('#token-go'))
    if not wait_for(d, '#secret'):
        fail('users: no token shown after making one')
        return
    tok = d.text(d.find('#secret')).strip()
    check_console(d, 'users after making a token')
    if http_status(base + '/api/v1/me', {'Authorization': 'Bearer ' + tok}) != 200:
        fail('users: the new token does not answer /api/v1/me')
    tid = sql(db, "SELECT token_id FROM api_tokens WHERE label = 'browser test'")
    d.go(base + '/users?lang=zh')
    check_console(d, 'users (zh)')
    screenshot(d, 'users-zh')
    d.click(d.find('#revoke-' + tid))
    accept_confirm(d, 'revoking a token')
    wait_for(d, '.notice.ok')
    check_console(d, 'users after revoking')
    if http_status(base + '/api/v1/me', {'Authorization': 'Bearer ' + tok}) != 401:
        fail('users: a revoked token still answers (not 401)')
    # the new user signs in with the password shown once
    login(d, base, 'newrep', pw)
    d.go(base + '/?lang=en')
    check_console(d, 'new user dashboard')
    if 'My dashboard' not in d.text(d.find('main h1')):
        fail('users: the new rep does not land on their own dashboard')


if __name__ == '__main__':
    rc = 1
    try:
        rc = main()
    except SystemExit as e:
        log('FAIL: %s' % e)
        rc = 1
    except Exception as e:   # a WebDriver or HTTP failure: report it, stop the processes
        import traceback
        traceback.print_exc()
        log('FAIL: %s' % e)
        rc = 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
    if failures:
        log('%d failure(s)' % len(failures))
    else:
        log('browser flows: ok' if rc == 0 else 'browser flows: failed')
    sys.exit(rc if rc else (1 if failures else 0))
