#!/usr/bin/env python3
"""po_check.py [--list] — every message the code marks with _("…") or N_("…")
must have a Simplified Chinese translation in po/zh_CN.po. Prints the missing
ones and exits 1 when any is missing; --list prints them as .po entries with
an empty msgstr, ready to fill in. Run from the repository root."""
import glob, re, sys

sys.path.insert(0, 'tools')
from po2c import parse  # noqa: E402

LIT = r'"(?:[^"\\\n]|\\.)*"'
CALL = re.compile(r'\bN?_\(\s*((?:' + LIT + r'\s*)+)\)')


def messages():
    found = {}
    for path in sorted(glob.glob('src/**/*.c', recursive=True) + glob.glob('src/**/*.h', recursive=True)):
        text = open(path, encoding='utf-8').read()
        # drop comments so examples in them are not taken for messages
        text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
        for m in CALL.finditer(text):
            msgid = ''.join(re.findall(LIT, m.group(1)))
            msgid = msgid.replace('""', '') if False else ''.join(s[1:-1] for s in re.findall(LIT, m.group(1)))
            if msgid:
                line = text.count('\n', 0, m.start()) + 1
                found.setdefault(msgid, '%s:%d' % (path, line))
    return found


def main():
    have = {k for k, v in parse('po/zh_CN.po') if v}
    missing = [(k, w) for k, w in messages().items() if k not in have]
    if '--list' in sys.argv:
        for k, w in missing:
            print('#: %s\nmsgid "%s"\nmsgstr ""\n' % (w, k))
        return 0
    for k, w in missing:
        print('%s: no zh_CN translation for "%s"' % (w, k[:80]))
    print('%d messages, %d without a translation' % (len(messages()), len(missing)))
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
