/*
 * import.c — CSV import of the seven CRM tables (SPEC §5).
 *
 * Owns: the column spec of each table (canonical name, required or not, value
 * parser, accepted header aliases — the table docs/IMPORT.md documents), the
 * mapping of a file's header onto those columns, the parsing of one record
 * into an sp_rep / sp_customer / … struct, and the all-or-nothing transaction
 * around the upserts. It reads through csv_read.h and writes only through the
 * store ops; it never touches SQL.
 *
 * One pass: rows are upserted inside one transaction as they validate; the
 * first bad row stops the writing (validation goes on to list up to 100 bad
 * rows) and the transaction is rolled back at the end. A reader thread reads
 * and parses the next batch of records while the rows of the last one are
 * written; nothing of the file is held in memory beyond those few batches
 * (the ids already seen are in the store's id set, on disk). Notes,
 * warnings and progress go to the caller's sink (import.h), never to a
 * stream.
 */
#include "import.h"
#include "xlsx_read.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../util/i18n.h"
#include "../util/outfile.h"

/* files from this size on are loaded with the table's indexes rebuilt once */
#define BULK_BYTES ((size_t)32 << 20)
#define MAX_LISTED_ERRORS 100
/* columns of one file read for the same field */
#define MAX_ALT 4

typedef enum ptype {
    P_TEXT,
    P_MONEY,
    P_DATE,
    P_BOOL,   /* bool, default kept when empty */
    P_TRI,    /* sp_tri, -1 when empty */
    P_STAGE,
    P_ROLE,
    P_SIZE,
    P_KIND,
    P_PROB,   /* int8_t 0..100, -1 when empty */
    P_FRAC,   /* the same field given as a fraction 0..1 (HubSpot's Deal probability) */
    P_FLAG_WON,    /* deals: not stored; with P_FLAG_CLOSED decides the stage (Salesforce IsWon) */
    P_FLAG_CLOSED, /* deals: not stored (Salesforce IsClosed) */
} ptype;

typedef struct colspec {
    const char *name;     /* canonical column */
    bool required;
    ptype type;
    size_t off;           /* offset of the field in the record struct */
    int flag_off;         /* offset of a bool set when the value is present, or -1 */
    const char *aliases;  /* further accepted headers, '|' separated */
} colspec;

#define COL(T, name, req, type, field, aliases) {name, req, type, offsetof(T, field), -1, aliases}

/* Header aliases shared by several tables. */
#define A_REGION "区域|地区|大区|所属区域|Territory|Region Name|Sales Region"
#define A_INDUSTRY "行业|所属行业|Industry Name|Sector"
#define A_SIZE "规模|客户规模|企业规模|Company Size|Customer Size|Account Size"
#define A_OWNER                                                                                   \
    "owner|owner_id|负责人|销售|销售编号|负责销售|所属销售|Salesperson|Sales Person|Owner ID|"     \
    "Owner Name|Assigned To|User|Deal owner|Deal - Owner|Opportunity Owner|Account Owner|"      \
    "Company owner|Contact owner|Lead Owner|HubSpot Owner|Organization - Owner"
#define A_CUSTOMER_ID                                                                             \
    "客户编号|客户ID|客户代码|Customer ID|Account ID|Company ID|Associated Company ID|"           \
    "Associated Company IDs (Primary)|Associated Company IDs|"                                   \
    "Organization - ID|Organization ID|Org ID|Partner ID|Customer Code"
/* a reference to a customer from another table, also by name (matched to
 * the customers' names, see refs_resolve): Odoo's "Customer", HubSpot's
 * "Associated Company", Pipedrive's "Deal - Organization" */
#define A_CUSTOMER_REF                                                                            \
    A_CUSTOMER_ID "|Customer|客户|客户名称|Associated Company|Deal - Organization|Organization|"  \
    "Account Name|Company"
#define A_CREATED                                                                                 \
    "created|创建日期|创建时间|建档日期|录入日期|Created Date|Create Date|Created on|Creation Date|" \
    "Date Created|Deal - Deal created|Lead - Lead created|Organization - Organization created"

static const colspec rep_cols[] = {
    COL(sp_rep, "rep_id", true, P_TEXT, id,
        "id|销售编号|销售ID|员工编号|工号|rep|User ID|Employee ID|Salesperson ID|Owner ID"),
    COL(sp_rep, "name", true, P_TEXT, name, "姓名|名字|销售姓名|Full Name|Rep Name|User Name"),
    COL(sp_rep, "team", false, P_TEXT, team, "团队|小组|销售团队|销售组|Sales Team|Group"),
    COL(sp_rep, "role", false, P_ROLE, role, "角色|职位|Position|Title"),
    COL(sp_rep, "region", false, P_TEXT, region, A_REGION),
    COL(sp_rep, "industry", false, P_TEXT, industry, A_INDUSTRY),
    COL(sp_rep, "active", false, P_BOOL, active, "是否在职|在职|是否有效|is_active|Enabled|Status"),
    COL(sp_rep, "email", false, P_TEXT, email, "邮箱|电子邮件|电子邮箱|邮件地址|e-mail|E-mail Address|Email Address"),
};

static const colspec customer_cols[] = {
    COL(sp_customer, "customer_id", true, P_TEXT, id, "id|" A_CUSTOMER_ID "|Record ID"),
    COL(sp_customer, "name", true, P_TEXT, name,
        "客户名称|客户|名称|公司名称|客户全称|Customer Name|Customer|Account Name|Company Name|"
        "Organization - Name|Organization Name|Display Name"),
    COL(sp_customer, "region", false, P_TEXT, region, A_REGION),
    COL(sp_customer, "industry", false, P_TEXT, industry, A_INDUSTRY),
    COL(sp_customer, "size", false, P_SIZE, size, A_SIZE),
    COL(sp_customer, "owner_rep_id", false, P_TEXT, owner, A_OWNER),
    COL(sp_customer, "created_on", false, P_DATE, created_on, A_CREATED),
};

static const colspec lead_cols[] = {
    COL(sp_lead, "lead_id", true, P_TEXT, id, "id|线索编号|线索ID|Lead ID|Record ID|Lead - ID"),
    COL(sp_lead, "created_on", true, P_DATE, created_on, A_CREATED "|日期|Date"),
    COL(sp_lead, "source", false, P_TEXT, source,
        "来源|线索来源|渠道|Lead Source|Source|Original Source|Lead - Source|Channel"),
    COL(sp_lead, "region", false, P_TEXT, region, A_REGION),
    COL(sp_lead, "industry", false, P_TEXT, industry, A_INDUSTRY),
    COL(sp_lead, "size", false, P_SIZE, size, A_SIZE),
    COL(sp_lead, "owner_rep_id", false, P_TEXT, owner, A_OWNER),
    COL(sp_lead, "qualified", false, P_BOOL, qualified,
        "是否有效|是否合格|有效|合格|是否有效线索|is_qualified|Qualified Lead|MQL|SQL"),
    COL(sp_lead, "opportunity_id", false, P_TEXT, opportunity_id,
        "商机编号|商机ID|Opportunity ID|Converted Opportunity ID|deal_id|Deal ID"),
};

static const colspec deal_cols[] = {
    COL(sp_deal, "deal_id", true, P_TEXT, id,
        "id|商机编号|商机ID|Opportunity ID|Deal ID|Deal - ID|Record ID|Opportunity"),
    COL(sp_deal, "customer_id", true, P_TEXT, customer_id, A_CUSTOMER_REF),
    COL(sp_deal, "owner_rep_id", false, P_TEXT, owner, A_OWNER),
    COL(sp_deal, "product", false, P_TEXT, product,
        "产品|产品名称|产品线|Product|Product Name|Product Line|Products|Deal - Product"),
    COL(sp_deal, "created_on", true, P_DATE, created_on, A_CREATED "|立项日期"),
    COL(sp_deal, "closed_on", false, P_DATE, closed_on,
        "成交日期|关闭日期|结单日期|赢单日期|Closed Date|Closed on|Date Closed|date_closed|"
        "Deal - Won time|Deal - Lost time|Deal - Deal closed on|Deal - Close date|Deal - Close time|Won Date|Lost Date"),
    {"expected_close_on", false, P_DATE, offsetof(sp_deal, expected_close_on),
     (int)offsetof(sp_deal, has_expected_close),
     "预计成交日期|预计关闭日期|预计签约日期|预计结单日期|Close Date|CloseDate|closedate|"
     "Expected Closing|date_deadline|Deal - Expected close date|Expected Close Date|Expected Close"},
    COL(sp_deal, "stage", true, P_STAGE, stage,
        "阶段|销售阶段|商机阶段|状态|Stage Name|Deal Stage|dealstage|Deal - Status|Deal - Stage|Status|"
        "Pipeline Stage"),
    COL(sp_deal, "amount", true, P_MONEY, amount,
        "金额|商机金额|合同金额|成交金额|Amount|Deal - Value|Value|Expected Revenue|Amount (CNY)|"
        "Deal Amount|Opportunity Amount|Total"),
    {"cost", false, P_MONEY, offsetof(sp_deal, cost), (int)offsetof(sp_deal, has_cost), "成本|Cost|Deal Cost"},
    COL(sp_deal, "probability", false, P_PROB, probability,
        "赢率|概率|成交概率|赢单概率|成交可能性|赢单率|Probability (%)|Deal - Probability|Win Probability"),
    /* HubSpot gives the probability as a fraction 0..1 */
    COL(sp_deal, "probability", false, P_FRAC, probability,
        "Deal probability|hs_deal_stage_probability|Deal Stage Probability"),
    COL(sp_deal, "is_won", false, P_FLAG_WON, id, "IsWon|Won|是否赢单"),
    COL(sp_deal, "is_closed", false, P_FLAG_CLOSED, id, "IsClosed|Closed|是否关闭"),
    COL(sp_deal, "is_new_customer", false, P_TRI, is_new_customer,
        "是否新客户|新客户|New Customer|New Business|is_new"),
    COL(sp_deal, "is_renewal", false, P_TRI, is_renewal, "是否续约|续约|Renewal|is_renew"),
};

