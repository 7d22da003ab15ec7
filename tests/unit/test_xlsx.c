/*
 * test_xlsx.c — the XLSX reader (io/xlsx_read.c) on workbooks built here
 * with libzip, part by part, as different programs write them (shared or
 * inline strings, absolute or relative part names, namespace prefixes,
 * date formats), and on hostile ones: zip bombs, billion laughs, external
 * entities, path traversal in relationships, too many entries, broken
 * references. Also the formula-injection escape pair and the plan
 * workbook's list / filter cells. Expected values are written by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "io/csv_read.h"
#include "io/xlsx_read.h"
#include "io/xlsx_write.h"

typedef struct part {
    const char *name;
    const char *text;      /* NULL: use data/len */
    const void *data;
    size_t len;
} part;

/* make_zip: a zip in memory of the parts (deflated). Caller frees. */
static char *make_zip(const part *parts, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        const void *d = parts[i].text ? parts[i].text : parts[i].data;
        size_t l = parts[i].text ? strlen(parts[i].text) : parts[i].len;
        zip_source_t *s = zip_source_buffer(z, d, l, 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    char *out = malloc((size_t)size);
    assert_int_equal(zip_source_read(src, out, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    *len = (size_t)size;
    return out;
}

static const char *REL_TOP =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char *WB =
    "<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><x:sheets>"
    "<x:sheet name=\"客户\" sheetId=\"1\" r:id=\"rId1\"/><x:sheet name=\"Hidden\" sheetId=\"2\" state=\"hidden\" "
    "r:id=\"rId2\"/></x:sheets></x:workbook>";
static const char *WB_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://x/relationships/worksheet\" Target=\"/xl/worksheets/a.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://x/relationships/worksheet\" Target=\"worksheets/../worksheets/b.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://x/relationships/sharedStrings\" Target=\"strings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://x/relationships/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";
static const char *SST =
    "<sst><si><t>名称</t></si><si><r><t>富</t></r><r><t xml:space=\"preserve\">文本 </t></r>"
    "<rPh><t>ふりがな</t></rPh></si><si><t>a&amp;b</t></si></sst>";
static const char *STYLES =
    "<styleSheet><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;d&quot;0.00\"/></numFmts>"
    "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/><xf numFmtId=\"165\"/>"
    "</cellXfs></styleSheet>";
static const char *SHEET_A =
    "<worksheet><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>内联</t></is></c><c r=\"B3\"><v>12.5</v></c>"
    "<c r=\"C3\" s=\"1\"><v>46082</v></c><c r=\"D3\" s=\"2\"><v>25569</v></c><c r=\"E3\" s=\"3\"><v>7</v></c>"
    "<c r=\"F3\" t=\"b\"><v>1</v></c><c r=\"G3\" t=\"e\"><v>#N/A</v></c><c r=\"H3\" t=\"str\"><f>A1</f><v>x</v></c>"
    "<c r=\"I3\" t=\"s\"><v>2</v></c><c r=\"J3\" s=\"1\"/></row>"
    "<row><c t=\"s\"><v>2</v></c><c><v>1</v></c></row>"
    "</sheetData></worksheet>";

static char *workbook(const char *sheet_a, const char *sst, size_t *len)
{
    part p[] = {
        {"_rels/.rels", REL_TOP, NULL, 0},
        {"xl/workbook.xml", WB, NULL, 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS, NULL, 0},
        {"xl/strings.xml", sst, NULL, 0},
        {"xl/styles.xml", STYLES, NULL, 0},
        {"xl/worksheets/a.xml", sheet_a, NULL, 0},
        {"xl/worksheets/b.xml", "<worksheet><sheetData/></worksheet>", NULL, 0},
    };
    return make_zip(p, sizeof p / sizeof *p, len);
}

static void test_read_cells(void **state)
{
    (void)state;
    size_t len;
    char *z = workbook(SHEET_A, SST, &len);
    sp_err err = SP_ERR_INIT;
    sp_xlsx *x = xlsx_open_mem(z, len, "t.xlsx", &err);
    assert_non_null(x);
    assert_int_equal(xlsx_sheet_count(x), 2);
    assert_string_equal(xlsx_sheet_name(x, 0), "客户");
    assert_false(xlsx_sheet_hidden(x, 0));
    assert_true(xlsx_sheet_hidden(x, 1));
    sp_xtable t;
    assert_true(xlsx_read_sheet(x, 0, &t, &err));
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.rows[0].row, 1);
    assert_string_equal(xrow_cell(&t.rows[0], 0)->text, "名称");
    assert_null(xrow_cell(&t.rows[0], 1));
    assert_string_equal(xrow_cell(&t.rows[0], 2)->text, "富文本 ");   /* runs joined, phonetic left out */
    const sp_xrow *r = &t.rows[1];
    assert_int_equal(r->row, 3);
    assert_string_equal(xrow_cell(r, 0)->text, "内联");
    assert_int_equal(xrow_cell(r, 1)->kind, XC_NUM);
    assert_true(xrow_cell(r, 1)->num == 12.5);
    assert_false(xrow_cell(r, 1)->date);
    assert_true(xrow_cell(r, 2)->date);             /* custom yyyy/m/d */
    int32_t d;
    assert_true(xlsx_day_from_serial(xrow_cell(r, 2)->num, &d));
    char buf[16];
    assert_string_equal(day_format(d, buf), "2026-03-01");
    assert_true(xrow_cell(r, 3)->date);             /* built-in 14 */
    assert_true(xlsx_day_from_serial(xrow_cell(r, 3)->num, &d));
    assert_int_equal(d, 0);                          /* 1970-01-01 */
    assert_false(xrow_cell(r, 4)->date);            /* "d"0.00: the d is quoted */
    assert_int_equal(xrow_cell(r, 5)->kind, XC_BOOL);
    assert_int_equal(xrow_cell(r, 6)->kind, XC_ERROR);
    assert_string_equal(xrow_cell(r, 6)->text, "#N/A");
    assert_string_equal(xrow_cell(r, 7)->text, "x");    /* a formula's cached string */
    assert_string_equal(xrow_cell(r, 8)->text, "a&b");
    assert_null(xrow_cell(r, 9));                    /* styled but empty */
    /* a row and cells without references follow the previous ones */
    assert_int_equal(t.rows[2].row, 4);
    assert_string_equal(xrow_cell(&t.rows[2], 0)->text, "a&b");
    assert_true(xrow_cell(&t.rows[2], 1)->num == 1);
    xtable_free(&t);
    assert_true(xlsx_read_sheet(x, 1, &t, &err));
    assert_int_equal(t.nrows, 0);
    xtable_free(&t);
    xlsx_close(x);
    err_free(&err);
    free(z);
}

/* refused: opening (and reading sheet 0 of) data fails with a message
 * containing want. */
static void refused(const char *data, size_t len, const char *want)
{
    sp_err err = SP_ERR_INIT;
    sp_xlsx *x = xlsx_open_mem(data, len, "h.xlsx", &err);
    if (x) {
        sp_xtable t;
        bool ok = xlsx_read_sheet(x, 0, &t, &err);
        if (ok) xtable_free(&t);
        assert_false(ok);
        xlsx_close(x);
    }
    const char *m = buf_cstr(&err.msg);
    if (!strstr(m, want)) fail_msg("wanted '%s' in: %s", want, m);
    err_free(&err);
}

static void test_billion_laughs(void **state)
{
    (void)state;
    const char *lol =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<sst><si><t>&lol3;</t></si></sst>";
    size_t len;
    char *z = workbook(SHEET_A, lol, &len);
    refused(z, len, "DOCTYPE");
    free(z);
    /* an external entity in a sheet */
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c>"
                      "</row></sheetData></worksheet>";
    z = workbook(xxe, SST, &len);
    refused(z, len, "DOCTYPE");
    free(z);
}

static void test_zip_bomb(void **state)
{
    (void)state;
    size_t big = 16u * 1024 * 1024;
    char *zeros = calloc(1, big);
    memcpy(zeros, "<worksheet><sheetData>", 22);
    part p[] = {
        {"_rels/.rels", REL_TOP, NULL, 0},
        {"xl/workbook.xml", WB, NULL, 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS, NULL, 0},
        {"xl/worksheets/a.xml", NULL, zeros, big},
    };
    size_t len;
    char *z = make_zip(p, 4, &len);
    assert_true(len < big / 200);
    refused(z, len, "zip bomb");
    free(z);
    free(zeros);
}

static void test_path_traversal(void **state)
{
    (void)state;
    const char *rels =
        "<Relationships><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"../../../etc/passwd\"/>"
        "</Relationships>";
    const char *wb = "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\"/></sheets></workbook>";
    part p[] = {{"xl/workbook.xml", wb, NULL, 0}, {"xl/_rels/workbook.xml.rels", rels, NULL, 0}};
    size_t len;
    char *z = make_zip(p, 2, &len);
    refused(z, len, "climbs out");
    free(z);
    /* a part named like a path outside is only ever a name inside the zip */
    const char *rels2 =
        "<Relationships><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"/etc/hostname\"/>"
        "</Relationships>";
    part q[] = {{"xl/workbook.xml", wb, NULL, 0}, {"xl/_rels/workbook.xml.rels", rels2, NULL, 0}};
    z = make_zip(q, 2, &len);
    refused(z, len, "the sheet's part is missing");
    free(z);
}

static void test_too_many_entries(void **state)
{
    (void)state;
    size_t n = 10002;
    part *p = calloc(n, sizeof *p);
    char (*names)[32] = calloc(n, 32);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], 32, "f%zu", i);
        p[i] = (part){names[i], "", NULL, 0};
    }
    size_t len;
    char *z = make_zip(p, n, &len);
    refused(z, len, "too many zip entries");
    free(z);
    free(p);
    free(names);
}

