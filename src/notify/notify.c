/*
 * notify.c — `salesplan notify` as a function (notify.h): gathers the
 * alerts (core/alerts), groups them into one message per recipient per
 * channel, writes each message in the recipient's language, and hands it to
 * the channel (channel.c: payloads, signatures, libcurl). The log of what
 * went out (notify_log) is the store's; this file decides what to claim and
 * records the outcome. It prints nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../app/app.h"
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../io/out.h"
#include "channel.h"
#include "notify.h"

static const char *const outcome_names[NOTIFY_OUTCOME_COUNT] = {"sent", "failed", "already_sent", "in_flight",
                                                                 "dry_run"};

const char *notify_outcome_name(sp_notify_outcome o)
{
    return (unsigned)o < NOTIFY_OUTCOME_COUNT ? outcome_names[o] : "?";
}

static long env_long(const char *name, long def, long lo, long hi, long scale)
{
    const char *s = getenv(name);
    if (!s || !*s) return def;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || v < (double)lo || v > (double)hi) return def;
    return (long)(v * (double)scale);
}

void notify_opts_init(sp_notify_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = LANG_EN;
    o->connect_timeout_ms = env_long("SALESPLAN_NOTIFY_CONNECT_TIMEOUT", 5000, 0, 120, 1000);
    o->timeout_ms = env_long("SALESPLAN_NOTIFY_TIMEOUT", 20000, 0, 600, 1000);
    if (o->connect_timeout_ms <= 0) o->connect_timeout_ms = 5000;
    if (o->timeout_ms <= 0) o->timeout_ms = 20000;
    o->attempts = (int)env_long("SALESPLAN_NOTIFY_RETRIES", 2, 0, 9, 1) + 1;
    o->backoff_ms = env_long("SALESPLAN_NOTIFY_BACKOFF_MS", 2000, 0, 60000, 1);
    o->pace_ms = env_long("SALESPLAN_NOTIFY_PACE_MS", -1, 0, 60000, 1);
    o->smtp_url = getenv("SALESPLAN_SMTP_URL");
    o->smtp_user = getenv("SALESPLAN_SMTP_USER");
    o->smtp_from = getenv("SALESPLAN_SMTP_FROM");
    const char *tls = getenv("SALESPLAN_SMTP_TLS");
    o->smtp_plain = tls && str_eq(tls, "none");
}

const char *notify_channel_id(const sp_plan *plan, size_t i, char buf[32])
{
    const char *kind = plan->notify[i].kind ? plan->notify[i].kind : "channel";
    size_t same = 0, nth = 0;
    for (size_t k = 0; k < plan->nnotify; k++) {
        if (!str_eq(plan->notify[k].kind, plan->notify[i].kind)) continue;
        same++;
        if (k <= i) nth++;
    }
    if (same <= 1) snprintf(buf, 32, "%s", kind);
    else snprintf(buf, 32, "%s-%zu", kind, nth);
    return buf;
}

/* ---- the alerts ---- */

bool notify_gather(sp_store *st, const sp_plan *plan, sp_day as_of, sp_dataset *ds, sp_alerts_result *out,
                   sp_err *err)
{
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.plan = plan;
    in.as_of = as_of;
    unsigned en = alerts_enabled(plan);
    sp_task_state *states = NULL;
    size_t nstates = 0, ngoals = 0, nmanual = 0;
    sp_goal_status_in *goals = NULL;
    sp_actual *manual = NULL;
    bool ok = false;
    if (plan && (en & (1u << ALERT_TASK_OVERDUE)) && !st->ops->task_states(st, plan->id, &states, &nstates, err))
        goto done;
    bool want_goals = plan && (en & (1u << ALERT_GOAL_OFF_PACE));
    sp_load_spec spec;
    alerts_load_spec(plan, as_of, 0, &spec);
    if (want_goals) {
        sp_tier_level *tiers = NULL;
        size_t ntiers = 0;
        tiers_from_plan(plan, &tiers, &ntiers);
        sp_load_spec pspec;
        pace_load_spec(plan, tiers, ntiers, as_of, &pspec);
        pace_spec_union(&spec, &pspec);
        free(tiers);
        if (!st->ops->actual_list(st, plan->id, NULL, &manual, &nmanual, err)) goto done;
    }
    if (!st->ops->load(st, &spec, ds, err)) goto done;
    if (want_goals && !app_goal_statuses(plan, ds, manual, nmanual, as_of, &goals, &ngoals, err)) {
        /* the other reminders still matter: go on without goals */
        err_clear(err);
    }
    in.states = states;
    in.nstates = nstates;
    in.goals = goals;
    in.ngoals = ngoals;
    in.ds = ds;
    alerts_compute(&in, out);
    ok = true;
done:
    task_states_free(states, nstates);
    free(goals);
    actuals_free(manual, nmanual);
    return ok;
}

