/*
 * plandiff.h — what changed between two versions of a plan (SPEC §1 step 6,
 * `plan diff`). Pure: compares two sp_plan models and returns a list of
 * structured changes; the faces render them (translated) as lines like
 * "goal revenue-q4: target 16,000,000 → 17,000,000".
 *
 * Entities are matched by id. Values are compared and reported as display
 * text (and, for numbers, dates and flags, also as typed values: vtype,
 * old_v, new_v) in a language-neutral form: money grouped in major units
 * ("16,000,000", "1,234.50"), ratios as percentages ("40%"), dates
 * "YYYY-MM-DD", lists "a, b", booleans "true"/"false". An absent value is
 * NULL.
 */
#ifndef SP_PLANDIFF_H
#define SP_PLANDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

typedef enum sp_diff_kind { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED, DIFF_KIND_COUNT } sp_diff_kind;

typedef enum sp_diff_entity {
    DENT_PLAN,        /* plan-level fields (id = plan id) */
    DENT_GROUP,       /* team groups */
    DENT_MEMBER,      /* team members */
    DENT_GOAL,        /* goals at any depth of a split */
    DENT_PEST,
    DENT_PERSONA,
    DENT_CAPABILITY,
    DENT_STRATEGY,
    DENT_TASK,
    DENT_BUDGET,      /* budget total (id = "") */
    DENT_BUDGET_CAT,  /* budget categories */
    DENT_TIER,
    DENT_ALERTS,      /* alert thresholds (id = "") */
    DENT_NOTIFY,      /* notification channels (id = kind) */
    DENT_COUNT
} sp_diff_entity;

/* the type of a changed field's values, for typed JSON (SPEC §6: money as
 * a number in major units with two decimals, ratios as fractions, counts as
 * integers, dates as strings) */
typedef enum sp_diff_vtype {
    DV_TEXT,        /* text, lists, names, filters: the text as is */
    DV_MONEY,       /* old_v / new_v in fen */
    DV_RATIO,       /* ppm (SP_RATIO_ONE = 1) */
    DV_INT,         /* a whole number */
    DV_HUNDREDTHS,  /* a number in hundredths (a manual goal's target) */
    DV_BOOL,        /* 0 / 1 */
    DV_DAY,         /* the text is YYYY-MM-DD */
    DV_COUNT
} sp_diff_vtype;

typedef struct sp_diff_change {
    sp_diff_kind kind;
    sp_diff_entity entity;
    char *id;         /* the entity's id; "" for the budget and alerts */
    char *field;      /* the changed key as in the plan file ("target");
                       * NULL for added / removed */
    char *old_text;   /* changed: old value; removed: the entity's name; may be NULL */
    char *new_text;   /* changed: new value; added: the entity's name; may be NULL */
    sp_diff_vtype vtype;      /* of a changed field; DV_TEXT for added / removed */
    int64_t old_v, new_v;     /* the values when vtype is a number or a flag and
                               * the matching text is not NULL */
} sp_diff_change;

typedef struct sp_plan_diff {
    sp_diff_change *v;
    size_t n, cap;
} sp_plan_diff;

/* plan_diff: appends to d (zeroed by the caller, freed by plan_diff_free)
 * every difference from plan a (old) to plan b (new), in the order plan,
 * team, goals, analysis, strategies, tasks, budget, tiers, alerts, notify;
 * within an entity kind removed ones first (old order), then added and
 * changed ones in the new plan's order, fields in plan-file order. Identical
 * plans give no change. All strings are allocated and owned by d. */
void plan_diff(const sp_plan *a, const sp_plan *b, sp_plan_diff *d);
void plan_diff_free(sp_plan_diff *d);

/* names for JSON and for message lookup: "added" …, "goal" … */
const char *diff_kind_name(sp_diff_kind k);
const char *diff_entity_name(sp_diff_entity e);

#endif
