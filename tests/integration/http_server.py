#!/usr/bin/python3
"""http_server.py — `salesplan serve` over real HTTP (stdlib only).

Starts the real binary on 127.0.0.1 (port 0: the port it prints), with a
demo workspace and one user per role, and checks: health, readiness and
metrics; the security headers; the authorization matrix of EVERY route of
`salesplan serve --list-routes` x every role (a new route cannot escape it);
CSRF; oversize and malformed requests; a slow client; problem+json errors;
login rate limiting; logout everywhere; a CLI write seen at the next
request; the language; the OpenAPI description against the route table;
the access log; SIGTERM with a request in flight. Prints TAP-like lines and
exits 1 when any check failed.
"""
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SP = os.environ['SALESPLAN']
WORK = tempfile.mkdtemp(prefix='sp-http-')
DB = os.path.join(WORK, 'ws.db')
ENV = dict(os.environ, SALESPLAN_DB=DB, LANG='C.UTF-8')
for k in ('LANGUAGE', 'LC_ALL', 'LC_MESSAGES', 'http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
    ENV.pop(k, None)
ROLES = ['admin', 'manager', 'rep', 'viewer']
PW = 'correct-horse-9'

n = 0
fails = 0


def ok(cond, desc, extra=''):
    global n, fails
    n += 1
    if cond:
        print('ok %d - %s' % (n, desc))
    else:
        fails += 1
        print('not ok %d - %s %s' % (n, desc, extra[:600]))
    return cond


def sp(*args, stdin=None, check=True):
    r = subprocess.run([SP] + list(args), input=stdin, capture_output=True, text=True, env=ENV)
    if check and r.returncode != 0:
        print('# %s: exit %d: %s' % (' '.join(args), r.returncode, r.stderr))
    return r


class Server:
    def __init__(self, *extra):
        self.log = open(os.path.join(WORK, 'access-%d.log' % time.monotonic_ns()), 'w+')
        self.p = subprocess.Popen([SP, 'serve', '--listen', '127.0.0.1:0', '--request-timeout', '2'] + list(extra),
                                  stdout=subprocess.PIPE, stderr=self.log, text=True, env=ENV)
        line = self.p.stdout.readline()
        m = re.search(r'127\.0\.0\.1:(\d+)/', line)
        if not m:
            raise SystemExit('server did not start: %r' % line)
        self.port = int(m.group(1))

    def stop(self, sig=signal.SIGTERM, timeout=10):
        self.p.send_signal(sig)
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None

    def log_lines(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read().splitlines()


def req(srv, method, path, body=None, headers=None, conn=None):
    h = dict(headers or {})
    c = conn or http.client.HTTPConnection('127.0.0.1', srv.port, timeout=10)
    if isinstance(body, str):
        body = body.encode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    if not conn:
        c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data, r


def raw(srv, data, timeout=5):
    """Sends bytes, returns what came back until the server closed."""
    s = socket.create_connection(('127.0.0.1', srv.port), timeout=timeout)
    s.sendall(data)
    out = b''
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def cookies_of(headers_list):
    jar = {}
    for k, v in headers_list:
        if k.lower() == 'set-cookie':
            name, _, rest = v.partition('=')
            jar[name] = rest.split(';')[0]
    return jar


def login(srv, user, pw=PW):
    """A session: (cookie header, csrf token) or (None, status)."""
    st, h, body, r = req(srv, 'GET', '/login')
    pre = re.search(r'sp_csrf=([^;]+)', h.get('set-cookie', '')).group(1)
    c = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=10)
    c.request('POST', '/login', body='csrf=%s&login=%s&password=%s' % (pre, user, pw),
              headers={'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': 'sp_csrf=' + pre})
    r = c.getresponse()
    r.read()
    jar = cookies_of(r.getheaders())
    c.close()
    if r.status != 303 or not jar.get('sp_session'):
        return None, r.status
    cookie = 'sp_session=' + jar['sp_session']
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': cookie})
    return cookie, json.loads(body)['csrf']


def problem_ok(st, h, body, want_status, want_type=None):
    if h.get('content-type') != 'application/problem+json':
        return False
    try:
        p = json.loads(body)
    except ValueError:
        return False
    if p.get('status') != want_status or p.get('status') != st or not p.get('title'):
        return False
    if not p.get('type', '').startswith('https://salesplan.dev/problems/'):
        return False
    return want_type is None or p['type'].endswith('/' + want_type)


def main():
    t0 = time.monotonic()
    sp('demo', '--quiet', '--as-of', '2026-06-30')
    tokens = {}
    for role in ROLES:
        extra = []
        if role == 'rep':
            extra = ['--rep', 'r005']
        if role == 'manager':
            extra = ['--groups', 'mfg']
        sp('user', 'add', role + '1', '--role', role, '--password-stdin', *extra, stdin=PW + '\n')
        out = sp('token', 'add', role + '1', '--label', 'test').stdout.strip().splitlines()
        tokens[role] = out[-1]
    sp('user', 'add', 'victim', '--role', 'viewer', '--password-stdin', stdin=PW + '\n')
    sp('user', 'add', 'zhuser', '--role', 'viewer', '--language', 'zh', '--password-stdin', stdin=PW + '\n')

    srv = Server()
    try:
        run(srv, tokens)
    finally:
        if srv.p.poll() is None:
            srv.p.kill()
    # the JSON access log
    srv2 = Server('--log-format', 'json')
    req(srv2, 'GET', '/healthz')
    req(srv2, 'GET', '/no%0Awhere%22')
    rc = srv2.stop()
    lines = [l for l in srv2.log_lines() if l.startswith('{')]
    parsed = []
    for l in lines:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            pass
    ok(len(parsed) == 2 and len(lines) == 2 and sorted(p['status'] for p in parsed) == [200, 404]
       and any(p['path'] == '/no\nwhere"' for p in parsed),
       '--log-format json: one JSON object per request', repr(lines))
    ok(rc == 0, 'second server: exit 0 on SIGTERM')
    print('# %.1f s' % (time.monotonic() - t0))
    print('# %d passed, %d failed' % (n - fails, fails))
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1 if fails else 0)


