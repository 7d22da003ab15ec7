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
#include "../io/report.h"
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

static bool stopping(const sp_notify_opts *o) { return o->stop && atomic_load(o->stop); }

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
        /* stopping: the send in flight is finished, no further tries */
        if (!sr.retry || k == opts->attempts || stopping(opts)) return;
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

char *notify_channel_problem(const sp_plan *plan, size_t i, const sp_notify_opts *o)
{
    char idb[32];
    sp_channel ch;
    channel_init(&ch, plan, i, notify_channel_id(plan, i, idb), o);
    char *p = ch.problem ? xstrdup(ch.problem) : NULL;
    channel_free(&ch);
    return p;
}

sp_lang notify_lang(const sp_plan *plan, sp_lang fallback)
{
    for (const unsigned char *p = (const unsigned char *)plan->name; p && *p; p++)
        if (*p >= 0xE3 && *p <= 0xE9) return LANG_ZH; /* U+3000..U+9FFF lead bytes */
    return fallback;
}

const char *notify_weekly_week(sp_day day, char buf[16]) { return grain_label(GRAIN_WEEK, day - 1, buf); }

/* ---- e-mail addresses of the reps table (schema 8) ---- */

typedef struct rep_email {
    char *id, *email;
} rep_email;

typedef struct rep_emails {
    rep_email *v;
    size_t n;
} rep_emails;

static void rep_email_add(void *ctx, const char *id, const char *email)
{
    rep_emails *r = ctx;
    if (!id || !email || !plan_email_ok(email)) return; /* an address notify cannot use is no address */
    r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
    r->v[r->n].id = xstrdup(id);
    r->v[r->n++].email = xstrdup(email);
}

static void rep_emails_free(rep_emails *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].email);
    }
    free(r->v);
}

/* recipient_email: the plan member's email, else the reps table's. */
static char *recipient_email(const sp_plan *plan, const rep_emails *re, const char *id)
{
    const sp_member *mem = plan_find_member(plan, id, NULL);
    if (mem && mem->email && *mem->email) return xstrdup(mem->email);
    for (size_t i = 0; i < re->n; i++)
        if (str_eq(re->v[i].id, id)) return xstrdup(re->v[i].email);
    return NULL;
}

/* ---- the weekly pack's recipients: leaders and managers ---- */

/* notify_pack_readers: the plan's members with role leader or manager, in
 * plan order, each once; *n of them (at most max). */
static void pack_readers(const sp_plan *plan, const char **out, size_t *n, size_t max)
{
    *n = 0;
    for (size_t g = 0; g < plan->ngroups; g++)
        for (size_t m = 0; m < plan->groups[g].nmembers; m++) {
            const sp_member *x = &plan->groups[g].members[m];
            if ((x->role != ROLE_LEADER && x->role != ROLE_MANAGER) || *n >= max) continue;
            bool dup = false;
            for (size_t k = 0; k < *n; k++) dup |= str_eq(out[k], x->id);
            if (!dup) out[(*n)++] = x->id;
        }
}

/* ---- one message ---- */

typedef struct run_ctx {
    sp_store *st;
    const sp_plan *plan;
    const sp_dataset *ds;
    sp_day day;
    const sp_notify_opts *opts;
    sp_notify_result *out;
    const char *claim;
    int64_t now;
} run_ctx;

/* new_msg: a message of channel ch to recipient id, appended to the result. */
static sp_notify_msg *new_msg(run_ctx *c, const sp_channel *ch, const char *cid, const char *id, const char *name)
{
    sp_notify_result *out = c->out;
    out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
    sp_notify_msg *m = &out->v[out->n++];
    memset(m, 0, sizeof *m);
    m->channel = xstrdup(cid);
    m->kind = ch->kind;
    m->recipient = xstrdup(id);
    m->recipient_name = xstrdup(name);
    return m;
}

/* deliver: prepares m (title and text set) and, unless a dry run, claims,
 * sends and records it under the log key (plan, day, logch, recipient).
 * *last is when the channel last sent (pacing); *dead why the channel
 * failed earlier. false only when the store fails. */
