/*
 * report_xlsx.c — the review pack (and, for an ISO week, the weekly pack)
 * as a workbook: `report --format xlsx`.
 *
 * Not compiled on its own: report.c includes it at its end, so that it
 * renders the very report_data the Markdown and HTML renderings use, with
 * their labels and helpers, and nothing is gathered or computed twice.
 *
 * Owns: the sheet layout (one sheet per section of the pack; a title row,
 * then a frozen header row), the cell types (money as numbers shown in 万
 * in Chinese from 1万 up and else as ¥ with cents, percentages as
 * percentages, counts and days as whole numbers, dates as dates) and the
 * native charts (revenue by team and by tier as columns, the monthly line,
 * attainment to date as bars, leads and visits per rep as columns). Every
 * text goes through xs_text, which neutralises formula-looking text.
 */

/* the sheet names (at most 31 characters, none of []:*?/\) */
static const char *const xr_sheet_names[] = {
    N_("Summary"), N_("This week"), N_("Deals of the week"), N_("Leads and visits"), N_("Stale follow-ups"),
    N_("Tasks next week"), N_("Goals"), N_("Revenue by team"), N_("Revenue by month"), N_("Reverse funnel"),
    N_("Customer tiers"), N_("Alerts"), N_("Overdue tasks"), N_("Budget burn"), N_("Review notes"),
};
enum { XS_SUMMARY, XS_WEEK, XS_DEALS, XS_REPS, XS_STALE, XS_NEXT, XS_GOALS, XS_TEAMS, XS_MONTHS, XS_FUNNEL,
       XS_TIERS, XS_ALERTS, XS_OVERDUE, XS_BUDGET, XS_REVIEWS };

typedef struct xr_ctx {
    const report_data *d;
    sp_xw *w;
    bool wan;                        /* money in 万 (Chinese) */
} xr_ctx;

/* xr_sheet: a new sheet with the section title on row 0 and the header
 * cells on row 1 (when head is given). */
static sp_xsheet *xr_sheet(xr_ctx *x, int which, const char *title, const char *const *head, size_t nhead)
{
    sp_xsheet *s = xw_sheet(x->w, _(xr_sheet_names[which]));
    xs_text(s, 0, 0, title, XF_TITLE);
    for (size_t c = 0; c < nhead; c++) xs_text(s, 1, (int)c, head[c], XF_HEAD);
    return s;
}

static void xr_money(const xr_ctx *x, sp_xsheet *s, int r, int c, sp_money m) { xs_money_shown(s, r, c, m, x->wan); }

/* xr_qty: a goal quantity of unit u as a number ("—" when null). */
static void xr_qty(const xr_ctx *x, sp_xsheet *s, int r, int c, sp_unit u, sp_qty q)
{
    if (q.null || q.den == 0) {
        xs_text(s, r, c, "—", XF_NA);
        return;
    }
    switch (u) {
    case UNIT_MONEY: xr_money(x, s, r, c, qty_round(q)); break;
    case UNIT_COUNT: xs_num(s, r, c, (double)qty_round(q), XF_GROUPED); break;
    case UNIT_RATIO: xs_num(s, r, c, (double)q.num / (double)q.den / 1e6, XF_PCT1); break;
    default: xs_num(s, r, c, (double)q.num / (double)q.den / 100.0, XF_DEC); break;
    }
}

/* xr_frac: a plain fraction (attainment, share) as a percentage. */
static void xr_frac(sp_xsheet *s, int r, int c, sp_qty q)
{
    if (q.null || q.den == 0) xs_text(s, r, c, "—", XF_NA);
    else xs_num(s, r, c, (double)q.num / (double)q.den, XF_PCT1);
}

static void xr_count(sp_xsheet *s, int r, int c, int64_t v) { xs_num(s, r, c, (double)v, XF_GROUPED); }

/* xr_lines: each line of text on its own row from row r of column 0;
 * returns the next free row. */
static int xr_lines(sp_xsheet *s, int r, const char *text, sp_xfmt f)
{
    const char *p = text;
    while (p && *p) {
        size_t n = strcspn(p, "\n");
        char *line = xstrndup(p, n);
        xs_text(s, r++, 0, line, f);
        free(line);
        p += n + (p[n] ? 1 : 0);
    }
    return r;
}

