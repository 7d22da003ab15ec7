/*
 * plan_xlsx.h — a plan as a workbook (docs/PLAN.md "The plan as a
 * workbook"): a cover sheet and one sheet per step of the guide, written
 * with libxlsxwriter, and read back (io/xlsx_read.c) into the same
 * canonical plan. Reading builds the plan's canonical YAML from the cells
 * and parses it with plan_yaml_parse, so a workbook is checked exactly like
 * a plan file; every message names the sheet and cell ("目标!G7: …").
 */
#ifndef SP_PLAN_XLSX_H
#define SP_PLAN_XLSX_H

#include "../core/plan.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* plan_xlsx_write: the workbook of p (sheet names and headers in lang;
 * version 0: not shown) as new bytes (caller frees); NULL with err. */
char *plan_xlsx_write(const sp_plan *p, int version, sp_lang lang, size_t *len, sp_err *err);

/* Where each line of the YAML built from a workbook came from. */
typedef struct sp_xlsx_map sp_xlsx_map;
/* plan_xlsx_where: "目标!G7" for a line of that YAML, NULL when unknown. */
const char *plan_xlsx_where(const sp_xlsx_map *m, int line);
void plan_xlsx_map_free(sp_xlsx_map *m);

/* plan_xlsx_yaml: the plan YAML of the workbook data[0..len) (sheet names
 * and headers in English or Chinese). NULL with err (problems with the
 * workbook itself, "FILE: SHEET!CELL: why"). *map (may be NULL) receives
 * the line map (caller frees). */
char *plan_xlsx_yaml(const void *data, size_t len, const char *name, sp_xlsx_map **map, sp_err *err);

/* plan_xlsx_load_file: reads and parses the workbook at path into a plan;
 * NULL with err (every YAML-level problem remapped to its cell).
 * *map (may be NULL) receives the line map for later diagnostics. */
sp_plan *plan_xlsx_load_file(const char *path, sp_xlsx_map **map, sp_err *err);

/* plan_xlsx_check_file: the same workbook checked like a plan file
 * (plan_yaml_check, for `check`): diagnostics into res, errors at their
 * cells; *map receives the cell of each YAML line (the caller frees it). */
sp_plan *plan_xlsx_check_file(const char *path, sp_check_result *res, sp_xlsx_map **map, sp_err *err);

/* plan_xlsx_is: whether path names a workbook (.xlsx, case-blind). */
bool plan_xlsx_is(const char *path);

#endif
