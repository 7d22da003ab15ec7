/*
 * page_imports.c — the imports page: upload a CSV export (reps, customers,
 * leads, deals, activities, invoices, spend) and see what happened: rows
 * imported, or the errors with their lines, in which case nothing was
 * written (io/import.c imports a file whole or not at all, in its own
 * transaction). The upload is multipart/form-data, parsed here; the file
 * goes to a private temporary file for the importer and is removed after.
 * While a large file uploads, the page script shows a progress note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/import.h"
#include "../io/plan_export.h"
#include "../io/plan_yaml.h"
#include "pages.h"

static const char *const tables[] = {"deals", "customers", "activities", "leads", "invoices", "spend", "reps", "plan"};
static const char *const table_labels[] = {N_("deal records"),    N_("customer records"), N_("activity records"),
                                           N_("lead records"),    N_("invoice records"),  N_("spend records"),
                                           N_("rep records"),     N_("a plan file (YAML): a new version")};
#define NTABLES (sizeof tables / sizeof tables[0])

static void upload_form(buf_t *o, const web_req *req, const char *cur)
{
    web_page pg = page_web(req, NAV_IMPORTS, NULL);
    buf_puts(o, "<div class=\"card\"><h2>");
    web_html(o, _("Upload a CSV file"));
    buf_puts(o, "</h2><form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" data-progress "
                "action=\"/imports\">");
    html_csrf_field(o, &pg);
    buf_puts(o, "<label>");
    web_html(o, _("what the file holds"));
    buf_puts(o, "<select name=\"table\" id=\"import-table\">");
    for (size_t i = 0; i < NTABLES; i++) {
        buf_printf(o, "<option value=\"%s\"%s>", tables[i], str_eq(tables[i], cur) ? " selected" : "");
        web_html(o, _(table_labels[i]));
        buf_puts(o, "</option>");
    }
    buf_puts(o, "</select></label><label>");
    web_html(o, _("CSV file (UTF-8, GB18030 or UTF-16; comma or tab separated), or a plan file"));
    buf_puts(o, "<input type=\"file\" name=\"file\" id=\"import-file\" accept=\".csv,.tsv,.txt,.yaml,.yml,text/csv\" "
                "required></label><div><button type=\"submit\" id=\"import-go\">");
    web_html(o, _("Import"));
    buf_puts(o, "</button> <span class=\"progress muted\" hidden>");
    web_html(o, _("Uploading and importing…"));
    buf_puts(o, "</span></div><p class=\"small muted\">");
    web_html(o, _("A file is imported whole or not at all: when a line is wrong, nothing is written and the lines "
                  "are listed here."));
    buf_puts(o, "</p></form></div>\n");
}

static size_t table_index(const char *t)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (str_eq(t, tables[i])) return i;
    return 0;
}

/* import_page: the page around an optional result. */
static void import_page(web_req *req, web_resp *resp, const char *table, const sp_import_stats *stats,
                        const char *file, const sp_err *err, const char *notes)
{
    buf_t *o = &resp->body;
    page_open(req, resp, _("Imports"), NAV_IMPORTS, NULL);
    buf_puts(o, "<h1>");
    web_html(o, _("Imports"));
    buf_puts(o, "</h1>");
    if (err && !err_ok(err)) {
        buf_puts(o, "<div class=\"notice error\" role=\"alert\" id=\"import-errors\"><b>");
        web_html(o, _("Nothing was imported:"));
        buf_puts(o, "</b> ");
        web_html(o, file ? file : "");
        buf_puts(o, "<ul class=\"errors\">");
        const char *s = buf_cstr(&err->msg);
        int shown = 0;
        while (*s && shown < 100) {
            const char *e = strchr(s, '\n');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            char *line = xstrndup(s, n);
            buf_puts(o, "<li>");
            web_html(o, line);
            buf_puts(o, "</li>");
            free(line);
            shown++;
            s += n + (e ? 1 : 0);
        }
        buf_puts(o, "</ul></div>\n");
    } else if (stats && str_eq(table, "plan")) {
        buf_puts(o, "<div class=\"notice ok\" role=\"status\" id=\"import-done\">");
        web_html(o, _("The plan is stored."));
        buf_puts(o, " <a href=\"/plan\">");
        web_html(o, _("Plan table"));
        buf_puts(o, "</a></div>\n");
    } else if (stats) {
        buf_puts(o, "<div class=\"notice ok\" role=\"status\" id=\"import-done\">");
        buf_printf(o, _("Imported %zu rows of %s from %s."), stats->imported, _(table_labels[table_index(table)]),
                   file ? file : "");
        buf_puts(o, "</div>\n");
    }
    if (notes && *notes) {
        buf_puts(o, "<div class=\"notice info\"><ul class=\"small\">");
        for (const char *s = notes; *s;) {
            const char *e = strchr(s, '\n');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            char *line = xstrndup(s, n);
            if (*line) {
                buf_puts(o, "<li>");
                web_html(o, line);
                buf_puts(o, "</li>");
            }
            free(line);
            s += n + (e ? 1 : 0);
        }
        buf_puts(o, "</ul></div>\n");
    }
    upload_form(o, req, table);
    page_close(req, resp);
}

