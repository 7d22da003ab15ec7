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
 * every problem appended to err (class SP_EINVAL). Children goals inherit
 * metric, type, owner, filter, per and direction from their parent; a
 * child's missing name becomes "<parent name> <period or filter>". */
sp_plan *plan_yaml_parse(const char *text, size_t len, const char *source_name, sp_err *err);
/* plan_yaml_load_file: reads path (SP_EIO when unreadable, with the reason)
 * and parses it. Files over 16 MiB are refused. */
sp_plan *plan_yaml_load_file(const char *path, sp_err *err);

#endif