static const colspec activity_cols[] = {
    COL(sp_activity, "activity_id", true, P_TEXT, id,
        "id|活动编号|活动ID|拜访编号|记录编号|Activity ID|Activity - ID|Engagement ID|Record ID"),
    COL(sp_activity, "occurred_on", true, P_DATE, occurred_on,
        "日期|活动日期|拜访日期|发生日期|Date|Activity Date|Activity - Due date|"
        "Activity - Done time|Completed Date|Due Date"),
    COL(sp_activity, "rep_id", true, P_TEXT, rep,
        "rep|销售编号|负责人|销售|执行人|拜访人|Owner|Owner ID|Assigned To|Activity Owner|"
        "Activity - Assigned to user|Activity - User|User|Salesperson"),
    COL(sp_activity, "customer_id", false, P_TEXT, customer_id, A_CUSTOMER_REF),
    COL(sp_activity, "kind", false, P_KIND, kind,
        "类型|活动类型|方式|Type|Activity Type|Activity - Type|Engagement Type"),
};

static const colspec invoice_cols[] = {
    COL(sp_invoice, "invoice_id", true, P_TEXT, id,
        "id|发票编号|发票号|发票号码|Invoice ID|Invoice Number|Number"),
    COL(sp_invoice, "deal_id", false, P_TEXT, deal_id,
        "商机编号|商机ID|合同编号|Opportunity ID|Deal ID|Deal - ID"),
    COL(sp_invoice, "customer_id", true, P_TEXT, customer_id, A_CUSTOMER_REF),
    COL(sp_invoice, "issued_on", true, P_DATE, issued_on,
        "开票日期|发票日期|日期|Invoice Date|Issue Date|Issued on|Date"),
    COL(sp_invoice, "due_on", true, P_DATE, due_on, "到期日|到期日期|应收日期|Due Date|Due on|Payment Due"),
    COL(sp_invoice, "amount", true, P_MONEY, amount,
        "金额|发票金额|开票金额|Invoice Amount|Total|Amount Total"),
    COL(sp_invoice, "paid", false, P_MONEY, paid,
        "已付金额|回款金额|已回款|已收金额|Amount Paid|Paid Amount"),
    COL(sp_invoice, "paid_on", false, P_DATE, paid_on, "回款日期|付款日期|收款日期|Payment Date|Paid Date"),
};

static const colspec spend_cols[] = {
    COL(sp_spend, "spend_id", true, P_TEXT, id, "id|费用编号|费用ID|报销单号|Expense ID"),
    COL(sp_spend, "spent_on", true, P_DATE, spent_on, "费用日期|日期|发生日期|Date|Expense Date"),
    COL(sp_spend, "category", true, P_TEXT, category, "类别|费用类别|类型|科目|Type|Expense Category"),
    COL(sp_spend, "amount", true, P_MONEY, amount, "金额|费用金额|Expense Amount|Total"),
    COL(sp_spend, "strategy_id", false, P_TEXT, strategy_id, "策略|策略编号|Strategy"),
    COL(sp_spend, "task_id", false, P_TEXT, task_id, "任务|任务编号|Task"),
    COL(sp_spend, "note", false, P_TEXT, note, "备注|说明|Notes|Description|Memo|Comment"),
};

static const struct {
    const colspec *cols;
    size_t n;
} table_specs[TBL_COUNT] = {
    [TBL_REPS] = {rep_cols, sizeof rep_cols / sizeof rep_cols[0]},
    [TBL_CUSTOMERS] = {customer_cols, sizeof customer_cols / sizeof customer_cols[0]},
    [TBL_LEADS] = {lead_cols, sizeof lead_cols / sizeof lead_cols[0]},
    [TBL_DEALS] = {deal_cols, sizeof deal_cols / sizeof deal_cols[0]},
    [TBL_ACTIVITIES] = {activity_cols, sizeof activity_cols / sizeof activity_cols[0]},
    [TBL_INVOICES] = {invoice_cols, sizeof invoice_cols / sizeof invoice_cols[0]},
    [TBL_SPEND] = {spend_cols, sizeof spend_cols / sizeof spend_cols[0]},
};

/* ---- enum values: canonical value, then its aliases ('|' separated,
 * written in normalized form — see norm_key — so they are compared as
 * they are) ---- */
typedef struct enumval {
    int value;
    const char *words;
} enumval;

static const enumval stage_words[] = {
    {STAGE_WON, "won|win|closedwon|赢单|成交|已成交|赢|签约|已签约|已赢单|成功"},
    {STAGE_LOST, "lost|lose|closedlost|输单|丢单|已输单|已丢单|输|失败|流失|丢失|已关闭未成交"},
    {STAGE_OPEN, "open|进行中|跟进中|未关闭|新建|初步接洽|需求确认|需求分析|方案报价|报价|谈判|商务谈判|"
                 "意向|验证|prospecting|qualification|needsanalysis|valueproposition|"
                 "iddecisionmakers|perceptionanalysis|proposal|proposalpricequote|"
                 "pricequote|negotiation|negotiationreview|appointmentscheduled|qualifiedtobuy|"
                 "presentationscheduled|decisionmakerboughtin|contractsent|new|qualified|"
                 "proposition|lead|leadin|contactmade|demoscheduled|proposalmade|"
                 "negotiationsstarted|inprogress|pending|active"},
};
static const enumval role_words[] = {
    {ROLE_LEADER, "leader|组长|团队负责人|主管|teamlead|teamleader|lead|队长"},
    {ROLE_REP, "rep|销售|销售代表|客户经理|sales|salesrep|ae|accountexecutive|bdr|sdr"},
    {ROLE_PRESALES, "presales|售前|售前工程师|解决方案|se|salesengineer|solutionengineer|"
                    "solutionsengineer|solutionconsultant"},
    {ROLE_MANAGER, "manager|经理|销售经理|总监|销售总监|salesmanager|director|salesdirector|vp"},
};
static const enumval size_words[] = {
    {SIZE_SMALL, "small|小|小型|小微|s|smb|sme"},
    {SIZE_MEDIUM, "medium|中|中型|m|mid|midmarket|mm"},
    {SIZE_LARGE, "large|大|大型|l|enterprise|ent|ka|大客户"},
};
static const enumval kind_words[] = {
    {ACT_VISIT, "visit|拜访|上门|上门拜访|面访|走访|onsite|inperson|fieldvisit"},
    {ACT_CALL, "call|电话|通话|致电|phone|phonecall|calls"},
    {ACT_EMAIL, "email|邮件|电邮|mail|emails"},
    {ACT_MEETING, "meeting|会议|开会|会面|meetings|meet|demo|演示"},
    {ACT_OTHER, "other|其他|其它|note|task|deadline|lunch|微信|wechat"},
};
static const char *const bool_true = "1|是|true|yes|y|t|有效|合格|在职|对|√|✓|x|active|enabled";
static const char *const bool_false = "0|否|false|no|n|f|无效|不合格|离职|错|×|inactive|disabled";

/* ---- normalization ---- */

/* norm_key: header/value comparison key into out (cap bytes): ASCII lower
 * case, without white space and the punctuation " _-.()/:#*" that CRM
 * exports vary on (and the full-width space and parentheses). */
