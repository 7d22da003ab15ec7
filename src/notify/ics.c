/*
 * ics.c — the iCalendar feed of one owner (ics.h). Reads the plan's stored
 * versions (for SEQUENCE) and the alerts (for strategic reviews due)
 * through the store; builds the text; writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/plan_yaml.h"
#include "ics.h"
#include "notify.h"

void ics_escape(const char *s, buf_t *out)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '\\': buf_puts(out, "\\\\"); break;
        case ';': buf_puts(out, "\\;"); break;
        case ',': buf_puts(out, "\\,"); break;
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': break;
        default: buf_putc(out, *s);
        }
    }
}

void ics_line(buf_t *out, const char *name, const char *value)
{
    buf_t l = BUF_INIT;
    buf_printf(&l, "%s:%s", name, value);
    const char *p = buf_cstr(&l);
    size_t n = l.len, off = 0, room = 75;
    while (n - off > room) {
        size_t take = room;
        while (take > 0 && ((unsigned char)p[off + take] & 0xC0) == 0x80) take--; /* never split a character */
        buf_append(out, p + off, take);
        buf_puts(out, "\r\n ");
        off += take;
        room = 74; /* the leading space counts */
    }
    buf_append(out, p + off, n - off);
    buf_puts(out, "\r\n");
    buf_free(&l);
}

static void date_value(sp_day d, char out[16])
{
    char b[16];
    day_format(d, b);
    snprintf(out, 16, "%.4s%.2s%.2s", b, b + 5, b + 8);
}

typedef struct ev {
    char *uid, *summary, *desc;
    sp_day date;
    int seq;
} ev;

static int ev_cmp(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    return strcmp(x->uid, y->uid);
}

/* task_sequences: for each task of plan, how many times its due date moved
 * across the stored versions (oldest first). seq[i] for plan->tasks[i]. */