void page_imports(web_req *req, web_resp *resp) { import_page(req, resp, "deals", NULL, NULL, NULL, NULL); }

/* ---- multipart/form-data ---- */

typedef struct part {
    char name[64], filename[256];
    const char *data;
    size_t len;
} part;

static const char *memfind(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0 || hn < nn) return NULL;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0) return h + i;
    return NULL;
}

/* header_param: the value of key="…" in a Content-Disposition line. */
static void header_param(const char *h, size_t n, const char *key, char *out, size_t cap)
{
    out[0] = 0;
    char pat[32];
    snprintf(pat, sizeof pat, " %s=\"", key);
    const char *p = memfind(h, n, pat, strlen(pat));
    if (!p) {
        snprintf(pat, sizeof pat, ";%s=\"", key);
        p = memfind(h, n, pat, strlen(pat));
    }
    if (!p) return;
    p += strlen(pat);
    const char *e = memchr(p, '"', (size_t)(h + n - p));
    if (!e) return;
    size_t len = (size_t)(e - p);
    if (len >= cap) len = cap - 1;
    memcpy(out, p, len);
    out[len] = 0;
    for (char *c = out; *c; c++)
        if (*c == '/' || *c == '\\' || (unsigned char)*c < 0x20) *c = '_';   /* a name, never a path */
}

/* multipart_parse: up to max parts of body; false when malformed. */
static size_t multipart_parse(const char *ctype, const char *body, size_t len, part *parts, size_t max)
{
    const char *b = ctype ? strstr(ctype, "boundary=") : NULL;
    if (!b) return 0;
    b += 9;
    char bnd[200];
    size_t bl = strcspn(b, ";");
    if (*b == '"') {
        b++;
        bl = strcspn(b, "\"");
    }
    if (bl == 0 || bl > 150) return 0;
    bnd[0] = '-';
    bnd[1] = '-';
    memcpy(bnd + 2, b, bl);
    bl += 2;
    bnd[bl] = 0;
    size_t n = 0;
    const char *p = memfind(body, len, bnd, bl);
    while (p && n < max) {
        p += bl;
        if ((size_t)(body + len - p) >= 2 && p[0] == '-' && p[1] == '-') break;   /* the closing boundary */
        if ((size_t)(body + len - p) < 2) break;
        p += 2;                                                                      /* CRLF */
        const char *he = memfind(p, (size_t)(body + len - p), "\r\n\r\n", 4);
        if (!he) break;
        part *pt = &parts[n];
        memset(pt, 0, sizeof *pt);
        header_param(p, (size_t)(he - p), "name", pt->name, sizeof pt->name);
        header_param(p, (size_t)(he - p), "filename", pt->filename, sizeof pt->filename);
        const char *d = he + 4;
        char delim[210];
        delim[0] = '\r';
        delim[1] = '\n';
        memcpy(delim + 2, bnd, bl + 1);
        const char *next = memfind(d, (size_t)(body + len - d), delim, bl + 2);
        if (!next) break;
        pt->data = d;
        pt->len = (size_t)(next - d);
        n++;
        p = next + 2;
    }
    return n;
}

/* plan_upload: a plan file read, checked (every error with its line) and
 * stored as a new version when it has none; nothing stored otherwise. */
/* the import's notes and warnings as lines of text for the page */
static void note_to_buf(void *ctx, const sp_import_note *n)
{
    buf_printf((buf_t *)ctx, "%s\n", n->text);
}

