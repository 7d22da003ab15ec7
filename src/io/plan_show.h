/*
 * plan_show.h — the plan table (计划表) as a director reads it, step by step
 * (SPEC §1): 1 goals with their splits; 2 PEST, personas and the SWOT
 * matrix; 3 strategies with the goals they serve and the analysis they
 * answer, and the customer tiers; 4 the task chain per strategy; 5 the team
 * and the budget per category; 6 alert thresholds, notify channels (never a
 * secret: a webhook is shown by its host) and the review rhythm.
 *
 * Owns: rendering a loaded plan as aligned text, Markdown, or one
 * self-contained printable HTML page (inline CSS only, no script, nothing
 * loaded from outside; A4 landscape, one printed page per step). Names, not
 * ids, where a person reads (owners, members, goals, categories, tiers).
 * Every plan value reaching HTML goes through html_escape (report.h), every
 * Markdown cell through md_cell. Labels go through _(): the process
 * language picks the language. Reads nothing but the plan.
 */
#ifndef SP_PLAN_SHOW_H
#define SP_PLAN_SHOW_H

#include "../core/plan.h"
#include "../util/util.h"

typedef enum sp_show_format { SHOW_TEXT, SHOW_MD, SHOW_HTML } sp_show_format;

#define PLAN_SHOW_STEPS 6

/* plan_category_label: a strategy category's name in the thread's language */
const char *plan_category_label(sp_strategy_cat c);

/* plan_show: appends the plan table of p to out: every step when step is
 * 0, else only step 1..PLAN_SHOW_STEPS. */
void plan_show(const sp_plan *p, int step, sp_show_format fmt, buf_t *out);
/* plan_show_html_body: the HTML steps alone (every step when step is 0),
 * without the page around them, for a page that has its own frame and
 * style sheet (the web face). Same markup and classes as SHOW_HTML. */
void plan_show_html_body(const sp_plan *p, int step, buf_t *out);

#endif
