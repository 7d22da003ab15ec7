#!/usr/bin/python3
"""xlsx_pack.py — the independent reader of the pack and KPI workbooks
(python3-openpyxl from Debian), used by xlsx_report.sh.

  pack FILE LANG KIND DB D      a review pack (KIND month) or weekly pack
                                (KIND week) as of D: sheet names, frozen
                                header rows, cell types and number formats,
                                charts, and its numbers against SQL on the
                                workspace DB and the JSON files the script
                                left in the current directory
  kpi FILE CSV NBY CHART        a kpi workbook against the CSV output of the
                                same command: keys and values (numbers),
                                formats, the frozen header, the chart type
                                (line, column or none)

Prints one "PASS …" or "FAIL … -- detail" line per check.
"""
import json
import sqlite3
import sys

import openpyxl

SHEETS = {
    ('zh', 'month'): ['概览', '目标', '各团队营收', '逐月营收', '反向漏斗', '客户分层', '预警', '逾期任务', '预算消耗', '复盘记录'],
    ('en', 'month'): ['Summary', 'Goals', 'Revenue by team', 'Revenue by month', 'Reverse funnel', 'Customer tiers',
                      'Alerts', 'Overdue tasks', 'Budget burn', 'Review notes'],
}
SHEETS[('zh', 'week')] = SHEETS[('zh', 'month')][:1] + ['本周对比', '本周商机', '线索与拜访', '跟进停滞', '下周任务'] + \
    SHEETS[('zh', 'month')][1:]
SHEETS[('en', 'week')] = SHEETS[('en', 'month')][:1] + ['This week', 'Deals of the week', 'Leads and visits',
                                                        'Stale follow-ups', 'Tasks next week'] + SHEETS[('en', 'month')][1:]


def res(ok, desc, detail=''):
    print(('PASS ' if ok else 'FAIL ') + desc + ('' if ok else '  -- ' + str(detail)[:400]))


def is_num(c):
    return c.data_type == 'n' and isinstance(c.value, (int, float)) and not isinstance(c.value, bool)


def money_fmt(c):
    return '万' in c.number_format or '¥' in c.number_format


def rows(ws, first=3):
    """the data rows (1-based first row) as lists of cells, up to the first empty row"""
    out = []
    for r in ws.iter_rows(min_row=first):
        if all(c.value is None for c in r):
            break
        out.append(r)
    return out


def col(ws, name):
    """0-based index of the header cell name on row 2"""
    for c in ws[2]:
        if c.value == name:
            return c.column - 1
    raise KeyError(name)


