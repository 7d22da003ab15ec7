/*
 * kpi_xlsx.h — a kpi result (SPEC §6) as a workbook: `kpi … --format xlsx`.
 */
#ifndef SP_KPI_XLSX_H
#define SP_KPI_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/metrics.h"
#include "../util/util.h"

/* sp_kpi_namer: the name a person reads for breakdown key value key (a
 * rep's name for a rep id, a team's or tier's name), or NULL when the id is
 * its own name. */
typedef const char *(*sp_kpi_namer)(sp_bykey by, const char *key, void *ctx);

/* kpi_to_xlsx: the workbook of q and r as new bytes (caller frees); NULL
 * with err. One sheet named after the metric: a title line (metric,
 * period, as-of, filters), a frozen header row, a row per breakdown value
 * with the key as in CSV and JSON (ids) and, for rep, team and tier, the
 * name beside it, the value as a number (money in ¥, in 万 from 1万 up when
 * wan; ratios as percentages), a total row, and a chart of the values when
 * there is one breakdown key (a line over time grains, else columns).
 * With --explain, a second sheet of the records behind the number. */
char *kpi_to_xlsx(const sp_kpi_query *q, const sp_kpi_result *r, sp_kpi_namer name, void *ctx, bool wan,
                  size_t *len, sp_err *err);

#endif
