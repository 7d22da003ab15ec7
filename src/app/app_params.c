/*
 * app_params.c — request parameters read from text, the same for every
 * face: a metric name, breakdown keys, KEY=VALUE filters, with "did you
 * mean" for names. The CLI reads them from argv, the web from the query
 * string; both get the same SP_EUSAGE messages.
 *
 * Prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* closest: the name in names[0..n) nearest to s, or NULL when none is close. */
static const char *closest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = str_distance(s, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    size_t len = strlen(s);
    size_t limit = len < 6 ? 2 : 3;
    return best && bd <= limit ? best : NULL;
}

/* bad_name: the SP_EUSAGE error "unknown WHAT 'VALUE' (did you mean 'X'?)"
 * or "(one of: …)"; returns false. */
static bool bad_name(const char *what, const char *value, const char *const *names, size_t n, sp_err *err)
{
    const char *near = closest(value, names, n);
    if (near) {
        err_set(err, SP_EUSAGE, _("unknown %s '%s' (did you mean '%s'?)"), what, value, near);
    } else {
        buf_t list = BUF_INIT;
        for (size_t i = 0; i < n; i++) buf_printf(&list, "%s%s", i ? " " : "", names[i]);
        err_set(err, SP_EUSAGE, _("unknown %s '%s' (one of: %s)"), what, value, buf_cstr(&list));
        buf_free(&list);
    }
    return false;
}

bool app_parse_metric(const char *name, sp_metric *out, sp_err *err)
{
    int m = metric_from_name(name);
    if (m >= 0 && m != MET_MANUAL) {
        *out = (sp_metric)m;
        return true;
    }
    if (m == MET_MANUAL) {
        err_set(err, SP_EUSAGE, "%s", _("'manual' actuals are entered with 'salesplan actual', not computed"));
        return false;
    }
    const char *names[MET_COUNT];
    size_t n = 0;
    for (int i = 0; i < MET_COUNT; i++)
        if (i != MET_MANUAL) names[n++] = sp_metrics[i].name;
    return bad_name(_("metric"), name, names, n, err);
}

bool app_parse_where(const char *arg, sp_filter *f, sp_err *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq) eq = strchr(arg, ':');
    if (!eq || eq == arg || !eq[1]) {
        err_set(err, SP_EUSAGE, _("--where expects KEY=VALUE, got '%s'"), arg);
        return false;
    }
    char *key = xstrndup(arg, (size_t)(eq - arg));
    int d = dim_from_name(key);
    if (d < 0) {
        const char *names[DIM_COUNT];
        for (int i = 0; i < DIM_COUNT; i++) names[i] = dim_name((sp_dim)i);
        bad_name(_("filter key"), key, names, DIM_COUNT, err);
        free(key);
        return false;
    }
    free(key);
    f->kv = xreallocarray(f->kv, f->n + 1, sizeof *f->kv);
    sp_filter_kv *kv = &f->kv[f->n++];
    memset(kv, 0, sizeof *kv);
    kv->dim = (sp_dim)d;
    kv->value = xstrdup(eq + 1);
    return true;
}

bool app_parse_by(const char *arg, sp_bykey *by, size_t *nby, sp_err *err)
{
    char *copy = xstrdup(arg);
    bool ok = true;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
        str_trim(tok);
        if (!*tok) continue;
        int k = bykey_from_name(tok);
        if (k < 0) {
            const char *names[BY_COUNT];
            for (int i = 0; i < BY_COUNT; i++) names[i] = bykey_name((sp_bykey)i);
            ok = bad_name(_("breakdown key"), tok, names, BY_COUNT, err);
        } else if (*nby == KPI_MAX_BY) {
            err_set(err, SP_EUSAGE, _("--by takes at most %d keys, got '%s'"), KPI_MAX_BY, arg);
            ok = false;
        } else {
            by[(*nby)++] = (sp_bykey)k;
        }
    }
    free(copy);
    return ok;
}

void app_filter_free(sp_filter *f)
{
    for (size_t i = 0; i < f->n; i++) free(f->kv[i].value);
    free(f->kv);
    f->kv = NULL;
    f->n = 0;
}