def pack(path, lang, kind, dbpath, D):
    wb = openpyxl.load_workbook(path)
    db = sqlite3.connect(dbpath)
    names = [ws.title for ws in wb.worksheets]
    res(names == SHEETS[(lang, kind)], f'{kind} {lang}: sheet names', names)
    for ws in wb.worksheets[1:]:
        if ws.freeze_panes != 'A3':
            res(False, f'{kind} {lang}: {ws.title} has its header frozen', ws.freeze_panes)
            break
    else:
        res(True, f'{kind} {lang}: every section sheet has its title and header rows frozen (A3)')
    res(all(ws.page_setup.orientation == 'landscape' for ws in wb.worksheets), f'{kind} {lang}: landscape to print')
    sh = {n: wb.worksheets[i] for i, n in enumerate(SHEETS[('en', kind)])}
    # widths follow the display width: a column of Chinese names is wider than 8
    teams = sh['Revenue by team']
    res((teams.column_dimensions['A'].width or 0) >= 8, f'{kind} {lang}: column widths set',
        teams.column_dimensions['A'].width)

    # revenue by team: numbers, money formats, the total against `kpi --format json`
    kj = json.load(open(f'kpi-team-{kind}.json', encoding='utf-8'))
    data = rows(teams)
    vals = [r[1] for r in data[:-1]]
    total = data[-1][1]
    res(all(is_num(c) and money_fmt(c) for c in vals + [total]), f'{kind} {lang}: team revenue cells are money numbers',
        [(c.value, c.number_format) for c in vals + [total]])
    res(abs(total.value - float(kj['total'])) < 0.005, f'{kind} {lang}: team revenue total = kpi JSON total',
        (total.value, kj['total']))
    want = sorted(float(r['value']) for r in kj['rows'])
    got = sorted(c.value for c in vals if c.value)
    res([round(x, 2) for x in got] == [round(x, 2) for x in want if x],
        f'{kind} {lang}: team revenues = kpi JSON rows', (got, want))
    res(all(is_num(r[2]) for r in data), f'{kind} {lang}: deals won are numbers')
    res(len(teams._charts) == 1 and type(teams._charts[0]).__name__ == 'BarChart' and teams._charts[0].type == 'col',
        f'{kind} {lang}: a column chart of revenue by team', [type(c).__name__ for c in teams._charts])
    if lang == 'zh':
        big = [c for c in vals + [total] if c.value and abs(c.value) >= 10000]
        res(big and all('万' in c.number_format for c in big), f'{kind} {lang}: amounts from 1万 up shown in 万',
            [(c.value, c.number_format) for c in big])

    # goals: the revenue goal's target is the plan's, attainment a percentage
    plan = json.load(open('plan.json', encoding='utf-8'))
    goals = sh['Goals']
    g = {r[0].value: r for r in rows(goals)}
    tgt = g['revenue'][col(goals, 'target' if lang == 'en' else '目标值')]
    res(is_num(tgt) and money_fmt(tgt) and abs(tgt.value - float(plan['goals'][0]['target'])) < 0.005,
        f'{kind} {lang}: the revenue target is the plan\'s, as money', (tgt.value, tgt.number_format))
    att = [r[8] for r in rows(goals) if is_num(r[8])]
    res(att and all('%' in c.number_format for c in att), f'{kind} {lang}: attainment as percentages',
        [c.number_format for c in att])
    res(len(goals._charts) == 1, f'{kind} {lang}: attainment chart', len(goals._charts))

    # the monthly line: cumulative actual equals SQL on the won deals
    months = sh['Revenue by month']
    m = rows(months)
    cum = m[-1][2]
    sql = db.execute("select coalesce(sum(amount), 0) from deals where stage='won' and closed_on between '2027-01-01' and ?",
                     (D,)).fetchone()[0] / 100
    res(is_num(cum) and abs(cum.value - sql) < 0.005, f'{kind} {lang}: cumulative revenue to D = SQL', (cum.value, sql))
    res(len(months._charts) == 1 and type(months._charts[0]).__name__ == 'LineChart',
        f'{kind} {lang}: a line chart of the months', [type(c).__name__ for c in months._charts])

    # tiers: the customers known by D against SQL
    tiers = rows(sh['Customer tiers'])
    n = db.execute('select count(*) from customers where created_on is null or created_on <= ?', (D,)).fetchone()[0]
    res(is_num(tiers[-1][1]) and tiers[-1][1].value == n, f'{kind} {lang}: customers in tiers = SQL',
        (tiers[-1][1].value, n))
    share = tiers[-1][3]
    res(is_num(share) and share.value == 1 and '%' in share.number_format, f'{kind} {lang}: tier share 100%',
        (share.value, share.number_format))

    # alerts: stale follow-ups against `alerts --format json`
    aj = json.load(open('alerts.json', encoding='utf-8'))
    stale = sum(1 for a in aj['alerts'] if a['kind'] == 'stale_followup')
    al = rows(sh['Alerts'])
    res(is_num(al[0][1]) and al[0][1].value == stale, f'{kind} {lang}: stale follow-ups = alerts JSON',
        (al[0][1].value, stale))

    if kind != 'week':
        return
    MON = '2027-06-28'
    deals = sh['Deals of the week']
    won_word = 'Won' if lang == 'en' else '赢单'
    won = [r for r in rows(deals) if r[0].value == won_word]
    ids = db.execute("select amount, closed_on from deals where stage='won' and closed_on between ? and ? "
                     "order by amount desc", (MON, D)).fetchall()
    res(sorted(round(r[5].value, 2) for r in won) == sorted(a / 100 for a, _ in ids),
        f'{kind} {lang}: won deals of the week = SQL', ([r[5].value for r in won], ids))
    res(all(r[1].is_date and r[1].number_format == 'yyyy-mm-dd' for r in won), f'{kind} {lang}: dates are dates',
        [(r[1].value, r[1].number_format) for r in won])
    res(str(won[0][1].value)[:10] in [c for _, c in ids], f'{kind} {lang}: the closing date', won[0][1].value)
    # formula-looking text is neutralised: a string with one more apostrophe, never a formula
    prod = [r[4] for r in rows(deals) if r[4].value and '=HYPERLINK' in str(r[4].value)]
    res(prod and all(c.data_type == 's' and c.value.startswith("'=") for c in prod),
        f'{kind} {lang}: a product named =HYPERLINK(…) is text, neutralised', [(c.value, c.data_type) for c in prod])
    reps = sh['Leads and visits']
    rr = rows(reps)
    leads = db.execute('select count(*) from leads where created_on between ? and ?', (MON, D)).fetchone()[0]
    res(is_num(rr[-1][2]) and rr[-1][2].value == leads, f'{kind} {lang}: leads this week = SQL', (rr[-1][2].value, leads))
    res(len(reps._charts) == 1, f'{kind} {lang}: a chart of leads and visits per rep', len(reps._charts))
    st = rows(sh['Stale follow-ups'])
    res(len(st) == stale and all(is_num(r[2]) for r in st), f'{kind} {lang}: one row per stale follow-up, days as numbers',
        (len(st), stale))
    nx = rows(sh['Tasks next week'])
    res(any(r[0].value == 't-nextwk' and r[3].is_date for r in nx), f'{kind} {lang}: the task due next week, dated',
        [[c.value for c in r] for r in nx])


