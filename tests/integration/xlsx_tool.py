#!/usr/bin/python3
"""xlsx_tool.py — the independent reader and editor of the workbook tests
(python3-openpyxl from Debian, which saves like a spreadsheet program: its
own string storage, styles and part layout).

  inspect FILE LANG      check sheet names, cell types and number formats,
                         drop-downs, frozen rows, print setup, formulas
  edit FILE OUT          change two goal targets (sum kept) and add a task
  set FILE OUT SHEET_INDEX CELL VALUE   put VALUE (text) into one cell
  fromcsv CSV OUT        the CSV as a typed workbook: numbers as numbers,
                         dates as dates (every other one as a bare serial
                         number, as some CRMs write them), sheet "Deals"
                         after an empty first sheet "Notes"
  csv FILE OUT ROWS...   write a one-sheet workbook: each ROW is "a|b|c";
                         a cell "@date:2027-03-01" is a real date
"""
import datetime
import sys

import openpyxl

SHEETS = {
    'en': ['Cover', 'Goals', 'Situation', 'Strategies', 'Execution plan', 'Resources & budget', 'Monitoring'],
    'zh': ['封面', '目标', '现状分析', '策略', '执行计划', '资源与预算', '监控'],
}


def fail(msg):
    print('xlsx_tool: ' + msg, file=sys.stderr)
    sys.exit(1)


def find_row(ws, col, value):
    for row in ws.iter_rows():
        if len(row) > col and row[col].value == value:
            return row
    fail('no row with %r in column %d of %s' % (value, col, ws.title))


def inspect(path, lang):
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == 'visible']
    if visible != SHEETS[lang]:
        fail('sheets %r' % visible)
    hidden = [ws.title for ws in wb.worksheets if ws.sheet_state != 'visible']
    if hidden != ['lists']:
        fail('hidden sheets %r' % hidden)
    goals = wb.worksheets[1]
    if goals.freeze_panes != 'A3':
        fail('goals frozen at %r' % goals.freeze_panes)
    for ws in wb.worksheets[:7]:
        # fit to one page wide (fitToWidth 1 is the default, so omitted), any height
        if (ws.page_setup.orientation != 'landscape' or not ws.sheet_properties.pageSetUpPr.fitToPage
                or ws.page_setup.fitToWidth not in (None, 1) or ws.page_setup.fitToHeight != 0):
            fail('%s not landscape / fit to width' % ws.title)
    rev = find_row(goals, 0, 'rev')
    t = rev[6]
    if not isinstance(t.value, (int, float)) or abs(t.value - 12345600) > 1e-6:
        fail('rev target %r' % t.value)
    if '万' not in t.number_format:
        fail('rev target format %r' % t.number_format)
    s = rev[13].value
    if not (isinstance(s, str) and s.startswith('=SUM(')):
        fail('sum of children %r' % s)
    margin = find_row(goals, 0, 'margin')[6]
    if abs(margin.value - 0.375) > 1e-12 or '%' not in margin.number_format:
        fail('margin %r %r' % (margin.value, margin.number_format))
    cyc = find_row(goals, 0, 'cycle')[6]
    if abs(cyc.value - 12.25) > 1e-12:
        fail('cycle %r' % cyc.value)
    # column widths follow the display width (CJK = 2)
    # drop-downs: metric from the hidden sheet, type inline
    dv = {str(d.sqref).split(':')[0][:1]: d for d in goals.data_validations.dataValidation}
    if 'lists!' not in (dv['F'].formula1 or ''):
        fail('metric drop-down %r' % dv['F'].formula1)
    if dv['E'].formula1 != '"result,process"':
        fail('type drop-down %r' % dv['E'].formula1)
    lists = wb['lists']
    col = [c.value for c in lists['A'] if c.value]
    if 'revenue' not in col or 'gross_margin' not in col:
        fail('lists %r' % col[:5])
    tasks = wb.worksheets[4]
    t1 = find_row(tasks, 0, 't1')
    if not isinstance(t1[5].value, datetime.datetime) or t1[5].value.date() != datetime.date(2027, 4, 1):
        fail('start %r' % t1[5].value)
    if abs(t1[11].value - 12345.67) > 1e-9 or '¥' not in t1[11].number_format:
        fail('task budget %r %r' % (t1[11].value, t1[11].number_format))
    tdv = [str(d.sqref) for d in tasks.data_validations.dataValidation]
    if not any(s.startswith('K') for s in tdv):
        fail('no budget category drop-down: %r' % tdv)
    # formula injection: text starting with = + - @ is neutralised
    cover = wb.worksheets[0]
    name = find_row(cover, 1, "'=明前茶 2027 销售计划; 杭州")
    if name is None:
        fail('plan name not neutralised')
    sit = wb.worksheets[2]
    find_row(sit, 4, "'+健康饮品需求上升")
    find_row(sit, 4, "'@直播电商分流; 价格战")
    res = wb.worksheets[5]
    if not any(isinstance(c.value, str) and c.value.startswith('=SUMIF(') for row in res.iter_rows() for c in row):
        fail('no budget SUMIF formula')
    if not any('"leader,rep,presales,manager"' == d.formula1 for d in res.data_validations.dataValidation):
        fail('no role drop-down')
    # column widths by display width: the CJK task name column is wider
    # than its ASCII header alone would make it
    w = tasks.column_dimensions['C'].width
    if not w or w < 2 * 9:
        fail('task name column width %r' % w)
    print('inspect ok')


