/*
 * plan_export.c — writes a plan back out as canonical YAML (the plan-file
 * format of SPEC §4) and as JSON (the same structure, SPEC §6 number forms).
 *
 * Owns: the canonical form. Sections and keys come in the order of SPEC §4;
 * free text is always double-quoted (JSON-style escapes, which YAML reads the
 * same); ids, enum words, numbers and periods are bare when that cannot be
 * misread, else quoted. Money is written in plain major units ("50000000",
 * "1234.50"), ratios in percent ("40%"), so plan_yaml_parse reads back an
 * equal plan and a second export is byte-identical. Children goals carry
 * only the keys written explicitly (their inheritance round-trips). Plan
 * settings with defaults (currency, alerts, check…) are always written.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "plan_export.h"

/* ---- YAML scalars ---- */

/* bare_ok: whether s can be written as a plain YAML scalar and read back as
 * the same text by any YAML reader's string interpretation we care about. */
static bool bare_ok(const char *s)
{
    static const char *const reserved[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
    if (!s || !*s) return false;
    unsigned char c0 = (unsigned char)s[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || (c0 >= '0' && c0 <= '9') || c0 == '_'))
        return false;
    for (const char *q = s; *q; q++) {
        unsigned char ch = (unsigned char)*q;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '-' || ch == '.' || ch == '/' || ch == '%' || ch == '+';
        if (!ok) return false;
    }
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (str_ieq(s, reserved[i])) return false;
    return true;
}

/* put_quoted: s as a YAML double-quoted scalar. Control characters, DEL,
 * C1 controls, U+2028/2029, U+FEFF and U+FFFE/FFFF are escaped. */
static void put_quoted(buf_t *b, const char *s)
{
    buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char ch = *p;
        if (ch == '"') buf_puts(b, "\\\"");
        else if (ch == '\\') buf_puts(b, "\\\\");
        else if (ch == '\n') buf_puts(b, "\\n");
        else if (ch == '\t') buf_puts(b, "\\t");
        else if (ch == '\r') buf_puts(b, "\\r");
        else if (ch < 0x20 || ch == 0x7f) buf_printf(b, "\\x%02x", ch);
        else if (ch < 0x80) buf_putc(b, (char)ch);
        else {
            /* a multi-byte sequence: decode to check the code point */
            size_t n = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
            uint32_t cp = n == 4 ? ch & 0x07u : n == 3 ? ch & 0x0fu : n == 2 ? ch & 0x1fu : ch;
            size_t k;
            for (k = 1; k < n && (p[k] & 0xc0) == 0x80; k++) cp = (cp << 6) | (p[k] & 0x3fu);
            if (k < n || n == 1) {
                /* not valid UTF-8 (cannot happen for parsed plans): escape the byte */
                buf_printf(b, "\\x%02x", ch);
                p++;
                continue;
            }
            if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
                cp == 0xffff)
                buf_printf(b, "\\u%04x", (unsigned)cp);
            else buf_append(b, p, n);
            p += n;
            continue;
        }
        p++;
    }
    buf_putc(b, '"');
}

/* put_word: an id / enum / period: bare when safe, else quoted. */
static void put_word(buf_t *b, const char *s)
{
    if (bare_ok(s)) buf_puts(b, s);
    else put_quoted(b, s ? s : "");
}

static void pad(buf_t *b, int n)
{
    for (int i = 0; i < n; i++) buf_putc(b, ' ');
}

/* An emitter of one mapping: either a plain block mapping at indent ind, or
 * the mapping of a list item ("- " before its first key). */
typedef struct emap {
    buf_t *b;
    int ind;        /* column of the keys */
    bool item;      /* a list item: the first key gets "- " */
    bool started;
} emap;

static emap emap_block(buf_t *b, int ind) { return (emap){b, ind, false, false}; }
static emap emap_item(buf_t *b, int dash) { return (emap){b, dash + 2, true, false}; }

/* key: starts "key:" on its own line (the value follows after a space or
 * on the next lines). */
static void key(emap *m, const char *k)
{
    if (m->item && !m->started) {
        pad(m->b, m->ind - 2);
        buf_puts(m->b, "- ");
    } else {
        pad(m->b, m->ind);
    }
    m->started = true;
    buf_printf(m->b, "%s:", k);
}

