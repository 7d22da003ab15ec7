#!/usr/bin/env bash
# notify_systemd.sh — the systemd timer of docs/NOTIFY.md ("Without the
# server: a systemd timer") is a valid pair of unit files: both files are
# taken from the document as printed, the ExecStart binary pointed at the
# one under test (verify checks that it is executable), and checked with
# `systemd-analyze verify` (no error, no warning); the timer's OnCalendar
# fires at 09:00 in Asia/Shanghai (01:00 UTC); the command it runs is one
# salesplan takes. Skipped (not passed) where systemd-analyze is missing.
. "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null || { echo "1..0 # SKIP systemd-analyze missing (package systemd)"; exit 77; }
PY=/usr/bin/python3
mkdir -p "$WORK/units"
$PY - "$SRCDIR/docs/NOTIFY.md" "$WORK/units" "$SP" <<'PYEOF'
import re, sys, os
doc, out, sp = sys.argv[1:4]
s = open(doc, encoding='utf-8').read()
for name in ('salesplan-notify.service', 'salesplan-notify.timer'):
    m = re.search(r'`/etc/systemd/system/' + re.escape(name) + r'`\n\n```ini\n(.*?)```', s, re.S)
    if not m:
        sys.exit('no %s in docs/NOTIFY.md' % name)
    open(os.path.join(out, name), 'w').write(m.group(1).replace('/usr/local/bin/salesplan', sp))
PYEOF
[ $? = 0 ] && ok "both unit files are in docs/NOTIFY.md" || { not_ok "unit files missing from docs/NOTIFY.md"; finish; exit 1; }

cd "$WORK/units"
expect_rc 0 "systemd-analyze verify accepts the service and the timer" \
  systemd-analyze verify ./salesplan-notify.service ./salesplan-notify.timer
[ -z "$OUT$ERR" ] && ok "… without a warning" || not_ok "verify said: $OUT$ERR"

# a broken copy is refused: the check above can fail
sed 's/^OnCalendar=.*/OnCalendar=*-*-* 25:00:00/' salesplan-notify.timer > broken.timer
cp salesplan-notify.service broken.service
expect_rc 1 "a timer with a bad OnCalendar is refused (the check can fail)" \
  systemd-analyze verify ./broken.service ./broken.timer

cal=$(sed -n 's/^OnCalendar=//p' salesplan-notify.timer)
expect_rc 0 "OnCalendar parses" systemd-analyze calendar "$cal"
contains "… and normalises to 09:00 Asia/Shanghai" "$OUT" "Normalized form: *-*-* 09:00:00 Asia/Shanghai"
contains "… which is 01:00 UTC" "$OUT" "01:00:00 UTC"

# the command the service runs is one salesplan takes
cmd=$(sed -n 's/^ExecStart=//p' salesplan-notify.service)
set -- $cmd
[ "$1" = "$SP" ] && ok "ExecStart runs salesplan" || not_ok "ExecStart is '$cmd'"
shift
expect_rc 0 "… '$*' is a salesplan command" "$SP" "$@" --help
contains "… the notify command" "$OUT" "Usage: salesplan notify"
finish
