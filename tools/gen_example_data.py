#!/usr/bin/env python3
"""gen_example_data.py — writes the small example CRM data set that
`make demo` imports (examples/data/*.csv), fitting examples/plan-zh.yaml:
the reps of the plan's team, customers in several regions and industries,
and two years of deals, leads, activities, invoices and spend up to
2026-11-26. Deterministic (fixed seed). Run from the repository root:
    python3 tools/gen_example_data.py examples/data
"""
import csv, datetime as dt, os, random, sys

out = sys.argv[1] if len(sys.argv) > 1 else 'examples/data'
os.makedirs(out, exist_ok=True)
R = random.Random(20261126)
START, END = dt.date(2025, 1, 1), dt.date(2026, 11, 26)
SPAN = (END - START).days

def day(lo=START, hi=END):
    return lo + dt.timedelta(days=R.randint(0, (hi - lo).days))

def w(name, header, rows):
    with open(os.path.join(out, name), 'w', newline='', encoding='utf-8') as f:
        c = csv.writer(f, lineterminator='\n')
        c.writerow(header)
        c.writerows(rows)

reps = [
    ('r001', '王强', 'mfg', 'leader', '华东', '制造业', 1),
    ('r002', '李娜', 'mfg', 'rep', '华东', '制造业', 1),
    ('r003', '赵敏', 'mfg', 'rep', '华东', '制造业', 1),
    ('r004', '陈杰', 'mfg', 'presales', '华东', '制造业', 1),
    ('r005', '刘洋', 'retail', 'leader', '华南', '零售', 1),
    ('r006', '孙悦', 'retail', 'rep', '华南', '零售', 1),
    ('r007', '周鹏', 'retail', 'rep', '华北', '零售', 0),
]
w('reps.csv', ['rep_id', 'name', 'team', 'role', 'region', 'industry', 'active'], reps)
sellers = ['r001', 'r002', 'r003', 'r005', 'r006', 'r007']

regions = ['华东', '华东', '华东', '华北', '华南', '西南']
industries = ['制造业', '制造业', '零售', '金融']
sizes = ['small', 'medium', 'medium', 'large']
customers = []
for i in range(1, 61):
    cid = 'c%03d' % i
    owner = R.choice(sellers)
    customers.append((cid, '客户%03d有限公司' % i, R.choice(regions), R.choice(industries),
                      R.choice(sizes), owner, day(dt.date(2024, 6, 1), dt.date(2026, 9, 30)).isoformat()))
w('customers.csv', ['customer_id', 'name', 'region', 'industry', 'size', 'owner_rep_id', 'created_on'], customers)

products = ['ERP', 'MES', 'CRM云']
deals, n = [], 0
for c in customers:
    for k in range(R.randint(1, 6)):
        n += 1
        created = day()
        amount = R.choice([50000, 120000, 300000, 800000, 1500000]) * R.uniform(0.6, 1.4)
        amount = round(amount, 2)
        r = R.random()
        if created > END - dt.timedelta(days=45) or r < 0.25:
            stage, closed = 'open', ''
        else:
            closed_d = created + dt.timedelta(days=R.randint(10, 120))
            if closed_d > END:
                stage, closed = 'open', ''
            else:
                stage, closed = ('won' if r < 0.7 else 'lost'), closed_d.isoformat()
        cost = '' if R.random() < 0.2 else '%.2f' % (amount * R.uniform(0.4, 0.7))
        if R.random() < 0.1:            # some CRMs export 万 amounts
            amount = float(round(amount, -2))
            amt = '%.2f万' % (amount / 10000)
        else:
            amt = '%.2f' % amount
        deals.append(('d%04d' % n, c[0], c[5], R.choice(products), created.isoformat(), closed, stage,
                      amt, cost, R.choice([10, 30, 50, 70, 90]), '', 1 if k > 0 and R.random() < 0.3 else 0))
w('deals.csv', ['deal_id', 'customer_id', 'owner_rep_id', 'product', 'created_on', 'closed_on', 'stage',
                'amount', 'cost', 'probability', 'is_new_customer', 'is_renewal'], deals)

leads = []
for i in range(1, 901):
    created = day()
    q = R.random() < 0.45
    opp = ('d%04d' % R.randint(1, n)) if q and R.random() < 0.4 else ''
    leads.append(('l%04d' % i, created.isoformat(), R.choice(['官网', '展会', '转介绍', '电话']),
                  R.choice(regions), R.choice(industries), R.choice(['r004'] + sellers), 1 if q else 0, opp))
w('leads.csv', ['lead_id', 'created_on', 'source', 'region', 'industry', 'owner_rep_id', 'qualified',
                'opportunity_id'], leads)

acts = []
kinds = ['visit', 'visit', 'call', 'call', 'email', 'meeting', 'other']
for i in range(1, 4001):
    c = R.choice(customers)
    when = day()
    # a few customers nobody has followed up lately (for the stale follow-up alert)
    if c[0] in ('c007', 'c013', 'c021') and when > dt.date(2026, 10, 15):
        when = when - dt.timedelta(days=60)
    acts.append(('a%05d' % i, when.isoformat(), c[5], c[0], R.choice(kinds)))
w('activities.csv', ['activity_id', 'occurred_on', 'rep_id', 'customer_id', 'kind'], acts)

inv = []
for d in deals:
    if d[6] != 'won':
        continue
    issued = dt.date.fromisoformat(d[5])
    due = issued + dt.timedelta(days=30)
    amount = float(d[7][:-1]) * 10000 if d[7].endswith('万') else float(d[7])
    r = R.random()
    if r < 0.6 and due <= END:
        paid, paid_on = amount, min(END, due - dt.timedelta(days=R.randint(0, 20))).isoformat()
    elif r < 0.8:
        paid, paid_on = round(amount * 0.5, 2), min(END, due + dt.timedelta(days=R.randint(1, 40))).isoformat()
    else:
        paid, paid_on = 0, ''
    inv.append(('i' + d[0][1:], d[0], d[1], issued.isoformat(), due.isoformat(), '%.2f' % amount,
                '%.2f' % paid if paid else '', paid_on))
w('invoices.csv', ['invoice_id', 'deal_id', 'customer_id', 'issued_on', 'due_on', 'amount', 'paid', 'paid_on'], inv)

cats = ['marketing', 'customer_ops', 'training', 'reserve']
spend = []
for i in range(1, 121):
    when = day(dt.date(2026, 1, 1))
    spend.append(('s%03d' % i, when.isoformat(), R.choice(cats), '%.2f' % R.uniform(500, 20000),
                  'east-mfg' if R.random() < 0.5 else '', 'bench-select' if R.random() < 0.1 else '', ''))
w('spend.csv', ['spend_id', 'spent_on', 'category', 'amount', 'strategy_id', 'task_id', 'note'], spend)
print('wrote', out)