static void kv_text(emap *m, const char *k, const char *v)
{
    if (!v) return;
    key(m, k);
    buf_putc(m->b, ' ');
    put_quoted(m->b, v);
    buf_putc(m->b, '\n');
}

static void kv_word(emap *m, const char *k, const char *v)
{
    if (!v) return;
    key(m, k);
    buf_putc(m->b, ' ');
    put_word(m->b, v);
    buf_putc(m->b, '\n');
}

static void kv_raw(emap *m, const char *k, const char *v)
{
    key(m, k);
    buf_printf(m->b, " %s\n", v);
}

static void kv_int(emap *m, const char *k, long long v)
{
    key(m, k);
    buf_printf(m->b, " %lld\n", v);
}

/* money_text: plain major units, "50000000" or "1234.50"; buf >= 32. */
static char *money_text(sp_money v, char *buf)
{
    money_format(v, buf);
    size_t n = strlen(buf);
    if (n > 3 && strcmp(buf + n - 3, ".00") == 0) buf[n - 3] = '\0';
    return buf;
}

/* hundredths_text: 1250 -> "12.5", 1200 -> "12", -325 -> "-3.25". */
static char *hundredths_text(int64_t v, char *buf, size_t size)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(mag % 100);
    if (frac == 0) snprintf(buf, size, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(mag / 100));
    else if (frac % 10 == 0) snprintf(buf, size, "%s%llu.%u", v < 0 ? "-" : "", (unsigned long long)(mag / 100), frac / 10);
    else snprintf(buf, size, "%s%llu.%02u", v < 0 ? "-" : "", (unsigned long long)(mag / 100), frac);
    return buf;
}

static void kv_money(emap *m, const char *k, sp_money v)
{
    char tmp[40];
    kv_raw(m, k, money_text(v, tmp));
}

static void kv_ratio(emap *m, const char *k, sp_ratio v)
{
    char tmp[40];
    kv_raw(m, k, ratio_format_pct(v, tmp));
}

static void kv_day(emap *m, const char *k, sp_day d)
{
    if (d == SP_DAY_NONE) return;
    char tmp[16];
    kv_raw(m, k, day_format(d, tmp));
}

/* kv_list: a flow list [a, b]; texts quoted, words bare when safe. */
static void kv_list(emap *m, const char *k, char *const *v, size_t n, bool words)
{
    if (!n) return;
    key(m, k);
    buf_puts(m->b, " [");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(m->b, ", ");
        if (words) put_word(m->b, v[i]);
        else put_quoted(m->b, v[i]);
    }
    buf_puts(m->b, "]\n");
}

/* kv_filter: a block mapping of filter values (only kvs not inherited as
 * they are from parent, when parent is given). */
static void kv_filter(emap *m, const char *k, const sp_filter *f, const sp_filter *parent)
{
    bool any = false;
    for (size_t i = 0; i < f->n; i++) {
        bool inherited = false;
        for (size_t j = 0; parent && j < parent->n; j++)
            if (parent->kv[j].dim == f->kv[i].dim && str_eq(parent->kv[j].value, f->kv[i].value)) inherited = true;
        if (inherited) continue;
        if (!any) {
            key(m, k);
            buf_putc(m->b, '\n');
            any = true;
        }
        pad(m->b, m->ind + 2);
        buf_printf(m->b, "%s: ", dim_name(f->kv[i].dim));
        put_quoted(m->b, f->kv[i].value);
        buf_putc(m->b, '\n');
    }
    if (!any) {
        /* an explicit but empty (or all-inherited) filter: keep the key */
        key(m, k);
        buf_puts(m->b, " {}\n");
    }
}

/* target_text_of: a goal's target in the canonical text of its unit. */
static char *target_text_of(const sp_goal *g, char *buf, size_t size)
{
    switch (sp_metrics[g->metric].unit) {
    case UNIT_MONEY: return money_text(g->target, buf);
    case UNIT_RATIO: return ratio_format_pct(g->target, buf);
    case UNIT_COUNT: snprintf(buf, size, "%lld", (long long)g->target); return buf;
    default: return hundredths_text(g->target, buf, size);
    }
}

