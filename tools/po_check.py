#!/usr/bin/env python3
"""po_check.py [--list | --punct] — every message the code marks with _("…")
or N_("…") must have a Simplified Chinese translation in po/zh_CN.po. Prints
the missing ones and exits 1 when any is missing; --list prints them as .po
entries with an empty msgstr, ready to fill in.

--punct checks the Chinese text itself: a half-width ':', ',' or ';' right
after Chinese (a CJK character or full-width punctuation), or followed by
Chinese (past spaces) when it does not end an ASCII word, is an error —
Chinese text uses '：', '，', '；'. One after ASCII is format syntax and
allowed ('%s:%zu: 不是…' in FILE:LINE prefixes, 'salesplan: …', 'KEY,…').
It also keeps one term per concept: the variants in TERMS are errors. Run from the
repository root."""
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


def is_cjk(ch):
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x3000 <= o <= 0x303F or 0x20000 <= o <= 0x2FFFF)


def punct_problems(text):
    """The offsets of half-width ':' ',' ';' next to Chinese in text."""
    bad = []
    for i, ch in enumerate(text):
        if ch not in ':,;':
            continue
        before = text[i - 1] if i else ''
        j = i + 1
        while j < len(text) and text[j] == ' ':
            j += 1
        after = text[j] if j < len(text) else ''
        # "salesplan: 计划…", "%s:%zu: 不是…": a prefix ending in ASCII is
        # format syntax; a mark right after Chinese never is
        if (before and is_cjk(before)) or (after and is_cjk(after) and not (before.isascii() and before.strip())):
            bad.append(i)
    return bad


# one term per concept across CLI, report and help: variant -> the term
TERMS = {
    '倒推漏斗': '反向漏斗',
    '客户分级': '客户分层',
    '层级': '分层',
    '已花费': '已支出',
    '跟进超期': '跟进停滞',
}


def punct():
    n = 0
    for msgid, msgstr in parse('po/zh_CN.po'):
        for bad, good in TERMS.items():
            if bad in msgstr:
                n += 1
                print('po/zh_CN.po: msgid "%s": "%s" is written "%s"' % (msgid[:50].replace('\n', '\\n'), bad, good))
        for i in punct_problems(msgstr):
            n += 1
            ctx = msgstr[max(0, i - 12):i + 12].replace('\n', '\\n')
            print('po/zh_CN.po: msgid "%s": half-width %r in Chinese text: ...%s...'
                  % (msgid[:50].replace('\n', '\\n'), msgstr[i], ctx))
    print('%d half-width punctuation mark(s) next to Chinese or variant term(s)' % n)
    return 1 if n else 0


def main():
    if '--punct' in sys.argv:
        return punct()
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
