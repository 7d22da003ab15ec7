/*
 * fuzz_xlsx.c — libFuzzer target of the XLSX reader and the plan workbook
 * reader: the input is the .xlsx file. Every sheet is read, then the plan
 * YAML is built from it (and parsed when it was). Must never crash, leak,
 * hang, or use more memory than the limits allow (zip bombs, billion
 * laughs, huge shared-strings tables are refused).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "io/plan_xlsx.h"
#include "io/plan_yaml.h"
#include "io/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_err err = SP_ERR_INIT;
    sp_xlsx *x = xlsx_open_mem(data, size, "fuzz.xlsx", &err);
    if (x) {
        for (size_t i = 0; i < xlsx_sheet_count(x); i++) {
            sp_xtable t;
            if (xlsx_read_sheet(x, i, &t, &err)) {
                for (size_t r = 0; r < t.nrows; r++) (void)xrow_cell(&t.rows[r], 0);
                xtable_free(&t);
            }
        }
        xlsx_close(x);
    }
    err_clear(&err);
    sp_xlsx_map *map = NULL;
    char *yaml = plan_xlsx_yaml(data, size, "fuzz.xlsx", &map, &err);
    if (yaml) {
        sp_plan *p = plan_yaml_parse(yaml, strlen(yaml), "fuzz.xlsx", &err);
        plan_free(p);
        (void)plan_xlsx_where(map, 1);
    }
    free(yaml);
    plan_xlsx_map_free(map);
    err_free(&err);
    return 0;
}