/* ---- recipients ---- */

/* A recipient and the alerts addressed to them (indexes into the result,
 * in the result's order: by kind, stalest first). */
typedef struct recip {
    const char *id;
    size_t *idx;
    size_t n, cap;
} recip;

static recip *recip_get(recip **v, size_t *n, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (str_eq((*v)[i].id, id)) return &(*v)[i];
    *v = xreallocarray(*v, *n + 1, sizeof **v);
    recip *r = &(*v)[(*n)++];
    memset(r, 0, sizeof *r);
    r->id = id;
    return r;
}

static void recip_add(recip *r, size_t i)
{
    if (r->n && r->idx[r->n - 1] == i) return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->idx = xreallocarray(r->idx, r->cap, sizeof *r->idx);
    }
    r->idx[r->n++] = i;
}

static int recip_cmp(const void *a, const void *b)
{
    return strcmp(((const recip *)a)->id, ((const recip *)b)->id);
}

/* budget_owners: who hears of budget overruns (they have no owner): the
 * plan's members with role manager, else its leaders. */
static void budget_owners(const sp_plan *plan, const char **out, size_t *n, size_t max)
{
    *n = 0;
    for (int pass = 0; pass < 2 && *n == 0; pass++)
        for (size_t g = 0; g < plan->ngroups; g++)
            for (size_t m = 0; m < plan->groups[g].nmembers; m++) {
                const sp_member *x = &plan->groups[g].members[m];
                if (x->role != (pass ? ROLE_LEADER : ROLE_MANAGER) || *n >= max) continue;
                bool dup = false;
                for (size_t k = 0; k < *n; k++) dup |= str_eq(out[k], x->id);
                if (!dup) out[(*n)++] = x->id;
            }
}

static recip *group_alerts(const sp_plan *plan, const sp_alerts_result *a, size_t *nr)
{
    recip *v = NULL;
    *nr = 0;
    const char *mgr[64];
    size_t nmgr;
    budget_owners(plan, mgr, &nmgr, 64);
    for (size_t i = 0; i < a->n; i++) {
        const sp_alert *x = &a->v[i];
        if (x->kind == ALERT_BUDGET_OVERRUN && !x->owner) {
            for (size_t k = 0; k < nmgr; k++) recip_add(recip_get(&v, nr, mgr[k]), i);
            continue;
        }
        if (x->owner) recip_add(recip_get(&v, nr, x->owner), i);
        if (x->escalated && x->leader && !str_eq(x->leader, x->owner)) recip_add(recip_get(&v, nr, x->leader), i);
    }
    if (*nr) qsort(v, *nr, sizeof *v, recip_cmp);
    return v;
}

/* ---- the message text ---- */

static const char *const kind_titles[ALERT_KIND_COUNT] = {
    N_("Stale follow-ups"), N_("Overdue tasks"), N_("Goals off pace"), N_("Budget overruns"),
    N_("Strategic reviews due"),
};

static const char *rep_name(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    const sp_rep *r = ds ? dataset_rep(ds, id) : NULL;
    for (size_t i = 0; ds && !r && i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) r = &ds->rep_rows[i];
    if (r && r->name && *r->name) return r->name;
    const sp_member *m = plan_find_member(plan, id, NULL);
    return m && m->name && *m->name ? m->name : id;
}

static const char *tier_name(const sp_plan *plan, sp_lang lang, const char *id)
{
    if (!id) return "—";
    for (size_t i = 0; i < plan->ntiers; i++)
        if (str_eq(plan->tiers[i].id, id) && plan->tiers[i].name) return plan->tiers[i].name;
    if (str_eq(id, "strategic")) return tr_lang(lang, N_("strategic"));
    if (str_eq(id, "key")) return tr_lang(lang, N_("key"));
    if (str_eq(id, "potential")) return tr_lang(lang, N_("potential"));
    return id;
}