static void test_bad_input(void **state)
{
    (void)state;
    refused("id,name\n", 8, "not a workbook");
    refused("PK\3\4garbage", 11, "not a readable zip file");
    size_t len;
    char *z = workbook("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row></sheetData>"
                       "</worksheet>", SST, &len);
    refused(z, len, "shared-string index out of range");
    free(z);
    z = workbook("<worksheet><sheetData><row r=\"1\"><c r=\"A0\"><v>1</v></c></row></sheetData></worksheet>", SST,
                 &len);
    refused(z, len, "bad cell reference");
    free(z);
    z = workbook("<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>", SST,
                 &len);
    refused(z, len, "bad cell reference");
    free(z);
    z = workbook("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1e999</v></c></row></sheetData></worksheet>", SST,
                 &len);
    refused(z, len, "not a number");
    free(z);
    z = workbook("<worksheet><sheetData><row r=\"1\">", SST, &len);
    refused(z, len, "bad XML");
    free(z);
}

static void test_neutralise(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"=1+1", "'=1+1"}, {"+86 138", "'+86 138"}, {"-x", "'-x"}, {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},   {"\rx", "'\rx"},         {"'=x", "''=x"}, {"'abc", "'abc"},
        {"abc", "abc"},    {"", ""},                {"a=b", "a=b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_t a = BUF_INIT, b = BUF_INIT;
        xlsx_neutralise(cases[i][0], &a);
        assert_string_equal(buf_cstr(&a), cases[i][1]);
        xlsx_unneutralise(buf_cstr(&a), &b);
        assert_string_equal(buf_cstr(&b), cases[i][0]);
        buf_free(&a);
        buf_free(&b);
    }
}

