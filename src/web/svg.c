/*
 * svg.c — the charts of the web face (see svg.h). Coordinates are written
 * with one decimal; every text through html_text.
 */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"

#define C_ACTUAL "#1f5f99"
#define C_TARGET "#9aa7b4"
#define C_GRID "#e3e8ee"
#define C_AXIS "#5f6b78"
#define C_CRIT "#c62828"

const char *svg_status_colour(sp_goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK: return "#2e7d32";
    case GOAL_AT_RISK: return "#e09100";
    case GOAL_OFF_TRACK: return "#c62828";
    case GOAL_ACHIEVED: return "#1b5e20";
    case GOAL_MISSED: return "#8e1b1b";
    default: return "#8a94a0";
    }
}

static double clamp(double v, double lo, double hi) { return isnan(v) ? lo : v < lo ? lo : v > hi ? hi : v; }

/* svg_open: <svg> with a viewBox, role img and an accessible title. */
static void svg_open(buf_t *out, const char *cls, double w, double h, const char *title)
{
    buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" role=\"img\" aria-label=\"",
               cls, w, h, w, h);
    html_attr(out, title);
    buf_puts(out, "\"><title>");
    html_text(out, title);
    buf_puts(out, "</title>");
}

/* text_at: <text> at x, y with anchor and extra raw attributes. */
static void text_at(buf_t *out, double x, double y, const char *anchor, const char *attrs, const char *s)
{
    buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>", x, y, anchor, attrs ? " " : "",
               attrs ? attrs : "");
    html_text(out, s);
    buf_puts(out, "</text>");
}

void svg_progress(buf_t *out, double done, double expected, sp_goal_status status, const char *label)
{
    const double W = 160, H = 16;
    svg_open(out, "bar", W, H, label);
    double f = clamp(done, 0, 1);
    buf_printf(out, "<rect x=\"0\" y=\"2\" width=\"%.0f\" height=\"12\" rx=\"3\" fill=\"#e6ebf0\"/>", W);
    if (f > 0)
        buf_printf(out, "<rect x=\"0\" y=\"2\" width=\"%.1f\" height=\"12\" rx=\"3\" fill=\"%s\"/>", W * f,
                   svg_status_colour(status));
    if (done > 1.0) /* over the target: a light stripe at the end */
        buf_printf(out, "<rect x=\"%.1f\" y=\"2\" width=\"3\" height=\"12\" fill=\"#ffffff\" opacity=\"0.7\"/>", W - 6);
    if (expected >= 0) {
        double x = clamp(expected, 0, 1) * W;
        if (x < 1) x = 1;
        if (x > W - 1) x = W - 1;
        buf_printf(out, "<line class=\"exp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"16\" stroke=\"#1d2733\" "
                   "stroke-width=\"2\"/>", x, x);
    }
    buf_puts(out, "</svg>");
}

void svg_compact_money(buf_t *out, sp_lang lang, double fen)
{
    double y = fen / 100.0, a = fabs(y);
    char b[48];
    if (lang == LANG_ZH) {
        if (a >= 1e8) snprintf(b, sizeof b, "%.3g亿", y / 1e8);
        else if (a >= 1e4) snprintf(b, sizeof b, "%.4g万", y / 1e4);
        else snprintf(b, sizeof b, "%.0f", y);
    } else {
        if (a >= 1e9) snprintf(b, sizeof b, "%.3gB", y / 1e9);
        else if (a >= 1e6) snprintf(b, sizeof b, "%.3gM", y / 1e6);
        else if (a >= 1e3) snprintf(b, sizeof b, "%.3gk", y / 1e3);
        else snprintf(b, sizeof b, "%.0f", y);
    }
    buf_puts(out, b);
}