static const char *customer_name(const sp_dataset *ds, const char *id, sp_customer *row)
{
    if (id && dataset_customer(ds, id, row) && row->name && *row->name) return row->name;
    return id ? id : "—";
}

static const char *named(const char *name, const char *id) { return name && *name ? name : id; }

static const char *task_name(const sp_plan *plan, const char *id)
{
    for (size_t i = 0; i < plan->ntasks; i++)
        if (str_eq(plan->tasks[i].id, id)) return named(plan->tasks[i].name, id);
    return id;
}

static const char *category_name(const sp_plan *plan, const char *id)
{
    for (size_t i = 0; i < plan->nbudget_cats; i++)
        if (str_eq(plan->budget_cats[i].id, id)) return named(plan->budget_cats[i].name, id);
    return id;
}

static const char *status_label(sp_lang lang, const char *s)
{
    if (str_eq(s, "at_risk")) return tr_lang(lang, N_("at risk"));
    if (str_eq(s, "off_track")) return tr_lang(lang, N_("off track"));
    return s ? s : "";
}

/* alert_line: one line of a message about x, for recipient `to`. */
static void alert_line(const sp_plan *plan, const sp_dataset *ds, sp_lang lang, const sp_alert *x, const char *to,
                       buf_t *b)
{
    sp_customer row;
    char d1[16], m1[48], m2[48];
    switch (x->kind) {
    case ALERT_STALE_FOLLOWUP:
        if (x->last_touch == SP_DAY_NONE)
            buf_printf(b, tr_lang(lang, N_("%s: no activity yet, %d days since the deal opened (%s)")),
                       customer_name(ds, x->customer_id, &row), (int)x->days, tier_name(plan, lang, x->tier));
        else
            buf_printf(b, tr_lang(lang, N_("%s: %d days since the last touch (%s)")),
                       customer_name(ds, x->customer_id, &row), (int)x->days, tier_name(plan, lang, x->tier));
        if (x->owner && !str_eq(x->owner, to))
            buf_printf(b, tr_lang(lang, N_("; owner %s")), rep_name(plan, ds, x->owner));
        break;
    case ALERT_TASK_OVERDUE:
        buf_printf(b, tr_lang(lang, N_("%s: %d days overdue (due %s)")), task_name(plan, x->task_id), (int)x->days,
                   day_format(x->due, d1));
        break;
    case ALERT_GOAL_OFF_PACE: {
        const sp_goal *g = plan_find_goal(plan, x->goal_id);
        const char *gn = named(g ? g->name : NULL, x->goal_id);
        if (x->has_attainment)
            buf_printf(b, tr_lang(lang, N_("%s: %s, %.1f%% of target")), gn, status_label(lang, x->status),
                       x->attainment * 100.0);
        else
            buf_printf(b, tr_lang(lang, N_("%s: %s")), gn, status_label(lang, x->status));
        break;
    }
    case ALERT_BUDGET_OVERRUN:
        buf_printf(b, tr_lang(lang, N_("%s: spent %s of %s allocated")), category_name(plan, x->category),
                   money_format_grouped(x->spent, m1), money_format_grouped(x->allocated, m2));
        break;
    case ALERT_TIER_REVIEW_DUE:
        if (x->days < 0)
            buf_printf(b, tr_lang(lang, N_("%s: never visited or met")), customer_name(ds, x->customer_id, &row));
        else
            buf_printf(b, tr_lang(lang, N_("%s: no visit or meeting for %d days")),
                       customer_name(ds, x->customer_id, &row), (int)x->days);
        break;
    default: break;
    }
}

/* alert_key: what identifies a reminder in the log ("stale_followup:c9"). */
static void alert_key(const sp_alert *x, buf_t *b)
{
    buf_puts(b, alert_kind_name(x->kind));
    buf_putc(b, ':');
    const char *id = x->customer_id ? x->customer_id
                   : x->task_id     ? x->task_id
                   : x->goal_id     ? x->goal_id
                                    : x->category;
    buf_puts(b, id ? id : "");
}

/* message_text: the title and the body of r's message: sections by kind,
 * numbered lines in the alerts' order (stalest first). */