static void plan_upload(web_req *req, web_resp *resp, const part *file)
{
    sp_err err = SP_ERR_INIT;
    const char *name = file->filename[0] ? file->filename : "plan.yaml";
    sp_plan *plan = plan_yaml_parse(file->data, file->len, name, &err);
    sp_check_result res;
    memset(&res, 0, sizeof res);
    if (plan) {
        plan_check(plan, NULL, NULL, &res);
        for (size_t i = 0; i < res.ndiags; i++)
            if (res.diags[i].sev == SEV_ERROR)
                err_set(&err, SP_EINVAL, "%s:%d:%d: %s", name, res.diags[i].pos.line, res.diags[i].pos.col,
                        res.diags[i].msg);
        if (err_ok(&err)) {
            char *text = plan_export_yaml(plan);
            int version = 0;
            bool changed = false;
            req->store->ops->plan_put(req->store, plan->id, plan->name, text, _("uploaded on the web"), &version,
                                      &changed, &err);
            free(text);
        }
    }
    sp_import_stats stats;
    memset(&stats, 0, sizeof stats);
    if (!err_ok(&err) && err_http_status(&err) == 500) resp->status = 500;
    import_page(req, resp, "plan", &stats, name, &err, NULL);
    check_result_free(&res);
    if (plan) plan_free(plan);
    err_free(&err);
}

/* POST /imports: multipart with table and file. */
void page_import_post(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    part parts[8];
    size_t np = req->body ? multipart_parse(req->content_type, req->body, req->body_len, parts, 8) : 0;
    const part *file = NULL;
    char table[32] = "";
    for (size_t i = 0; i < np; i++) {
        if (str_eq(parts[i].name, "file")) file = &parts[i];
        else if (str_eq(parts[i].name, "table") && parts[i].len < sizeof table) {
            memcpy(table, parts[i].data, parts[i].len);
            table[parts[i].len] = 0;
        }
    }
    bool is_plan = str_eq(table, "plan");
    int t = is_plan ? 0 : table_from_name(table);
    if (file && is_plan) {
        plan_upload(req, resp, file);
        return;
    }
    if (!file || t < 0) {
        err_set(&err, SP_EINVAL, "%s", _("choose what the file holds and a CSV file"));
        resp->status = 400;
        import_page(req, resp, t < 0 ? "deals" : table, NULL, file ? file->filename : NULL, &err, NULL);
        err_free(&err);
        return;
    }
    char path[] = "/tmp/salesplan-upload-XXXXXX";
    int fd = mkstemp(path);
    bool wrote = fd >= 0;
    for (size_t off = 0; wrote && off < file->len;) {
        ssize_t w = write(fd, file->data + off, file->len - off);
        if (w <= 0) wrote = false;
        else off += (size_t)w;
    }
    if (fd >= 0 && close(fd) != 0) wrote = false;
    sp_import_stats stats;
    memset(&stats, 0, sizeof stats);
    char *notes = NULL;
    buf_t notes_buf = BUF_INIT;
    if (!wrote) {
        err_set(&err, SP_EIO, "%s", _("cannot keep the uploaded file for the import"));
    } else {
        sp_import_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.sink = (sp_import_sink){.note = note_to_buf, .ctx = &notes_buf};
        sp_import_info info;
        bool imported = import_file_ex(req->store, (sp_table)t, path, &opts, &stats, &info, &err);
        web_count_import(req, t, imported, stats.imported);
        notes = buf_detach(&notes_buf);
    }
    buf_free(&notes_buf);
    if (fd >= 0) unlink(path);
    /* the messages name the temporary file: show the uploaded name instead */
    const char *shown = file->filename[0] ? file->filename : "upload.csv";
    buf_t fixed = BUF_INIT;
    for (int k = 0; k < 2; k++) {
        const char *src = k == 0 ? buf_cstr(&err.msg) : notes ? notes : "";
        buf_clear(&fixed);
        for (const char *s = src; *s;) {
            const char *at = strstr(s, path);
            if (!at) {
                buf_puts(&fixed, s);
                break;
            }
            buf_append(&fixed, s, (size_t)(at - s));
            buf_puts(&fixed, shown);
            s = at + strlen(path);
        }
        if (k == 0) {
            buf_clear(&err.msg);
            buf_puts(&err.msg, buf_cstr(&fixed));
        } else {
            free(notes);
            notes = buf_detach(&fixed);
        }
    }
    buf_free(&fixed);
    /* the page with the errors is the answer to the form: 200, so the browser
     * shows it as a page (the lines are in it), 500 only for a failure of ours */
    if (!err_ok(&err) && err_http_status(&err) == 500) resp->status = 500;
    import_page(req, resp, table, &stats, shown, &err, notes);
    free(notes);
    err_free(&err);
}
