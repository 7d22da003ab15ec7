/*
 * plan_yaml.h — reading a plan file (YAML 1.2, UTF-8) into the core model.
 *
 * Uses libfyaml for parsing, so every node has a line and column. Structural
 * problems (YAML syntax, unknown keys with a "did you mean", wrong types, bad
 * values, bad vocabulary) are all collected, one line each, as
 * "FILE:LINE:COL: message". Semantic checks (references, sums, cycles, SMART)
 * are core/plan_check.c's job.
 */
#ifndef SP_PLAN_YAML_H
#define SP_PLAN_YAML_H

#include <stddef.h>

#include "../core/plan.h"
#include "../util/util.h"

/* plan_yaml_parse: parses text[0..len) as a plan named source_name in
 * messages. Returns a new plan (caller frees with plan_free), or NULL with
 * every problem appended to err (class SP_EINVAL). Limits (docs/PLAN.md):
 * 16 MiB, 1,000 keys per mapping, 10,000 items per list, 200,000 values. Children goals inherit
 * metric, type, owner, filter, per and direction from their parent; a
 * child's missing name becomes "<parent name> <period or filter>". */
sp_plan *plan_yaml_parse(const char *text, size_t len, const char *source_name, sp_err *err);
/* plan_yaml_load_file: reads path (SP_EIO when unreadable, with the reason)
 * and parses it. Files over 16 MiB are refused. */
sp_plan *plan_yaml_load_file(const char *path, sp_err *err);

/* plan_yaml_check: like plan_yaml_parse, for `check`: every structural
 * problem (YAML syntax with hints, limits, types, keys, values) is added to
 * res as an error diagnostic at its position, and the plan read so far is
 * returned even when there were some (missing or bad values left unset), so
 * the semantic checks can run on it too. NULL when the text is no plan at
 * all (syntax errors, limits, anchors: in res) or is refused as a whole
 * (over 16 MiB, not UTF-8: in err). */
sp_plan *plan_yaml_check(const char *text, size_t len, const char *source_name, sp_check_result *res, sp_err *err);
/* plan_yaml_check_file: reads path (errors as plan_yaml_load_file) and runs
 * plan_yaml_check on it. */
sp_plan *plan_yaml_check_file(const char *path, sp_check_result *res, sp_err *err);

#endif
