/*
 * svg.h — the charts of the web face, drawn by our code as inline SVG.
 *
 * Owns: the progress bar with the expected-to-date marker, the cumulative
 * actual-vs-target trend line, the sales funnel with the conversion
 * between stages, the Gantt chart with dependencies and the critical path,
 * and the budget bars. Inputs are plain numbers and already-written labels
 * (the page decides what a label says); doubles only place shapes. Every
 * label goes through html_text. Colours are presentation attributes, never
 * style attributes, so a strict Content-Security-Policy holds.
 *
 * Must not: read the workspace or compute a metric. Each function appends
 * one <svg> element to out; nothing is allocated for the caller.
 */
#ifndef SP_WEB_SVG_H
#define SP_WEB_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/pace.h"
#include "../core/value.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* svg_status_colour: the fill of a goal status. */
const char *svg_status_colour(sp_goal_status s);

/* svg_progress: a bar filled to done (a fraction of the target; shown up
 * to 100 % with a mark when over), a vertical marker at expected (the
 * share due by today; < 0 = none), in the colour of status. label is the
 * accessible title (text). */
void svg_progress(buf_t *out, double done, double expected, sp_goal_status status, const char *label);

/* svg_compact_money: an axis label for fen ("120万" in Chinese, "1.2M" in
 * English). */
void svg_compact_money(buf_t *out, sp_lang lang, double fen);

/* The trend: one point per period bucket (a month), cumulative. */
typedef struct svg_trend_pt {
    const char *label;               /* "2026-03" (axis; the caller may shorten) */
    double actual, target;           /* cumulative, in fen; actual < 0 = not reached yet */
} svg_trend_pt;
/* svg_trend: cumulative actual (solid, dots) against the cumulative target
 * (dashed) over every bucket of the period; buckets after today carry only
 * the target. money: axis labels as money, else as counts. */
void svg_trend(buf_t *out, sp_lang lang, const svg_trend_pt *pts, size_t n, bool money, const char *title);

/* The funnel: stages from the top (leads) down (won). */
typedef struct svg_funnel_stage {
    const char *label;
    double value;                    /* what happened */
    const char *value_text;          /* how to write it */
    bool has_need;
    double need;                     /* what the reverse funnel asks for (same unit) */
    const char *need_text;
} svg_funnel_stage;
/* svg_funnel: centred bars, widest at the top, the conversion from each
 * stage to the next between them, and a dashed outline where the reverse
 * funnel's need is. */
void svg_funnel(buf_t *out, const svg_funnel_stage *st, size_t n, const char *title);

/* The Gantt chart. */
typedef struct svg_gantt_task {
    const char *label;               /* the task's name */
    const char *owner;               /* the owner's name (may be NULL) */
    sp_day start, end;               /* planned or forecast; end inclusive */
    bool critical, done, late, milestone;
    const size_t *deps;              /* indices of predecessors in the same array */
    size_t ndeps;
} svg_gantt_task;
/* svg_gantt: one row per task on a time axis with month ticks, today as a
 * vertical line, dependencies as arrows (red along the critical path),
 * critical tasks red, done ones green, late ones with a red outline. */
void svg_gantt(buf_t *out, sp_lang lang, const svg_gantt_task *t, size_t n, sp_day today, const char *title);

/* The budget bars. */
typedef struct svg_budget_line {
    const char *label;
    double allocated, committed, spent;  /* fen */
    bool overrun;
} svg_budget_line;
/* svg_budget: per category three bars: allocated, committed (task
 * budgets), spent (red when over). */
void svg_budget(buf_t *out, sp_lang lang, const svg_budget_line *l, size_t n, const char *title);

#endif