/* nice_step: a round step (1, 2, 5 × 10^k) dividing range into about 4. */
static double nice_step(double range)
{
    if (range <= 0) return 1;
    double raw = range / 4, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void axis_label(buf_t *out, sp_lang lang, bool money, double v)
{
    if (money) svg_compact_money(out, lang, v);
    else buf_printf(out, "%.0f", v);
}

void svg_trend(buf_t *out, sp_lang lang, const svg_trend_pt *pts, size_t n, bool money, const char *title)
{
    const double W = 640, H = 260, L = 64, R = 14, T = 14, B = 30;
    svg_open(out, "trend", W, H, title);
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        if (pts[i].actual > max) max = pts[i].actual;
        if (pts[i].target > max) max = pts[i].target;
    }
    double step = nice_step(max), top = step * ceil(max / step);
    if (top <= 0) top = step;
    double pw = W - L - R, ph = H - T - B;
    double dx = n > 1 ? pw / (double)(n - 1) : 0;
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = T + ph - v / top * ph;
        buf_printf(out, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", L, W - R, y, y, C_GRID);
        buf_t lab = BUF_INIT;
        axis_label(&lab, lang, money, v);
        text_at(out, L - 6, y + 4, "end", "font-size=\"11\" fill=\"" C_AXIS "\"", buf_cstr(&lab));
        buf_free(&lab);
    }
    size_t every = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += every) {
        double x = L + dx * (double)i;
        const char *s = pts[i].label ? pts[i].label : "";
        /* "2026-03" → "03" under the axis, the year on the first */
        const char *shown = (i > 0 && strlen(s) == 7 && s[4] == '-') ? s + 5 : s;
        text_at(out, x, H - 10, "middle", "font-size=\"11\" fill=\"" C_AXIS "\"", shown);
    }
    /* target: dashed, over every bucket (none when every target is 0) */
    bool any_target = false;
    for (size_t i = 0; i < n; i++) any_target = any_target || pts[i].target > 0;
    if (any_target) {
        buf_puts(out, "<polyline class=\"target\" fill=\"none\" stroke=\"" C_TARGET "\" stroke-width=\"2\" "
                      "stroke-dasharray=\"6 4\" points=\"");
        for (size_t i = 0; i < n; i++)
            buf_printf(out, "%s%.1f,%.1f", i ? " " : "", L + dx * (double)i, T + ph - pts[i].target / top * ph);
        buf_puts(out, "\"/>");
    }
    /* actual: solid with dots, up to the last reached bucket */
    size_t na = 0;
    while (na < n && pts[na].actual >= 0) na++;
    if (na > 0) {
        buf_puts(out, "<polyline class=\"actual\" fill=\"none\" stroke=\"" C_ACTUAL "\" stroke-width=\"2.5\" points=\"");
        for (size_t i = 0; i < na; i++)
            buf_printf(out, "%s%.1f,%.1f", i ? " " : "", L + dx * (double)i, T + ph - pts[i].actual / top * ph);
        buf_puts(out, "\"/>");
        for (size_t i = 0; i < na; i++)
            buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"" C_ACTUAL "\"/>", L + dx * (double)i,
                       T + ph - pts[i].actual / top * ph);
    }
    buf_printf(out, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"" C_AXIS "\"/>", L, W - R, T + ph,
               T + ph);
    buf_puts(out, "</svg>");
}

void svg_funnel(buf_t *out, const svg_funnel_stage *st, size_t n, const char *title)
{
    const double W = 560, row = 46, barh = 30, top = 8, maxw = 300, cx = 200;
    double H = top * 2 + row * (double)(n ? n : 1);
    svg_open(out, "funnel", W, H, title);
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        if (st[i].value > max) max = st[i].value;
        if (st[i].has_need && st[i].need > max) max = st[i].need;
    }
    if (max <= 0) max = 1;
    static const char *const fills[] = {"#1f5f99", "#2f73b0", "#4a8bc4", "#6aa4d6", "#8dbde3", "#aacfea"};
    for (size_t i = 0; i < n; i++) {
        double y = top + row * (double)i;
        double w = clamp(st[i].value / max, 0, 1) * maxw;
        if (w < 2 && st[i].value > 0) w = 2;
        buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" rx=\"3\" fill=\"%s\"/>", cx - w / 2,
                   y, w, barh, fills[i % 6]);
        if (st[i].has_need) {
            double nw = clamp(st[i].need / max, 0, 1) * maxw;
            buf_printf(out, "<rect class=\"need\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"none\" "
                       "stroke=\"" C_CRIT "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
                       cx - nw / 2, y - 2, nw, barh + 4);
        }
        buf_t lab = BUF_INIT;
        buf_puts(&lab, st[i].label ? st[i].label : "");
        buf_puts(&lab, " ");
        buf_puts(&lab, st[i].value_text ? st[i].value_text : "");
        text_at(out, cx + maxw / 2 + 12, y + 14, "start", "font-size=\"13\" fill=\"#1d2733\"", buf_cstr(&lab));
        if (st[i].has_need && st[i].need_text)
            text_at(out, cx + maxw / 2 + 12, y + 29, "start", "font-size=\"11\" fill=\"" C_CRIT "\"", st[i].need_text);
        buf_free(&lab);
        if (i + 1 < n && st[i].value > 0) {
            char pc[32];
            snprintf(pc, sizeof pc, "↓ %.1f%%", st[i + 1].value / st[i].value * 100.0);
            text_at(out, 8, y + row - 3, "start", "font-size=\"11\" fill=\"" C_AXIS "\"", pc);
        }
    }
    buf_puts(out, "</svg>");
}