def sql(q):
    return subprocess.run(['sqlite3', DB, q], capture_output=True, text=True).stdout.strip()


def api_checks(srv, tokens):
    adm = {'Authorization': 'Bearer ' + tokens['admin']}
    # the same JSON as the CLI, byte for byte
    same = [
        ('/api/v1/kpi?metric=revenue&period=2026&by=month&as_of=2026-06-30',
         ['kpi', 'revenue', '--period', '2026', '--by', 'month', '--as-of', '2026-06-30']),
        ('/api/v1/kpi?metric=win_rate&period=2026-Q1&by=rep,region&where=region:East%20China&as_of=2026-06-30',
         ['kpi', 'win_rate', '--period', '2026-Q1', '--by', 'rep,region', '--where', 'region=East China', '--as-of', '2026-06-30']),
        ('/api/v1/kpi?metric=deals_won&period=2026-H1&where=rep:r001&where=rep:r002&explain=1&limit=5&as_of=2026-06-30',
         ['kpi', 'deals_won', '--period', '2026-H1', '--where', 'rep=r001', '--where', 'rep=r002', '--explain',
          '--limit', '5', '--as-of', '2026-06-30']),
        ('/api/v1/status?as_of=2026-06-30', ['status', '--as-of', '2026-06-30']),
        ('/api/v1/alerts?as_of=2026-06-30', ['alerts', '--as-of', '2026-06-30']),
        ('/api/v1/alerts?as_of=2026-06-30&kind=stale_followup', ['alerts', '--as-of', '2026-06-30', '--kind', 'stale_followup']),
        ('/api/v1/tasks?as_of=2026-06-30', ['tasks', '--as-of', '2026-06-30']),
        ('/api/v1/plans', ['plan', 'list']),
    ]
    for path, cli in same:
        st, h, body, _ = req(srv, 'GET', path, headers=adm)
        out = sp(*cli, '--format', 'json').stdout.encode()
        ok(st == 200 and h.get('content-type') == 'application/json' and body == out and len(body) > 20,
           'API %s = CLI %s --format json, byte for byte' % (path.split('?')[0], ' '.join(cli[:1])),
           '%d\n%r\n%r' % (st, body[:300], out[:300]))
    # the caller's scope
    rep = {'Authorization': 'Bearer ' + tokens['rep']}
    st, h, body, _ = req(srv, 'GET', '/api/v1/kpi?metric=revenue&period=2026&where=rep:r002&as_of=2026-06-30', headers=rep)
    ok(st == 404 and problem_ok(st, h, body, 404), "a rep asking for another rep's numbers: 404", '%d %r' % (st, body))
    st, h, body, _ = req(srv, 'GET', '/api/v1/kpi?metric=revenue&period=2026&as_of=2026-06-30', headers=rep)
    mine = sp('kpi', 'revenue', '--period', '2026', '--where', 'rep=r005', '--as-of', '2026-06-30', '--format', 'json').stdout
    ok(st == 200 and json.loads(body)['total'] == json.loads(mine)['total'],
       "a rep's kpi counts only their own records", '%r %r' % (body[:200], mine[:200]))
    st, h, body, _ = req(srv, 'GET', '/api/v1/alerts?as_of=2026-06-30', headers=rep)
    owners = {a.get('owner') for a in json.loads(body)['alerts']}
    ok(st == 200 and owners <= {'r005'}, "a rep's alerts are their own", repr(owners))
    mine_c = sql("SELECT customer_id FROM customers WHERE owner_rep_id='r005' LIMIT 1")
    other_c = sql("SELECT customer_id FROM customers WHERE owner_rep_id<>'r005' LIMIT 1")
    jh = dict(rep, **{'Content-Type': 'application/json'})
    before = sql('SELECT count(*) FROM activities')
    st, h, body, _ = req(srv, 'POST', '/api/v1/activities', body=json.dumps({'customer_id': other_c}), headers=jh)
    st2, h2, body2, _ = req(srv, 'POST', '/api/v1/activities', body=json.dumps({'customer_id': 'no-such-customer'}), headers=jh)
    ok(st == 404 and st2 == 404 and json.loads(body)['title'] == json.loads(body2)['title'],
       "a rep logging a visit to another rep's customer: 404, as for one that does not exist")
    batch = {'records': [{'customer_id': mine_c, 'kind': 'call', 'occurred_on': '2026-06-29'},
                         {'customer_id': other_c, 'kind': 'visit'}]}
    st, h, body, _ = req(srv, 'POST', '/api/v1/activities', body=json.dumps(batch), headers=jh)
    ok(st in (400, 404) and sql('SELECT count(*) FROM activities') == before,
       'a batch with one refused record writes nothing', '%d %s' % (st, body[:200]))
    batch = {'records': [{'customer_id': mine_c, 'kind': 'call', 'occurred_on': '2026-06-29', 'id': 'api-1'},
                         {'customer_id': mine_c, 'kind': 'visit', 'occurred_on': '2026-06-30', 'id': 'api-2'}]}
    st, h, body, _ = req(srv, 'POST', '/api/v1/activities', body=json.dumps(batch), headers=jh)
    ok(st == 201 and sql("SELECT group_concat(activity_id||':'||rep_id||':'||kind||':'||occurred_on, ' ') FROM activities WHERE activity_id LIKE 'api-%' ORDER BY activity_id")
       == 'api-1:r005:call:2026-06-29 api-2:r005:visit:2026-06-30', 'a good batch: 201, every record stored', body[:200])
    st, h, body, _ = req(srv, 'POST', '/api/v1/activities', body='{"records": [', headers=jh)
    ok(problem_ok(st, h, body, 400, 'invalid-body'), 'malformed JSON: 400 invalid-body')
    st, h, body, _ = req(srv, 'POST', '/api/v1/activities', body=json.dumps({'customer_id': mine_c}),
                         headers={'Authorization': 'Bearer ' + tokens['viewer'], 'Content-Type': 'application/json'})
    ok(st == 403, 'a viewer may not log activities')
    # tasks: PATCH
    task = json.loads(sp('tasks', '--as-of', '2026-06-30', '--format', 'json').stdout)['tasks'][0]['id']
    st, h, body, _ = req(srv, 'PATCH', '/api/v1/tasks/' + task, body='{"status": "blocked", "progress": 30}',
                         headers=dict(adm, **{'Content-Type': 'application/json'}))
    ok(st == 200 and sql("SELECT status||':'||progress FROM task_states WHERE task_id='%s'" % task) == 'blocked:30',
       'PATCH /api/v1/tasks/{id}: the state is stored', '%d %r' % (st, body))
    st, h, body, _ = req(srv, 'PATCH', '/api/v1/tasks/' + task, body='{"status": "finished"}',
                         headers=dict(adm, **{'Content-Type': 'application/json'}))
    ok(problem_ok(st, h, body, 400), 'PATCH with a bad status: 400')
    st, h, body, _ = req(srv, 'PATCH', '/api/v1/tasks/no-such-task', body='{"status": "done"}',
                         headers=dict(adm, **{'Content-Type': 'application/json'}))
    ok(problem_ok(st, h, body, 404, 'not-found'), 'PATCH an unknown task: 404')
    # a CLI import is seen at the next request
    q = '/api/v1/kpi?metric=activities&period=2026&as_of=2026-06-30'
    st, h, body, _ = req(srv, 'GET', q, headers=adm)
    n0 = json.loads(body)['total']
    csv = os.path.join(WORK, 'acts.csv')
    with open(csv, 'w') as f:
        f.write('activity_id,occurred_on,rep_id,customer_id,kind\n')
        for i in range(7):
            f.write('cli-%d,2026-06-1%d,r001,%s,visit\n' % (i, i, mine_c))
    sp('import', 'activities', csv)
    st, h, body, _ = req(srv, 'GET', q, headers=adm)
    cli_now = sp('kpi', 'activities', '--period', '2026', '--as-of', '2026-06-30', '--format', 'json').stdout.encode()
    ok(json.loads(body)['total'] == n0 + 7 and body == cli_now,
       'a CLI import (another process) is seen by the next API request', '%r %r' % (n0, body[:200]))