/* xr_tier_name: the plan's name of tier id (its id when unnamed). */
static const char *xr_tier_name(const sp_plan *plan, const char *id)
{
    if (!id || !*id) return "—";
    for (size_t i = 0; i < plan->ntiers; i++)
        if (str_eq(plan->tiers[i].id, id)) return plan->tiers[i].name && *plan->tiers[i].name ? plan->tiers[i].name : id;
    return id;
}

/* ---- the weekly pack's sheets ---- */

static void xr_week_goals(xr_ctx *x)
{
    const report_data *d = x->d;
    char pb[16];
    buf_t t = BUF_INIT, h[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&t, _("This week against last week (%s / %s)"), d->o->period_text,
               grain_label(GRAIN_WEEK, d->wk.prev.first, pb));
    buf_printf(&h[0], _("target %s"), d->o->period_text);
    buf_printf(&h[1], _("actual %s"), d->o->period_text);
    buf_printf(&h[2], _("actual %s"), pb);
    const char *head[] = {_("goal"), _("name"), buf_cstr(&h[0]), buf_cstr(&h[1]), buf_cstr(&h[2]),
                          _("change"), _("attainment to date"), _("status")};
    sp_xsheet *s = xr_sheet(x, XS_WEEK, buf_cstr(&t), head, 8);
    int r = 2;
    for (size_t i = 0; i < d->ngoals; i++, r++) {
        const sp_goal_pace *gp = &d->goals[i];
        const goal_in_p *cur = &d->goals_p[i], *prev = &d->wk.goals_prev[i];
        sp_unit u = goal_unit(gp->goal);
        xs_text(s, r, 0, gp->goal->id, XF_TEXT);
        xs_text(s, r, 1, gp->goal->name, XF_TEXT);
        xr_qty(x, s, r, 2, u, cur->in ? cur->target : qty_null());
        xr_qty(x, s, r, 3, u, cur->in ? cur->actual : qty_null());
        xr_qty(x, s, r, 4, u, prev->in ? prev->actual : qty_null());
        /* the change, exactly as the other renderings compute it */
        sp_qty dq = qty_null();
        if (cur->in && prev->in && !cur->actual.null && !prev->actual.null && cur->actual.den && prev->actual.den) {
            __int128 n = (__int128)cur->actual.num * prev->actual.den - (__int128)prev->actual.num * cur->actual.den;
            __int128 den = (__int128)prev->actual.den * cur->actual.den;
            if (n <= INT64_MAX && n >= INT64_MIN && den <= INT64_MAX) dq = qty_make((int64_t)n, (int64_t)den);
        }
        xr_qty(x, s, r, 5, u, dq);
        xr_frac(s, r, 6, gp->attainment);
        xs_text(s, r, 7, _(goal_status_label(gp->status)), XF_TEXT);
    }
    xs_setup(s, 2);
    buf_free(&t);
    for (int k = 0; k < 3; k++) buf_free(&h[k]);
}

