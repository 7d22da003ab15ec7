#!/usr/bin/python3
"""fake_channels.py PORTFILE LOGFILE — a local stand-in for the group bots
and webhooks salesplan notify talks to (Feishu, DingTalk, WeCom, Slack, a
JSON webhook), for tests/integration/notify.sh. Standard library only.

It listens on 127.0.0.1 on a free port (written to PORTFILE), checks each
request the way the real service does — the signature (Feishu: timestamp and
sign in the body; DingTalk: &timestamp=&sign= in the query; the webhook:
X-Salesplan-Signature over "timestamp.body") against the secrets in the
environment (FAKE_FEISHU_SECRET, FAKE_DING_SECRET, FAKE_HOOK_SECRET), the
token in the URL, the JSON shape — and answers with the service's own
success or error shape. Every request is appended to LOGFILE as one JSON
line: path, query, headers, body, whether the signature held, the answer.

POST /_control with a JSON object sets how a channel misbehaves next:
  {"feishu": "19021"}      Feishu's signature error in a 200 body
  {"dingtalk": "310000"}   DingTalk's signature error
  {"dingtalk": "130101x1"} DingTalk's rate limit (over 20 a minute), once
  {"wecom": "93000"}       WeCom's invalid webhook URL
  {"slack": "429x1"}       HTTP 429 with Retry-After: 1, once
  {"hook": "timeout"}      answers after 5 s (past the client's timeout)
  {"hook": "500"}          HTTP 500
  {}                       resets everything
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
SECRETS = {k: os.environ.get('FAKE_%s_SECRET' % k.upper(), '') for k in ('feishu', 'ding', 'hook')}
lock = threading.Lock()
mode = {}


def take_mode(kind):
    """The misbehaviour set for kind; 'CODExN' counts down N times."""
    with lock:
        m = mode.get(kind)
        if not m:
            return None
        if 'x' in m:
            code, n = m.split('x')
            n = int(n) - 1
            if n <= 0:
                del mode[kind]
            else:
                mode[kind] = '%sx%d' % (code, n)
            return code
        return m


def feishu_ok(body):
    ts, sign = body.get('timestamp'), body.get('sign')
    if not SECRETS['feishu']:
        return ts is None and sign is None
    key = ('%s\n%s' % (ts, SECRETS['feishu'])).encode()
    want = base64.b64encode(hmac.new(key, b'', hashlib.sha256).digest()).decode()
    return sign == want and abs(time.time() - int(ts)) < 3600


def ding_ok(query):
    ts, sign = query.get('timestamp', [None])[0], query.get('sign', [None])[0]
    if not SECRETS['ding']:
        return ts is None
    if ts is None or sign is None:
        return False
    msg = ('%s\n%s' % (ts, SECRETS['ding'])).encode()
    want = base64.b64encode(hmac.new(SECRETS['ding'].encode(), msg, hashlib.sha256).digest()).decode()
    # parse_qs already url-decoded the value once
    return sign == want and abs(time.time() * 1000 - int(ts)) < 3600 * 1000


def hook_ok(headers, raw):
    ts = headers.get('X-Salesplan-Timestamp')
    sig = headers.get('X-Salesplan-Signature')
    if not SECRETS['hook']:
        return sig is None
    if not ts or not sig:
        return False
    want = 'sha256=' + hmac.new(SECRETS['hook'].encode(), ts.encode() + b'.' + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig)


class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype='application/json', extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(n)
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path == '/_control':
            with lock:
                mode.clear()
                mode.update(json.loads(raw or b'{}'))
            return self.answer(200, '{}')
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        kind = u.path.split('/')[1]
        rec = {'path': u.path, 'query': u.query, 'kind': kind, 'body': body, 'raw': raw.decode('utf-8', 'replace'),
               'content_type': self.headers.get('Content-Type'), 'sig_ok': None, 'time': time.time(),
               'headers': {k: v for k, v in self.headers.items() if k.lower().startswith('x-salesplan')}}
        status, ans, extra = 200, None, None
        m = take_mode(kind)
        if kind == 'feishu':
            rec['sig_ok'] = feishu_ok(body or {})
            if m == '19021' or not rec['sig_ok']:
                ans = {'code': 19021, 'data': {}, 'msg': 'sign match fail or timestamp is not within one hour from current time'}
            elif not body or body.get('msg_type') != 'text' or 'text' not in body.get('content', {}):
                ans = {'code': 19002, 'data': {}, 'msg': 'params error, msg_type need'}
            else:
                ans = {'StatusCode': 0, 'StatusMessage': 'success', 'code': 0, 'data': {}, 'msg': 'success'}
        elif kind == 'dingtalk':
            rec['sig_ok'] = ding_ok(q)
            if q.get('access_token') != ['dtok']:
                ans = {'errcode': 300001, 'errmsg': 'token is not exist'}
            elif m == '310000' or not rec['sig_ok']:
                ans = {'errcode': 310000, 'errmsg': 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]'}
            elif m == '130101':
                ans = {'errcode': 130101, 'errmsg': 'send too fast, exceed 20 times per minute'}
            else:
                ans = {'errcode': 0, 'errmsg': 'ok'}
        elif kind == 'wecom':
            if m == '93000' or q.get('key') != ['wkey']:
                ans = {'errcode': 93000, 'errmsg': 'invalid webhook url, hint: [1700000000_1_abc]'}
            elif m == '45009':
                ans = {'errcode': 45009, 'errmsg': 'api freq out of limit'}
            else:
                ans = {'errcode': 0, 'errmsg': 'ok'}
        elif kind == 'slack':
            if m == '429':
                return self.log_and(rec, 429, 'rate_limited', 'text/plain', {'Retry-After': '1'})
            if not body or 'text' not in body:
                return self.log_and(rec, 400, 'invalid_payload', 'text/plain')
            return self.log_and(rec, 200, 'ok', 'text/plain')
        elif kind == 'hook':
            rec['sig_ok'] = hook_ok(self.headers, raw)
            if m == 'timeout':
                self.log(rec, 0, 'timeout')
                time.sleep(5)
                return self.answer(200, '{}')
            if m == '500':
                return self.log_and(rec, 500, '{"error":"internal"}')
            if not rec['sig_ok']:
                return self.log_and(rec, 401, '{"error":"bad signature"}')
            return self.log_and(rec, 204, '')
        else:
            return self.log_and(rec, 404, '{"error":"no such hook"}')
        self.log_and(rec, status, json.dumps(ans))

    def log(self, rec, status, ans):
        rec['status'], rec['answer'] = status, ans
        with lock, open(LOGFILE, 'a', encoding='utf-8') as f:
            f.write(json.dumps(rec, ensure_ascii=False) + '\n')

    def log_and(self, rec, status, ans, ctype='application/json', extra=None):
        self.log(rec, status, ans)
        self.answer(status, ans, ctype, extra)


srv = ThreadingHTTPServer(('127.0.0.1', 0), H)
srv.daemon_threads = True
with open(PORTFILE + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + '.tmp', PORTFILE)
srv.serve_forever()
