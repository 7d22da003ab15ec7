/*
 * out_util.c — the small pieces every hand-written JSON and CSV rendering
 * shares: JSON string, date and money literals and the CSV cell of the
 * kpi and status tables (label cells defused against formula injection).
 *
 * Owns: the escaping rules, in one place. Money is written from integer fen
 * (money_format), never through a double. Must not compute.
 */
#include "out.h"

#include <stdio.h>
#include <string.h>

void out_json_string(buf_t *out, const char *s)
{
    if (!s) {
        buf_puts(out, "null");
        return;
    }
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* a run of bytes that need no escape goes in at once */
        const unsigned char *q = p;
        while (*q >= 0x20 && *q != '"' && *q != '\\') q++;
        if (q > p) {
            buf_append(out, p, (size_t)(q - p));
            p = q;
            if (!*p) break;
        }
        switch (*p) {
        case '"': buf_puts(out, "\\\""); break;
        case '\\': buf_puts(out, "\\\\"); break;
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': buf_puts(out, "\\r"); break;
        case '\t': buf_puts(out, "\\t"); break;
        default:
            if (*p < 0x20) buf_printf(out, "\\u%04x", *p);
            else buf_putc(out, (char)*p);
        }
    }
    buf_putc(out, '"');
}

void out_json_text(buf_t *out, const char *s) { out_json_string(out, s ? s : ""); }

void out_json_day(buf_t *out, sp_day d)
{
    char b[16];
    if (d == SP_DAY_NONE) buf_puts(out, "null");
    else out_json_string(out, day_format(d, b));
}

void out_json_money(buf_t *out, sp_money m)
{
    char b[48];
    buf_puts(out, money_format(m, b));
}

/* exact_decimal: v / 10^digits with trailing fraction zeros trimmed. */
static void exact_decimal(buf_t *out, int64_t v, unsigned digits, uint64_t scale)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t whole = mag / scale, frac = mag % scale;
    buf_printf(out, "%s%llu", v < 0 && mag ? "-" : "", (unsigned long long)whole);
    if (!frac) return;
    char f[24];
    snprintf(f, sizeof f, "%0*llu", (int)digits, (unsigned long long)frac);
    size_t n = strlen(f);
    while (n && f[n - 1] == '0') f[--n] = '\0';
    buf_printf(out, ".%s", f);
}

void out_json_ratio(buf_t *out, sp_ratio r) { exact_decimal(out, (int64_t)r, 6, SP_RATIO_ONE); }

void out_json_hundredths(buf_t *out, int64_t v) { exact_decimal(out, v, 2, 100); }

void out_csv_cell(buf_t *out, const char *s, bool label)
{
    s = s ? s : "";
    bool defuse = label && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                            s[0] == '\r');
    bool quote = defuse || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    if (defuse) buf_putc(out, '\'');
    for (; *s; s++) {
        if (*s == '"') buf_putc(out, '"');
        buf_putc(out, *s);
    }
    buf_putc(out, '"');
}