static void norm_key(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == 0xE3 && i + 2 < n && (unsigned char)in[i + 1] == 0x80 && (unsigned char)in[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        if (ch == 0xEF && i + 2 < n && (unsigned char)in[i + 1] == 0xBC &&
            ((unsigned char)in[i + 2] == 0x88 || (unsigned char)in[i + 2] == 0x89)) {
            i += 2; /* （ ） */
            continue;
        }
        switch (ch) {
        case ' ': case '\t': case '\r': case '\n': case '_': case '-': case '.': case '(': case ')':
        case '/': case ':': case '#': case '*':
            continue;
        default: break;
        }
        out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    out[o] = '\0';
}

/* in_list: 1 + the index of the word of list (normalized the same way)
 * that key (normalized) equals; 0 when none. */
static int in_list(const char *key, const char *list)
{
    char w[128];
    int idx = 1;
    while (*list) {
        const char *bar = strchr(list, '|');
        size_t n = bar ? (size_t)(bar - list) : strlen(list);
        norm_key(list, n, w, sizeof w);
        if (strcmp(w, key) == 0) return idx;
        list += n + (bar ? 1 : 0);
        idx++;
    }
    return 0;
}

/* match_column: the spec index of header in table t, -1 when unknown;
 * *rank: 0 for the canonical name, else 1 + the alias's index (an earlier
 * alias is preferred when several columns give the same field). */
static int match_column_rank(sp_table t, const char *header, int *rank)
{
    char key[256];
    norm_key(header, strlen(header), key, sizeof key);
    *rank = 0;
    if (!*key) return -1;
    const colspec *cols = table_specs[t].cols;
    /* canonical names first, so "id" of one column never shadows another's name */
    for (size_t i = 0; i < table_specs[t].n; i++) {
        char w[64];
        norm_key(cols[i].name, strlen(cols[i].name), w, sizeof w);
        if (strcmp(w, key) == 0) return (int)i;
    }
    /* an alias as written (case-blind) before the normalized forms: "Deal -
     * Probability" (Pipedrive, 0-100) and "Deal probability" (HubSpot, a
     * fraction) normalize alike */
    for (size_t i = 0; i < table_specs[t].n; i++) {
        int idx = 1;
        for (const char *w = cols[i].aliases; *w; idx++) {
            const char *bar = strchr(w, '|');
            size_t n = bar ? (size_t)(bar - w) : strlen(w);
            if (strlen(header) == n && strncasecmp(header, w, n) == 0) {
                *rank = idx;
                return (int)i;
            }
            w += n + (bar ? 1 : 0);
        }
    }
    for (size_t i = 0; i < table_specs[t].n; i++) {
        int r = in_list(key, cols[i].aliases);
        if (r) {
            *rank = r;
            return (int)i;
        }
    }
    return -1;
}

static int match_column(sp_table t, const char *header)
{
    int rank;
    return match_column_rank(t, header, &rank);
}

const char *import_canonical_column(sp_table t, const char *header)
{
    if ((unsigned)t >= TBL_COUNT || !header) return NULL;
    int i = match_column(t, header);
    return i < 0 ? NULL : table_specs[t].cols[i].name;
}

const char *import_column_aliases(sp_table t, const char *column)
{
    if ((unsigned)t >= TBL_COUNT || !column) return NULL;
    for (size_t i = 0; i < table_specs[t].n; i++)
        if (strcmp(table_specs[t].cols[i].name, column) == 0) return table_specs[t].cols[i].aliases;
    return NULL;
}

/* ---- header mapping ---- */

struct sp_import_cols {
    sp_table table;
    char *file;
    size_t nheader;
    char **header;       /* the header cells as written (trimmed) */
    /* spec index -> the field indexes that give it, best (lowest alias
     * rank) first, -1 after the last: a later one is read when the earlier
     * ones are empty (Pipedrive's Won time / Lost time) */
    int pos[32][MAX_ALT];
    int rank[32][MAX_ALT];
    /* the reference columns of the table (ref_columns) the file has: the
     * kind each names and its spec index (found once, not per row) */
    int nref;
    int ref_kind[4], ref_spec[4];
};

void import_cols_free(sp_import_cols *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nheader; i++) free(m->header[i]);
    free(m->header);
    free(m->file);
    free(m);
}

/* note: one note of kind k to sink (formatted; a trailing newline of the
 * message is dropped). */
static void note(const sp_import_sink *sink, sp_note_kind k, size_t line, const char *fmt, ...) SP_PRINTF(4, 5);
static void note(const sp_import_sink *sink, sp_note_kind k, size_t line, const char *fmt, ...)
{
    if (!sink || !sink->note) return;
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    while (b.len && b.data[b.len - 1] == '\n') b.data[--b.len] = '\0';
    sink->note(sink->ctx, &(sp_import_note){k, line, buf_cstr(&b)});
    buf_free(&b);
}

static void cols_refs(sp_import_cols *m);

sp_import_cols *import_cols_new(sp_table t, char **header, size_t n, const char *file, const sp_import_sink *sink,
                                sp_err *err)
{
    if ((unsigned)t >= TBL_COUNT) {
        err_set(err, SP_EUSAGE, "%s", _("unknown table"));
        return NULL;
    }
    sp_import_cols *m = xcalloc(1, sizeof *m);
    m->table = t;
    m->file = xstrdup(file ? file : "<input>");
    m->nheader = n;
    m->header = xcalloc(n ? n : 1, sizeof *m->header);
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < MAX_ALT; j++) m->pos[i][j] = -1;
    const colspec *cols = table_specs[t].cols;
    for (size_t i = 0; i < n; i++) {
        char *h = xstrdup(header[i]);
        str_trim(h);
        m->header[i] = h;
        if (!*h) continue;
        int rank;
        int k = match_column_rank(t, h, &rank);
        if (k < 0) {
            note(sink, SP_NOTE_COLUMN, 0, _("salesplan: %s: column '%s' ignored (not a column of %s)\n"), m->file, h,
                 table_name(t));
            continue;
        }
        int used = 0;
        while (used < MAX_ALT && m->pos[k][used] >= 0) used++;
        if (used == MAX_ALT) {
            note(sink, SP_NOTE_COLUMN, 0, _("salesplan: %s: column '%s' ignored (%s is already read from '%s')\n"),
                 m->file, h, cols[k].name, m->header[m->pos[k][0]]);
            continue;
        }
        /* keep the alternatives sorted by rank (header order among equals) */
        int at = used;
        while (at > 0 && m->rank[k][at - 1] > rank) {
            m->pos[k][at] = m->pos[k][at - 1];
            m->rank[k][at] = m->rank[k][at - 1];
            at--;
        }
        m->pos[k][at] = (int)i;
        m->rank[k][at] = rank;
    }
    for (size_t k = 0; k < table_specs[t].n; k++)
        for (int j = 1; j < MAX_ALT && m->pos[k][j] >= 0; j++)
            note(sink, SP_NOTE_COLUMN, 0, _("salesplan: %s: column '%s' is read for %s where '%s' is empty\n"),
                 m->file, m->header[m->pos[k][j]], cols[k].name, m->header[m->pos[k][0]]);
    bool ok = true;
    for (size_t k = 0; k < table_specs[t].n; k++) {
        if (!cols[k].required || m->pos[k][0] >= 0) continue;
        char alias[512];
        size_t len = strlen(cols[k].aliases);
        /* the first few aliases, for the hint */
        const char *a = cols[k].aliases;
        size_t cut = 0, bars = 0;
        while (cut < len && bars < 4) {
            if (a[cut] == '|') bars++;
            if (bars < 4) cut++;
        }
        if (cut >= sizeof alias) cut = sizeof alias - 1;
        memcpy(alias, a, cut);
        alias[cut] = '\0';
        for (char *s = alias; *s; s++)
            if (*s == '|') *s = ',';
        err_set(err, SP_EINVAL, _("%s: missing required column '%s' (also accepted: %s…; see docs/IMPORT.md)"),
                m->file, cols[k].name, alias);
        ok = false;
    }
    if (!ok) {
        import_cols_free(m);
        return NULL;
    }
    cols_refs(m);
    return m;
}

size_t import_cols_count(const sp_import_cols *m) { return m->nheader; }

/* ---- values ---- */

/* trim: trims ASCII white space (and U+3000) of s in place; returns the
 * start (no copying). */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
           ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80))
        s += *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ? 1 : 3;
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80 &&
                 (unsigned char)s[n - 1] == 0x80) n -= 3;
        else break;
    }
    s[n] = '\0';
    return s;
}

/* in_words: whether key equals one of the '|' separated, already
 * normalized words of list. */
static bool in_words(const char *key, size_t klen, const char *list)
{
    for (const char *w = list;;) {
        const char *bar = strchr(w, '|');
        size_t n = bar ? (size_t)(bar - w) : strlen(w);
        if (n == klen && memcmp(w, key, n) == 0) return true;
        if (!bar) return false;
        w = bar + 1;
    }
}

static int enum_lookup(const char *s, const enumval *words, size_t n)
{
    /* fast path: the canonical word as written (the first of each list) */
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i].words;
        const char *bar = strchr(w, '|');
        size_t wl = bar ? (size_t)(bar - w) : strlen(w);
        if (strncmp(s, w, wl) == 0 && s[wl] == '\0') return words[i].value;
    }
    char key[128];
    size_t len = strlen(s);
    if (len >= sizeof key) return -1;
    norm_key(s, len, key, sizeof key);
    size_t klen = strlen(key);
    for (size_t i = 0; i < n; i++)
        if (in_words(key, klen, words[i].words)) return words[i].value;
    return -1;
}

/* bool_lookup: 1 / 0 for the yes/no words, -1 otherwise. */
static int bool_lookup(const char *s)
{
    /* fast path for the common one-byte forms */
    if (s[0] && !s[1]) {
        switch (s[0]) {
        case '1': case 'y': case 'Y': case 't': case 'T': return 1;
        case '0': case 'n': case 'N': case 'f': case 'F': return 0;
        default: break;
        }
    }
    char key[64];
    size_t len = strlen(s);
    if (len >= sizeof key) return -1;
    norm_key(s, len, key, sizeof key);
    if (in_words(key, strlen(key), bool_true)) return 1;
    if (in_words(key, strlen(key), bool_false)) return 0;
    return -1;
}

/* prob_parse: "40", "40%", "40.5" (rounded), "0.4" (a fraction below 1
 * means that share); 0..100. */
static bool prob_parse(const char *s, int *out)
{
    long ip = 0, frac = 0, scale = 1;
    int digits = 0;
    bool dot = false, pct = false;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        ip = ip * 10 + (*p - '0');
        if (ip > 1000) return false;
    }
    if (*p == '.') {
        dot = true;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (scale < 1000) frac = frac * 10 + (*p - '0'), scale *= 10;
    }
    while (*p == ' ') p++;
    if (*p == '%') pct = true, p++;
    else if (strncmp(p, "\xEF\xBC\x85", 3) == 0) pct = true, p += 3; /* ％ */
    if (*p || digits == 0) return false;
    long milli = ip * 1000 + frac * (1000 / scale); /* value in thousandths */
    if (!pct && dot && ip == 0) milli *= 100;        /* 0.4 -> 40 */
    long v = (milli + 500) / 1000;
    if (v < 0 || v > 100) return false;
    *out = (int)v;
    return true;
}