def run(srv, tokens):
    # ---- health ----
    st, h, body, _ = req(srv, 'GET', '/healthz')
    ok(st == 200 and body == b'ok\n', '/healthz answers ok')
    st, h, body, _ = req(srv, 'GET', '/readyz')
    ok(st == 200 and body == b'ready\n', '/readyz: workspace reachable, schema current', repr(body))

    api_checks(srv, tokens)

    # ---- security headers, on a page and on the API ----
    for path in ('/login', '/api/v1/openapi.json', '/nowhere'):
        st, h, body, _ = req(srv, 'GET', path)
        csp = h.get('content-security-policy', '')
        ok(h.get('x-content-type-options') == 'nosniff' and h.get('referrer-policy')
           and "frame-ancestors 'none'" in csp and re.search(r"script-src 'nonce-[A-Za-z0-9_-]{16,}'", csp)
           and "unsafe-inline" not in csp and 'Accept-Language' in h.get('vary', '')
           and h.get('content-language') in ('en', 'zh-CN'),
           'security headers on %s' % path, repr(h))
    st, h1, _, _ = req(srv, 'GET', '/login')
    st, h2, _, _ = req(srv, 'GET', '/login')
    ok(h1['content-security-policy'] != h2['content-security-policy'], 'a new CSP nonce per response')
    ok('HttpOnly' in h1.get('set-cookie', '') and 'SameSite=Strict' in h1.get('set-cookie', ''),
       'the pre-session CSRF cookie is HttpOnly, SameSite=Strict')

    # ---- sessions per role ----
    sessions = {}
    for role in ROLES:
        cookie, csrf = login(srv, role + '1')
        ok(cookie is not None, 'log in as %s' % role, repr(csrf))
        sessions[role] = (cookie, csrf)
    c = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=10)
    st, h, body, r = req(srv, 'GET', '/login')
    # the session cookie's attributes
    cookie_line = None
    pre = re.search(r'sp_csrf=([^;]+)', h['set-cookie']).group(1)
    c.request('POST', '/login', body='csrf=%s&login=viewer1&password=%s' % (pre, PW),
              headers={'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': 'sp_csrf=' + pre})
    r = c.getresponse()
    r.read()
    for k, v in r.getheaders():
        if k.lower() == 'set-cookie' and v.startswith('sp_session='):
            cookie_line = v
    ok(cookie_line and 'HttpOnly' in cookie_line and 'SameSite=Strict' in cookie_line and 'Secure' not in cookie_line,
       'session cookie: HttpOnly, SameSite=Strict (no Secure on plain HTTP)', repr(cookie_line))
    c.request('POST', '/login', body='csrf=%s&login=viewer1&password=%s' % (pre, PW),
              headers={'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': 'sp_csrf=' + pre,
                       'X-Forwarded-Proto': 'https'})
    r = c.getresponse()
    r.read()
    secure = [v for k, v in r.getheaders() if k.lower() == 'set-cookie' and v.startswith('sp_session=')]
    ok(secure and 'Secure' in secure[0], 'behind TLS (X-Forwarded-Proto: https) the cookie is Secure')
    c.close()

    # ---- the authorization matrix: every route x every role ----
    routes = []
    for line in sp('serve', '--list-routes').stdout.splitlines():
        method, pattern, kind, roles, writes = line.split('\t')
        routes.append((method, pattern, kind, roles.split(','), writes == 'writes'))
    ok(len(routes) >= 10, 'the route table lists %d routes' % len(routes))
    checked = 0
    for method, pattern, kind, allowed, writes in routes:
        path = re.sub(r'\{[^}]+\}', 'no-such-id', pattern)
        for who in ['anonymous'] + ROLES:
            headers = {}
            body = None
            if method != 'GET':
                headers['Content-Type'] = 'application/json' if kind == 'api' else 'application/x-www-form-urlencoded'
                body = '{}' if kind == 'api' else ''
            if who != 'anonymous':
                if kind == 'api':
                    headers['Authorization'] = 'Bearer ' + tokens[who]
                else:
                    cookie, csrf = sessions[who]
                    headers['Cookie'] = cookie
                    if method != 'GET':
                        body = 'csrf=' + csrf
            elif method != 'GET' and kind == 'page' and 'public' in allowed:
                st, h, _, _ = req(srv, 'GET', '/login')
                pre = re.search(r'sp_csrf=([^;]+)', h['set-cookie']).group(1)
                headers['Cookie'] = 'sp_csrf=' + pre
                body = 'csrf=' + pre
            st, h, data, _ = req(srv, method, path, body=body, headers=headers)
            to_login = st == 303 and h.get('location', '').startswith('/login?next=')
            if 'public' in allowed:
                good = st not in (401, 403) and not to_login
                want = 'not 401/403'
            elif who == 'anonymous':
                good = to_login if kind == 'page' else (st == 401 and problem_ok(st, h, data, 401, 'unauthorized'))
                want = '303 to /login' if kind == 'page' else '401 problem'
            elif who in allowed:
                good = st not in (401, 403) and not to_login
                want = 'allowed'
            else:
                good = st == 403 and (kind != 'api' or problem_ok(st, h, data, 403, 'forbidden'))
                want = '403'
            ok(good, 'matrix: %s %s as %s -> %s' % (method, pattern, who, want), 'got %d %r' % (st, data[:200]))
            checked += 1
            if pattern.endswith('/logout') and who != 'anonymous' and st in (204, 303):
                sessions[who] = login(srv, who + '1')
    ok(checked == len(routes) * 5, 'matrix covered every route x every role (%d)' % checked)

    # ---- CSRF ----
    cookie, csrf = sessions['viewer']
    st, h, body, _ = req(srv, 'POST', '/logout', body='everywhere=0',
                         headers={'Cookie': cookie, 'Content-Type': 'application/x-www-form-urlencoded'})
    ok(st == 403 and b'<html' in body, 'form POST without the CSRF field: 403 page')
    st, h, body, _ = req(srv, 'POST', '/logout', body='csrf=forged-token-000000000',
                         headers={'Cookie': cookie, 'Content-Type': 'application/x-www-form-urlencoded'})
    ok(st == 403, 'form POST with a wrong CSRF token: 403')
    st, h, body, _ = req(srv, 'POST', '/api/v1/logout', body='{}',
                         headers={'Cookie': cookie, 'Content-Type': 'application/json'})
    ok(st == 403 and problem_ok(st, h, body, 403, 'csrf'), 'API write by session cookie without X-CSRF-Token: 403 csrf')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': cookie})
    ok(st == 200, 'the session survived the forged requests')
    mp = ('--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XyZ--\r\n')
    st, h, body, _ = req(srv, 'POST', '/logout', body=mp,
                         headers={'Cookie': cookie, 'Content-Type': 'multipart/form-data; boundary=XyZ'})
    ok(st == 403, 'a multipart form without its csrf part: 403')
    mp = ('--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n%s\r\n--XyZ--\r\n' % csrf)
    st, h, body, _ = req(srv, 'POST', '/logout', body=mp,
                         headers={'Cookie': cookie, 'Content-Type': 'multipart/form-data; boundary=XyZ'})
    ok(st == 303, 'a multipart form with the csrf part passes (upload forms)', '%d' % st)
    cookie, csrf = login(srv, 'viewer1')
    sessions['viewer'] = (cookie, csrf)
    st, h, body, _ = req(srv, 'POST', '/login', body='login=viewer1&password=' + PW,
                         headers={'Content-Type': 'application/x-www-form-urlencoded'})
    ok(st == 403, 'login form without its CSRF cookie: 403 (login CSRF)')

    # ---- problem+json and field validation ----
    auth = {'Authorization': 'Bearer ' + tokens['admin']}
    st, h, body, _ = req(srv, 'GET', '/api/v1/me?bogus=1', headers=auth)
    ok(problem_ok(st, h, body, 400, 'invalid-field') and b'bogus' in body, 'unknown field: 400 invalid-field', repr(body))
    st, h, body, _ = req(srv, 'GET', '/api/v1/me?lang=xx', headers=auth)
    ok(problem_ok(st, h, body, 400, 'invalid-field'), 'invalid ?lang=: 400')
    st, h, body, _ = req(srv, 'GET', '/api/v1/nothing-here', headers=auth)
    ok(problem_ok(st, h, body, 404, 'not-found'), 'unknown API path: 404 problem')
    st, h, body, _ = req(srv, 'DELETE', '/api/v1/me', headers=auth)
    ok(problem_ok(st, h, body, 405) and 'GET' in h.get('allow', ''), 'wrong method: 405 with Allow', repr(h))
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Authorization': 'Bearer sp_not-a-real-token'})
    ok(problem_ok(st, h, body, 401, 'unauthorized') and 'bearer' in h.get('www-authenticate', '').lower(),
       'bad bearer token: 401 problem with WWW-Authenticate')
    cookie, csrf = login(srv, 'victim')
    st, h, body, _ = req(srv, 'POST', '/login', body='csrf=%s&login=%s&password=x%%zz' % (csrf, 'a'),
                         headers={'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': cookie})
    ok(st == 400, 'a bad %-escape in a form: 400', '%d' % st)
    st, h, body, _ = req(srv, 'POST', '/login', body='csrf=%s&login&password' % csrf,
                         headers={'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': cookie})
    ok(st == 400, 'form fields without "=": 400 (required and empty)', '%d' % st)
    st, h, body, _ = req(srv, 'GET', '/api/v1/me?x=%zz', headers=auth)
    ok(st == 400, 'a bad %-escape in the query: 400', '%d' % st)
    st, h, body, _ = req(srv, 'POST', '/api/v1/logout', body=b'{"a":"\x00"}',
                         headers=dict(auth, **{'Content-Type': 'application/json'}))
    ok(problem_ok(st, h, body, 400, 'invalid-body'), 'a NUL byte in a JSON body: 400')
    st, h, body, _ = req(srv, 'POST', '/api/v1/logout', body='<x/>',
                         headers=dict(auth, **{'Content-Type': 'application/xml'}))
    ok(problem_ok(st, h, body, 415), 'an unsupported body type: 415', '%d %r' % (st, body))

    # ---- oversize and malformed ----
    st, h, body, _ = req(srv, 'GET', '/api/v1/me?x=' + 'a' * 5000, headers=auth)
    ok(st in (414, 431), 'request target over 4 KiB: 414', '%d' % st)
    many = {'X-H%d' % i: 'v' for i in range(80)}
    st, h, body, _ = req(srv, 'GET', '/healthz', headers=many)
    ok(st == 431, '80 header lines: 431', '%d' % st)
    out = raw(srv, b'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + b'a' * 40000 + b'\r\n\r\n')
    ok(out.startswith(b'HTTP/1.1 431') or out.startswith(b'HTTP/1.1 413') or out.startswith(b'HTTP/1.1 414') or out == b'',
       'one 40 KB header: refused', repr(out[:80]))
    st, h, body, _ = req(srv, 'POST', '/login', body='x' * 10000,
                         headers={'Content-Type': 'application/x-www-form-urlencoded'})
    ok(st == 413, 'a body over the route limit (Content-Length): 413', '%d' % st)
    out = raw(srv, b'POST /api/v1/logout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' + tokens['admin'].encode() +
              b'\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
              (b'1000\r\n' + b'a' * 4096 + b'\r\n') * 3)
    ok(not out.startswith(b'HTTP/1.1 2'), 'a chunked body over the limit is cut off', repr(out[:60]))
    out = raw(srv, b'GARBAGE\r\n\r\n')
    ok(out.startswith(b'HTTP/1.1 400') or out == b'', 'a malformed request line: 400 or closed', repr(out[:60]))
    out = raw(srv, b'GET /healthz HTTP/1.1\r\n\r\n')
    ok(out.startswith(b'HTTP/1.1 400'), 'HTTP/1.1 without Host: 400', repr(out[:60]))
    st, h, body, _ = req(srv, 'BREW', '/healthz')
    ok(st in (405, 501), 'an unknown method: 405', '%d' % st)

    # ---- slow client (slowloris): the request must be whole within --request-timeout 2 ----
    s = socket.create_connection(('127.0.0.1', srv.port), timeout=10)
    s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\n')
    start = time.monotonic()
    closed_at = None
    while time.monotonic() - start < 8:
        r_, _, _ = select.select([s], [], [], 0.3)
        if r_:
            try:
                if s.recv(4096) == b'':
                    closed_at = time.monotonic() - start
                    break
            except ConnectionResetError:
                closed_at = time.monotonic() - start
                break
        try:
            s.sendall(b'X-Slow: 1\r\n')
        except (BrokenPipeError, ConnectionResetError):
            closed_at = time.monotonic() - start
            break
    s.close()
    ok(closed_at is not None and closed_at < 5, 'a client trickling headers is cut off after the request timeout',
       repr(closed_at))
    st, h, body, _ = req(srv, 'GET', '/healthz')
    ok(st == 200, 'the server still answers after the slow client')
    # keep-alive works (STACK.md pitfall 1)
    c = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=10)
    req(srv, 'GET', '/healthz', conn=c)
    st, h, body, r = req(srv, 'GET', '/healthz', conn=c)
    ok(st == 200 and h.get('connection', '').lower() != 'close', 'keep-alive: two requests on one connection')
    c.close()

    # ---- language ----
    st, h, body, _ = req(srv, 'GET', '/login', headers={'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5'})
    ok(h.get('content-language') == 'zh-CN' and '登录'.encode() in body, 'Accept-Language zh: the page in Chinese')
    st, h, body, _ = req(srv, 'GET', '/login?lang=en', headers={'Accept-Language': 'zh-CN'})
    ok(h.get('content-language') == 'en' and b'Sign in' in body, '?lang=en overrides Accept-Language')
    zc, _ = login(srv, 'zhuser')
    st, h, body, _ = req(srv, 'GET', '/', headers={'Cookie': zc, 'Accept-Language': 'en'})
    ok(h.get('content-language') == 'zh-CN', "the user's language setting wins over Accept-Language")
    st, h, body, _ = req(srv, 'GET', '/api/v1/nothing', headers={'Authorization': 'Bearer ' + tokens['admin'],
                                                                'Accept-Language': 'zh'})
    ok('未找到' in json.loads(body).get('title', ''), 'problem titles in the request language')

    # ---- login rate limiting (per account) ----
    codes = [login(srv, 'victim', 'wrong-password')[1] for _ in range(5)]
    ok(codes == [401] * 5, 'five wrong passwords: 401 each', repr(codes))
    cookie, code = login(srv, 'victim')
    ok(cookie is None and code == 429, 'then even the right password: 429 (locked)', repr(code))
    cookie, code = login(srv, 'viewer1')
    ok(cookie is not None, 'another account from the same address still signs in')
    st, h, body, _ = req(srv, 'GET', '/login')
    ok(st == 200, 'unknown login and wrong password look the same', '')
    cookie, code = login(srv, 'nobody-here', 'whatever-123')
    ok(code == 401, 'an unknown login: 401 like a wrong password')

    # ---- logout everywhere ----
    a, _ = login(srv, 'manager1')
    b, bcsrf = login(srv, 'manager1')
    st, h, body, _ = req(srv, 'POST', '/logout', body='csrf=%s&everywhere=1' % bcsrf,
                         headers={'Cookie': b, 'Content-Type': 'application/x-www-form-urlencoded'})
    ok(st == 303 and h.get('location') == '/login', 'logout everywhere: 303 to /login')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': a})
    ok(st == 401, 'the other session of the user is ended too')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': sessions['admin'][0]})
    ok(st == 200, "other users' sessions are kept")

    # ---- a CLI write is seen at the next request ----
    rep_cookie, _ = login(srv, 'rep1')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': rep_cookie})
    ok(st == 200, 'rep1 signed in')
    sp('user', 'disable', 'rep1')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Cookie': rep_cookie})
    ok(st == 401, "'salesplan user disable' (another process) ends the session at the next request")
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Authorization': 'Bearer ' + tokens['rep']})
    ok(st == 401, "... and the user's token")
    sp('user', 'enable', 'rep1')
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Authorization': 'Bearer ' + tokens['rep']})
    ok(st == 200, "'user enable': the token works again")
    tid = [t for t in json.loads(sp('token', 'list', '--format', 'json').stdout)['tokens'] if t['login'] == 'rep1'][0]
    sp('token', 'revoke', str(tid['id']))
    st, h, body, _ = req(srv, 'GET', '/api/v1/me', headers={'Authorization': 'Bearer ' + tokens['rep']})
    ok(st == 401, "'token revoke': the token stops working at once")

    # ---- OpenAPI describes the API routes of the table ----
    st, h, body, _ = req(srv, 'GET', '/api/v1/openapi.json')
    spec = json.loads(body)
    api_routes = {(m.lower(), p) for m, p, k, r, w in routes if k == 'api'}
    described = {(m, p) for p, ops in spec['paths'].items() for m in ops}
    ok(spec.get('openapi', '').startswith('3.') and api_routes == described,
       'openapi.json describes exactly the API routes of the table', repr(api_routes ^ described))
    for m, p, k, r, w in routes:
        if k != 'api' or m != 'GET' or '{' in p:
            continue
        st, h, body, _ = req(srv, 'GET', p, headers={'Authorization': 'Bearer ' + tokens['admin']})
        op = spec['paths'][p]['get']
        codes = set(op['responses'])
        good = (str(st) in codes or 'default' in codes)
        if st < 300:
            good = good and h.get('content-type', '').startswith('application/json')
            try:
                json.loads(body)
            except ValueError:
                good = False
        else:
            good = good and h.get('content-type') == 'application/problem+json'
        ok(good, 'GET %s answers as openapi.json says (%d)' % (p, st))

    # ---- metrics ----
    st, h, body, _ = req(srv, 'GET', '/metrics')
    text = body.decode()
    ok(st == 200 and re.search(r'salesplan_http_requests_total\{method="GET",route="/healthz",status="200"\} \d+', text)
       and 'salesplan_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}' in text,
       '/metrics: requests by route and status, latency histogram')

    # ---- SIGTERM with a request in flight ----
    s = socket.create_connection(('127.0.0.1', srv.port), timeout=10)
    payload = b'{"everywhere":0}'
    s.sendall(b'POST /api/v1/logout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' + tokens['viewer'].encode() +
              b'\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(payload) + payload[:5])
    time.sleep(0.3)
    srv.p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    refused = False
    try:
        socket.create_connection(('127.0.0.1', srv.port), timeout=2).close()
    except OSError:
        refused = True
    ok(refused, 'after SIGTERM no new connection is accepted')
    s.sendall(payload[5:])
    resp = b''
    while True:
        b_ = s.recv(4096)
        if not b_:
            break
        resp += b_
        if b'\r\n\r\n' in resp:
            break
    s.close()
    ok(resp.startswith(b'HTTP/1.1 204'), 'the request in flight at SIGTERM is answered', repr(resp[:80]))
    try:
        rc = srv.p.wait(10)
    except subprocess.TimeoutExpired:
        rc = None
    ok(rc == 0, 'SIGTERM: exit 0', repr(rc))
    lines = srv.log_lines()
    reqlines = [l for l in lines if re.match(r'^\d{4}-\d\d-\d\dT', l)]
    ok(any(' GET /healthz 200 ' in l for l in reqlines) and any(' POST /api/v1/logout 204 ' in l for l in reqlines),
       'access log: one line per request', repr(lines[-3:]))
    ok(not any('\n' in l or '\x00' in l for l in reqlines), 'access log lines are escaped')


if __name__ == '__main__':
    main()
