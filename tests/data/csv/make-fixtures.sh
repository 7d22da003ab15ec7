#!/usr/bin/env bash
# make-fixtures.sh — writes the CSV import fixtures of tests/integration/
# import.sh into this directory. The text is written here in UTF-8; the
# files that need another encoding, a BOM or CRLF are converted with
# iconv / printf / sed. The outputs are committed; rerun after editing.
set -euo pipefail
cd "$(dirname "$0")"

crlf() { sed 's/$/\r/'; }

# reps: Chinese headers, UTF-8 with BOM, CRLF line ends
{ printf '\xEF\xBB\xBF'; crlf <<'CSV'; } >reps_zh_bom_crlf.csv
销售编号,姓名,团队,角色,区域,行业,是否在职
R1,张伟,华东一组,组长,华东,制造,是
R2,李娜,华东一组,销售,华东,制造,1
R3,王芳,华南组,售前,华南,零售,是
R4,赵强,华南组,经理,华南,,否
CSV

# customers: Chinese headers in GBK (no BOM: detected as GB18030)
iconv -f UTF-8 -t GBK >customers_gbk.csv <<'CSV'
客户编号,客户名称,地区,行业,规模,负责人,创建日期
C1,上海某某制造有限公司,华东,制造,大型,R1,2025-03-01
C2,"广州某某商贸, 有限公司",华南,零售,小,R3,2025/4/2
C3,杭州某某科技,华东,软件,中型,R2,2025年5月6日
CSV

# leads: UTF-16LE with BOM, tab separated (as Excel's "Unicode text")
{ printf '\xFF\xFE'; iconv -f UTF-8 -t UTF-16LE <<'CSV'; } >leads_utf16le.tsv
lead_id	created_on	source	region	industry	size	owner_rep_id	qualified	opportunity_id
L1	2026-01-05	展会	华东	制造	large	R1	是	D1
L2	2026-01-06	官网	华南	零售		R3	否	
L3	2026-01-07 09:30	转介绍	华东	软件	小型	R2	true	
CSV

# deals: Salesforce Data Loader export (API names, every field quoted,
# CreatedDate in UTC with milliseconds, IsWon/IsClosed decide the stage even
# for a custom StageName, CloseDate is the expected close while open)
cat >deals_salesforce.csv <<'CSV'
"Id","AccountId","OwnerId","Name","Amount","StageName","CloseDate","CreatedDate","IsWon","IsClosed","Probability"
"D1","C1","R1","Big deal","1200000.5","Closed Won","2026-07-15","2026-03-01T06:30:00.000+0000","true","true","100"
"D2","C2","R3","Small deal","50000","Prospecting","2026-09-30","2026-04-02T01:00:00.000+0000","false","false","20"
"D3","C3","R2","Lost one","15000","Closed Lost","2026-07-15","2026-05-06T08:00:00.000+0000","false","true","0"
"D4","C1","R1","Custom stage","80000","Contract Signed","2026-08-01","2026-07-27T17:40:52.000+0000","true","true","100"
CSV

# deals: HubSpot export (labels as the UI exports them, the owner and the
# company by name, the probability as a fraction 0-1)
cat >deals_hubspot.csv <<'CSV'
Record ID,Deal Name,Deal Stage,Close Date,Create Date,Amount,Deal owner,Associated Company IDs (Primary),Associated Company,Deal probability,Pipeline
H1,Renewal,Closed won,2026-06-30 10:15,2026-01-10 09:00,30000,张伟,C1,上海某某制造有限公司,1,Sales Pipeline
H2,New,Appointment scheduled,2026-09-15 00:00,2026-02-11 14:20,"12,000",李娜,,杭州某某科技,0.2,Sales Pipeline
H3,Lost,Closed lost,2026-05-20 18:00,2026-03-01 08:00,8000,王芳,C2,"广州某某商贸, 有限公司",0,Sales Pipeline
CSV