/* frac_parse: "0.4", ".25", "1", "0" (also "40%") as 0..100. */
static bool frac_parse(const char *s, int *out)
{
    if (strchr(s, '%') || strstr(s, "\xEF\xBC\x85")) return prob_parse(s, out);
    long ip = 0, milli = 0, scale = 100;
    int digits = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        ip = ip * 10 + (*p - '0');
        if (ip > 1) return false;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (scale) milli += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p || digits == 0) return false;
    long v = ip * 1000 + milli; /* thousandths */
    if (v > 1000) return false;
    *out = (int)((v + 5) / 10);
    return true;
}

/* quote_value: at most 40 bytes of s (cut at a character boundary) into
 * buf for messages. */
static const char *quote_value(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s);
    size_t lim = cap - 4 < 40 ? cap - 4 : 40;
    if (n <= lim) return s;
    n = lim;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "…", sizeof "…");
    return buf;
}

static void problem(buf_t *why, const char *col, const char *fmt, ...) SP_PRINTF(3, 4);
static void problem(buf_t *why, const char *col, const char *fmt, ...)
{
    va_list ap;
    buf_printf(why, "%s: ", col);
    va_start(ap, fmt);
    buf_vprintf(why, fmt, ap);
    va_end(ap);
    buf_putc(why, '\n');
}

/* rec_defaults: the values of empty optional columns (records.h). */
static void rec_defaults(sp_table t, sp_any_record *r)
{
    memset(r, 0, sizeof *r);
    switch (t) {
    case TBL_REPS: r->rep.active = true; break;
    case TBL_CUSTOMERS: r->customer.created_on = SP_DAY_NONE; break;
    case TBL_LEADS: r->lead.created_on = SP_DAY_NONE; break;
    case TBL_DEALS:
        r->deal.created_on = r->deal.closed_on = SP_DAY_NONE;
        r->deal.probability = -1;
        r->deal.is_new_customer = r->deal.is_renewal = -1;
        break;
    case TBL_ACTIVITIES: r->activity.occurred_on = SP_DAY_NONE; r->activity.kind = ACT_OTHER; break;
    case TBL_INVOICES:
        r->invoice.issued_on = r->invoice.due_on = r->invoice.paid_on = SP_DAY_NONE;
        break;
    case TBL_SPEND: r->spend.spent_on = SP_DAY_NONE; break;
    default: break;
    }
}

bool import_parse_row(const sp_import_cols *m, char **fields, size_t n, sp_any_record *rec, buf_t *why)
{
    sp_table t = m->table;
    const colspec *cols = table_specs[t].cols;
    size_t start = why->len;
    char qb[64];
    rec_defaults(t, rec);
    char *base = (char *)rec;
    if (n > m->nheader) {
        for (size_t i = m->nheader; i < n; i++) {
            if (*trim(fields[i])) {
                problem(why, _("row"), _("%zu fields, but the header has %zu"), n, m->nheader);
                break;
            }
        }
    }
    sp_tri won = -1, closed = -1;      /* deals: IsWon / IsClosed */
    const char *stage_col = NULL;      /* deals: an unknown stage word, reported unless the flags decide */
    char stage_val[64] = "";
    for (size_t k = 0; k < table_specs[t].n; k++) {
        const colspec *cs = &cols[k];
        int fi = m->pos[k][0];
        if (fi < 0) continue;
        const char *col = m->header[fi];
        char *v = (size_t)fi < n ? trim(fields[fi]) : NULL;
        /* an empty cell: the next column that gives the same field */
        for (int j = 1; (!v || !*v) && j < MAX_ALT && m->pos[k][j] >= 0; j++) {
            int fj = m->pos[k][j];
            if ((size_t)fj < n) {
                v = trim(fields[fj]);
                col = m->header[fj];
            }
        }
        if (!v || !*v) {
            if (cs->required) problem(why, m->header[fi], "%s", _("required value is empty"));
            continue;
        }
        void *dst = base + cs->off;
        const char *reason = NULL;
        switch (cs->type) {
        case P_TEXT: *(const char **)dst = v; break;
        case P_MONEY: {
            sp_money mv;
            if (!money_parse(v, &mv, &reason)) {
                problem(why, col, _("not an amount '%s' (%s)"), quote_value(v, qb, sizeof qb), _(reason));
                break;
            }
            *(sp_money *)dst = mv;
            if (cs->flag_off >= 0) *(bool *)(base + cs->flag_off) = true;
            break;
        }
        case P_DATE: {
            sp_day d;
            if (!date_parse_loose(v, &d, &reason)) {
                problem(why, col, _("not a date '%s' (%s)"), quote_value(v, qb, sizeof qb), _(reason));
                break;
            }
            *(sp_day *)dst = d;
            if (cs->flag_off >= 0) *(bool *)(base + cs->flag_off) = true;
            break;
        }
        case P_FLAG_WON:
        case P_FLAG_CLOSED: {
            int b = bool_lookup(v);
            if (b < 0)
                problem(why, col, _("not a yes/no value '%s' (1/0, 是/否, true/false, yes/no, y/n)"),
                        quote_value(v, qb, sizeof qb));
            else if (cs->type == P_FLAG_WON) won = (sp_tri)b;
            else closed = (sp_tri)b;
            break;
        }
        case P_BOOL:
        case P_TRI: {
            int b = bool_lookup(v);
            if (b < 0) {
                problem(why, col, _("not a yes/no value '%s' (1/0, 是/否, true/false, yes/no, y/n)"),
                        quote_value(v, qb, sizeof qb));
                break;
            }
            if (cs->type == P_BOOL) *(bool *)dst = b == 1;
            else *(sp_tri *)dst = (sp_tri)b;
            break;
        }
        case P_STAGE: {
            int e = enum_lookup(v, stage_words, sizeof stage_words / sizeof stage_words[0]);
            if (e < 0) {
                stage_col = col;
                snprintf(stage_val, sizeof stage_val, "%s", quote_value(v, qb, sizeof qb));
            } else {
                *(sp_stage *)dst = (sp_stage)e;
            }
            break;
        }
        case P_ROLE: {
            int e = enum_lookup(v, role_words, sizeof role_words / sizeof role_words[0]);
            if (e < 0)
                problem(why, col, _("unknown role '%s' (leader, rep, presales, manager)"),
                        quote_value(v, qb, sizeof qb));
            else *(sp_role *)dst = (sp_role)e;
            break;
        }
        case P_SIZE: {
            int e = enum_lookup(v, size_words, sizeof size_words / sizeof size_words[0]);
            if (e < 0)
                problem(why, col, _("unknown size '%s' (small, medium, large)"), quote_value(v, qb, sizeof qb));
            else *(sp_size *)dst = (sp_size)e;
            break;
        }
        case P_KIND: {
            int e = enum_lookup(v, kind_words, sizeof kind_words / sizeof kind_words[0]);
            if (e < 0)
                problem(why, col, _("unknown kind '%s' (visit, call, email, meeting, other)"),
                        quote_value(v, qb, sizeof qb));
            else *(sp_actkind *)dst = (sp_actkind)e;
            break;
        }
        case P_PROB: {
            int pv;
            if (!prob_parse(v, &pv))
                problem(why, col, _("not a probability '%s' (0 to 100, or like 40%%)"),
                        quote_value(v, qb, sizeof qb));
            else *(int8_t *)dst = (int8_t)pv;
            break;
        }
        case P_FRAC: {
            int pv;
            if (!frac_parse(v, &pv))
                problem(why, col, _("not a probability '%s' (a fraction from 0 to 1, like 0.4)"),
                        quote_value(v, qb, sizeof qb));
            else *(int8_t *)dst = (int8_t)pv;
            break;
        }
        }
    }
    if (t == TBL_DEALS) {
        sp_deal *d = &rec->deal;
        /* Salesforce: IsClosed / IsWon decide the stage, whatever the
         * (possibly custom) StageName says */
        if (closed >= 0) d->stage = closed ? (won == 1 ? STAGE_WON : STAGE_LOST) : STAGE_OPEN;
        else if (stage_col) problem(why, stage_col, _("unknown stage '%s' (open, won, lost)"), stage_val);
        /* Salesforce's CloseDate and HubSpot's Close Date are the expected
         * date while a deal is open and the real one once it is closed */
        if (d->stage != STAGE_OPEN && d->closed_on == SP_DAY_NONE && d->has_expected_close)
            d->closed_on = d->expected_close_on;
    }
    return why->len == start;
}

/* ---- references (docs/IMPORT.md "References") ---- */

typedef enum ref_kind { REF_NONE, REF_REP, REF_CUSTOMER, REF_CATEGORY, REF_STRATEGY, REF_TASK, REF_COUNT } ref_kind;

/* the columns that name a record of another table or of the plan */
static const struct {
    sp_table t;
    const char *column;
    ref_kind kind;
} ref_columns[] = {
    {TBL_CUSTOMERS, "owner_rep_id", REF_REP},  {TBL_LEADS, "owner_rep_id", REF_REP},
    {TBL_DEALS, "customer_id", REF_CUSTOMER},  {TBL_DEALS, "owner_rep_id", REF_REP},
    {TBL_ACTIVITIES, "rep_id", REF_REP},       {TBL_ACTIVITIES, "customer_id", REF_CUSTOMER},
    {TBL_INVOICES, "customer_id", REF_CUSTOMER}, {TBL_SPEND, "category", REF_CATEGORY},
    {TBL_SPEND, "strategy_id", REF_STRATEGY},  {TBL_SPEND, "task_id", REF_TASK},
};