/* month_ticks: a tick at the first of every month in [a, b]. */
static void month_ticks(buf_t *out, sp_day a, sp_day b, double L, double pw, double top, double bottom)
{
    int y, m, d;
    day_to_ymd(a, &y, &m, &d);
    bool mid = d != 1;
    /* a label is about 6 px a character at font-size 10; one that would
     * overlap the label before it is left out (its tick stays) */
    double free_x = 0;
    if (mid) {   /* the month the chart starts in, at its left edge */
        char lab[16];
        snprintf(lab, sizeof lab, "%04d-%02d", y, m);
        text_at(out, L + 2, top - 4, "start", "font-size=\"10\" fill=\"" C_AXIS "\"", lab);
        free_x = L + 2 + 6.0 * (double)strlen(lab) + 4;
    }
    sp_day t = d == 1 ? a : day_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
    double span = (double)(b - a + 1);
    int count = 0;
    for (sp_day x = t; x <= b && count < 40; count++) {
        day_to_ymd(x, &y, &m, &d);
        double px = L + (double)(x - a) / span * pw;
        buf_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\"/>", px, px, top, bottom,
                   C_GRID);
        char lab[16];
        if (m == 1 || (count == 0 && !mid)) snprintf(lab, sizeof lab, "%04d-%02d", y, m);
        else snprintf(lab, sizeof lab, "%02d", m);
        if (px + 2 >= free_x) {
            text_at(out, px + 2, top - 4, "start", "font-size=\"10\" fill=\"" C_AXIS "\"", lab);
            free_x = px + 2 + 6.0 * (double)strlen(lab) + 4;
        }
        x = day_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
    }
}

