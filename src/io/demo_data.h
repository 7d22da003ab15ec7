/*
 * demo_data.h — the demo workspace: the example plan (embedded in the
 * binary, Chinese or English) and synthetic CRM data generated to fit it.
 *
 * The generator is deterministic: the same seed, scale, language and as-of
 * date give the same records, byte for byte. It reads no clock and calls no
 * rand(): the as-of date (the last day of data) is a parameter. Data runs
 * from 2025-01-01 (or one year before the as-of date, when earlier) up to
 * the as-of date, so last year's history exists for seasonal pacing.
 */
#ifndef SP_DEMO_DATA_H
#define SP_DEMO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/plan.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

typedef struct sp_demo_opts {
    sp_lang lang;          /* language of the plan and of the data's text */
    int scale;             /* record counts multiply by this (>= 1) */
    uint64_t seed;         /* the PRNG seed */
    sp_day as_of;          /* the last day of data (every date <= as_of) */
} sp_demo_opts;

typedef struct sp_demo_summary {
    int64_t rows[TBL_COUNT];   /* records written per table */
    int plan_versions;         /* versions stored */
    int reviews;               /* review records stored */
    int task_states;           /* task states stored */
    sp_day first_day;          /* first day of the generated history */
} sp_demo_summary;

/* demo_plan_text: the embedded example plan of lang (static, not
 * NUL-terminated necessarily; *len gets its length). */
const char *demo_plan_text(sp_lang lang, size_t *len);
/* demo_plan_parse: the demo's plan: the embedded example plan of lang plus
 * a second team group listing the demo data's other reps (so the plan's
 * team is the data's), as a model (caller frees with plan_free), or NULL
 * with err set. */
sp_plan *demo_plan_parse(sp_lang lang, sp_err *err);
/* demo_build: writes into st (which should be empty) two versions of the
 * example plan (version 1 with revenue and its last quarter 100万 lower,
 * version 2 the example as is), then in ONE transaction every CRM record,
 * the review records and the task states. plan must be the parsed example
 * of o->lang. Fills *sum. Returns false with err set (the data transaction
 * rolled back) on failure. */
bool demo_build(sp_store *st, const sp_plan *plan, const sp_demo_opts *o, sp_demo_summary *sum, sp_err *err);

#endif