# deals: Pipedrive export ("Deal - " prefixes, the organization and owner
# by name, won and lost times in two columns, the expected close date)
cat >deals_pipedrive.csv <<'CSV'
Deal - ID,Deal - Title,Deal - Organization,Deal - Value,Deal - Currency,Deal - Status,Deal - Stage,Deal - Won time,Deal - Lost time,Deal - Deal created,Deal - Expected close date,Deal - Owner,Deal - Probability
101,Pipe one,"广州某某商贸, 有限公司",8000,CNY,won,Negotiations Started,2026-05-05 10:00:00,,2026-04-01 08:00:00,2026-05-01,王芳,
102,Pipe two,"广州某某商贸, 有限公司",25000,CNY,lost,Proposal Made,,2026-06-10 16:30:00,2026-04-02 08:00:00,2026-06-30,王芳,
103,Pipe three,杭州某某科技,60000,CNY,open,Demo Scheduled,,,2026-05-02 11:00:00,2026-10-15,李娜,40
CSV

# deals: Odoo crm.lead export (external ids, the customer and salesperson
# by name, Expected Closing and Closed Date)
cat >deals_odoo.csv <<'CSV'
ID,Opportunity,Customer,Expected Revenue,Stage,Expected Closing,Created on,Closed Date,Probability,Salesperson
__export__.crm_lead_41_5f2a,Big ERP,上海某某制造有限公司,20000.00,Won,2026-02-15,2026-02-01 09:00:00,2026-02-20 17:00:00,100.0,张伟
__export__.crm_lead_42_9c1d,Small CRM,杭州某某科技,1000.00,Proposition,2026-11-30,2026-02-02 09:00:00,,30.0,李娜
CSV

# deals: Chinese headers, amounts in 万 / 亿, flags
cat >deals_zh.csv <<'CSV'
商机编号,客户编号,负责人,产品,创建日期,成交日期,阶段,金额,成本,赢率,是否新客户,是否续约
Z1,C1,R1,平台,2026-01-01,2026-02-01,赢单,1.2亿,3000万,100,是,否
Z2,C2,R3,服务,2026-01-02,,进行中,5000万,,40%,否,是
Z3,C3,R2,平台,2026-01-03,2026-03-01,丢单,10万,,0,,
CSV

# activities: CRLF, Chinese kinds, an Excel serial date
crlf >activities_crlf.csv <<'CSV'
活动编号,日期,销售编号,客户编号,类型
A1,2026-07-01,R1,C1,拜访
A2,2026/7/2,R2,C3,电话
A3,46205,R3,C2,邮件
A4,2026年7月4日,R1,,会议
CSV

# invoices: every date form of SPEC §3
cat >invoices.csv <<'CSV'
invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on
I1,D1,C1,2026-07-15,2026/8/14,"1,200,000.50",60万,2026-08-01 10:00
I2,Z1,C1,2026年2月1日,2026-03-03T00:00:00Z,1.2亿,,
I3,,C2,46218,46248.5,100.00,100,2026.08.01
CSV

# spend: quoted commas and newlines in notes
cat >spend.csv <<'CSV'
spend_id,spent_on,category,amount,strategy_id,task_id,note
S1,2026-03-01,市场活动,3.5万,ST1,T1,"展会, 上海"
S2,2026-03-02,差旅,1200,,,"两行
备注"
S3,2026-03-03,礼品,800,,,=1+1
CSV

# a bad deals file: bad lines 3, 5 and 6 (line 4 is a good row)
cat >deals_bad.csv <<'CSV'
deal_id,customer_id,created_on,stage,amount
B1,C1,2026-01-01,won,100
B2,C1,2026-13-01,won,100
B3,C1,2026-01-03,open,300
B4,C1,2026-01-04,maybe,100
,C1,2026-01-05,won,=2+3
CSV

# a deals file without the required stage column
cat >deals_no_stage.csv <<'CSV'
deal_id,customer_id,created_on,amount
N1,C1,2026-01-01,100
CSV

# re-import: D1 again with a new amount, nothing new
cat >deals_update.csv <<'CSV'
deal_id,customer_id,created_on,stage,amount
D1,C1,2026-03-01,won,2000000
CSV