def edit(path, out):
    wb = openpyxl.load_workbook(path)
    goals = wb.worksheets[1]
    find_row(goals, 0, 'rev-h1-q1')[6].value = 2600000
    find_row(goals, 0, 'rev-h1-q2')[6].value = 3400000
    tasks = wb.worksheets[4]
    r = tasks.max_row + 1
    row = ['t3', 's1', '年终客户答谢会', 'h01', 'h02; o01', datetime.datetime(2027, 12, 1),
           datetime.datetime(2027, 12, 20), 't1; t2', 'false', '答谢会', 'ops', 8000, '场地；茶点']
    for i, v in enumerate(row):
        c = tasks.cell(row=r, column=i + 1, value=v)
        if isinstance(v, datetime.datetime):
            c.number_format = 'yyyy-mm-dd'
    wb.save(out)


def set_cell(path, out, idx, ref, value):
    wb = openpyxl.load_workbook(path)
    wb.worksheets[int(idx)][ref].value = value
    wb.save(out)


def csv(out, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'CRM导出'
    for r, line in enumerate(rows, 1):
        for c, v in enumerate(line.split('|'), 1):
            if v.startswith('@date:'):
                cell = ws.cell(row=r, column=c, value=datetime.datetime.fromisoformat(v[6:]))
                cell.number_format = 'yyyy/m/d'
            elif v.startswith('@num:'):
                ws.cell(row=r, column=c, value=float(v[5:]))
            elif v != '':
                ws.cell(row=r, column=c, value=v)
    other = wb.create_sheet('备注')
    other['A1'] = 'not the data'
    wb.save(out)


def fromcsv(path, out):
    import csv as csvmod
    import re
    wb = openpyxl.Workbook()
    wb.active.title = 'Notes'
    wb.active['A1'] = 'exported by a CRM'
    ws = wb.create_sheet('Deals')
    epoch = datetime.date(1899, 12, 30)
    with open(path, encoding='utf-8-sig') as f:
        for r, row in enumerate(csvmod.reader(f), 1):
            for c, v in enumerate(row, 1):
                if r > 1 and re.fullmatch(r'\d{4}-\d{2}-\d{2}', v):
                    d = datetime.date.fromisoformat(v)
                    if (r + c) % 2:
                        cell = ws.cell(row=r, column=c, value=datetime.datetime(d.year, d.month, d.day))
                        cell.number_format = 'yyyy"年"m"月"d"日"'
                    else:
                        ws.cell(row=r, column=c, value=(d - epoch).days)
                elif r > 1 and re.fullmatch(r'-?\d+(\.\d+)?', v):
                    ws.cell(row=r, column=c, value=float(v) if '.' in v else int(v))
                elif v != '':
                    ws.cell(row=r, column=c, value=v)
    wb.save(out)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'inspect':
        inspect(sys.argv[2], sys.argv[3])
    elif cmd == 'edit':
        edit(sys.argv[2], sys.argv[3])
    elif cmd == 'set':
        set_cell(*sys.argv[2:7])
    elif cmd == 'fromcsv':
        fromcsv(sys.argv[2], sys.argv[3])
    elif cmd == 'csv':
        csv(sys.argv[2], sys.argv[3:])
    else:
        fail('unknown command ' + cmd)
