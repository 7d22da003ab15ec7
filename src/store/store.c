/*
 * store.c — backend selection (file path → SQLite, postgres:// → PostgreSQL)
 * and helpers common to every backend.
 */
#include "store.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

const char *store_default_url(const char *db_opt)
{
    if (db_opt && *db_opt) return db_opt;
    const char *env = getenv("SALESPLAN_DB");
    if (env && *env) return env;
    return "./salesplan.db";
}

sp_store *store_open(const char *url, sp_open_mode mode, sp_err *err)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        err_set(err, SP_EUSAGE, "%s",
                _("this build has no PostgreSQL backend yet; use a SQLite file path for --db"));
        return NULL;
    }
    return store_sqlite_open(url, mode, err);
}

void store_close(sp_store *s)
{
    if (s) s->ops->close(s);
}

void plan_info_free(sp_plan_info *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].id);
        free(v[i].name);
        free(v[i].created_at);
        free(v[i].reason);
    }
    free(v);
}

void known_values_free(sp_known_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].value);
        free(v[i].label);
    }
    free(v);
}

double store_wait_limit(void)
{
    const char *s = getenv("SALESPLAN_BUSY_TIMEOUT");
    if (s && *s) {
        char *end;
        double v = strtod(s, &end);
        if (*end == '\0' && v >= 0 && v <= 86400) return v;
    }
    return 60.0;
}

static FILE *wait_notice;

void store_set_wait_notice(FILE *f) { wait_notice = f; }

void store_snapshot_cache(bool on) { snapshot_cache(on); }

FILE *store_wait_notice(void) { return wait_notice; }