def kpi(path, csvpath, nby, chart):
    import csv
    nby = int(nby)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    res(ws.freeze_panes == 'A4', 'kpi: header frozen', ws.freeze_panes)
    data = rows(ws, 4)
    want = list(csv.reader(open(csvpath, encoding='utf-8')))[1:]
    body = data[:-1] if nby else data
    # the value column is the last non-empty column of the header
    hdr = [c for c in ws[3] if c.value is not None]
    vcol = hdr[-1].column - 1
    # the key columns (ids, as in CSV); a name column beside ("rep (name)") is skipped
    kcols = [c.column - 1 for c in hdr[:-1] if not str(c.value).endswith(')')] if nby else []
    got = []
    for r in body:
        keys = [str(r[k].value if r[k].value is not None else '') for k in kcols]
        v = r[vcol]
        got.append(keys + [v.value if is_num(v) else None])
    ok = len(got) == len(want)
    for g, w in zip(got, want):
        if nby:
            ok = ok and g[:-1] == w[:-1]
        wv = w[-1] if nby else None
        if wv:
            ok = ok and g[-1] is not None and abs(g[-1] - float(wv)) < 1e-9 * max(1, abs(float(wv)))
    res(ok, f'kpi {path}: keys and values = CSV', (got[:4], want[:4]))
    fmts = {r[vcol].number_format for r in data if is_num(r[vcol])}
    res(bool(fmts), f'kpi {path}: values are numbers', fmts)
    if chart == 'none':
        res(not ws._charts, f'kpi {path}: no chart', len(ws._charts))
    else:
        t = {'line': 'LineChart', 'column': 'BarChart'}[chart]
        res(len(ws._charts) == 1 and type(ws._charts[0]).__name__ == t, f'kpi {path}: a {chart} chart',
            [type(c).__name__ for c in ws._charts])
    print('FORMATS ' + ' '.join(sorted(fmts)))


if __name__ == '__main__':
    {'pack': pack, 'kpi': kpi}[sys.argv[1]](*sys.argv[2:])