static void xr_week_deals(xr_ctx *x)
{
    const report_data *d = x->d;
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Deals of the week (%s)"), d->o->period_text);
    const char *head[] = {_("kind"), _("date"), _("customer"), _("owner"), _("product"), _("amount")};
    sp_xsheet *s = xr_sheet(x, XS_DEALS, buf_cstr(&t), head, 6);
    const struct {
        const char *title;
        const size_t *rows;
        size_t n;
        sp_money sum;
        bool created;
    } kinds[3] = {
        {N_("Won"), d->wk.won, d->wk.nwon, d->wk.won_sum, false},
        {N_("New"), d->wk.created, d->wk.ncreated, d->wk.created_sum, true},
        {N_("Lost"), d->wk.lost, d->wk.nlost, d->wk.lost_sum, false},
    };
    int r = 2;
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < kinds[k].n; i++, r++) {
            sp_deal dl = deal_at(d->ds, kinds[k].rows[i]);
            xs_text(s, r, 0, _(kinds[k].title), XF_TEXT);
            xs_day(s, r, 1, kinds[k].created ? dl.created_on : dl.closed_on);
            xs_text(s, r, 2, customer_label(d->ds, dl.customer_id), XF_TEXT);
            xs_text(s, r, 3, rep_label(d->ds, dl.owner), XF_TEXT);
            xs_text(s, r, 4, dl.product && *dl.product ? dl.product : "—", XF_TEXT);
            xr_money(x, s, r, 5, dl.amount);
        }
        buf_clear(&t);
        buf_printf(&t, "%s %s", _(kinds[k].title), _("Total"));
        xs_text(s, r, 0, buf_cstr(&t), XF_BOLD);
        buf_clear(&t);
        buf_printf(&t, _("%zu deals"), kinds[k].n);
        xs_text(s, r, 2, buf_cstr(&t), XF_BOLD);
        xr_money(x, s, r, 5, kinds[k].sum);
        r += 2;
    }
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_week_reps(xr_ctx *x)
{
    const report_data *d = x->d;
    char pb[16];
    const char *pw = grain_label(GRAIN_WEEK, d->wk.prev.first, pb);
    buf_t t = BUF_INIT, h[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&t, _("Leads and visits per rep (%s / %s)"), d->o->period_text, pw);
    buf_printf(&h[0], _("leads %s"), d->o->period_text);
    buf_printf(&h[1], _("leads %s"), pw);
    buf_printf(&h[2], _("visits %s"), d->o->period_text);
    buf_printf(&h[3], _("visits %s"), pw);
    const char *head[] = {_("rep"), _("team"), buf_cstr(&h[0]), buf_cstr(&h[1]), buf_cstr(&h[2]), buf_cstr(&h[3]),
                          _("stale follow-ups")};
    sp_xsheet *s = xr_sheet(x, XS_REPS, buf_cstr(&t), head, 7);
    int r = 2;
    int64_t tot[4] = {0, 0, 0, 0};
    size_t stale = 0;
    for (size_t i = 0; i < d->wk.nreps; i++, r++) {
        const week_rep *wr = &d->wk.reps[i];
        xs_text(s, r, 0, wr->name ? wr->name : wr->rep, XF_TEXT);
        const char *tn = plan_team_name(d->plan, wr->team);
        xs_text(s, r, 1, tn ? tn : team_label(wr->team), XF_TEXT);
        const int64_t v[4] = {wr->leads, wr->leads_prev, wr->visits, wr->visits_prev};
        for (int k = 0; k < 4; k++) {
            xr_count(s, r, 2 + k, v[k]);
            tot[k] += v[k];
        }
        xr_count(s, r, 6, (int64_t)wr->nstale);
        stale += wr->nstale;
    }
    if (d->wk.nreps == 0) xs_text(s, r++, 0, _("No reps in the data."), XF_LINE);
    int last = r - 1;
    xs_text(s, r, 0, _("Total"), XF_BOLD);
    for (int k = 0; k < 4; k++) xr_count(s, r, 2 + k, tot[k]);
    xr_count(s, r, 6, (int64_t)stale);
    if (d->wk.nreps) {
        const int vals[] = {2, 4};
        xs_chart(s, XC_COLUMN, buf_cstr(&t), 1, 2, last, 0, vals, 2, XF_GROUPED, r + 2, 0);
    }
    xs_setup(s, 2);
    buf_free(&t);
    for (int k = 0; k < 4; k++) buf_free(&h[k]);
}

