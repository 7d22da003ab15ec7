/*
 * report.h — the review pack of SPEC §10 (`salesplan report`) for one
 * period P, titled for its kind (monthly, quarterly, half-year, annual, or
 * a neutral review): goals with P's own figures beside those to date and
 * status, revenue by team, the reverse funnel, tiers, an alerts summary,
 * overdue tasks, budget burn (spend in P and to date) and the review notes
 * of P, every figure as of min(as-of, P's last day),
 * as Markdown, as one self-contained HTML page (inline CSS, SVG charts
 * drawn here, no scripts, no outside references), printable, or as a
 * workbook with native charts.
 *
 * Owns: gathering every number from the workspace (one dataset load) through
 * the core engines (pace, metrics, funnel, alerts, budget) and rendering.
 * Every heading and label goes through _(), so the process language picks
 * the language of the pack.
 */
#ifndef SP_REPORT_H
#define SP_REPORT_H

#include <stdbool.h>

#include "../core/plan.h"
#include "../core/value.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* REPORT_XLSX: the workbook's bytes (io/report_xlsx.c) */
typedef enum sp_report_format { REPORT_MD, REPORT_HTML, REPORT_XLSX } sp_report_format;

typedef struct sp_report_opts {
    const char *period_text;         /* as given ("2026-10"): echoed, and the key of review notes */
    sp_period period;                /* parsed with the plan's fiscal year start */
    sp_day as_of;
    sp_report_format format;
} sp_report_opts;

/* report_build: the pack for plan and o into out (appended). Reads the
 * workspace (dataset, task states, reviews, manual actuals) through st.
 * false with err when the store or an engine fails. */
bool report_build(sp_store *st, const sp_plan *plan, const sp_report_opts *o, buf_t *out, sp_err *err);

/* report_week_summary: the weekly pack of o (o->period an ISO week) in a
 * few lines, for `notify`'s weekly_pack: the goals by status with those off
 * pace named (this week against the week before), the week's deals, the
 * reps with the most stale follow-ups, and link when not NULL. Gathered
 * exactly as report_build gathers the pack (the same numbers), written in
 * lang. Appends the title to title and the text to out. */
bool report_week_summary(sp_store *st, const sp_plan *plan, const sp_report_opts *o, sp_lang lang, const char *link,
                         buf_t *title, buf_t *out, sp_err *err);

/* html_escape: appends s with & < > " ' replaced by entities (NULL = ""). */
void html_escape(buf_t *out, const char *s);
/* md_cell: appends s for a Markdown table cell: '|' escaped as "\|", '<'
 * as "\<" (so that a renderer never sees raw HTML),
 * backslashes doubled, line breaks turned into spaces (NULL = ""). */
void md_cell(buf_t *out, const char *s);

#endif