/* cols_refs: the reference columns of m's table that its file has, in
 * ref_columns order (the order refs_resolve checks them in). */
static void cols_refs(sp_import_cols *m)
{
    const colspec *cols = table_specs[m->table].cols;
    m->nref = 0;
    for (size_t i = 0; i < sizeof ref_columns / sizeof ref_columns[0]; i++) {
        if (ref_columns[i].t != m->table) continue;
        for (size_t k = 0; k < table_specs[m->table].n; k++) {
            if (strcmp(cols[k].name, ref_columns[i].column) != 0 || m->pos[k][0] < 0) continue;
            if (m->nref < 4) {
                m->ref_kind[m->nref] = ref_columns[i].kind;
                m->ref_spec[m->nref++] = (int)k;
            }
            break;
        }
    }
}

/* The records of one kind a reference may name: their ids and display names
 * as NUL-terminated strings in one blob, found through two open-addressing
 * tables of blob offsets (with 32 bits of the hash and the head of each id
 * beside, so most probes touch no string). About 60 to 110 bytes a record and no allocation per
 * string: a workspace of a million customers costs some 80 MB here, not the
 * rows of the file (docs/IMPORT.md "Limits"). */
typedef struct id_slot {
    uint32_t h, off;     /* off: blob offset + 1 of the id; 0: empty slot */
    char head[16];       /* the id's first 16 bytes, NUL-padded: an id of up to
                          * 15 bytes is compared here, without touching the blob */
} id_slot;

typedef struct name_slot {
    uint32_t h, off;     /* the name (blob offset + 1); 0: empty slot */
    uint32_t id, id2;    /* the first two ids it names (blob offsets + 1, id2 0 when one) */
    uint32_t n;          /* how many ids it names */
} name_slot;

typedef struct ref_set {
    buf_t blob;
    id_slot *ids;
    name_slot *names;
    size_t icap, in, ncap, nn;
    bool known;          /* the workspace or plan has records of this kind */
    bool full;           /* the blob reached 4 GiB: later records are not checked */
} ref_set;

typedef struct import_refs {
    ref_set k[REF_COUNT];
} import_refs;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

/* slot_of: the home slot of hash h in a table of cap slots. */
static size_t slot_of(uint64_t h, size_t cap) { return (size_t)(((h >> 32) * (uint64_t)cap) >> 32); }

static const char *blob_str(const ref_set *s, uint32_t off) { return s->blob.data + off - 1; }

/* id_head: the first 16 bytes of id (NUL-padded) into head; its length. */
static size_t id_head(const char *id, char head[16])
{
    size_t n = strlen(id);
    memset(head, 0, 16);
    memcpy(head, id, n < 16 ? n : 16);
    return n;
}

/* set_id: the blob offset + 1 of id in s, 0 when absent. */
static uint32_t set_id(const ref_set *s, const char *id)
{
    if (!s->icap) return 0;
    uint64_t h = hash_str(id);
    char head[16];
    size_t n = id_head(id, head);
    for (size_t i = slot_of(h, s->icap);; i = i + 1 == s->icap ? 0 : i + 1) {
        const id_slot *e = &s->ids[i];
        if (!e->off) return 0;
        if (e->h == (uint32_t)h && memcmp(e->head, head, 16) == 0 &&
            (n < 16 || strcmp(blob_str(s, e->off) + 16, id + 16) == 0))
            return e->off;
    }
}

/* set_name_h: the slot of display name v (hash h), NULL when absent. */
static const name_slot *set_name_h(const ref_set *s, uint64_t h, const char *v)
{
    if (!s->ncap) return NULL;
    for (size_t i = slot_of(h, s->ncap);; i = i + 1 == s->ncap ? 0 : i + 1) {
        const name_slot *e = &s->names[i];
        if (!e->off) return NULL;
        if (e->h == (uint32_t)h && strcmp(blob_str(s, e->off), v) == 0) return e;
    }
}

static const name_slot *set_name(const ref_set *s, const char *v) { return set_name_h(s, hash_str(v), v); }

/* blob_add: appends s to the blob; its offset + 1, 0 when the blob is full. */
static uint32_t blob_add(ref_set *s, const char *str)
{
    size_t n = strlen(str) + 1;
    if (s->blob.len + n >= UINT32_MAX) {
        s->full = true;
        return 0;
    }
    uint32_t off = (uint32_t)s->blob.len + 1;
    buf_append(&s->blob, str, n);
    return off;
}

static void ids_grow(ref_set *s, size_t want)
{
    size_t cap = want * 4 / 3 + 16;
    id_slot *v = xcalloc(cap, sizeof *v);
    for (size_t i = 0; i < s->icap; i++) {
        if (!s->ids[i].off) continue;
        size_t j = slot_of(hash_str(blob_str(s, s->ids[i].off)), cap);
        while (v[j].off) j = j + 1 == cap ? 0 : j + 1;
        v[j] = s->ids[i];
    }
    free(s->ids);
    s->ids = v;
    s->icap = cap;
}

static void names_grow(ref_set *s, size_t want)
{
    size_t cap = want * 4 / 3 + 16;
    name_slot *v = xcalloc(cap, sizeof *v);
    for (size_t i = 0; i < s->ncap; i++) {
        if (!s->names[i].off) continue;
        size_t j = slot_of(hash_str(blob_str(s, s->names[i].off)), cap);
        while (v[j].off) j = j + 1 == cap ? 0 : j + 1;
        v[j] = s->names[i];
    }
    free(s->names);
    s->names = v;
    s->ncap = cap;
}

/* ids_insert: a new id, already in the blob at ioff, with hash h. */
static void ids_insert(ref_set *s, uint64_t h, uint32_t ioff)
{
    if ((s->in + 1) * 4 > s->icap * 3) ids_grow(s, s->icap ? s->icap * 2 : 64);
    size_t j = slot_of(h, s->icap);
    while (s->ids[j].off) j = j + 1 == s->icap ? 0 : j + 1;
    s->ids[j] = (id_slot){.h = (uint32_t)h, .off = ioff};
    id_head(blob_str(s, ioff), s->ids[j].head);
    s->in++;
}

/* names_add: the name at noff in the blob (hash h) names the id at ioff. */
static void names_add(ref_set *s, uint64_t h, uint32_t noff, uint32_t ioff)
{
    name_slot *e = (name_slot *)set_name_h(s, h, blob_str(s, noff));
    if (e) { /* a name of several records (its second copy stays unused in the blob) */
        if (e->id != ioff && e->id2 != ioff) {
            if (!e->id2) e->id2 = ioff;
            e->n++;
        }
        return;
    }
    if ((s->nn + 1) * 4 > s->ncap * 3) names_grow(s, s->ncap ? s->ncap * 2 : 64);
    size_t j = slot_of(h, s->ncap);
    while (s->names[j].off) j = j + 1 == s->ncap ? 0 : j + 1;
    s->names[j] = (name_slot){(uint32_t)h, noff, ioff, 0, 1};
    s->nn++;
}

/* refs_put: a record of kind k with id and display name (either may be
 * NULL or empty); an id already known is not added twice. */
static void refs_put(import_refs *r, ref_kind k, const char *id, const char *name)
{
    if (!id || !*id) return;
    ref_set *s = &r->k[k];
    s->known = true;
    if (s->full) return;
    uint32_t ioff = set_id(s, id);
    if (!ioff) {
        if (!(ioff = blob_add(s, id))) return;
        ids_insert(s, hash_str(id), ioff);
    }
    if (!name || !*name) return;
    uint64_t h = hash_str(name);
    const name_slot *e = set_name_h(s, h, name);
    if (e && (e->id == ioff || e->id2 == ioff)) return;
    uint32_t noff = blob_add(s, name);
    if (noff) names_add(s, h, noff, ioff);
}

/* Filling a set from a table, whose ids are unique (its key): each record
 * goes to the blob at once, and into the tables FILL_AHEAD records later,
 * once the prefetched slots have arrived (a table of a million records is
 * a memory round trip per slot otherwise). */
#define FILL_AHEAD 16
typedef struct fill_entry {
    uint64_t hi, hn;
    uint32_t ioff, noff;
} fill_entry;

typedef struct refs_fill {
    ref_set *s;
    fill_entry q[FILL_AHEAD];
    size_t nq, head;
} refs_fill;

static void fill_process(ref_set *s, const fill_entry *e)
{
    ids_insert(s, e->hi, e->ioff);
    if (e->noff) names_add(s, e->hn, e->noff, e->ioff);
}

static void refs_fill_one(void *ctx, const char *id, const char *name)
{
    refs_fill *f = ctx;
    ref_set *s = f->s;
    if (!id || !*id) return;
    s->known = true;
    if (s->full) return;
    fill_entry e = {0};
    if (!(e.ioff = blob_add(s, id))) return;
    e.hi = hash_str(id);
    if (name && *name && (e.noff = blob_add(s, name)) != 0) e.hn = hash_str(name);
    if (s->icap) __builtin_prefetch(&s->ids[slot_of(e.hi, s->icap)], 1);
    if (e.noff && s->ncap) __builtin_prefetch(&s->names[slot_of(e.hn, s->ncap)], 1);
    if (f->nq < FILL_AHEAD) {
        f->q[f->nq++] = e;
        return;
    }
    fill_process(s, &f->q[f->head]);
    f->q[f->head] = e;
    f->head = (f->head + 1) % FILL_AHEAD;
}