static const char *const goal_type_words[] = {"result", "process"};
static const char *const direction_words[] = {"at_least", "at_most"};

/* yaml_goal: one goal as a list item at dash column `dash`, with only its
 * explicitly written keys; children, then splits ({by, children}),
 * recursively. */
static void yaml_goal(buf_t *b, const sp_goal *g, int dash)
{
    emap m = emap_item(b, dash);
    kv_word(&m, "id", g->id ? g->id : "");
    if (g->name_given) kv_text(&m, "name", g->name);
    if (g->has_type) kv_raw(&m, "type", goal_type_words[g->type]);
    if (g->has_metric) kv_raw(&m, "metric", sp_metrics[g->metric].name);
    if (g->has_target) {
        char tmp[40];
        kv_raw(&m, "target", target_text_of(g, tmp, sizeof tmp));
    }
    if (g->has_period) kv_word(&m, "period", g->period_text);
    if (g->has_owner) kv_word(&m, "owner", g->owner);
    if (g->has_direction) kv_raw(&m, "direction", direction_words[g->direction]);
    if (g->has_per && g->per_month) kv_raw(&m, "per", "month");
    kv_list(&m, "supports", g->supports, g->nsupports, true);
    if (g->has_filter) kv_filter(&m, "filter", &g->filter, g->parent ? &g->parent->filter : NULL);
    if (g->nchildren) {
        key(&m, "children");
        buf_putc(b, '\n');
        for (size_t i = 0; i < g->nchildren; i++) yaml_goal(b, &g->children[i], m.ind + 2);
    }
    if (g->nsplits) {
        key(&m, "splits");
        buf_putc(b, '\n');
        for (size_t k = 0; k < g->nsplits; k++) {
            const sp_split *sp = &g->splits[k];
            emap sm = emap_item(b, m.ind + 2);
            kv_word(&sm, "by", sp->by ? sp->by : "");
            key(&sm, "children");
            buf_putc(b, '\n');
            for (size_t i = 0; i < sp->nchildren; i++) yaml_goal(b, &sp->children[i], sm.ind + 2);
        }
    }
}

static const char *const role_words[] = {"", "leader", "rep", "presales", "manager"};
static const char *const size_words[] = {"", "small", "medium", "large"};
static const char *const factor_words[] = {"political", "economic", "social", "technological"};
static const char *const effect_words[] = {"opportunity", "threat"};
static const char *const capkind_words[] = {"strength", "weakness", "constraint"};
static const char *const strat_words[] = {"market", "product", "customer", "channel"};
static const char *const pacing_words[] = {"linear", "seasonal"};

/* premium_text: canonical "20%..30%" (or "25%" when lo == hi). */
static void premium_canon(const sp_persona *x, char *buf)
{
    char a[40], c[40];
    ratio_format_pct(x->premium_lo, a);
    ratio_format_pct(x->premium_hi, c);
    if (x->premium_lo == x->premium_hi) snprintf(buf, 96, "%s", a);
    else snprintf(buf, 96, "%s..%s", a, c);
}

static void section(buf_t *b, const char *name)
{
    if (b->len) buf_putc(b, '\n');
    buf_printf(b, "%s:\n", name);
}