static bool task_sequences(sp_store *st, const sp_plan *plan, int *seq, char stamp[24], sp_err *err)
{
    sp_plan_info *vs = NULL;
    size_t nv = 0;
    strcpy(stamp, "19700101T000000Z");
    if (!st->ops->plan_versions(st, plan->id, &vs, &nv, err)) return false;
    sp_day *last = xcalloc(plan->ntasks ? plan->ntasks : 1, sizeof *last);
    for (size_t t = 0; t < plan->ntasks; t++) last[t] = SP_DAY_NONE;
    for (size_t v = 0; v < nv; v++) {
        char *text = NULL;
        if (!st->ops->plan_get(st, plan->id, vs[v].version, &text, err)) {
            free(last);
            plan_info_free(vs, nv);
            return false;
        }
        sp_err perr = SP_ERR_INIT;
        sp_plan *old = plan_yaml_parse(text, strlen(text), plan->id, &perr);
        err_free(&perr);
        free(text);
        for (size_t t = 0; old && t < plan->ntasks; t++)
            for (size_t k = 0; k < old->ntasks; k++) {
                if (!str_eq(old->tasks[k].id, plan->tasks[t].id)) continue;
                if (last[t] != SP_DAY_NONE && old->tasks[k].due != last[t]) seq[t]++;
                last[t] = old->tasks[k].due;
            }
        plan_free(old);
        const char *c = vs[v].created_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
        if (v + 1 == nv && c && strlen(c) >= 19)
            snprintf(stamp, 24, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", c, c + 5, c + 8, c + 11, c + 14, c + 17);
    }
    /* the plan in hand may be newer than any stored version */
    for (size_t t = 0; t < plan->ntasks; t++)
        if (last[t] != SP_DAY_NONE && plan->tasks[t].due != last[t]) seq[t]++;
    free(last);
    plan_info_free(vs, nv);
    return true;
}

bool ics_feed(sp_store *st, const sp_plan *plan, const char *owner, sp_day as_of, sp_lang lang, buf_t *out,
              sp_err *err)
{
    sp_dataset *ds = dataset_new();
    sp_alerts_result a;
    memset(&a, 0, sizeof a);
    int *seq = xcalloc(plan->ntasks ? plan->ntasks : 1, sizeof *seq);
    ev *evs = NULL;
    size_t nev = 0;
    char stamp[24];
    bool ok = false;
    if (!notify_gather(st, plan, as_of, ds, &a, err)) goto done;
    const sp_member *mem = plan_find_member(plan, owner, NULL);
    const sp_rep *rep = dataset_rep(ds, owner);
    for (size_t i = 0; !rep && i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, owner)) rep = &ds->rep_rows[i];
    if (!mem && !rep) {
        err_set(err, SP_ENOTFOUND, _("unknown owner '%s': not in the plan's team nor in the reps table"), owner);
        goto done;
    }
    const char *oname = mem && mem->name ? mem->name : rep && rep->name && *rep->name ? rep->name : owner;
    if (!task_sequences(st, plan, seq, stamp, err)) goto done;

    for (size_t t = 0; t < plan->ntasks; t++) {
        const sp_task *k = &plan->tasks[t];
        if (!str_eq(k->owner, owner) || k->due == SP_DAY_NONE) continue;
        evs = xreallocarray(evs, nev + 1, sizeof *evs);
        ev *e = &evs[nev++];
        e->uid = xasprintf("task-%s@%s.salesplan", k->id, plan->id);
        e->summary = xasprintf(tr_lang(lang, k->milestone ? N_("Milestone: %s") : N_("Due: %s")), k->name ? k->name : k->id);
        e->desc = k->deliverable ? xasprintf(tr_lang(lang, N_("Deliverable: %s")), k->deliverable) : NULL;
        e->date = k->due;
        e->seq = seq[t];
    }
    sp_review_rule rule;
    alerts_review_rule(plan, &rule);
    for (size_t i = 0; i < a.n; i++) {
        const sp_alert *x = &a.v[i];
        if (x->kind != ALERT_TIER_REVIEW_DUE || !str_eq(x->owner, owner)) continue;
        sp_customer row;
        const char *cn = dataset_customer(ds, x->customer_id, &row) && row.name && *row.name ? row.name
                                                                                            : x->customer_id;
        evs = xreallocarray(evs, nev + 1, sizeof *evs);
        ev *e = &evs[nev++];
        char lt[16] = "never";
        if (x->last_touch != SP_DAY_NONE) date_value(x->last_touch, lt);
        e->uid = xasprintf("review-%s-%s@%s.salesplan", x->customer_id, lt, plan->id);
        e->summary = xasprintf(tr_lang(lang, N_("Strategic review due: %s")), cn);
        e->desc = NULL;
        /* due review_every_days after the last visit or meeting; never
         * visited: due now, and the date moves with the as-of date */
        e->date = x->last_touch != SP_DAY_NONE ? x->last_touch + rule.every_days : as_of;
        e->seq = x->last_touch != SP_DAY_NONE || plan->period.first == SP_DAY_NONE
                     ? 0
                     : (as_of > plan->period.first ? (int)(as_of - plan->period.first) : 0);
    }
    if (nev) qsort(evs, nev, sizeof *evs, ev_cmp);

    buf_t v = BUF_INIT;
    ics_line(out, "BEGIN", "VCALENDAR");
    ics_line(out, "VERSION", "2.0");
    ics_line(out, "PRODID", "-//salesplan//salesplan//EN");
    ics_line(out, "CALSCALE", "GREGORIAN");
    ics_line(out, "METHOD", "PUBLISH");
    buf_clear(&v);
    char *cal = xasprintf("%s · %s", plan->name ? plan->name : plan->id, oname);
    ics_escape(cal, &v);
    free(cal);
    ics_line(out, "X-WR-CALNAME", buf_cstr(&v));
    for (size_t i = 0; i < nev; i++) {
        char d1[16], d2[16], sq[16];
        date_value(evs[i].date, d1);
        date_value(evs[i].date + 1, d2);
        snprintf(sq, sizeof sq, "%d", evs[i].seq);
        ics_line(out, "BEGIN", "VEVENT");
        ics_line(out, "UID", evs[i].uid);
        ics_line(out, "DTSTAMP", stamp);
        ics_line(out, "DTSTART;VALUE=DATE", d1);
        ics_line(out, "DTEND;VALUE=DATE", d2);
        ics_line(out, "SEQUENCE", sq);
        buf_clear(&v);
        ics_escape(evs[i].summary, &v);
        ics_line(out, "SUMMARY", buf_cstr(&v));
        if (evs[i].desc) {
            buf_clear(&v);
            ics_escape(evs[i].desc, &v);
            ics_line(out, "DESCRIPTION", buf_cstr(&v));
        }
        ics_line(out, "TRANSP", "TRANSPARENT");
        ics_line(out, "END", "VEVENT");
    }
    ics_line(out, "END", "VCALENDAR");
    buf_free(&v);
    ok = true;
done:
    for (size_t i = 0; i < nev; i++) {
        free(evs[i].uid);
        free(evs[i].summary);
        free(evs[i].desc);
    }
    free(evs);
    free(seq);
    alerts_result_free(&a);
    dataset_free(ds);
    return ok;
}
