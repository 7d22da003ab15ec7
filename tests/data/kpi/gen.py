#!/usr/bin/env python3
"""gen.py — writes the CSV fixtures of tests/integration/kpi_sql.sh.

Seeded random rows plus hand-written edge cases (see EDGE below). The CSVs
are committed; rerun only to change the fixtures:  python3 gen.py
Amounts are plain decimals (at most 2 fraction digits) so the independent
SQL in kpi_sql.sh can read them with CAST(ROUND(x * 100) AS INTEGER).
"""
import csv, datetime as dt, os, random

R = random.Random(20260315)
HERE = os.path.dirname(os.path.abspath(__file__))
D0 = dt.date(2024, 1, 1)


def day(a, b):
    a, b = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return a + dt.timedelta(days=R.randint(0, (b - a).days))


def money(lo, hi):
    return f"{R.randint(lo * 100, hi * 100) / 100:.2f}"


def write(name, header, rows):
    with open(os.path.join(HERE, name + ".csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


reps = [
    ("r01", "张伟", "华东一组", "rep", "华东", "制造", "1"),
    ("r02", "王芳", "华东一组", "rep", "华东", "", "1"),
    ("r03", "李强", "华东一组", "leader", "华东", "", "1"),
    ("r04", "刘洋", "华北组", "rep", "华北", "零售", "1"),
    ("r05", "陈静", "华北组", "rep", "华北", "", "0"),      # inactive
    ("r06", "杨磊", "华北组", "rep", "华北", "", "1"),
    ("r07", "赵敏", "华南组", "rep", "华南", "", "1"),
    ("r08", "黄丽", "华南组", "presales", "华南", "", "1"),
    ("r09", "周杰", "华南组", "rep", "", "", "1"),
    ("r10", "吴刚", "", "rep", "", "", "1"),                # no team
    ("r11", "郑爽", "华东一组", "manager", "华东", "", "1"),
    ("r12", "孙悦", "华北组", "rep", "华北", "金融", "1"),
]
write("reps", ["rep_id", "name", "team", "role", "region", "industry", "active"], reps)
sellers = [r[0] for r in reps if r[3] == "rep"]

customers = []
for i in range(1, 61):
    customers.append((f"c{i:03d}", f"客户{i:03d}", R.choice(["华东", "华东", "华北", "华南", ""]),
                      R.choice(["制造", "零售", "金融", ""]), R.choice(["small", "medium", "large", ""]),
                      R.choice(sellers + [""]), str(day("2023-01-01", "2025-06-30"))))
write("customers", ["customer_id", "name", "region", "industry", "size", "owner_rep_id", "created_on"], customers)
owner = {c[0]: c[5] for c in customers}

deals = []
for i in range(1, 91):
    c = R.choice(customers)[0]
    created = day("2024-01-01", "2026-05-31")
    stage = R.choices(["won", "lost", "open"], [55, 20, 25])[0]
    closed = "" if stage == "open" else str(created + dt.timedelta(days=R.randint(5, 150)))
    big = R.random() < 0.15
    amount = money(600000, 1500000) if big else money(10000, 400000)
    cost = f"{float(amount) * R.uniform(0.4, 0.85):.2f}" if R.random() < 0.6 else ""
    prob = str(R.randint(1, 9) * 10) if R.random() < 0.7 else ""
    isnew = R.choice(["", "", "0", "1"])
    isren = R.choice(["", "0", "0", "1"])
    deals.append([f"d{i:03d}", c, owner[c] if R.random() < 0.85 else R.choice(sellers), R.choice(["云平台", "咨询", "硬件", ""]),
                  str(created), closed, stage, amount, cost, prob, isnew, isren])
EDGE = [
    # leap day, in 2024-02 and in the T12M window of 2025-02-28
    ["d901", "c001", "r01", "硬件", "2024-01-10", "2024-02-29", "won", "123456.78", "", "", "", "0"],
    # T12M boundary for D = 2026-03-15: 03-15 of 2025 is out, 03-16 is in
    ["d902", "c002", "r02", "云平台", "2025-01-05", "2025-03-15", "won", "1200000.00", "700000.00", "", "", "0"],
    ["d903", "c003", "r04", "云平台", "2025-01-05", "2025-03-16", "won", "1200000.00", "", "", "", "0"],
    ["d904", "c004", "r04", "咨询", "2025-02-01", "2025-12-31", "won", "500000.00", "", "", "1", "0"],   # key, exactly 50万
    # ties: two first won deals of c060 on the same day (first by id: d905)
    ["d906", "c060", "r07", "硬件", "2026-01-02", "2026-02-02", "won", "1000.00", "", "", "", ""],
    ["d905", "c060", "r07", "咨询", "2026-01-02", "2026-02-02", "won", "2000.00", "", "", "", ""],
    # renewals in Q1 2026 by customers that were strategic/key at 2025-12-31
    ["d907", "c003", "r04", "云平台", "2026-01-05", "2026-02-10", "won", "300000.00", "200000.00", "", "0", "1"],
    ["d908", "c004", "r04", "咨询", "2026-01-05", "2026-03-20", "won", "300000.00", "", "", "0", "1"],  # after D
    # created after D: does not exist; won after D: open as of D
    ["d909", "c005", "r01", "硬件", "2026-03-20", "", "open", "88888.88", "", "50", "", ""],
    ["d910", "c006", "r02", "硬件", "2026-02-01", "2026-04-01", "won", "77777.77", "", "60", "", ""],
    # no owner, unknown customer
    ["d911", "c999", "", "", "2026-01-01", "2026-01-20", "won", "5000.00", "1000.00", "", "", ""],
    ["d912", "c007", "r06", "咨询", "2025-12-20", "2026-03-15", "won", "0.05", "0.01", "", "", ""],  # closed on D
]
deals += EDGE
write("deals", ["deal_id", "customer_id", "owner_rep_id", "product", "created_on", "closed_on", "stage", "amount",
                "cost", "probability", "is_new_customer", "is_renewal"], deals)
deal_ids = [d[0] for d in deals]

leads = []
for i in range(1, 61):
    leads.append((f"l{i:03d}", str(day("2025-06-01", "2026-05-31")), R.choice(["web", "event", "referral", ""]),
                  R.choice(["华东", "华北", ""]), R.choice(["制造", ""]), R.choice(sellers + [""]),
                  R.choice(["1", "0", "0"]), R.choice(deal_ids) if R.random() < 0.3 else "", R.choice(["small", "large", ""])))
leads.append(("l900", "2026-03-15", "web", "华东", "", "r01", "1", "d001", ""))  # on D
leads.append(("l901", "2026-03-16", "web", "华东", "", "r01", "1", "d002", ""))  # after D
write("leads", ["lead_id", "created_on", "source", "region", "industry", "owner_rep_id", "qualified", "opportunity_id",
                "size"], leads)

acts = []
for i in range(1, 101):
    acts.append((f"a{i:03d}", str(day("2025-10-01", "2026-04-30")), R.choice([r[0] for r in reps]),
                 R.choice([c[0] for c in customers] + [""]), R.choice(["visit", "visit", "call", "email", "meeting", "other"])))
acts.append(("a900", "2026-03-15", "r01", "c001", "visit"))
acts.append(("a901", "2026-03-16", "r01", "c001", "visit"))
acts.append(("a902", "2024-02-29", "r02", "c002", "visit"))
write("activities", ["activity_id", "occurred_on", "rep_id", "customer_id", "kind"], acts)

invs = []
for i in range(1, 51):
    issued = day("2025-10-01", "2026-04-15")
    due = issued + dt.timedelta(days=30)
    amount = money(1000, 200000)
    k = R.choice(["full", "full", "partial", "over", "none", "late", "nodate"])
    paid = {"full": amount, "partial": f"{float(amount) / 3:.2f}", "over": f"{float(amount) + 100:.2f}",
            "none": "", "late": amount, "nodate": amount}[k]
    paid_on = {"none": "", "nodate": "", "late": "2026-03-25"}.get(k, str(due + dt.timedelta(days=R.randint(-20, 20))))
    c = R.choice(customers)[0]
    invs.append((f"i{i:03d}", "", c, str(issued), str(due), amount, paid, paid_on))
write("invoices", ["invoice_id", "deal_id", "customer_id", "issued_on", "due_on", "amount", "paid", "paid_on"], invs)

spend = []
for i in range(1, 31):
    spend.append((f"s{i:03d}", str(day("2025-11-01", "2026-04-30")), R.choice(["marketing", "travel", "events"]),
                  money(100, 50000), R.choice(["st1", "st2", ""]), "", ""))
write("spend", ["spend_id", "spent_on", "category", "amount", "strategy_id", "task_id", "note"], spend)
