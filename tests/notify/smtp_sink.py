#!/usr/bin/python3
"""smtp_sink.py PORTFILE OUTDIR — a local SMTP server (python3-aiosmtpd,
Debian) that keeps every message it receives as OUTDIR/N.eml with its
envelope in OUTDIR/N.json ({"from": …, "rcpt": […]}), for
tests/integration/notify.sh. Listens on 127.0.0.1, a free port written to
PORTFILE once it accepts connections. No TLS, no AUTH (the test sets
SALESPLAN_SMTP_TLS=none)."""
import json
import os
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PORTFILE, OUTDIR = sys.argv[1], sys.argv[2]
os.makedirs(OUTDIR, exist_ok=True)
lock = threading.Lock()
count = [0]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            count[0] += 1
            n = count[0]
        with open(os.path.join(OUTDIR, '%d.eml' % n), 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        with open(os.path.join(OUTDIR, '%d.json' % n), 'w') as f:
            json.dump({'from': envelope.mail_from, 'rcpt': envelope.rcpt_tos}, f)
        return '250 OK'


AUTH = os.environ.get('SINK_AUTH')


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and AUTH is not None
          and '%s:%s' % (auth_data.login.decode(), auth_data.password.decode()) == AUTH)
    return AuthResult(success=ok, handled=False)


s = socket.socket()
s.bind(('127.0.0.1', 0))
port = s.getsockname()[1]
s.close()
kw = {'authenticator': authenticator, 'auth_required': True, 'auth_require_tls': False} if AUTH else {}
ctl = Controller(Sink(), hostname='127.0.0.1', port=port, **kw)
ctl.start()
with open(PORTFILE + '.tmp', 'w') as f:
    f.write(str(port))
os.rename(PORTFILE + '.tmp', PORTFILE)
try:
    while True:
        time.sleep(3600)
finally:
    ctl.stop()