static bool deliver(run_ctx *c, const sp_channel *ch, sp_notify_msg *m, const char *logch, double *last,
                    const char **dead, sp_err *err)
{
    const sp_notify_opts *opts = c->opts;
    sp_notify_result *out = c->out;
    char *mproblem = channel_prepare(ch, c->plan, c->ds, m, c->day, opts, c->now);
    sp_notify_entry e = {c->plan->id, c->day, logch, m->recipient, m->address, m->what, m->text, c->claim, c->now,
                         false, 0, NULL};
    if (opts->dry_run) {
        char *state = NULL;
        if (!c->st->ops->notify_state(c->st, &e, &state, err)) {
            free(mproblem);
            return false;
        }
        m->outcome = str_eq(state, "sent") ? NOTIFY_ALREADY_SENT
                   : str_eq(state, "sending") ? NOTIFY_IN_FLIGHT
                                              : NOTIFY_DRY_RUN;
        if (m->outcome == NOTIFY_DRY_RUN && (ch->problem || mproblem))
            m->answer = xstrdup(ch->problem ? ch->problem : mproblem);
        free(state);
        free(mproblem);
        out->count[m->outcome]++;
        return true;
    }
    if (ch->problem || *dead || mproblem) {
        /* not tried: nothing claimed, a later run tries again */
        m->outcome = NOTIFY_FAILED;
        m->answer = mproblem ? mproblem : xstrdup(ch->problem ? ch->problem : *dead);
        out->count[NOTIFY_FAILED]++;
        return true;
    }
    bool claimed = false;
    char *state = NULL;
    e.at = (int64_t)time(NULL);
    /* a claim older than 10 minutes was left by a sender that died */
    if (!c->st->ops->notify_claim(c->st, &e, e.at - 600, &claimed, &state, err)) return false;
    if (!claimed) {
        m->outcome = str_eq(state, "sent") ? NOTIFY_ALREADY_SENT : NOTIFY_IN_FLIGHT;
        free(state);
        out->count[m->outcome]++;
        return true;
    }
    free(state);
    long pace = kind_pace(ch->kind, opts->pace_ms);
    double since = mono_ms() - *last;
    if (*last > 0 && since < (double)pace) sleep_ms(pace - (long)since);
    send_with_retries(ch, c->plan, m, c->day, opts, c->now);
    *last = mono_ms();
    e.sent = m->outcome == NOTIFY_SENT;
    e.attempts = m->attempts;
    e.answer = m->answer;
    e.at = (int64_t)time(NULL);
    if (!c->st->ops->notify_finish(c->st, &e, err)) return false;
    out->count[m->outcome]++;
    if (m->outcome == NOTIFY_FAILED) *dead = _("not tried: the channel failed for an earlier message");
    return true;
}