static void refs_fill_flush(refs_fill *f)
{
    for (size_t i = 0; i < f->nq; i++) fill_process(f->s, &f->q[(f->head + i) % FILL_AHEAD]);
    f->nq = f->head = 0;
}

static void refs_free(import_refs *r)
{
    if (!r) return;
    for (int k = 0; k < REF_COUNT; k++) {
        free(r->k[k].ids);
        free(r->k[k].names);
        buf_free(&r->k[k].blob);
    }
    free(r);
}

/* refs_load: what the columns of m refer to: reps and customers from the
 * store (read row by row, before the write transaction), the team, budget
 * categories, strategies and tasks from the plans. NULL with err on a
 * store error. */
static import_refs *refs_load_want(sp_store *st, const bool want[REF_COUNT], const sp_import_opts *opts, sp_err *err);

static import_refs *refs_load(sp_store *st, const sp_import_cols *m, const sp_import_opts *opts, sp_err *err)
{
    /* only what the file's columns refer to */
    bool want[REF_COUNT] = {false};
    const colspec *cols = table_specs[m->table].cols;
    for (size_t i = 0; i < sizeof ref_columns / sizeof ref_columns[0]; i++) {
        if (ref_columns[i].t != m->table) continue;
        for (size_t k = 0; k < table_specs[m->table].n; k++)
            if (strcmp(cols[k].name, ref_columns[i].column) == 0 && m->pos[k][0] >= 0)
                want[ref_columns[i].kind] = true;
    }
    return refs_load_want(st, want, opts, err);
}

static import_refs *refs_load_want(sp_store *st, const bool want[REF_COUNT], const sp_import_opts *opts, sp_err *err)
{
    import_refs *r = xcalloc(1, sizeof *r);
    static const struct {
        ref_kind k;
        sp_table t;
    } from_store[] = {{REF_REP, TBL_REPS}, {REF_CUSTOMER, TBL_CUSTOMERS}};
    for (size_t i = 0; i < 2; i++) {
        if (!want[from_store[i].k]) continue;
        int64_t n = 0;
        ref_set *s = &r->k[from_store[i].k];
        if (!st->ops->count(st, from_store[i].t, &n, err)) goto fail;
        if (n > 0 && (uint64_t)n < SIZE_MAX / 8) { /* one allocation each, not a doubling series */
            ids_grow(s, (size_t)n);
            names_grow(s, (size_t)n);
        }
        refs_fill f = {.s = s};
        bool ok = st->ops->each_name(st, from_store[i].t, refs_fill_one, &f, err);
        refs_fill_flush(&f);
        if (!ok) goto fail;
    }
    for (size_t pi = 0; opts && pi < opts->nplans; pi++) {
        const sp_plan *p = opts->plans[pi];
        if (!p) continue;
        for (size_t g = 0; want[REF_REP] && g < p->ngroups; g++)
            for (size_t i = 0; i < p->groups[g].nmembers; i++)
                refs_put(r, REF_REP, p->groups[g].members[i].id, p->groups[g].members[i].name);
        for (size_t i = 0; want[REF_CATEGORY] && i < p->nbudget_cats; i++)
            refs_put(r, REF_CATEGORY, p->budget_cats[i].id, p->budget_cats[i].name);
        for (size_t i = 0; want[REF_STRATEGY] && i < p->nstrategies; i++)
            refs_put(r, REF_STRATEGY, p->strategies[i].id, p->strategies[i].name);
        for (size_t i = 0; want[REF_TASK] && i < p->ntasks; i++)
            refs_put(r, REF_TASK, p->tasks[i].id, p->tasks[i].name);
    }
    return r;
fail:
    refs_free(r);
    return NULL;
}

/* ref_missing: the message for value v of kind k that names nothing. */
static void ref_missing(buf_t *why, const char *col, ref_kind k, const char *v)
{
    switch (k) {
    case REF_REP: problem(why, col, _("'%s' is no rep (neither a rep's id nor a rep's name)"), v); break;
    case REF_CUSTOMER:
        problem(why, col, _("'%s' is no customer (neither a customer's id nor a customer's name)"), v);
        break;
    case REF_CATEGORY: problem(why, col, _("'%s' is no budget category of the plan (neither an id nor a name)"), v); break;
    case REF_STRATEGY: problem(why, col, _("'%s' is no strategy of the plan (neither an id nor a name)"), v); break;
    case REF_TASK: problem(why, col, _("'%s' is no task of the plan (neither an id nor a name)"), v); break;
    default: break;
    }
}

static const char *ref_noun(ref_kind k)
{
    switch (k) {
    case REF_REP: return _("reps");
    case REF_CUSTOMER: return _("customer records");
    case REF_CATEGORY: return _("budget categories");
    case REF_STRATEGY: return _("strategies");
    case REF_TASK: return _("tasks");
    default: return "";
    }
}

/* refs_prefetch: asks the CPU for the id slots refs_resolve will read for
 * rec (a table of a million customers does not fit the cache: each lookup
 * is a memory round trip; the reader prefetches a whole batch, then
 * resolves it). */
static void refs_prefetch(const import_refs *r, const sp_import_cols *m, const sp_any_record *rec)
{
    const colspec *cols = table_specs[m->table].cols;
    for (int i = 0; i < m->nref; i++) {
        const ref_set *set = &r->k[m->ref_kind[i]];
        if (!set->icap) continue;
        const char *v = *(const char *const *)((const char *)rec + cols[m->ref_spec[i]].off);
        if (v && *v) __builtin_prefetch(&set->ids[slot_of(hash_str(v), set->icap)]);
    }
}

/* refs_resolve: each reference column of rec: an id is kept; a name of one
 * record becomes its id (*matched counts them); anything else appends a
 * "column: why" line to bad. Kinds the workspace and plans know nothing of
 * are not checked. */
static void refs_resolve(const import_refs *r, const sp_import_cols *m, sp_any_record *rec, buf_t *bad,
                         size_t *matched)
{
    const colspec *cols = table_specs[m->table].cols;
    for (int i = 0; i < m->nref; i++) {
        ref_kind kind = (ref_kind)m->ref_kind[i];
        const ref_set *set = &r->k[kind];
        if (!set->known) continue;
        int k = m->ref_spec[i];
        const char **field = (const char **)((char *)rec + cols[k].off);
        const char *v = *field;
        if (!v || !*v || set->full || set_id(set, v)) continue;
        const char *col = m->header[m->pos[k][0]];
        const name_slot *e = set_name(set, v);
        char qb[64];
        if (e && e->n == 1) {
            *field = blob_str(set, e->id);
            (*matched)++;
        } else if (e) {
            problem(bad, col, _("'%s' is the name of %u %s (%s, %s…): give the id"), quote_value(v, qb, sizeof qb),
                    e->n, ref_noun(kind), blob_str(set, e->id), blob_str(set, e->id2));
        } else {
            ref_missing(bad, col, kind, quote_value(v, qb, sizeof qb));
        }
    }
}

/* ---- the same rules for records given one by one (the JSON API) ---- */

const char *import_column_at(sp_table t, size_t i)
{
    if ((unsigned)t >= TBL_COUNT || i >= table_specs[t].n) return NULL;
    return table_specs[t].cols[i].name;
}

bool import_column_required(sp_table t, const char *column)
{
    for (size_t i = 0; (unsigned)t < TBL_COUNT && column && i < table_specs[t].n; i++)
        if (strcmp(table_specs[t].cols[i].name, column) == 0) return table_specs[t].cols[i].required;
    return false;
}

sp_import_refs *import_refs_open(sp_store *st, sp_table t, const sp_import_opts *opts, sp_err *err)
{
    bool want[REF_COUNT] = {false};
    for (size_t i = 0; i < sizeof ref_columns / sizeof ref_columns[0]; i++)
        if (ref_columns[i].t == t) want[ref_columns[i].kind] = true;
    return refs_load_want(st, want, opts, err);
}

void import_refs_apply(const sp_import_refs *r, const sp_import_cols *m, sp_any_record *rec, buf_t *warn,
                       size_t *matched)
{
    refs_resolve(r, m, rec, warn, matched);
}

void import_refs_close(sp_import_refs *r) { refs_free(r); }

/* ---- the import ---- */

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(const sp_import_sink *sink, sp_table t, size_t bytes, size_t total, size_t rows, bool done)
{
    sp_import_progress p = {.table = t, .rows = rows, .bytes = bytes, .total = total, .done = done};
    p.percent = p.total ? (int)(p.bytes >= p.total ? 100 : (double)p.bytes * 100.0 / (double)p.total) : 0;
    sink->progress(sink->ctx, &p);
}

/* all_empty: whether every field is empty or white space (a blank row of a
 * spreadsheet export). */
static bool all_empty(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (const char *s = f[i]; *s; s++)
            if (*s != ' ' && *s != '\t') return false;
    return true;
}

/* write_reject: the original fields, then line and reason, as one CSV row. */
static void write_reject(buf_t *out, char **f, size_t n, size_t ncols, size_t line, const char *reason)
{
    for (size_t i = 0; i < ncols; i++) {
        if (i) buf_putc(out, ',');
        csv_write_field(out, i < n ? f[i] : "");
    }
    buf_printf(out, "%s%zu,", ncols ? "," : "", line);
    csv_write_field(out, reason);
    buf_puts(out, "\r\n");
}

