/*
 * plan_export.h — writing a plan back out: canonical YAML (the plan-file
 * format, which plan_yaml_parse reads back to an equal plan) and JSON.
 * Canonical YAML is also what the store keeps as a plan version, so two
 * imports of the same plan compare equal text.
 */
#ifndef SP_PLAN_EXPORT_H
#define SP_PLAN_EXPORT_H

#include "../core/plan.h"

/* plan_export_yaml / plan_export_json: new malloc'ed text; caller frees. */
char *plan_export_yaml(const sp_plan *p);
char *plan_export_json(const sp_plan *p);

#endif