static void xr_week_stale(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Stale follow-ups per rep (as of %s)"), day_format(d->o->as_of, db));
    const char *head[] = {_("rep"), _("customer"), _("days since the last touch"), _("last touch"), _("tier")};
    sp_xsheet *s = xr_sheet(x, XS_STALE, buf_cstr(&t), head, 5);
    const week_rep **v = xcalloc(d->wk.nreps ? d->wk.nreps : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < d->wk.nreps; i++)
        if (d->wk.reps[i].nstale) v[n++] = &d->wk.reps[i];
    qsort(v, n, sizeof *v, stale_rep_cmp);
    int r = 2;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < v[i]->nstale; k++, r++) {
            const sp_alert *a = v[i]->stale[k];
            xs_text(s, r, 0, v[i]->name ? v[i]->name : v[i]->rep, XF_TEXT);
            xs_text(s, r, 1, customer_label(d->ds, a->customer_id), XF_TEXT);
            xr_count(s, r, 2, a->days);
            xs_day(s, r, 3, a->last_touch);
            xs_text(s, r, 4, xr_tier_name(d->plan, a->tier), XF_TEXT);
        }
    if (!d->alerts.enabled[ALERT_STALE_FOLLOWUP]) xs_text(s, r, 0, _("Stale follow-up alerts are off in the plan."), XF_LINE);
    else if (n == 0) xs_text(s, r, 0, _("No stale follow-ups."), XF_LINE);
    free(v);
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_week_next(xr_ctx *x)
{
    const report_data *d = x->d;
    char nb[16], ne[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Tasks due next week (%s..%s)"), day_format(d->o->period.last + 1, nb),
               day_format(d->o->period.last + 7, ne));
    const char *head[] = {_("task"), _("name"), _("owner"), _("due"), _("status")};
    sp_xsheet *s = xr_sheet(x, XS_NEXT, buf_cstr(&t), head, 5);
    int r = 2;
    for (size_t i = 0; i < d->wk.nnext; i++, r++) {
        const sp_task *k = d->wk.next[i];
        xs_text(s, r, 0, k->id, XF_TEXT);
        xs_text(s, r, 1, k->name, XF_TEXT);
        xs_text(s, r, 2, k->owner ? rep_label(d->ds, k->owner) : "—", XF_TEXT);
        xs_day(s, r, 3, k->due);
        xs_text(s, r, 4, _(task_labels[d->wk.next_status[i]]), XF_TEXT);
    }
    if (d->wk.nnext == 0) xs_text(s, r, 0, _("No tasks due next week."), XF_LINE);
    xs_setup(s, 2);
    buf_free(&t);
}

/* ---- the sections of every pack ---- */

static void xr_summary(xr_ctx *x)
{
    const report_data *d = x->d;
    char a[16], b[16];
    buf_t t = BUF_INIT;
    pack_title(d, &t);
    sp_xsheet *s = xw_sheet(x->w, _(xr_sheet_names[XS_SUMMARY]));
    xs_text(s, 0, 0, buf_cstr(&t), XF_TITLE);
    /* the meta line of the other renderings, one fact a row (a long line
     * would be cut at the printed page's edge) */
    xs_text(s, 2, 0, _("plan"), XF_HEAD);
    buf_clear(&t);
    buf_printf(&t, "%s (%s)", d->plan->id, d->plan->name ? d->plan->name : "");
    xs_text(s, 2, 1, buf_cstr(&t), XF_TEXT);
    xs_text(s, 3, 0, _("period"), XF_HEAD);
    buf_clear(&t);
    buf_printf(&t, "%s (%s..%s)", d->o->period_text, day_format(d->o->period.first, a), day_format(d->o->period.last, b));
    xs_text(s, 3, 1, buf_cstr(&t), XF_TEXT);
    xs_text(s, 4, 0, _("as of"), XF_HEAD);
    xs_day(s, 4, 1, d->o->as_of);
    /* the sheets that follow, as a table of contents */
    xs_text(s, 6, 0, _("sheet"), XF_HEAD);
    int r = 7;
    for (int k = d->wk.on ? XS_WEEK : XS_GOALS; k <= XS_REVIEWS; k++) {
        if ((k == XS_MONTHS || k == XS_FUNNEL) && !d->rev_goal) continue;
        xs_text(s, r++, 0, _(xr_sheet_names[k]), XF_TEXT);
    }
    xs_setup(s, 0);
    buf_free(&t);
}