/* ---- reading and parsing on a second thread ----
 *
 * While the store writes the rows of one batch, a reader thread reads (and
 * decodes) the next records of the file, parses them, resolves their
 * references (refs are read-only by then) and looks their ids up in the id
 * set (its own SQLite connection): on two cores the CSV and value parsing,
 * the reference lookups and the id set cost no wall time. Batches of up to BATCH_ROWS
 * records (or about 1 MiB of fields) go round a ring of NBATCH: memory stays
 * a few MB whatever the file's size. Everything the import decides (ids
 * used twice, references, errors, rejects, the writes) stays on the
 * calling thread, in file order. */
#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)
#define NBATCH 3

typedef struct row_ent {
    size_t line;             /* the physical line the record starts on */
    size_t f0, nf;           /* its fields: fp[f0 .. f0 + nf) */
    size_t why0, whylen;     /* its problems in the batch's why */
    size_t warn0, warnlen;   /* its references to nothing in the batch's warn (when parsed) */
    size_t matched;          /* its display names replaced by ids (when parsed) */
    size_t first;            /* the line its id came with first, 0 when new */
    bool parsed;
    sp_any_record rec;       /* strings point into the batch's arena */
} row_ent;

typedef struct batch {
    buf_t arena;             /* the fields, NUL-terminated, one after another */
    size_t *foff;            /* each field's offset in arena */
    char **fp;               /* the same as pointers, once the batch is full */
    size_t nfo, cap_fo, cap_fp;
    row_ent *rows;
    size_t n;
    buf_t why, warn;
    size_t done;             /* input bytes consumed after its last record */
    int end;                 /* 0: more follow; 1: end of the file; -1: read error (err) */
    sp_err err;
} batch;

typedef struct reader {
    sp_csv *c;
    const sp_import_cols *m;
    const import_refs *refs; /* read-only while the reader runs */
    sp_store *st;            /* for its id set only (its own connection) */
    sp_idset *ids;
    batch b[NBATCH];
    bool full[NBATCH];       /* filled, for the consumer */
    size_t pi, ci;           /* the batch the producer fills next / the consumer takes next */
    bool stop;               /* the consumer gave up */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool threaded;           /* false: no thread could be started, batches are read on demand */
    sp_lang lang;            /* the starting thread's language: the reader's messages speak it */
} reader;

/* batch_fill: reads the next records of the file into b and parses them
 * (the reader thread; b is its own until handed over). */
static void batch_fill(reader *rd, batch *b)
{
    b->arena.len = 0;
    b->nfo = b->n = 0;
    b->end = 0;
    buf_clear(&b->why);
    buf_clear(&b->warn);
    err_free(&b->err);
    b->err = (sp_err)SP_ERR_INIT;
    while (b->n < BATCH_ROWS && b->arena.len < BATCH_BYTES) {
        char **f;
        size_t n;
        int r = csv_next(rd->c, &f, &n, &b->err);
        if (r <= 0) {
            b->end = r < 0 ? -1 : 1;
            break;
        }
        if (all_empty(f, n)) continue;
        row_ent *e = &b->rows[b->n++];
        e->line = csv_line(rd->c);
        e->f0 = b->nfo;
        e->nf = n;
        if (b->nfo + n > b->cap_fo) {
            b->cap_fo = (b->nfo + n) * 2;
            b->foff = xrealloc(b->foff, b->cap_fo * sizeof *b->foff);
        }
        for (size_t i = 0; i < n; i++) {
            b->foff[b->nfo++] = b->arena.len;
            buf_append(&b->arena, f[i], strlen(f[i]) + 1);
        }
    }
    size_t total;
    csv_progress(rd->c, &b->done, &total);
    if (b->nfo > b->cap_fp || !b->fp) {
        b->cap_fp = b->cap_fo ? b->cap_fo : 1;
        b->fp = xrealloc(b->fp, b->cap_fp * sizeof *b->fp);
    }
    for (size_t i = 0; i < b->nfo; i++) b->fp[i] = b->arena.data + b->foff[i];
    for (size_t i = 0; i < b->n; i++) {
        row_ent *e = &b->rows[i];
        e->why0 = b->why.len;
        e->parsed = import_parse_row(rd->m, b->fp + e->f0, e->nf, &e->rec, &b->why);
        e->whylen = b->why.len - e->why0;
        if (e->parsed) refs_prefetch(rd->refs, rd->m, &e->rec);
        /* the same id twice in one file (bad rows' ids count too) */
        e->first = 0;
        if (e->rec.rep.id && *e->rec.rep.id &&
            !rd->st->ops->idset_add(rd->ids, e->rec.rep.id, e->line, &e->first, &b->err)) {
            b->n = i; /* the rows before, then the error */
            b->end = -1;
            break;
        }
    }
    /* the references, resolved here (a lookup in a large table is a memory
     * round trip, prefetched above); the caller applies the outcome unless
     * the row turns out bad (an id used twice) */
    for (size_t i = 0; i < b->n; i++) {
        row_ent *e = &b->rows[i];
        e->warn0 = b->warn.len;
        e->matched = 0;
        if (e->parsed) refs_resolve(rd->refs, rd->m, &e->rec, &b->warn, &e->matched);
        e->warnlen = b->warn.len - e->warn0;
    }
}

static void *reader_main(void *arg)
{
    reader *rd = arg;
    i18n_set_lang(rd->lang); /* the language is per thread: take the importer's */
    for (;;) {
        pthread_mutex_lock(&rd->mu);
        while (rd->full[rd->pi] && !rd->stop) pthread_cond_wait(&rd->cv, &rd->mu);
        bool stop = rd->stop;
        batch *b = &rd->b[rd->pi];
        pthread_mutex_unlock(&rd->mu);
        if (stop) return NULL;
        batch_fill(rd, b);
        pthread_mutex_lock(&rd->mu);
        rd->full[rd->pi] = true;
        rd->pi = (rd->pi + 1) % NBATCH;
        pthread_cond_broadcast(&rd->cv);
        pthread_mutex_unlock(&rd->mu);
        if (b->end) return NULL;
    }
}

/* reader_start: the reader thread over c (its header already read). When
 * no thread can be started, reader_take reads each batch itself. */
static reader *reader_start(sp_csv *c, const sp_import_cols *m, const import_refs *refs, sp_store *st,
                            sp_idset *ids)
{
    reader *rd = xcalloc(1, sizeof *rd);
    rd->c = c;
    rd->m = m;
    rd->refs = refs;
    rd->st = st;
    rd->ids = ids;
    for (int i = 0; i < NBATCH; i++) rd->b[i].rows = xcalloc(BATCH_ROWS, sizeof *rd->b[i].rows);
    pthread_mutex_init(&rd->mu, NULL);
    pthread_cond_init(&rd->cv, NULL);
    rd->lang = i18n_lang();
    rd->threaded = pthread_create(&rd->th, NULL, reader_main, rd) == 0;
    return rd;
}

/* reader_take: the next filled batch, in file order (waits for it). */
static batch *reader_take(reader *rd)
{
    if (!rd->threaded) {
        batch_fill(rd, &rd->b[0]);
        return &rd->b[0];
    }
    pthread_mutex_lock(&rd->mu);
    while (!rd->full[rd->ci]) pthread_cond_wait(&rd->cv, &rd->mu);
    batch *b = &rd->b[rd->ci];
    pthread_mutex_unlock(&rd->mu);
    return b;
}

/* reader_release: gives the batch taken last back to the reader. */
static void reader_release(reader *rd)
{
    if (!rd->threaded) return;
    pthread_mutex_lock(&rd->mu);
    rd->full[rd->ci] = false;
    rd->ci = (rd->ci + 1) % NBATCH;
    pthread_cond_broadcast(&rd->cv);
    pthread_mutex_unlock(&rd->mu);
}

/* reader_end: stops the thread (it finishes the batch it is reading) and
 * frees everything. */
static void reader_end(reader *rd)
{
    if (!rd) return;
    if (rd->threaded) {
        pthread_mutex_lock(&rd->mu);
        rd->stop = true;
        pthread_cond_broadcast(&rd->cv);
        pthread_mutex_unlock(&rd->mu);
        pthread_join(rd->th, NULL);
    }
    pthread_mutex_destroy(&rd->mu);
    pthread_cond_destroy(&rd->cv);
    for (int i = 0; i < NBATCH; i++) {
        batch *b = &rd->b[i];
        buf_free(&b->arena);
        buf_free(&b->why);
        buf_free(&b->warn);
        free(b->foff);
        free(b->fp);
        free(b->rows);
        err_free(&b->err);
    }
    free(rd);
}

/* xlsx_date_col: a workbook column whose header maps to a date column
 * (…_on): plain numbers in it are Excel date serials. */
static bool xlsx_date_col(const char *header, void *ctx)
{
    const char *col = import_canonical_column(*(const sp_table *)ctx, header);
    size_t n = col ? strlen(col) : 0;
    return n > 3 && strcmp(col + n - 3, "_on") == 0;
}

