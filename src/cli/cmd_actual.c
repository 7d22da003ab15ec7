/*
 * cmd_actual.c — `salesplan actual GOAL VALUE --on DATE`: records the actual
 * of a goal whose metric is `manual` (a number the CRM data cannot give,
 * e.g. a customer-satisfaction score). The value is a decimal with at most
 * two fraction digits, kept as hundredths — the same unit as a manual
 * goal's target in the plan (see sp_goal.target and io/plan_yaml.c). One
 * value per goal and day: a second entry for the same day replaces it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* parse_hundredths: "12.5" -> 1250, "-3.25" -> -325, "7" -> 700; at most 2
 * fraction digits and 15 whole digits; false when malformed. Same rules as
 * the plan loader's manual targets. */
static bool parse_hundredths(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '-') neg = true, s++;
    else if (*s == '+') s++;
    int64_t whole = 0;
    size_t nd = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++) {
        if (nd >= 15) return false;
        whole = whole * 10 + (*s - '0');
    }
    if (nd == 0) return false;
    int64_t frac = 0;
    if (*s == '.') {
        s++;
        size_t fl = 0;
        for (; *s >= '0' && *s <= '9'; s++, fl++) {
            if (fl >= 2) return false;
            frac = frac * 10 + (*s - '0');
        }
        if (fl == 0) return false;
        if (fl == 1) frac *= 10;
    }
    if (*s) return false;
    int64_t v = whole * 100 + frac;
    *out = neg ? -v : v;
    return true;
}

/* hundredths_text: 1250 -> "12.5", -325 -> "-3.25" into buf (>= 32 bytes). */
static const char *hundredths_text(int64_t v, char *buf, size_t size)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(mag % 100);
    const char *sign = v < 0 ? "-" : "";
    unsigned long long whole = (unsigned long long)(mag / 100);
    if (frac == 0) snprintf(buf, size, "%s%llu", sign, whole);
    else if (frac % 10 == 0) snprintf(buf, size, "%s%llu.%u", sign, whole, frac / 10);
    else snprintf(buf, size, "%s%llu.%02u", sign, whole, frac);
    return buf;
}

int actual_cmd(sp_cli *cli, int argc, char **argv)
{
    /* options by hand (not getopt): a negative VALUE ("-3.5") is an
     * argument, not a cluster of short options */
    const char *on_text = NULL;
    const char *pos[3] = {NULL, NULL, NULL};
    int npos = 0;
    bool only_args = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool is_arg = only_args || a[0] != '-' || (a[1] >= '0' && a[1] <= '9') || a[1] == '\0';
        if (is_arg) {
            if (npos < 3) pos[npos] = a;
            npos++;
        } else if (strcmp(a, "--") == 0) {
            only_args = true;
        } else if (strcmp(a, "--on") == 0 || strcmp(a, "-o") == 0) {
            if (i + 1 >= argc) return cli_usage_error("actual", "%s", _("--on DATE is required"));
            if (on_text) return cli_usage_error("actual", _("%s given twice"), "--on");
            on_text = argv[++i];
        } else if (strncmp(a, "--on=", 5) == 0) {
            if (on_text) return cli_usage_error("actual", _("%s given twice"), "--on");
            on_text = a + 5;
        } else {
            return cli_usage_error("actual", _("unknown option '%s'"), a);
        }
    }
    if (npos != 2) return cli_usage_error("actual", "%s", _("expects a GOAL and a VALUE"));
    if (!on_text) return cli_usage_error("actual", "%s", _("--on DATE is required"));
    const char *goal_id = pos[0], *value_text = pos[1];
    sp_day on;
    const char *why = NULL;
    if (!date_parse(on_text, &on, &why))
        return cli_usage_error("actual", _("--on '%s' is not a date YYYY-MM-DD (%s)"), on_text, why ? _(why) : "");
    int64_t value;
    if (!parse_hundredths(value_text, &value))
        return cli_usage_error("actual", _("VALUE '%s' is not a number with at most 2 decimals"), value_text);

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_actual_req rq = {.goal_id = goal_id, .on = on, .value = value};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_actual_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    bool ok = app_actual_set(&rq, &res, &err);
    cli_print_notes(&res.notes, NULL); /* a day outside the goal's period */
    if (!ok) {
        rc = cli_fail(&err);
    } else {
        char vb[40], db[16];
        printf(_("goal %s: actual %s on %s recorded\n"), goal_id, hundredths_text(value, vb, sizeof vb),
               day_format(on, db));
    }
    app_actual_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}
