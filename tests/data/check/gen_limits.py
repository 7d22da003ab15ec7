# gen_limits.py OUTDIR — the worst shapes of a plan file at the 16 MiB limit
# (tests/integration/check.sh times `check` on each): one mapping with
# ever more keys, one list with ever more items, a long flow list, many
# big mappings (the value limit), one huge scalar, deep nesting, and the
# largest plan within the limits, full of wrong references.
import sys, os
MAX = 16*1024*1024 - 4096
out = sys.argv[1]
def fill(name, head, item, tail=""):
    with open(os.path.join(out, name), 'w') as f:
        f.write(head)
        i = 0
        while f.tell() < MAX - len(tail) - 200:
            f.write(item(i)); i += 1
        f.write(tail)
H = "plan: {id: x, name: x, period: 2026}\n"
fill("keys.yaml", H + "team:\n", lambda i: f"  k{i}: v\n")
fill("items.yaml", H + "tasks:\n", lambda i: f"  - {{id: t{i}, owner: nobody{i}, start: 2026-01-01, due: 2026-01-02, depends_on: [z{i}]}}\n")
fill("flow.yaml", H + "tiers: [", lambda i: "  " + "a," * 100 + "\n", "  a]\n")
fill("nodes.yaml", H + "bogus:\n", lambda i: ("  - {" + ", ".join(f"k{j}: v" for j in range(900)) + "}\n"))
fill("scalar.yaml", H + "strategies:\n  - {id: s, category: market, goals: [g], name: \"", lambda i: "x" * 1000, "\"}\n")
with open(os.path.join(out, "deep.yaml"), 'w') as f:
    f.write(H + "bogus: " + "[" * 100000 + "]" * 100000 + "\n")
# the largest plan within the limits: 9,000 tasks with wrong references,
# 3,000 goals, each check that looks across items runs on all of them
with open(os.path.join(out, "big.yaml"), 'w') as f:
    f.write(H + "team: {groups: [{id: g, members: [{id: r1, role: rep}]}]}\ngoals:\n")
    for i in range(1500):
        f.write(f"  - {{id: g{i}, metric: visits, target: 10, period: 2026, owner: r{i}, supports: [x{i}]}}\n")
    f.write("strategies:\n")
    for i in range(1500):
        f.write(f"  - {{id: s{i}, category: market, goals: [g{i}, q{i}], answers: [a{i}]}}\n")
    f.write("budget: {total: 100, categories: [{id: c, share: 20}]}\ntasks:\n")
    for i in range(7000):
        f.write(f"  - {{id: t{i}, owner: nobody{i}, strategy: s{i}, start: 2026-01-01, due: 2026-01-02, depends_on: [t{(i+1)%7000}, z{i}], budget: {{category: c, amount: 1}}}}\n")