static void xr_goals(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t h[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("target %s"), d->o->period_text);
    buf_printf(&h[1], _("actual %s"), d->o->period_text);
    buf_printf(&h[2], _("attainment %s"), d->o->period_text);
    buf_printf(&h[3], _("actual to %s"), day_format(d->o->as_of, db));
    const char *head[] = {_("goal"),         _("name"),         _("period"),        _("target"),
                          buf_cstr(&h[0]),   buf_cstr(&h[1]),   buf_cstr(&h[2]),    buf_cstr(&h[3]),
                          _("attainment to date"), _("status")};
    sp_xsheet *s = xr_sheet(x, XS_GOALS, _("Goals"), head, 10);
    int r = 2;
    buf_t p = BUF_INIT;
    for (size_t i = 0; i < d->ngoals; i++, r++) {
        const sp_goal_pace *gp = &d->goals[i];
        const goal_in_p *pp = &d->goals_p[i];
        sp_unit u = goal_unit(gp->goal);
        xs_text(s, r, 0, gp->goal->id, XF_TEXT);
        xs_text(s, r, 1, gp->goal->name, XF_TEXT);
        buf_clear(&p);
        goal_period_text(gp, &p);
        xs_text(s, r, 2, buf_cstr(&p), XF_TEXT);
        xr_qty(x, s, r, 3, u, gp->target);
        xr_qty(x, s, r, 4, u, pp->in ? pp->target : qty_null());
        xr_qty(x, s, r, 5, u, pp->in ? pp->actual : qty_null());
        xr_frac(s, r, 6, pp->in ? pp->attainment : qty_null());
        xr_qty(x, s, r, 7, u, gp->actual);
        xr_frac(s, r, 8, gp->attainment);
        xs_text(s, r, 9, _(goal_status_label(gp->status)), XF_TEXT);
    }
    if (d->ngoals) {
        const int vals[] = {8};
        xs_chart(s, XC_BAR, _("attainment to date"), 1, 2, r - 1, 0, vals, 1, XF_PCT1, r + 1, 0);
    }
    xs_setup(s, 2);
    buf_free(&p);
    for (int k = 0; k < 4; k++) buf_free(&h[k]);
}