char *plan_export_yaml(const sp_plan *p)
{
    buf_t b = BUF_INIT;
    char tmp[96];

    section(&b, "plan");
    emap m = emap_block(&b, 2);
    kv_word(&m, "id", p->id ? p->id : "");
    kv_text(&m, "name", p->name ? p->name : "");
    kv_word(&m, "period", p->period_text);
    kv_word(&m, "currency", p->currency);
    kv_word(&m, "timezone", p->timezone);
    kv_int(&m, "fiscal_year_start", p->fiscal_year_start);
    kv_raw(&m, "pacing", pacing_words[p->pacing]);

    if (p->ngroups) {
        section(&b, "team");
        pad(&b, 2);
        buf_puts(&b, "groups:\n");
        for (size_t i = 0; i < p->ngroups; i++) {
            const sp_group *g = &p->groups[i];
            emap gm = emap_item(&b, 4);
            kv_word(&gm, "id", g->id ? g->id : "");
            kv_text(&gm, "name", g->name);
            if (g->focus.n) kv_filter(&gm, "focus", &g->focus, NULL);
            if (g->nmembers) {
                key(&gm, "members");
                buf_putc(&b, '\n');
                for (size_t j = 0; j < g->nmembers; j++) {
                    const sp_member *mb = &g->members[j];
                    emap mm = emap_item(&b, gm.ind + 2);
                    kv_word(&mm, "id", mb->id ? mb->id : "");
                    kv_text(&mm, "name", mb->name);
                    if (mb->role != ROLE_NONE && mb->role < ROLE_COUNT) kv_raw(&mm, "role", role_words[mb->role]);
                    if (mb->has_visits_capacity) {
                        key(&mm, "capacity");
                        buf_putc(&b, '\n');
                        pad(&b, mm.ind + 2);
                        buf_printf(&b, "visits_per_month: %lld\n", (long long)mb->visits_per_month);
                    }
                    kv_text(&mm, "email", mb->email);
                    kv_text(&mm, "mobile", mb->mobile);
                    kv_text(&mm, "im_id", mb->im_id);
                }
            }
        }
    }

    if (p->ngoals) {
        section(&b, "goals");
        for (size_t i = 0; i < p->ngoals; i++) yaml_goal(&b, &p->goals[i], 2);
    }

    if (p->npest || p->npersonas || p->ncapabilities) {
        section(&b, "analysis");
        if (p->npest) {
            pad(&b, 2);
            buf_puts(&b, "pest:\n");
            for (size_t i = 0; i < p->npest; i++) {
                const sp_pest *x = &p->pest[i];
                emap im = emap_item(&b, 4);
                kv_word(&im, "id", x->id ? x->id : "");
                kv_raw(&im, "factor", factor_words[x->factor]);
                kv_raw(&im, "effect", effect_words[x->effect]);
                if (x->impact) kv_int(&im, "impact", x->impact);
                kv_text(&im, "text", x->text);
            }
        }
        if (p->npersonas) {
            pad(&b, 2);
            buf_puts(&b, "personas:\n");
            for (size_t i = 0; i < p->npersonas; i++) {
                const sp_persona *x = &p->personas[i];
                emap im = emap_item(&b, 4);
                kv_word(&im, "id", x->id ? x->id : "");
                kv_text(&im, "industry", x->industry);
                if (x->size != SIZE_NONE && x->size < SIZE_COUNT) kv_raw(&im, "size", size_words[x->size]);
                kv_list(&im, "pains", x->pains, x->npains, false);
                kv_list(&im, "decision_chain", x->decision_chain, x->ndecision_chain, false);
                if (x->has_premium) {
                    premium_canon(x, tmp);
                    kv_raw(&im, "premium", tmp);
                }
            }
        }
        if (p->ncapabilities) {
            pad(&b, 2);
            buf_puts(&b, "capabilities:\n");
            for (size_t i = 0; i < p->ncapabilities; i++) {
                const sp_capability *x = &p->capabilities[i];
                emap im = emap_item(&b, 4);
                kv_word(&im, "id", x->id ? x->id : "");
                kv_raw(&im, "kind", capkind_words[x->kind]);
                kv_text(&im, "text", x->text);
            }
        }
    }

    if (p->nstrategies) {
        section(&b, "strategies");
        for (size_t i = 0; i < p->nstrategies; i++) {
            const sp_strategy *s = &p->strategies[i];
            emap im = emap_item(&b, 2);
            kv_word(&im, "id", s->id ? s->id : "");
            kv_raw(&im, "category", strat_words[s->category]);
            kv_text(&im, "name", s->name);
            kv_list(&im, "goals", s->goals, s->ngoals, true);
            kv_list(&im, "answers", s->answers, s->nanswers, true);
            if (s->priority) kv_int(&im, "priority", s->priority);
        }
    }

    if (p->ntasks) {
        section(&b, "tasks");
        for (size_t i = 0; i < p->ntasks; i++) {
            const sp_task *t = &p->tasks[i];
            emap im = emap_item(&b, 2);
            kv_word(&im, "id", t->id ? t->id : "");
            kv_word(&im, "strategy", t->strategy);
            kv_text(&im, "name", t->name);
            kv_word(&im, "owner", t->owner);
            kv_list(&im, "collaborators", t->collaborators, t->ncollaborators, true);
            kv_day(&im, "start", t->start);
            kv_day(&im, "due", t->due);
            kv_list(&im, "depends_on", t->depends_on, t->ndepends_on, true);
            if (t->milestone) kv_raw(&im, "milestone", "true");
            kv_text(&im, "deliverable", t->deliverable);
            if (t->has_budget) {
                key(&im, "budget");
                buf_putc(&b, '\n');
                emap bm = emap_block(&b, im.ind + 2);
                kv_word(&bm, "category", t->budget_category);
                kv_money(&bm, "amount", t->budget_amount);
            }
            kv_list(&im, "resources", t->resources, t->nresources, false);
        }
    }

    if (p->has_budget) {
        section(&b, "budget");
        emap bm = emap_block(&b, 2);
        kv_money(&bm, "total", p->budget_total);
        if (p->nbudget_cats) {
            key(&bm, "categories");
            buf_putc(&b, '\n');
            for (size_t i = 0; i < p->nbudget_cats; i++) {
                const sp_budget_cat *x = &p->budget_cats[i];
                emap im = emap_item(&b, 4);
                kv_word(&im, "id", x->id ? x->id : "");
                kv_text(&im, "name", x->name);
                kv_ratio(&im, "share", x->share);
            }
        }
    }

    if (p->ntiers) {
        section(&b, "tiers");
        for (size_t i = 0; i < p->ntiers; i++) {
            const sp_tier *x = &p->tiers[i];
            emap im = emap_item(&b, 2);
            kv_word(&im, "id", x->id ? x->id : "");
            kv_text(&im, "name", x->name);
            kv_money(&im, "min", x->min);
            if (x->review_every_days) kv_int(&im, "review_every_days", x->review_every_days);
        }
    }

    section(&b, "alerts");
    const sp_alerts_cfg *a = &p->alerts;
    emap am = emap_block(&b, 2);
    if (a->nstale_by_tier) {
        key(&am, "stale_followup_days");
        buf_putc(&b, '\n');
        for (size_t i = 0; i < a->nstale_by_tier; i++) {
            pad(&b, 4);
            put_word(&b, a->stale_by_tier[i].tier);
            buf_printf(&b, ": %d\n", a->stale_by_tier[i].days);
        }
    } else {
        kv_int(&am, "stale_followup_days", a->stale_followup_days);
    }
    kv_int(&am, "escalate_after_days", a->escalate_after_days);
    kv_ratio(&am, "goal_off_pace_below", a->goal_off_pace_below);
    kv_ratio(&am, "budget_overrun_above", a->budget_overrun_above);
    kv_raw(&am, "task_overdue", a->task_overdue ? "true" : "false");
    kv_raw(&am, "tier_review_due", a->tier_review_due ? "true" : "false");

    if (p->nnotify) {
        section(&b, "notify");
        for (size_t i = 0; i < p->nnotify; i++) {
            const sp_notify *x = &p->notify[i];
            emap im = emap_item(&b, 2);
            kv_word(&im, "kind", x->kind ? x->kind : "");
            kv_text(&im, "url", x->url);
            kv_word(&im, "secret_env", x->secret_env);
            kv_text(&im, "secret_file", x->secret_file);
            kv_text(&im, "to", x->to);
            if (x->to_owner) kv_raw(&im, "to_owner", "true");
            if (x->at >= 0) kv_text(&im, "at", plan_time_format(x->at, tmp));
            if (x->weekly_pack) kv_raw(&im, "weekly_pack", plan_weekday_name(x->weekly_pack));
        }
    }

    section(&b, "check");
    emap cm = emap_block(&b, 2);
    kv_ratio(&cm, "max_growth", p->max_growth);
    return buf_detach(&b);
}