static void message_text(const sp_plan *plan, const sp_dataset *ds, sp_lang lang, const sp_alerts_result *a,
                         const recip *r, sp_day day, buf_t *title, buf_t *text, buf_t *what)
{
    char d1[16];
    buf_printf(title, tr_lang(lang, N_("Sales reminders %s: %s")), day_format(day, d1), rep_name(plan, ds, r->id));
    buf_puts(what, "[");
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        size_t cnt = 0;
        for (size_t i = 0; i < r->n; i++) cnt += a->v[r->idx[i]].kind == (sp_alert_kind)k;
        if (!cnt) continue;
        if (text->len) buf_putc(text, '\n');
        buf_printf(text, tr_lang(lang, N_("%s (%zu)")), tr_lang(lang, kind_titles[k]), cnt);
        buf_putc(text, '\n');
        size_t no = 0;
        for (size_t i = 0; i < r->n; i++) {
            const sp_alert *x = &a->v[r->idx[i]];
            if (x->kind != (sp_alert_kind)k) continue;
            buf_printf(text, "%zu. ", ++no);
            alert_line(plan, ds, lang, x, r->id, text);
            buf_putc(text, '\n');
            buf_t key = BUF_INIT;
            alert_key(x, &key);
            if (what->len > 1) buf_putc(what, ',');
            out_json_string(what, buf_cstr(&key));
            buf_free(&key);
        }
    }
    buf_puts(what, "]");
}

/* ---- sending ---- */