static void xr_teams(xr_ctx *x)
{
    const report_data *d = x->d;
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Revenue by team (%s)"), d->o->period_text);
    const char *head[] = {_("team"), _("revenue"), _("deals won")};
    sp_xsheet *s = xr_sheet(x, XS_TEAMS, buf_cstr(&t), head, 3);
    int r = 2;
    for (size_t i = 0; i < d->nteams; i++, r++) {
        const char *tn = plan_team_name(d->plan, d->teams[i].team);
        xs_text(s, r, 0, tn ? tn : team_label(d->teams[i].team), XF_TEXT);
        xr_money(x, s, r, 1, d->teams[i].revenue);
        xr_count(s, r, 2, d->teams[i].deals);
    }
    xs_text(s, r, 0, _("Total"), XF_BOLD);
    xr_money(x, s, r, 1, d->teams_revenue);
    xr_count(s, r, 2, d->teams_deals);
    if (d->nteams) {
        const int vals[] = {1};
        xs_chart(s, XC_COLUMN, buf_cstr(&t), 1, 2, r - 1, 0, vals, 1, x->wan ? XF_WAN : XF_MONEY, r + 2, 0);
    }
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_months(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Revenue month by month: %s (to %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id,
               day_format(d->o->as_of, db));
    const char *head[] = {_("month"), _("revenue"), _("cumulative actual"), _("cumulative target")};
    sp_xsheet *s = xr_sheet(x, XS_MONTHS, buf_cstr(&t), head, 4);
    int r = 2;
    char b[16], e[16];
    buf_t m = BUF_INIT;
    for (size_t i = 0; i < d->nmonths; i++, r++) {
        const month_pt *mp = &d->months[i];
        buf_clear(&m);
        if (mp->upto != grain_bucket(GRAIN_MONTH, mp->first).last)
            buf_printf(&m, _("%s (up to %s)"), grain_label(GRAIN_MONTH, mp->first, b), day_format(mp->upto, e));
        else buf_puts(&m, grain_label(GRAIN_MONTH, mp->first, b));
        xs_text(s, r, 0, buf_cstr(&m), XF_TEXT);
        xr_money(x, s, r, 1, mp->actual);
        xr_money(x, s, r, 2, mp->cum_actual);
        xr_money(x, s, r, 3, mp->cum_target);
    }
    if (d->nmonths == 0) xs_text(s, r, 0, _("The goal's period has not started yet."), XF_LINE);
    else {
        const int vals[] = {2, 3};
        xs_chart(s, XC_LINE, buf_cstr(&t), 1, 2, r - 1, 0, vals, 2, x->wan ? XF_WAN : XF_MONEY, r + 1, 0);
    }
    xs_setup(s, 2);
    buf_free(&m);
    buf_free(&t);
}

static void xr_funnel(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Reverse funnel: %s (as of %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id,
               day_format(d->o->as_of, db));
    const char *head[] = {_("needed per month"), _("need"), _("plan"), _("gap")};
    sp_xsheet *s = xr_sheet(x, XS_FUNNEL, buf_cstr(&t), head, 4);
    sp_funnel_row rows[FUNNEL_NROWS];
    funnel_rows(&d->fin, &d->fout, rows);
    int r = 2;
    for (size_t i = 0; i < FUNNEL_NROWS; i++, r++) {
        xs_text(s, r, 0, _(rows[i].label), XF_TEXT);
        if (rows[i].has_need) xs_num(s, r, 1, rows[i].need, XF_DEC1);
        else xs_text(s, r, 1, "—", XF_NA);
        if (!rows[i].no_plan_cell) {
            if (rows[i].has_plan) xs_num(s, r, 2, rows[i].plan, XF_DEC1);
            else xs_text(s, r, 2, "—", XF_NA);
        }
        if (rows[i].has_gap) xs_num(s, r, 3, rows[i].gap, XF_DEC1);
        else xs_text(s, r, 3, "—", XF_NA);
    }
    buf_clear(&t);
    funnel_summary(&d->fin, &d->fout, &t);
    r = xr_lines(s, r + 1, buf_cstr(&t), XF_LINE);
    buf_clear(&t);
    funnel_notes(&d->fout, &t);
    xr_lines(s, r, buf_cstr(&t), XF_LINE);
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_tiers(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Customer tiers (as of %s)"), day_format(d->o->as_of, db));
    const char *head[] = {_("tier"), _("customers"), _("T12M revenue"), _("share")};
    sp_xsheet *s = xr_sheet(x, XS_TIERS, buf_cstr(&t), head, 4);
    int r = 2;
    for (size_t i = 0; i < d->ntiers; i++, r++) {
        const tier_line *l = &d->tiers[i];
        xs_text(s, r, 0, tier_label(l), XF_TEXT);
        xr_count(s, r, 1, (int64_t)l->customers);
        xr_money(x, s, r, 2, l->t12m);
        xr_frac(s, r, 3, d->t12m_total ? qty_make(l->t12m, d->t12m_total) : qty_null());
    }
    xs_text(s, r, 0, _("Total"), XF_BOLD);
    xr_count(s, r, 1, (int64_t)d->customers);
    xr_money(x, s, r, 2, d->t12m_total);
    xr_frac(s, r, 3, d->t12m_total ? qty_int(1) : qty_null());
    if (d->ntiers) {
        const int vals[] = {2};
        xs_chart(s, XC_COLUMN, buf_cstr(&t), 1, 2, r - 1, 0, vals, 1, x->wan ? XF_WAN : XF_MONEY, r + 2, 0);
    }
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_alerts(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Alerts (as of %s)"), day_format(d->o->as_of, db));
    const char *head[] = {_("alert"), _("count")};
    sp_xsheet *s = xr_sheet(x, XS_ALERTS, buf_cstr(&t), head, 2);
    int r = 2;
    size_t total = 0;
    for (int k = 0; k < ALERT_KIND_COUNT; k++, r++) {
        xs_text(s, r, 0, _(alert_labels[k]), XF_TEXT);
        if (d->alerts.enabled[k]) xr_count(s, r, 1, (int64_t)d->alerts.count[k]);
        else xs_text(s, r, 1, _("off"), XF_TEXT);
        total += d->alerts.enabled[k] ? d->alerts.count[k] : 0;
    }
    xs_text(s, r, 0, _("Total"), XF_BOLD);
    xr_count(s, r, 1, (int64_t)total);
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_overdue(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("Overdue tasks (as of %s)"), day_format(d->o->as_of, db));
    const char *head[] = {_("task"), _("name"), _("owner"), _("due"), _("days overdue"), _("status"), _("progress")};
    sp_xsheet *s = xr_sheet(x, XS_OVERDUE, buf_cstr(&t), head, 7);
    int r = 2;
    for (size_t i = 0; i < d->noverdue; i++, r++) {
        const overdue_task *o = &d->overdue[i];
        xs_text(s, r, 0, o->task->id, XF_TEXT);
        xs_text(s, r, 1, o->task->name, XF_TEXT);
        xs_text(s, r, 2, o->task->owner ? rep_label(d->ds, o->task->owner) : "—", XF_TEXT);
        xs_day(s, r, 3, o->task->due);
        xr_count(s, r, 4, o->days);
        xs_text(s, r, 5, _(task_labels[o->status]), XF_TEXT);
        if (o->progress > 0) xs_num(s, r, 6, o->progress / 100.0, XF_PCT1);
    }
    if (d->noverdue == 0) xs_text(s, r, 0, _("No overdue tasks."), XF_LINE);
    xs_setup(s, 2);
    buf_free(&t);
}

static void xr_budget(xr_ctx *x)
{
    const report_data *d = x->d;
    char db[16];
    buf_t h[2] = {BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("spent %s"), d->o->period_text);
    buf_printf(&h[1], _("spent to %s"), day_format(d->o->as_of, db));
    const char *head[] = {_("category"), _("name"), _("allocated"), buf_cstr(&h[0]), buf_cstr(&h[1]), _("used"),
                          _("overrun")};
    sp_xsheet *s = xr_sheet(x, XS_BUDGET, _("Budget burn"), head, 7);
    int r = 2;
    if (!d->plan->has_budget && d->budget.nlines == 0) {
        xs_text(s, r, 0, _("The plan has no budget."), XF_LINE);
    } else {
        for (size_t i = 0; i <= d->budget.nlines; i++, r++) {
            bool total = i == d->budget.nlines;
            const sp_budget_line *l = total ? &d->budget.totals : &d->budget.lines[i];
            if (total) xs_text(s, r, 0, _("Total"), XF_BOLD);
            else {
                xs_text(s, r, 0, l->category ? l->category : "—", XF_TEXT);
                xs_text(s, r, 1, l->name ? l->name : (l->planned ? "" : _("(not in the plan)")), XF_TEXT);
            }
            xr_money(x, s, r, 2, l->allocated);
            xr_money(x, s, r, 3, total ? d->spend_p.total.ival : spent_in_p(d, l->category));
            xr_money(x, s, r, 4, l->spent);
            xr_frac(s, r, 5, l->allocated ? qty_make(l->spent, l->allocated) : qty_null());
            if (l->overrun) xs_text(s, r, 6, _("OVER"), XF_BOLD);
        }
    }
    xs_setup(s, 2);
    for (int k = 0; k < 2; k++) buf_free(&h[k]);
}

static void xr_reviews(xr_ctx *x)
{
    const report_data *d = x->d;
    const char *head[] = {_("goal"), _("cause"), _("lesson"), _("action")};
    sp_xsheet *s = xr_sheet(x, XS_REVIEWS, _("Review notes"), head, 4);
    int r = 2;
    for (size_t i = 0; i < d->nreviews; i++, r++) {
        const sp_review *rv = &d->reviews[i];
        xs_text(s, r, 0, rv->goal_id ? rv->goal_id : "—", XF_TEXT);
        xs_text(s, r, 1, rv->cause ? rv->cause : "—", XF_TEXT);
        xs_text(s, r, 2, rv->lesson ? rv->lesson : "—", XF_TEXT);
        xs_text(s, r, 3, rv->action ? rv->action : "—", XF_TEXT);
    }
    if (d->nreviews == 0) xs_text(s, r, 0, _("No review notes for this period."), XF_LINE);
    xs_setup(s, 2);
}

/* render_xlsx: the workbook's bytes appended to out; false with err when
 * the workbook cannot be written. */
static bool render_xlsx(const report_data *d, buf_t *out, sp_err *err)
{
    sp_xw *w = xw_new(err);
    if (!w) return false;
    xr_ctx x = {d, w, i18n_lang() == LANG_ZH};
    buf_t t = BUF_INIT;
    pack_title(d, &t);
    xw_title(w, buf_cstr(&t));
    buf_free(&t);
    xr_summary(&x);
    if (d->wk.on) {
        xr_week_goals(&x);
        xr_week_deals(&x);
        xr_week_reps(&x);
        xr_week_stale(&x);
        xr_week_next(&x);
    }
    xr_goals(&x);
    xr_teams(&x);
    if (d->rev_goal) {
        xr_months(&x);
        xr_funnel(&x);
    }
    xr_tiers(&x);
    xr_alerts(&x);
    xr_overdue(&x);
    xr_budget(&x);
    xr_reviews(&x);
    size_t len = 0;
    char *bytes = xw_finish(w, &len, err);
    xw_free(w);
    if (!bytes) return false;
    buf_append(out, bytes, len);
    free(bytes);
    return true;
}