/* ---- JSON ---- */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *jmoney(sp_money m) { return json_real(money_to_major(m)); }
static json_t *jratio(sp_ratio r) { return json_real((double)r / SP_RATIO_ONE); }

static json_t *jday(sp_day d)
{
    char tmp[16];
    return d == SP_DAY_NONE ? json_null() : json_string(day_format(d, tmp));
}

static json_t *jlist(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, jstr(v[i]));
    return a;
}

static json_t *jfilter(const sp_filter *f)
{
    json_t *o = json_object();
    for (size_t i = 0; i < f->n; i++) json_object_set_new(o, dim_name(f->kv[i].dim), jstr(f->kv[i].value));
    return o;
}

/* jperiod: a period's text (its days go to "first" / "last"). */
static json_t *jperiod(const char *text) { return text ? json_string(text) : json_null(); }

/* jtarget: a goal's target as SPEC §6 numbers: money in major units, ratios
 * as fractions, counts as integers, hundredths as decimals. */
static json_t *jtarget(const sp_goal *g)
{
    switch (sp_metrics[g->metric].unit) {
    case UNIT_MONEY: return jmoney(g->target);
    case UNIT_RATIO: return jratio(g->target);
    case UNIT_COUNT: return json_integer(g->target);
    default: return json_real((double)g->target / 100.0);
    }
}