void svg_gantt(buf_t *out, sp_lang lang, const svg_gantt_task *t, size_t n, sp_day today, const char *title)
{
    (void)lang;
    const double W = 900, L = 220, R = 12, top = 24, row = 24, barh = 14;
    double H = top + row * (double)(n ? n : 1) + 8;
    svg_open(out, "gantt", W, H, title);
    sp_day a = SP_DAY_NONE, b = SP_DAY_NONE;
    for (size_t i = 0; i < n; i++) {
        if (t[i].start == SP_DAY_NONE || t[i].end == SP_DAY_NONE) continue;
        if (a == SP_DAY_NONE || t[i].start < a) a = t[i].start;
        if (b == SP_DAY_NONE || t[i].end > b) b = t[i].end;
    }
    if (a == SP_DAY_NONE) {
        buf_puts(out, "</svg>");
        return;
    }
    if (today != SP_DAY_NONE && today > b && today - b < 62) b = today;
    if (today != SP_DAY_NONE && today < a && a - today < 62) a = today;
    b += 4;   /* room for a milestone's diamond at the end */
    double pw = W - L - R, span = (double)(b - a + 1);
    month_ticks(out, a, b, L, pw, top, H - 4);
    buf_puts(out, "<defs><marker id=\"arr\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" "
                  "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"" C_AXIS "\"/></marker>"
                  "<marker id=\"arrc\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" "
                  "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"" C_CRIT "\"/></marker></defs>");
#define GX(d) (L + (double)((d) - a) / span * pw)
    /* rows and labels */
    for (size_t i = 0; i < n; i++) {
        double y = top + row * (double)i;
        if (i % 2) buf_printf(out, "<rect x=\"0\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#f6f8fa\"/>", y, W, row);
        buf_t lab = BUF_INIT;
        utf8_truncate(t[i].label ? t[i].label : "", 26, &lab);
        if (t[i].owner && *t[i].owner) {
            buf_puts(&lab, " · ");
            utf8_truncate(t[i].owner, 8, &lab);
        }
        text_at(out, 6, y + 16, "start", t[i].late ? "font-size=\"12\" fill=\"" C_CRIT "\"" : "font-size=\"12\"",
                buf_cstr(&lab));
        buf_free(&lab);
    }
    /* dependencies: from the predecessor's end to the task's start */
    for (size_t i = 0; i < n; i++) {
        if (t[i].start == SP_DAY_NONE) continue;
        for (size_t k = 0; k < t[i].ndeps; k++) {
            size_t p = t[i].deps[k];
            if (p >= n || t[p].end == SP_DAY_NONE) continue;
            bool crit = t[i].critical && t[p].critical;
            double x1 = GX(t[p].end + 1), y1 = top + row * (double)p + row / 2;
            double x2 = GX(t[i].start), y2 = top + row * (double)i + row / 2;
            double xm = x1 + 6;
            buf_printf(out, "<path class=\"dep%s\" d=\"M%.1f,%.1f H%.1f V%.1f H%.1f\" fill=\"none\" stroke=\"%s\" "
                       "stroke-width=\"%s\" marker-end=\"url(#%s)\"/>",
                       crit ? " crit" : "", x1, y1, xm, y2, x2 > xm ? x2 : xm + 4, crit ? C_CRIT : C_AXIS,
                       crit ? "1.6" : "1", crit ? "arrc" : "arr");
        }
    }
    /* bars */
    for (size_t i = 0; i < n; i++) {
        if (t[i].start == SP_DAY_NONE || t[i].end == SP_DAY_NONE) continue;
        double y = top + row * (double)i + (row - barh) / 2;
        double x1 = GX(t[i].start), x2 = GX(t[i].end + 1);
        const char *fill = t[i].done ? "#9bc79f" : t[i].critical ? C_CRIT : "#5b8fc4";
        if (t[i].milestone) {
            double cx = x2, cy = y + barh / 2;
            buf_printf(out, "<path class=\"ms%s\" d=\"M%.1f,%.1f l7,7 l-7,7 l-7,-7 z\" fill=\"%s\"/>",
                       t[i].critical ? " crit" : "", cx, cy - 7, fill);
        } else {
            buf_printf(out, "<rect class=\"task%s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" rx=\"2\" "
                       "fill=\"%s\"%s/>",
                       t[i].critical ? " crit" : "", t[i].late ? " late" : "", x1, y, x2 - x1 < 2 ? 2 : x2 - x1, barh,
                       fill, t[i].late ? " stroke=\"#7a0000\" stroke-width=\"2\"" : "");
        }
    }
    if (today != SP_DAY_NONE && today >= a && today <= b) {
        double x = GX(today);
        buf_printf(out, "<line class=\"today\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#e09100\" "
                   "stroke-width=\"2\"/>", x, x, top - 2, H - 4);
    }
#undef GX
    buf_puts(out, "</svg>");
}

void svg_budget(buf_t *out, sp_lang lang, const svg_budget_line *l, size_t n, const char *title)
{
    const double W = 640, L = 150, R = 90, top = 8, row = 50;
    double H = top * 2 + row * (double)(n ? n : 1);
    svg_open(out, "budget", W, H, title);
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].allocated > max) max = l[i].allocated;
        if (l[i].committed > max) max = l[i].committed;
        if (l[i].spent > max) max = l[i].spent;
    }
    if (max <= 0) max = 1;
    double pw = W - L - R;
    for (size_t i = 0; i < n; i++) {
        double y = top + row * (double)i;
        buf_t lab = BUF_INIT;
        utf8_truncate(l[i].label ? l[i].label : "", 18, &lab);
        text_at(out, L - 8, y + 26, "end", "font-size=\"12\"", buf_cstr(&lab));
        buf_free(&lab);
        const double v[3] = {l[i].allocated, l[i].committed, l[i].spent};
        const char *fills[3] = {"#c9d6e3", "#7aa6d1", l[i].overrun ? C_CRIT : C_ACTUAL};
        static const char *const cls[3] = {"alloc", "comm", "spent"};
        for (int k = 0; k < 3; k++) {
            double w = clamp(v[k] / max, 0, 1) * pw;
            buf_printf(out, "<rect class=\"%s\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>",
                       cls[k], L, y + 4 + 14 * k, w, fills[k]);
            buf_t val = BUF_INIT;
            svg_compact_money(&val, lang, v[k]);
            text_at(out, L + w + 4, y + 14 + 14 * k, "start", "font-size=\"10\" fill=\"" C_AXIS "\"", buf_cstr(&val));
            buf_free(&val);
        }
    }
    buf_puts(out, "</svg>");
}
