#!/usr/bin/env python3
"""Render the records of bench/run as a terminal table and as bench/RESULTS.md.

usage: report.py RECORDS.tsv RESULTS.md
"""
import sys

records_path, results_path = sys.argv[1], sys.argv[2]

info, pairs, rss, peer_mem, gens, floors = {}, [], [], {}, [], {}
for line in open(records_path, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    kind = f[0]
    if kind == "info":
        info[f[1]] = f[2]
    elif kind == "pair":
        pairs.append(dict(pair=f[1], scale=f[2], status=f[3], tc=f[4], peer=f[5], check=f[6], extra=f[7]))
    elif kind == "rss":
        rss.append(dict(name=f[1], scale=f[2], kb=f[3], status=f[4]))
    elif kind == "peer_mem":
        peer_mem[(f[1], f[2])] = f[3]
    elif kind == "floor":
        floors[(f[1], f[2])] = (f[3], f[4])
    elif kind == "gen":
        gens.append(dict(n=int(f[1]), db=f[2], how=f[3]))

users_of = {g["db"][len("tcbench_"):]: g["n"] for g in gens}
scales = [g["db"][len("tcbench_"):] for g in gens]

PEER = {"unenrolled": "mariadb client, plain SQL", "verify-secrets": "PHP (PDO + openssl)",
        "migrate-secrets": "PHP, row by row", "test-code": "PHP (PDO + openssl)",
        "start-up": "mariadb --version"}
TCCMD = {"unenrolled": "unenrolled --format names", "verify-secrets": "verify-secrets",
         "migrate-secrets": "migrate-secrets --execute", "test-code": "test-code USER CODE",
         "start-up": "--version"}
# Goals named in the issues: (text, test on (ratio, speed-up)); checked from 100k users on.
GOALS = {
    "unenrolled": ("≤ 0.35× the client", lambda ratio, speed: ratio <= 0.35),
    "verify-secrets": ("≥ 3× faster", lambda ratio, speed: speed >= 3),
    "migrate-secrets": ("≥ 20× faster", lambda ratio, speed: speed >= 20),
}
# The time a goal allows tcadmin, from the peer's time.
BUDGET = {"unenrolled": lambda peer: peer * 0.35, "verify-secrets": lambda peer: peer / 3,
          "migrate-secrets": lambda peer: peer / 20}
GOAL_FROM = 100000
FLAT = 1.25   # memory is "flat" when the largest scale needs at most 1.25× the smallest's RSS


def num(x):
    try:
        return float(x)
    except ValueError:
        return None


def dur(x):
    v = num(x)
    if v is None:
        return "—"
    if v < 1:
        return f"{v * 1000:.1f} ms"
    return f"{v:.2f} s"


def rows():
    out = []
    for p in pairs:
        tc, peer = num(p["tc"]), num(p["peer"])
        ratio = tc / peer if tc and peer else None
        speed = peer / tc if tc and peer else None
        tc_text = dur(p["tc"]) if p["status"] == "ok" else p["status"]
        goal, met = "—", "—"
        if p["pair"] in GOALS:
            text, test = GOALS[p["pair"]]
            goal = text
            n = users_of.get(p["scale"], 0)
            if ratio is None:
                met = "n/a"
            elif n < GOAL_FROM:
                met = "(info)"
            else:
                met = "yes" if test(ratio, speed) else "NO"
                floor = num(floors.get((p["pair"], p["scale"]), ("-", ""))[0])
                if met == "NO" and floor and BUDGET[p["pair"]](peer) < floor:
                    met = "NO: below the server's floor"
        extra = ""
        if p["pair"] == "migrate-secrets" and p["extra"].startswith("legacy="):
            legacy = int(p["extra"].split("=")[1])
            parts = []
            if tc:
                parts.append(f"tcadmin {legacy / tc:,.0f}/s")
            if peer:
                parts.append(f"PHP {legacy / peer:,.0f}/s")
            extra = f"{legacy:,} legacy secrets: " + ", ".join(parts) if parts else ""
        elif p["pair"] == "verify-secrets" and p["extra"].startswith("secrets="):
            extra = f"{int(p['extra'].split('=')[1]):,} secrets"
        out.append(dict(pair=p["pair"], scale=p["scale"] if p["scale"] != "-" else "any",
                        tc=tc_text, peer=dur(p["peer"]),
                        ratio=f"{ratio:.3f}×" if ratio else "—", speed=f"{speed:.1f}×" if speed else "—",
                        goal=goal, met=met, check=p["check"], extra=extra))
    return out


def memory_rows():
    names = []
    for r in rss:
        if r["name"] not in names:
            names.append(r["name"])
    names.sort(key=lambda n: n.startswith("peer:"))   # tcadmin's commands first, then the peers
    table = []
    for name in names:
        cells, values = [], []
        for s in (scales if name not in ("--version",) else ["-"]):
            hit = [r for r in rss if r["name"] == name and r["scale"] == s]
            if not hit:
                cells.append("—")
                continue
            r = hit[0]
            if r["kb"] == "-":
                cells.append(r["status"] if r["status"].startswith("n/a") else "—")
                continue
            mb = int(r["kb"]) / 1024
            values.append(mb)
            text = f"{mb:.1f}"
            pm = peer_mem.get((name, s))
            if pm and pm != "-":
                text += f" (PHP heap {pm})"
            if r["status"] not in ("0",):
                text += f" (exit {r['status']})"
            cells.append(text)
        growth, flat = "—", "—"
        if len(values) >= 2 and name not in ("--version",):
            g = values[-1] / values[0]
            growth = f"{g:.2f}×"
            flat = ("yes" if g <= FLAT else "NO") if not name.startswith("peer:") else "(peer)"
        table.append(dict(name=name, cells=cells, growth=growth, flat=flat))
    return table


def terminal():
    r = rows()
    head = ["pair", "scale", "tcadmin", "peer", "tcadmin/peer", "speed-up", "goal", "met?"]
    body = [[x["pair"], x["scale"], x["tc"], x["peer"], x["ratio"], x["speed"], x["goal"], x["met"]] for x in r]
    widths = [max(len(str(row[i])) for row in [head] + body) for i in range(len(head))]
    lines = ["", "  ".join(h.ljust(w) for h, w in zip(head, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in body]
    extras = [f"  {x['pair']} @ {x['scale']}: {x['extra']}" for x in r if x["extra"]]
    checks = [f"  {x['pair']} @ {x['scale']}: {x['check']}" for x in r if x["check"]]
    if extras:
        lines += ["", "throughput:"] + extras
    if checks:
        lines += ["", "checks:"] + checks
    mem = memory_rows()
    if mem:
        cols = scales
        head = ["peak RSS (MB)"] + cols + ["growth", "flat?"]
        body = []
        for m in mem:
            cells = m["cells"] if len(m["cells"]) == len(cols) else m["cells"] + [""] * (len(cols) - len(m["cells"]))
            body.append([m["name"]] + cells + [m["growth"], m["flat"]])
        widths = [max(len(str(row[i])) for row in [head] + body) for i in range(len(head))]
        lines += ["", "  ".join(h.ljust(w) for h, w in zip(head, widths)),
                  "  ".join("-" * w for w in widths)]
        lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in body]
    print("\n".join(lines))


def markdown():
    r = rows()
    md = []
    md.append("# Benchmark results")
    md.append("")
    md.append("Latest figures of `make bench` (written by `bench/run`; every run replaces this file).")
    md.append("Each pair runs in the same invocation, tcadmin beside its peer, against the same database")
    md.append("on the project's private MariaDB server; figures are hyperfine medians. Ratios below 1 in")
    md.append("*tcadmin/peer* and above 1 in *speed-up* favour tcadmin.")
    md.append("")
    md.append(f"- Command: `{info.get('command', '?')}`")
    md.append(f"- Date: {info.get('date', '?')}; run took {int(info.get('duration', 0)) // 60} min {int(info.get('duration', 0)) % 60} s")
    md.append(f"- Machine: {info.get('cpu', '?')}, {info.get('nproc', '?')} cores, {info.get('memory', '?')}; "
              f"{info.get('os', '?')}, {info.get('kernel', '?')}; load average at start {info.get('load', '?')}")
    md.append(f"- MariaDB server {info.get('mariadb', '?')}; client: {info.get('client', '?')}")
    md.append(f"- PHP {info.get('php', '?')}; {info.get('hyperfine', '?')}")
    md.append(f"- {info.get('tcadmin', '?')}, {info.get('commit', '?')}")
    md.append("")
    md.append("## Goals")
    md.append("")
    md.append("| goal (from the issues) | figure | met? |")
    md.append("| --- | --- | --- |")
    for pair, (text, _) in GOALS.items():
        hits = [x for x in r if x["pair"] == pair and users_of.get(x["scale"], 0) >= GOAL_FROM]
        if not hits:
            md.append(f"| `{TCCMD[pair]}` {text} ({PEER[pair]}) at ≥ 100k users | not measured at this scale | — |")
        for x in hits:
            fig = x["ratio"] if pair == "unenrolled" else x["speed"]
            if x["tc"].startswith("n/a") or x["tc"].startswith("error"):
                fig = x["tc"]
            md.append(f"| `{TCCMD[pair]}` {text} ({PEER[pair]}) @ {x['scale']} | {fig} | {x['met']} |")
    mem = memory_rows()
    tc_mem = [m for m in mem if not m["name"].startswith("peer:") and m["name"] != "--version"]
    flat_text = ", ".join(f"{m['name']} {m['growth']}" for m in tc_mem if m["growth"] != "—") or "needs two scales"
    flat_met = "—"
    if any(m["flat"] in ("yes", "NO") for m in tc_mem):
        flat_met = "NO" if any(m["flat"] == "NO" for m in tc_mem) else "yes"
    md.append(f"| memory flat from {scales[0] if scales else '?'} to {scales[-1] if scales else '?'} users "
              f"(peak RSS growth ≤ {FLAT}×) | {flat_text} | {flat_met} |")
    md.append("")
    md.append("## Pairs")
    md.append("")
    md.append("| pair | users | tcadmin | peer | tcadmin/peer | speed-up | goal | met? |")
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for x in r:
        md.append(f"| `{TCCMD[x['pair']]}` vs {PEER[x['pair']]} | {x['scale']} | {x['tc']} | {x['peer']} | "
                  f"{x['ratio']} | {x['speed']} | {x['goal']} | {x['met']} |")
    extras = [x for x in r if x["extra"]]
    if extras:
        md.append("")
        for x in extras:
            md.append(f"- {x['pair']} @ {x['scale']}: {x['extra']}")
    md.append("")
    if floors:
        md.append("")
        md.append("## The server's floor")
        md.append("")
        md.append("What the MariaDB server alone takes to do the work of a pair in one statement, timed in")
        md.append("the same hyperfine run: no client work and, for the migration, no crypto, journal or")
        md.append("compare-and-set. No client can be faster. Where a goal allows tcadmin less time than the")
        md.append("floor, no client on this server can meet it.")
        md.append("")
        md.append("| pair | users | floor (server alone) | tcadmin | tcadmin/floor | peer | the goal allows | reachable? |")
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for (pair, scale), (secs, _) in floors.items():
            x = next((p for p in pairs if p["pair"] == pair and p["scale"] == scale), None)
            if x is None:
                continue
            tc, peer, floor = num(x["tc"]), num(x["peer"]), num(secs)
            budget = BUDGET[pair](peer) if peer else None
            over = f"{tc / floor:.2f}×" if tc and floor else "—"
            reach = "—" if budget is None or floor is None else ("yes" if budget >= floor else "no: below the floor")
            md.append(f"| `{TCCMD[pair]}` | {scale} | {dur(secs)} | {dur(x['tc'])} | {over} | {dur(x['peer'])} | "
                      f"{dur(budget) if budget else '—'} ({GOALS[pair][0]}) | {reach} |")
        md.append("")
        for (pair, scale), (_, desc) in floors.items():
            if scale == scales[-1]:
                md.append(f"- floor of {pair}: {desc}")
    md.append("")
    md.append("Checks made in the same run:")
    md.append("")
    for x in r:
        if x["check"]:
            md.append(f"- {x['pair']} @ {x['scale']}: {x['check']}")
    md.append("")
    md.append("## Peak memory (RSS, MB) of one run")
    md.append("")
    md.append("| command | " + " | ".join(scales) + " | growth | flat? |")
    md.append("| --- | " + " | ".join("---" for _ in scales) + " | --- | --- |")
    for m in mem:
        cells = m["cells"] if m["name"] != "--version" else m["cells"] + [""] * (len(scales) - 1)
        md.append(f"| `{m['name']}` | " + " | ".join(cells) + f" | {m['growth']} | {m['flat']} |")
    md.append("")
    md.append("`peer:` rows are the PHP peers, for comparison (PHP's own `memory_get_peak_usage` in brackets).")
    md.append("")
    md.append("## Data sets")
    md.append("")
    md.append("| database | users | generated |")
    md.append("| --- | --- | --- |")
    for g in gens:
        how = "reused (same generator)" if g["how"] == "reused" else f"in {g['how']} s"
        md.append(f"| `{g['db']}` | {g['n']:,} | {how} |")
    md.append("")
    md.append("`bench/generate.sql` builds them server-side from the SEQUENCE engine on the shapes of")
    md.append("`sql/schema-5.3.sql` (MyISAM, utf8): per user a `users` row, 20 ordinary options and for")
    md.append("85% a `secret` (50% v2, 30% legacy, 5% `''`/`'0'`, 15% missing; values from the published")
    md.append("test vectors, so all decrypt with the default key); 2% locked, 1% hidden, 1% with the")
    md.append("`user_option` user name in upper case; 20 groups, every user in one or two; 1% archived users.")
    md.append("")
    md.append("## How the peers work")
    md.append("")
    md.append("- **unenrolled**: `mariadb --batch --skip-column-names` running the SQL an admin would write")
    md.append("  (`LEFT JOIN` on the `secret` option with `user_option`'s `utf8_general_ci` collation, not")
    md.append("  locked, not hidden, value missing, `''` or `'0'`); its sorted output must equal tcadmin's.")
    md.append("- **verify-secrets**: `bench/peers/verify.php` — PDO over the same socket, a prepared")
    md.append("  `SELECT` (PDO's default buffered result), each value decrypted with PHP's openssl the")
    md.append("  app's way (v2: AES-256-CBC with SHA-256 of the key; legacy: AES-128-ECB), base32 checked.")
    md.append("- **migrate-secrets**: `bench/peers/migrate.php` — reads the legacy rows, decrypts, encrypts")
    md.append("  v2 with a random IV and writes each row with a prepared `UPDATE … WHERE id = ? AND value = ?`")
    md.append("  in autocommit. Before every run of either side `bench/restore` puts the legacy values back")
    md.append("  (hyperfine `--prepare`, not timed). Throughput is legacy secrets / median seconds.")
    md.append("- **test-code**: `bench/peers/testcode.php` — one prepared lookup, decrypt, TOTP with window ±1;")
    md.append("  both sides check the current code of the same v2-enrolled user.")
    md.append("- **start-up**: `tcadmin --version` vs `mariadb --version`.")
    md.append("- Every side connects over the same Unix socket without TLS (`TCADMIN_SSL_MODE=disabled`,")
    md.append("  the client's `skip-ssl`): the private server offers TLS for the tests, a TeamCal install's")
    md.append("  socket connection has none, and PDO would not use it. tcadmin reads no config file")
    md.append("  (`TCADMIN_CONFIG=\"\"`) and takes the connection and key from `--app-dir`.")
    md.append("- Goals are judged from 100k users on; smaller scales are shown for information.")
    md.append("- A command not yet in the binary shows as *n/a (command not built)*; its peer is still measured.")
    md.append("")
    open(results_path, "w", encoding="utf-8").write("\n".join(md))


terminal()
markdown()