/* json_goal: a goal with its resolved (inherited) values and children. */
static json_t *json_goal(const sp_goal *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr(g->id));
    json_object_set_new(o, "name", jstr(g->name));
    json_object_set_new(o, "type", json_string(goal_type_words[g->type]));
    json_object_set_new(o, "metric", json_string(sp_metrics[g->metric].name));
    json_object_set_new(o, "unit", json_string(unit_name(sp_metrics[g->metric].unit)));
    json_object_set_new(o, "target", jtarget(g));
    json_object_set_new(o, "target_text", jstr(g->target_text));
    json_object_set_new(o, "period", jperiod(g->period_text));
    json_object_set_new(o, "first", jday(g->period.first));
    json_object_set_new(o, "last", jday(g->period.last));
    json_object_set_new(o, "owner", jstr(g->owner));
    json_object_set_new(o, "direction", json_string(direction_words[g->direction]));
    if (g->per_month) json_object_set_new(o, "per", json_string("month"));
    json_object_set_new(o, "supports", jlist(g->supports, g->nsupports));
    json_object_set_new(o, "filter", jfilter(&g->filter));
    json_t *ch = json_array();
    for (size_t i = 0; i < g->nchildren; i++) json_array_append_new(ch, json_goal(&g->children[i]));
    json_object_set_new(o, "children", ch);
    json_t *ss = json_array();
    for (size_t k = 0; k < g->nsplits; k++) {
        json_t *so = json_object(), *sc = json_array();
        json_object_set_new(so, "by", jstr(g->splits[k].by));
        for (size_t i = 0; i < g->splits[k].nchildren; i++) json_array_append_new(sc, json_goal(&g->splits[k].children[i]));
        json_object_set_new(so, "children", sc);
        json_array_append_new(ss, so);
    }
    json_object_set_new(o, "splits", ss);
    return o;
}

