"""How long `disclo requests --overdue` takes on a ledger of a million requests (issue "Deadlines").

    python benchmarks/requests_due.py                  # 1M requests, median of 3 fresh processes
    python benchmarks/requests_due.py --size 100k --open 0.05

The ledger is made once (untimed, cached in benchmarks/data/requests-<size>-<open>/) the way an office
makes it: `disclo init`, then `disclo ingest` of a generated request register (CSV). Requests are
received over 2019–2026; a share `--open` (default 2 %, a busy county's) is not answered yet, the
others are answered within 45 days; 10 % extended, 5 % with a 补正. Timed: `disclo requests --overdue
--as-of 2026-12-01` (its table to a pipe) and `disclo requests --due-within 5`, each a fresh process,
beside `disclo --help` for the start-up. Not a test: the figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST, LAST = dt.date(2019, 1, 2), dt.date(2026, 11, 30)
HEADER = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请内容", "办理结果", "具体情形", "答复日期", "是否延期", "延期告知日期", "补正通知日期", "补正收到日期"]
APPLICANTS = ["自然人"] * 8 + ["商业企业", "法律服务机构"]
CHANNELS = ["网上", "当面", "信函", "电子邮件"]


def size_of(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def register(path: Path, n: int, open_share: float, seed: int = 11) -> None:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for i in range(n):
            received = FIRST + dt.timedelta(days=rng.randrange(span + 1))
            row = [f"YSQ-{i:07d}", received.isoformat(), rng.choice(CHANNELS), rng.choice(APPLICANTS), f"申请公开事项{i % 997}", "", "", "", "", "", "", ""]
            kind = rng.random()
            if kind < 0.10:
                row[8], row[9] = "是", (received + dt.timedelta(days=25)).isoformat()
            elif kind < 0.15:
                row[10], row[11] = (received + dt.timedelta(days=3)).isoformat(), (received + dt.timedelta(days=9)).isoformat()
            if rng.random() >= open_share:
                row[5], row[7] = "予以公开", (received + dt.timedelta(days=rng.randrange(1, 45))).isoformat()
            f.write(",".join(row) + "\r\n")


def disclo(*args: str, cwd: Path) -> float:
    exe = Path(sys.executable).with_name("disclo")
    start = time.perf_counter()
    done = subprocess.run([str(exe), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"disclo {' '.join(args)} exited {done.returncode}: {done.stderr.decode('utf-8', 'replace')[-400:]}")
    return took


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1M")
    ap.add_argument("--open", type=float, default=0.02, dest="open_share")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    n = size_of(args.size)
    ws = HERE / "data" / f"requests-{args.size}-{args.open_share:g}"
    if not (ws / "disclo.sqlite").exists():
        ws.mkdir(parents=True, exist_ok=True)
        csv = ws / "依申请公开台账.csv"
        print(f"making the ledger of {n:,} requests in {ws} (once) …", file=sys.stderr)
        register(csv, n, args.open_share)
        subprocess.run([str(Path(sys.executable).with_name("disclo")), "init", str(ws)], check=True, capture_output=True)
        t = disclo("ingest", csv.name, cwd=ws)
        print(f"  ingest: {t:.1f} s", file=sys.stderr)
    rows = []
    for label, cmd in (("disclo --help", ["--help"]),
                       ("disclo requests --overdue", ["requests", "--overdue", "--as-of", "2026-12-01"]),
                       ("disclo requests --due-within 5", ["requests", "--due-within", "5", "--as-of", "2026-12-01"])):
        times = [disclo(*cmd, cwd=ws) for _ in range(args.repeat)]
        rows.append((label, min(times), statistics.median(times), max(times)))
    print(f"{n:,} requests, {args.open_share:.0%} open; seconds (min / median / max of {args.repeat} fresh processes)")
    for label, lo, med, hi in rows:
        print(f"  {label:34} {lo:6.2f} {med:6.2f} {hi:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