bool import_file_ex(sp_store *st, sp_table t, const char *path, const sp_import_opts *opts,
                    sp_import_stats *stats, sp_import_info *info, sp_err *err)
{
    const sp_import_sink *sink = opts ? &opts->sink : NULL;
    sp_import_stats dummy_stats;
    if (!stats) stats = &dummy_stats;
    memset(stats, 0, sizeof *stats);
    if (info) memset(info, 0, sizeof *info);
    if ((unsigned)t >= TBL_COUNT) {
        err_set(err, SP_EUSAGE, "%s", _("unknown table"));
        return false;
    }
    /* a workbook is read as a CSV stream whose lines are the sheet's rows */
    sp_csv *c = xlsx_file_is(path) ? xlsx_csv_open(path, opts ? opts->sheet : NULL, xlsx_date_col, &t, err)
                                   : csv_open(path, opts ? &opts->csv : NULL, err);
    if (!c) return false;
    if (info) {
        snprintf(info->encoding, sizeof info->encoding, "%s", csv_encoding(c));
        info->delimiter = csv_delimiter(c);
    }
    bool ok = false, in_tx = false;
    sp_import_cols *m = NULL;
    import_refs *refs = NULL;
    buf_t warn = BUF_INIT;
    size_t listed_warnings = 0;
    bool strict = opts && opts->strict;
    sp_outfile *rej = NULL;
    buf_t why = BUF_INIT, rbuf = BUF_INIT, reason = BUF_INIT;
    bool truncated = false;
    reader *rd = NULL;
    sp_idset *ids = NULL;
    char **f;
    size_t n;
    int r = csv_next(c, &f, &n, err);
    if (r < 0) goto out;
    if (r == 0) {
        err_set(err, SP_EINVAL, _("%s: the file is empty (no header line)"), path);
        goto out;
    }
    m = import_cols_new(t, f, n, path, sink, err);
    if (!m) goto out;
    refs = refs_load(st, m, opts, err);
    if (!refs) goto out;
    if (opts && opts->skip_bad) {
        /* written beside, renamed into place after the commit; never the
         * workspace or the input (util/outfile.c) */
        rej = outfile_open(opts->skip_bad, &(sp_out_guard){st->url, path}, err);
        if (!rej) goto out;
        buf_puts(&rbuf, "\xEF\xBB\xBF"); /* so that spreadsheets read it as UTF-8 */
        for (size_t i = 0; i < m->nheader; i++) {
            if (i) buf_putc(&rbuf, ',');
            csv_write_field(&rbuf, m->header[i]);
        }
        buf_puts(&rbuf, m->nheader ? ",line,reason\r\n" : "line,reason\r\n");
    }
    if (!st->ops->begin(st, err)) goto out;
    in_tx = true;
    /* a large file: let the store rebuild the table's indexes once at the
     * end instead of maintaining them row by row */
    size_t in_done, in_total;
    csv_progress(c, &in_done, &in_total);
    bool bulk = in_total >= BULK_BYTES;
    if (bulk && !st->ops->bulk_begin(st, t, err)) goto out;
    bool progress = sink && sink->progress;
    double last = progress ? now_sec() : 0;
    size_t bad = 0, bytes = 0;
    sp_any_record rec;
    ids = st->ops->idset_open(st, err);
    if (!ids) goto out;
    rd = reader_start(c, m, refs, st, ids);
    for (batch *b = NULL; (b = reader_take(rd)) != NULL;) {
        for (size_t bi = 0; bi < b->n; bi++) {
            const row_ent *e = &b->rows[bi];
            f = b->fp + e->f0;
            n = e->nf;
            stats->rows++;
            if (progress && (stats->rows & 4095) == 0) {
                double now = now_sec();
                if (now - last >= 0.2) {
                    show_progress(sink, t, bytes, in_total, stats->rows, false);
                    last = now;
                }
            }
            size_t line = e->line;
            buf_clear(&why);
            if (e->whylen) buf_append(&why, b->why.data + e->why0, e->whylen);
            bool parsed = e->parsed;
            rec = e->rec; /* references already resolved by the reader */
            /* the same id twice in one file (found by the reader): the
             * second row is bad */
            if (e->first) {
                char qb[64];
                problem(&why, m->pos[0][0] >= 0 ? m->header[m->pos[0][0]] : table_specs[t].cols[0].name,
                        _("'%s' is also the id on line %zu (an id may appear once in a file)"),
                        quote_value(rec.rep.id, qb, sizeof qb), e->first);
                parsed = false;
            }
            /* references: names become ids; what names nothing is a warning
             * (kept as is), or with --strict a problem of the row */
            if (parsed) {
                buf_clear(&warn);
                if (e->warnlen) buf_append(&warn, b->warn.data + e->warn0, e->warnlen);
                stats->matched += e->matched;
                if (warn.len && strict) {
                    buf_append(&why, warn.data, warn.len);
                    parsed = false;
                } else if (warn.len) {
                    for (const char *s = buf_cstr(&warn); *s;) {
                        const char *nl = strchr(s, '\n');
                        stats->warnings++;
                        if (listed_warnings < MAX_LISTED_ERRORS)
                            note(sink, SP_NOTE_WARNING, line, _("%s:%zu: %.*s; kept as is\n"), path, line,
                                 (int)(nl - s), s);
                        listed_warnings++;
                        s = nl + 1;
                    }
                }
            }
            if (!parsed) {
                bad++;
                stats->rejected++;
                /* one "FILE:LINE: column: why" per problem; the reject reason
                 * joins them with "; " */
                buf_clear(&reason);
                for (const char *s = buf_cstr(&why); *s;) {
                    const char *nl = strchr(s, '\n');
                    if (err->count < MAX_LISTED_ERRORS)
                        err_set(err, SP_EINVAL, "%s:%zu: %.*s", path, line, (int)(nl - s), s);
                    else
                        truncated = true;
                    if (reason.len) buf_puts(&reason, "; ");
                    buf_append(&reason, s, (size_t)(nl - s));
                    s = nl + 1;
                }
                if (rej) {
                    write_reject(&rbuf, f, n, m->nheader, line, buf_cstr(&reason));
                    if (rbuf.len >= (1u << 16)) {
                        if (!outfile_write(rej, rbuf.data, rbuf.len, err)) goto out;
                        buf_clear(&rbuf);
                    }
                }
                continue;
            }
            if (bad && !rej) continue; /* will roll back: validate only */
            sp_err serr = SP_ERR_INIT;
            if (!st->ops->upsert(st, t, &rec, &serr)) {
                err_clear(err);
                err_set(err, serr.cls, "%s:%zu: %s: %s", path, line, _("could not store the row"),
                        buf_cstr(&serr.msg));
                err_free(&serr);
                goto out;
            }
            stats->imported++;
        }
        bytes = b->done;
        if (b->end < 0) { /* the reader's error, after the problems of the rows before it */
            for (const char *s = buf_cstr(&b->err.msg); *s;) {
                const char *nl = strchr(s, '\n');
                size_t len = nl ? (size_t)(nl - s) : strlen(s);
                err_set(err, b->err.cls, "%.*s", (int)len, s);
                s += len + (nl ? 1 : 0);
            }
            if (err_ok(err)) err_set(err, b->err.cls ? b->err.cls : SP_EIO, "%s", _("could not read the file"));
            goto out;
        }
        bool end = b->end != 0;
        reader_release(rd);
        if (end) break;
    }
    if (progress) show_progress(sink, t, bytes, in_total, stats->rows, true);
    if (listed_warnings > MAX_LISTED_ERRORS)
        note(sink, SP_NOTE_TRUNCATED, 0, _("%s: … (only the first %d warnings are listed)\n"), path,
             MAX_LISTED_ERRORS);
    if (bad && !rej) {
        if (truncated) err_set(err, SP_EINVAL, _("%s: … (only the first %d problems are listed)"), path,
                               MAX_LISTED_ERRORS);
        err_set(err, SP_EINVAL, _("%s: %zu bad row(s): nothing was imported"), path, bad);
        stats->imported = 0;
        goto out;
    }
    if (rej) {
        if (!outfile_write(rej, rbuf.data, rbuf.len, err) || !outfile_sync(rej, err)) goto out;
        if (bad) err_clear(err); /* the bad rows are in the rejects file */
    }
    /* every row is read: the reader, its id set and the references leave
     * memory before the commit writes the snapshot */
    reader_end(rd);
    rd = NULL;
    st->ops->idset_close(ids);
    ids = NULL;
    refs_free(refs);
    refs = NULL;
    if (bulk && !st->ops->bulk_end(st, t, err)) goto out;
    if (!st->ops->commit(st, err)) goto out;
    in_tx = false;
    ok = true;
out:
    /* the encoding actually used: detection may have chosen GB18030 on a
     * stream after the first chunks */
    reader_end(rd); /* before c is read or closed here */
    st->ops->idset_close(ids);
    if (info) snprintf(info->encoding, sizeof info->encoding, "%s", csv_encoding(c));
    if (in_tx) st->ops->rollback(st);
    if (!ok) stats->imported = 0;
    if (rej && ok) ok = outfile_commit(rej, err);
    else outfile_abort(rej);
    buf_free(&why);
    buf_free(&rbuf);
    buf_free(&reason);
    buf_free(&warn);
    refs_free(refs);
    import_cols_free(m);
    csv_close(c);
    return ok;
}

static void note_to_stderr(void *ctx, const sp_import_note *n)
{
    (void)ctx;
    fprintf(stderr, "%s\n", n->text);
}

bool import_file(sp_store *st, sp_table t, const char *path, const sp_import_opts *opts,
                 sp_import_stats *stats, sp_err *err)
{
    sp_import_opts o = {0};
    if (opts) o = *opts;
    if (!o.sink.note) o.sink.note = note_to_stderr;
    return import_file_ex(st, t, path, &o, stats, NULL, err);
}