char *plan_export_json(const sp_plan *p)
{
    json_t *root = json_object();

    json_t *pl = json_object();
    json_object_set_new(pl, "id", jstr(p->id));
    json_object_set_new(pl, "name", jstr(p->name));
    json_object_set_new(pl, "period", jperiod(p->period_text));
    json_object_set_new(pl, "first", jday(p->period.first));
    json_object_set_new(pl, "last", jday(p->period.last));
    json_object_set_new(pl, "currency", jstr(p->currency));
    json_object_set_new(pl, "timezone", jstr(p->timezone));
    json_object_set_new(pl, "fiscal_year_start", json_integer(p->fiscal_year_start));
    json_object_set_new(pl, "pacing", json_string(pacing_words[p->pacing]));
    json_object_set_new(root, "plan", pl);

    json_t *groups = json_array();
    for (size_t i = 0; i < p->ngroups; i++) {
        const sp_group *g = &p->groups[i];
        json_t *go = json_object();
        json_object_set_new(go, "id", jstr(g->id));
        json_object_set_new(go, "name", jstr(g->name));
        json_object_set_new(go, "focus", jfilter(&g->focus));
        json_t *ms = json_array();
        for (size_t j = 0; j < g->nmembers; j++) {
            const sp_member *mb = &g->members[j];
            json_t *mo = json_object();
            json_object_set_new(mo, "id", jstr(mb->id));
            json_object_set_new(mo, "name", jstr(mb->name));
            json_object_set_new(mo, "role", mb->role ? json_string(role_words[mb->role]) : json_null());
            if (mb->has_visits_capacity) {
                json_t *cap = json_object();
                json_object_set_new(cap, "visits_per_month", json_integer(mb->visits_per_month));
                json_object_set_new(mo, "capacity", cap);
            }
            json_object_set_new(mo, "email", jstr(mb->email));
            json_object_set_new(mo, "mobile", jstr(mb->mobile));
            json_object_set_new(mo, "im_id", jstr(mb->im_id));
            json_array_append_new(ms, mo);
        }
        json_object_set_new(go, "members", ms);
        json_array_append_new(groups, go);
    }
    json_t *team = json_object();
    json_object_set_new(team, "groups", groups);
    json_object_set_new(root, "team", team);

    json_t *goals = json_array();
    for (size_t i = 0; i < p->ngoals; i++) json_array_append_new(goals, json_goal(&p->goals[i]));
    json_object_set_new(root, "goals", goals);

    json_t *an = json_object();
    json_t *pest = json_array();
    for (size_t i = 0; i < p->npest; i++) {
        const sp_pest *x = &p->pest[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(x->id));
        json_object_set_new(o, "factor", json_string(factor_words[x->factor]));
        json_object_set_new(o, "effect", json_string(effect_words[x->effect]));
        json_object_set_new(o, "impact", x->impact ? json_integer(x->impact) : json_null());
        json_object_set_new(o, "text", jstr(x->text));
        json_array_append_new(pest, o);
    }
    json_object_set_new(an, "pest", pest);
    json_t *pers = json_array();
    for (size_t i = 0; i < p->npersonas; i++) {
        const sp_persona *x = &p->personas[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(x->id));
        json_object_set_new(o, "industry", jstr(x->industry));
        json_object_set_new(o, "size", x->size ? json_string(size_words[x->size]) : json_null());
        json_object_set_new(o, "pains", jlist(x->pains, x->npains));
        json_object_set_new(o, "decision_chain", jlist(x->decision_chain, x->ndecision_chain));
        if (x->has_premium) {
            json_t *pr = json_array();
            json_array_append_new(pr, jratio(x->premium_lo));
            json_array_append_new(pr, jratio(x->premium_hi));
            json_object_set_new(o, "premium", pr);
        } else {
            json_object_set_new(o, "premium", json_null());
        }
        json_array_append_new(pers, o);
    }
    json_object_set_new(an, "personas", pers);
    json_t *caps = json_array();
    for (size_t i = 0; i < p->ncapabilities; i++) {
        const sp_capability *x = &p->capabilities[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(x->id));
        json_object_set_new(o, "kind", json_string(capkind_words[x->kind]));
        json_object_set_new(o, "text", jstr(x->text));
        json_array_append_new(caps, o);
    }
    json_object_set_new(an, "capabilities", caps);
    json_object_set_new(root, "analysis", an);

    json_t *strats = json_array();
    for (size_t i = 0; i < p->nstrategies; i++) {
        const sp_strategy *s = &p->strategies[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(s->id));
        json_object_set_new(o, "category", json_string(strat_words[s->category]));
        json_object_set_new(o, "name", jstr(s->name));
        json_object_set_new(o, "goals", jlist(s->goals, s->ngoals));
        json_object_set_new(o, "answers", jlist(s->answers, s->nanswers));
        json_object_set_new(o, "priority", s->priority ? json_integer(s->priority) : json_null());
        json_array_append_new(strats, o);
    }
    json_object_set_new(root, "strategies", strats);

    json_t *tasks = json_array();
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *t = &p->tasks[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(t->id));
        json_object_set_new(o, "strategy", jstr(t->strategy));
        json_object_set_new(o, "name", jstr(t->name));
        json_object_set_new(o, "owner", jstr(t->owner));
        json_object_set_new(o, "collaborators", jlist(t->collaborators, t->ncollaborators));
        json_object_set_new(o, "start", jday(t->start));
        json_object_set_new(o, "due", jday(t->due));
        json_object_set_new(o, "depends_on", jlist(t->depends_on, t->ndepends_on));
        json_object_set_new(o, "milestone", json_boolean(t->milestone));
        json_object_set_new(o, "deliverable", jstr(t->deliverable));
        if (t->has_budget) {
            json_t *bo = json_object();
            json_object_set_new(bo, "category", jstr(t->budget_category));
            json_object_set_new(bo, "amount", jmoney(t->budget_amount));
            json_object_set_new(o, "budget", bo);
        } else {
            json_object_set_new(o, "budget", json_null());
        }
        json_object_set_new(o, "resources", jlist(t->resources, t->nresources));
        json_array_append_new(tasks, o);
    }
    json_object_set_new(root, "tasks", tasks);

    if (p->has_budget) {
        json_t *bo = json_object();
        json_object_set_new(bo, "total", jmoney(p->budget_total));
        json_t *cats = json_array();
        for (size_t i = 0; i < p->nbudget_cats; i++) {
            const sp_budget_cat *x = &p->budget_cats[i];
            json_t *o = json_object();
            json_object_set_new(o, "id", jstr(x->id));
            json_object_set_new(o, "name", jstr(x->name));
            json_object_set_new(o, "share", jratio(x->share));
            json_array_append_new(cats, o);
        }
        json_object_set_new(bo, "categories", cats);
        json_object_set_new(root, "budget", bo);
    } else {
        json_object_set_new(root, "budget", json_null());
    }

    json_t *tiers = json_array();
    for (size_t i = 0; i < p->ntiers; i++) {
        const sp_tier *x = &p->tiers[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(x->id));
        json_object_set_new(o, "name", jstr(x->name));
        json_object_set_new(o, "min", jmoney(x->min));
        json_object_set_new(o, "review_every_days", x->review_every_days ? json_integer(x->review_every_days) : json_null());
        json_array_append_new(tiers, o);
    }
    json_object_set_new(root, "tiers", tiers);

    const sp_alerts_cfg *a = &p->alerts;
    json_t *ao = json_object();
    if (a->nstale_by_tier) {
        json_t *st = json_object();
        for (size_t i = 0; i < a->nstale_by_tier; i++)
            json_object_set_new(st, a->stale_by_tier[i].tier, json_integer(a->stale_by_tier[i].days));
        json_object_set_new(ao, "stale_followup_days", st);
    } else {
        json_object_set_new(ao, "stale_followup_days", json_integer(a->stale_followup_days));
    }
    json_object_set_new(ao, "escalate_after_days", json_integer(a->escalate_after_days));
    json_object_set_new(ao, "goal_off_pace_below", jratio(a->goal_off_pace_below));
    json_object_set_new(ao, "budget_overrun_above", jratio(a->budget_overrun_above));
    json_object_set_new(ao, "task_overdue", json_boolean(a->task_overdue));
    json_object_set_new(ao, "tier_review_due", json_boolean(a->tier_review_due));
    json_object_set_new(root, "alerts", ao);

    json_t *nt = json_array();
    for (size_t i = 0; i < p->nnotify; i++) {
        const sp_notify *x = &p->notify[i];
        json_t *o = json_object();
        json_object_set_new(o, "kind", jstr(x->kind));
        json_object_set_new(o, "url", jstr(x->url));
        json_object_set_new(o, "secret_env", jstr(x->secret_env));
        json_object_set_new(o, "secret_file", jstr(x->secret_file));
        json_object_set_new(o, "to", jstr(x->to));
        json_object_set_new(o, "to_owner", json_boolean(x->to_owner));
        char hm[6];
        json_object_set_new(o, "at", x->at >= 0 ? json_string(plan_time_format(x->at, hm)) : json_null());
        json_object_set_new(o, "weekly_pack", jstr(plan_weekday_name(x->weekly_pack)));
        json_array_append_new(nt, o);
    }
    json_object_set_new(root, "notify", nt);

    json_t *ck = json_object();
    json_object_set_new(ck, "max_growth", jratio(p->max_growth));
    json_object_set_new(root, "check", ck);

    char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(root);
    /* json_dumps allocates with malloc (jansson's default allocator) */
    char *out = xasprintf("%s\n", s ? s : "{}");
    free(s);
    return out;
}