static void sleep_ms(long ms)
{
    if (ms <= 0) return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long kind_pace(const char *kind, long opt)
{
    if (opt >= 0) return opt;
    if (str_eq(kind, "dingtalk") || str_eq(kind, "wecom")) return 3000; /* 20 a minute */
    if (str_eq(kind, "slack")) return 1000;
    if (str_eq(kind, "feishu")) return 200;
    return 0;
}

/* send_with_retries: tries m up to opts->attempts times, waiting
 * backoff·2^k (or the channel's Retry-After, capped at 60 s) between tries
 * when the failure may pass. Sets m's outcome, attempts, status, answer. */
static void send_with_retries(const sp_channel *ch, const sp_plan *plan, sp_notify_msg *m, sp_day day,
                              const sp_notify_opts *opts, int64_t now)
{
    long wait = opts->backoff_ms;
    for (int k = 1; k <= opts->attempts; k++) {
        sp_send_result sr;
        channel_send(ch, plan, m, day, opts, now, &sr);
        m->attempts = k;
        m->http_status = sr.status;
        free(m->answer);
        m->answer = sr.answer;
        if (sr.ok) {
            m->outcome = NOTIFY_SENT;
            return;
        }
        m->outcome = NOTIFY_FAILED;
        if (!sr.retry || k == opts->attempts) return;
        long w = sr.retry_after_ms > 0 ? sr.retry_after_ms : wait;
        sleep_ms(w > 60000 ? 60000 : w);
        wait = wait > 30000 ? 60000 : wait * 2;
        now += (w + 999) / 1000;
    }
}

static char *make_claim_id(void)
{
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    return xasprintf("%s:%ld:%lld", host, (long)getpid(), (long long)time(NULL));
}

bool notify_run(sp_store *st, const sp_plan *plan, sp_day as_of, const sp_notify_opts *opts, sp_notify_result *out,
                sp_err *err)
{
    out->day = as_of;
    char idb[32];
    if (opts->channel) {
        bool found = false;
        buf_t ids = BUF_INIT;
        for (size_t i = 0; i < plan->nnotify; i++) {
            found |= str_eq(notify_channel_id(plan, i, idb), opts->channel);
            buf_printf(&ids, "%s%s", i ? ", " : "", idb);
        }
        if (!found) {
            if (plan->nnotify)
                err_set(err, SP_EUSAGE, _("no channel '%s' in the plan's notify: (channels: %s)"), opts->channel,
                        buf_cstr(&ids));
            else
                err_set(err, SP_EUSAGE, _("no channel '%s': the plan has no notify: section"), opts->channel);
            buf_free(&ids);
            return false;
        }
        buf_free(&ids);
    }
    sp_dataset *ds = dataset_new();
    sp_alerts_result a;
    memset(&a, 0, sizeof a);
    if (!notify_gather(st, plan, as_of, ds, &a, err)) {
        dataset_free(ds);
        return false;
    }
    out->nalerts = a.n;
    size_t nr = 0;
    recip *rs = group_alerts(plan, &a, &nr);
    int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
    char *claim = opts->claim_id ? xstrdup(opts->claim_id) : make_claim_id();
    bool ok = true;

    for (size_t c = 0; c < plan->nnotify && ok; c++) {
        const char *cid = notify_channel_id(plan, c, idb);
        if (opts->channel && !str_eq(cid, opts->channel)) continue;
        sp_channel ch;
        channel_init(&ch, plan, c, cid, opts);
        double last = 0;
        const char *dead = NULL; /* the channel failed for an earlier message */
        for (size_t i = 0; i < nr; i++) {
            const recip *r = &rs[i];
            out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
            sp_notify_msg *m = &out->v[out->n++];
            memset(m, 0, sizeof *m);
            m->channel = xstrdup(cid);
            m->kind = ch.kind;
            m->recipient = xstrdup(r->id);
            m->recipient_name = xstrdup(rep_name(plan, ds, r->id));
            m->nalerts = r->n;
            buf_t title = BUF_INIT, text = BUF_INIT, what = BUF_INIT;
            message_text(plan, ds, opts->lang, &a, r, as_of, &title, &text, &what);
            m->title = buf_detach(&title);
            m->text = buf_detach(&text);
            m->what = buf_detach(&what);
            char *mproblem = channel_prepare(&ch, plan, ds, m, as_of, opts, now);

            sp_notify_entry e = {plan->id, as_of, cid, r->id, m->address, m->what, m->text, claim, now,
                                 false, 0, NULL};
            if (opts->dry_run) {
                char *state = NULL;
                if (!st->ops->notify_state(st, &e, &state, err)) {
                    ok = false;
                    break;
                }
                m->outcome = str_eq(state, "sent") ? NOTIFY_ALREADY_SENT
                           : str_eq(state, "sending") ? NOTIFY_IN_FLIGHT
                                                      : NOTIFY_DRY_RUN;
                if (m->outcome == NOTIFY_DRY_RUN && (ch.problem || mproblem))
                    m->answer = xstrdup(ch.problem ? ch.problem : mproblem);
                free(state);
                free(mproblem);
                out->count[m->outcome]++;
                continue;
            }
            if (ch.problem || dead || mproblem) {
                /* not tried: nothing claimed, a later run tries again */
                m->outcome = NOTIFY_FAILED;
                m->answer = mproblem ? mproblem : xstrdup(ch.problem ? ch.problem : dead);
                out->count[NOTIFY_FAILED]++;
                continue;
            }
            bool claimed = false;
            char *state = NULL;
            e.at = (int64_t)time(NULL);
            /* a claim older than 10 minutes was left by a sender that died */
            if (!st->ops->notify_claim(st, &e, e.at - 600, &claimed, &state, err)) {
                ok = false;
                break;
            }
            if (!claimed) {
                m->outcome = str_eq(state, "sent") ? NOTIFY_ALREADY_SENT : NOTIFY_IN_FLIGHT;
                free(state);
                out->count[m->outcome]++;
                continue;
            }
            free(state);
            long pace = kind_pace(ch.kind, opts->pace_ms);
            double since = mono_ms() - last;
            if (last > 0 && since < (double)pace) sleep_ms(pace - (long)since);
            send_with_retries(&ch, plan, m, as_of, opts, now);
            last = mono_ms();
            e.sent = m->outcome == NOTIFY_SENT;
            e.attempts = m->attempts;
            e.answer = m->answer;
            e.at = (int64_t)time(NULL);
            if (!st->ops->notify_finish(st, &e, err)) {
                ok = false;
                break;
            }
            out->count[m->outcome]++;
            if (m->outcome == NOTIFY_FAILED) dead = _("not tried: the channel failed for an earlier message");
        }
        channel_free(&ch);
    }
    free(claim);
    for (size_t i = 0; i < nr; i++) free(rs[i].idx);
    free(rs);
    alerts_result_free(&a);
    dataset_free(ds);
    return ok;
}

void notify_result_free(sp_notify_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        sp_notify_msg *m = &r->v[i];
        free(m->channel);
        free(m->recipient);
        free(m->recipient_name);
        free(m->address);
        free(m->url);
        free(m->title);
        free(m->text);
        free(m->payload);
        free(m->what);
        free(m->answer);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