/* weekly_summary: the summary of the weekly pack due on day (built once). */
static bool weekly_summary(run_ctx *c, const char *week, char **title, char **text, sp_err *err)
{
    sp_period p;
    const char *why;
    if (!period_parse(week, c->plan->fiscal_year_start, &p, &why)) {
        err_set(err, SP_EINTERNAL, "weekly pack: %s: %s", week, why);
        return false;
    }
    sp_report_opts ro = {week, p, c->day, REPORT_MD};
    buf_t t = BUF_INIT, x = BUF_INIT;
    char *link = NULL;
    if (c->opts->base_url && *c->opts->base_url) {
        size_t n = strlen(c->opts->base_url);
        link = xasprintf("%s%s", c->opts->base_url, c->opts->base_url[n - 1] == '/' ? "" : "/");
    }
    bool ok = report_week_summary(c->st, c->plan, &ro, c->opts->lang, link, &t, &x, err);
    free(link);
    if (!ok) {
        buf_free(&t);
        buf_free(&x);
        return false;
    }
    *title = buf_detach(&t);
    *text = buf_detach(&x);
    return true;
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
    rep_emails re = {NULL, 0};
    if (!notify_gather(st, plan, as_of, ds, &a, err) || !st->ops->rep_emails(st, rep_email_add, &re, err)) {
        alerts_result_free(&a);
        dataset_free(ds);
        rep_emails_free(&re);
        return false;
    }
    out->nalerts = a.n;
    size_t nr = 0;
    recip *rs = group_alerts(plan, &a, &nr);
    char *claim = opts->claim_id ? xstrdup(opts->claim_id) : make_claim_id();
    run_ctx c = {st, plan, ds, as_of, opts, out, claim, opts->now ? opts->now : (int64_t)time(NULL)};
    const char *readers[64];
    size_t nreaders;
    pack_readers(plan, readers, &nreaders, 64);
    char week[16];
    notify_weekly_week(as_of, week);
    char *wtitle = NULL, *wtext = NULL; /* the weekly summary, built when first needed */
    char *wproblem = NULL;              /* … or why it cannot be */
    bool ok = true;

    for (size_t ci = 0; ci < plan->nnotify && ok && !out->stopped; ci++) {
        const char *cid = notify_channel_id(plan, ci, idb);
        if (opts->channel && !str_eq(cid, opts->channel)) continue;
        sp_channel ch;
        channel_init(&ch, plan, ci, cid, opts);
        double last = 0;
        const char *dead = NULL; /* the channel failed for an earlier message */
        for (size_t i = 0; i < nr && ok; i++) {
            if (stopping(opts)) {
                out->stopped = true;
                break;
            }
            const recip *r = &rs[i];
            sp_notify_msg *m = new_msg(&c, &ch, cid, r->id, rep_name(plan, ds, r->id));
            m->nalerts = r->n;
            m->email = recipient_email(plan, &re, r->id);
            buf_t title = BUF_INIT, text = BUF_INIT, what = BUF_INIT;
            message_text(plan, ds, opts->lang, &a, r, as_of, &title, &text, &what);
            m->title = buf_detach(&title);
            m->text = buf_detach(&text);
            m->what = buf_detach(&what);
            ok = deliver(&c, &ch, m, cid, &last, &dead, err);
        }
        /* the weekly pack's summary on the channel's weekday: to each leader
         * and manager by e-mail (to_owner), else once to the channel */
        if (ok && !out->stopped && plan->notify[ci].weekly_pack == day_weekday(as_of) && nreaders) {
            if (!wtitle && !wproblem) {
                /* the pack cannot be built: its messages fail, the rest goes on */
                sp_err werr = SP_ERR_INIT;
                if (!weekly_summary(&c, week, &wtitle, &wtext, &werr))
                    wproblem = xasprintf(_("the weekly pack %s cannot be built: %s"), week, buf_cstr(&werr.msg));
                err_free(&werr);
            }
            bool each = str_eq(ch.kind, "email") && plan->notify[ci].to_owner;
            char *logch = xasprintf("%s/weekly", cid);
            for (size_t i = 0; ok && i < (each ? nreaders : 1); i++) {
                if (stopping(opts)) {
                    out->stopped = true;
                    break;
                }
                const char *rid = each ? readers[i] : "team";
                sp_notify_msg *m = new_msg(&c, &ch, cid, rid, each ? rep_name(plan, ds, rid)
                                                                   : tr_lang(opts->lang, N_("leaders and managers")));
                m->pack = xstrdup(week);
                if (each) m->email = recipient_email(plan, &re, rid);
                m->what = xasprintf("[\"weekly_pack:%s\"]", week);
                if (wproblem) {
                    m->title = xstrdup("");
                    m->text = xstrdup("");
                    m->outcome = NOTIFY_FAILED;
                    m->answer = xstrdup(wproblem);
                    out->count[NOTIFY_FAILED]++;
                    continue;
                }
                m->title = xstrdup(wtitle);
                m->text = xstrdup(wtext);
                ok = deliver(&c, &ch, m, logch, &last, &dead, err);
            }
            free(logch);
        }
        channel_free(&ch);
    }
    free(wtitle);
    free(wproblem);
    free(wtext);
    free(claim);
    for (size_t i = 0; i < nr; i++) free(rs[i].idx);
    free(rs);
    rep_emails_free(&re);
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
        free(m->email);
        free(m->pack);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