/* csv_write_field (io/csv_read.c), used by every tracking command's CSV:
 * OWASP defusing of = + - @ TAB CR. */
static void test_csv_injection(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
        {"+1", "\"'+1\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"\tcmd", "\"'\tcmd\""},
        {"\rcmd", "\"'\rcmd\""},
        {"-1+2", "\"'-1+2\""},
        {"abc", "abc"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_t b = BUF_INIT;
        csv_write_field(&b, cases[i][0]);
        assert_string_equal(buf_cstr(&b), cases[i][1]);
        buf_free(&b);
    }
}

static void test_cell_ref(void **state)
{
    (void)state;
    char b[16];
    assert_string_equal(xlsx_cell_ref(0, 1, b), "A1");
    assert_string_equal(xlsx_cell_ref(25, 7, b), "Z7");
    assert_string_equal(xlsx_cell_ref(26, 7, b), "AA7");
    assert_string_equal(xlsx_cell_ref(16383, 1048576, b), "XFD1048576");
    int32_t d;
    assert_false(xlsx_day_from_serial(60, &d));      /* Excel's 1900-02-29 */
    assert_true(xlsx_day_from_serial(61, &d));
    assert_string_equal(day_format(d, b), "1900-03-01");
    assert_true(xlsx_day_from_serial(45292.75, &d)); /* the time of day is dropped */
    assert_string_equal(day_format(d, b), "2024-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_cells),      cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_zip_bomb),        cmocka_unit_test(test_path_traversal),
        cmocka_unit_test(test_too_many_entries), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_neutralise),      cmocka_unit_test(test_cell_ref),
        cmocka_unit_test(test_csv_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
