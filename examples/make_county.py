"""Generate the example county (examples/county/): 示例县 and its 30 units of 2023, in the three ways a
unit's data reaches a county — a member workspace, a unit's export (JSON), rows of the county's own
registers (a unit column, or files filed with --unit KEY) — with one unit's register broken (a row
with an outcome nobody knows) and one unit missing (its export never arrived).

Run from the repository root:

    python examples/make_county.py            # the files of examples/county/ (deterministic)
    python examples/make_county.py --ledgers  # and file every register into its ledger, to try it

The registers are tiny CSV files (a few rows per unit and year, 2022 and 2023). The exports are made
by disclo itself (disclo_cli.rollup.interchange.export_year) from scratch workspaces, with a fixed
time, so a re-run gives the same bytes. `make_county(dest, units=N)` makes a county of N units for
the benchmark (benchmarks/rollup.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "county"
YEARS = (2022, 2023)
FIXED = dt.datetime(2024, 1, 8, 9, 0, 0)

ITEM_HEADER = ["索引号", "标题", "类别", "文件类型", "发布日期", "公开渠道"]
REQUEST_HEADER = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请内容", "办理结果", "具体情形", "答复日期", "是否延期"]
CASE_HEADER = ["案件编号", "类型", "起诉方式", "立案日期", "结果"]
CATEGORIES = ["机构职能", "政策文件", "通知公告", "工作动态", "财政信息"]
CHANNELS = ["政府网站", "政府网站", "政府网站", "政务新媒体", "政府公报"]
APPLICANTS = ["自然人"] * 6 + ["商业企业", "法律服务机构", "其他"]
OUTCOMES = [("予以公开", "")] * 5 + [("部分公开", ""), ("不予公开", "保护第三方合法权益"), ("无法提供", "本机关不掌握相关政府信息"), ("不予处理", "信访举报投诉类申请")]
CASES = [("行政复议", "", "结果维持"), ("行政复议", "", "尚未审结"), ("行政诉讼", "未经复议直接起诉", "结果维持"), ("行政诉讼", "复议后起诉", "其他结果")]

#: (key, name, type, source); the first 30 exist in 2023. Sources: W member workspace, E export, C
#: a unit column of the county's register 县本级台账, U the unit's own files filed with --unit KEY.
UNITS = [
    ("xzfb", "示例县人民政府办公室", "部门", "C"), ("fgj", "示例县发展和改革局", "部门", "C"), ("sfj", "示例县司法局", "部门", "C"),
    ("tjj", "示例县统计局", "部门", "E"), ("czj", "示例县财政局", "部门", "E"), ("jyj", "示例县教育局", "部门", "E"),
    ("gaj", "示例县公安局", "部门", "E"), ("mzj", "示例县民政局", "部门", "E"), ("rsj", "示例县人力资源和社会保障局", "部门", "E"),
    ("zrzyj", "示例县自然资源局", "部门", "E"), ("zjj", "示例县住房和城乡建设局", "部门", "E"), ("jtj", "示例县交通运输局", "部门", "E"),
    ("slj", "示例县水利局", "部门", "E"), ("nyncj", "示例县农业农村局", "部门", "W"), ("wjj", "示例县卫生健康局", "部门", "W"),
    ("scjgj", "示例县市场监督管理局", "部门", "W"), ("wlj", "示例县文化和旅游局", "部门", "W"), ("yjj", "示例县应急管理局", "部门", "U"),
    ("ybj", "示例县医疗保障局", "部门", "U"), ("sjj", "示例县审计局", "部门", "U"), ("kfq", "示例县经济开发区管理委员会", "开发区", "C"),
    ("cgz", "示例县城关镇人民政府", "乡镇", "W"), ("dlz", "示例县东岭镇人民政府", "乡镇", "W"), ("xhx", "示例县西河乡人民政府", "乡镇", "W"),
    ("nsx", "示例县南山乡人民政府", "乡镇", "W"), ("bpz", "示例县北坪镇人民政府", "乡镇", "W"), ("qsz", "示例县青石镇人民政府", "乡镇", "W"),
    ("cdjd", "示例县城东街道办事处", "街道", "W"), ("cxjd", "示例县城西街道办事处", "街道", "U"), ("sthj", "示例县生态环境分局", "部门", "C"),
    # merged into 文化和旅游局 at the end of 2022: its last year is 2022
    ("whj", "示例县文化局", "部门", "W"),
]
BROKEN = "xhx"  # its 2023 requests register has a row with an outcome no vocabulary knows
MISSING = "tjj"  # listed, but its export of 2023 never arrived
LAST_YEARS_FILE = ("czj", "jyj")  # exports whose file of 2022 the county kept


@dataclass
class Unit:
    key: str
    name: str
    type: str
    source: str
    items: dict[int, list[list[str]]] = field(default_factory=dict)
    requests: dict[int, list[list[str]]] = field(default_factory=dict)
    cases: dict[int, list[list[str]]] = field(default_factory=dict)
    yearly: dict[int, dict[str, object]] = field(default_factory=dict)
    docs_in_force: int = 0


def _day(rng: random.Random, year: int, first: int = 1, last: int = 12) -> dt.date:
    while True:
        d = dt.date(year, rng.randint(first, last), rng.randint(1, 28))
        if d.weekday() < 5:
            return d


def _workday_after(d: dt.date, days: int) -> dt.date:
    n = 0
    while n < days:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n += 1
    return d


def generate(n_units: int = 30, seed: int = 2023) -> list[Unit]:
    rng = random.Random(seed)
    units = []
    spec = UNITS if n_units == 30 else [(f"u{i:03d}", f"示例单位{i:03d}", ("部门", "乡镇", "街道")[i % 3], "WEUC"[i % 4]) for i in range(n_units)]
    for key, name, kind, source in spec:
        u = Unit(key, name, kind, source, docs_in_force=rng.randint(0, 6))
        years = {"whj": (2022,), "wlj": (2023,)}.get(key, YEARS)  # 文化局 merged into 文化和旅游局 at the end of 2022
        for year in years:
            u.items[year] = [[f"{key.upper()}-{year}-{i + 1:03d}", f"{name}{year}年信息{i + 1}", rng.choice(CATEGORIES),
                              "行政规范性文件" if rng.random() < 0.1 else "", _day(rng, year).isoformat(), rng.choice(CHANNELS)]
                             for i in range(rng.randint(2, 7))]
            rows = []
            volume = {("gaj", 2022): 1, ("gaj", 2023): 12}.get((key, year), rng.choice([0, 1, 2, 2, 3, 3, 4, 5]) if source != "E" else rng.randint(1, 5))
            for i in range(volume):  # 公安局: 1 request in 2022, 12 in 2023 (a jump check flags)
                received = _day(rng, year, 1, 11)
                outcome, reason = rng.choice(OUTCOMES)
                extended = rng.random() < 0.15
                late = not extended and rng.random() < 0.08
                answered = _workday_after(received, rng.randint(1, 30) if extended else rng.randint(22, 26) if late else rng.randint(1, 19))
                rows.append([f"{year}-{i + 1:03d}", received.isoformat(), rng.choice(["网上申请", "当面申请", "信函申请"]), rng.choice(APPLICANTS),
                             f"申请公开{name}的信息{i + 1}", outcome, reason, answered.isoformat(), "是" if extended else ""])
            if year == 2022 and key != "whj" and rng.random() < 0.5:  # received in December, answered in January: carried over
                received = dt.date(2022, 12, rng.randint(19, 23))
                rows.append(["2022-099", received.isoformat(), "网上申请", "自然人", f"{name}年末申请", "予以公开", "", _workday_after(received, 8).isoformat(), ""])
            u.requests[year] = rows
            u.cases[year] = [[f"{key}-{year}-A{i + 1}", type_, route, _day(rng, year).isoformat(), result]
                             for i, (type_, route, result) in enumerate(rng.choice(CASES) for _ in range(rng.choice([0, 0, 0, 1, 2])))]
            u.yearly[year] = {"licence_decisions": rng.randint(0, 40), "penalty_decisions": rng.randint(0, 9), "enforcement_decisions": rng.randint(0, 2),
                              "fees_amount": 0}
        if key == "wlj":  # took over 文化局's requests open at the end of 2022: they are in its register of 2023 (answered in January)
            u.requests[2023] += [["WHJ-2022-099", "2022-12-22", "网上申请", "自然人", "文化局年末申请", "予以公开", "", "2023-01-05", ""]]
        if key == "whj":
            u.requests[2022] += [["WHJ-2022-099", "2022-12-22", "网上申请", "自然人", "文化局年末申请", "", "", "", ""]]
        if key == BROKEN:
            u.requests[2023].append(["2023-098", "2023-06-12", "当面申请", "自然人", "一行写错的申请", "转办他处", "", "2023-06-20", ""])
        units.append(u)
    return units


# --- writing ----------------------------------------------------------------------------------

def _csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n").encode("utf-8-sig"))


def _toml_value(v: object) -> str:
    return str(v) if not isinstance(v, str) else f'"{v}"'


def _member_toml(u: Unit) -> str:
    lines = ["# a member workspace of 示例县 (examples/make_county.py)", "[office]", f'name = "{u.name}"', "", "[categories]",
             "labels = [" + ", ".join(f'"{c}"' for c in CATEGORIES) + "]", "", "[opening]",
             "through = 2021", f"normative_docs_in_force = {u.docs_in_force}", ""]
    for year, figures in sorted(u.yearly.items()):
        lines += [f"[yearly.{year}]", *(f"{k} = {_toml_value(v)}" for k, v in figures.items()), ""]
    return "\n".join(lines)


def _write_registers(folder: Path, u: Unit, years=YEARS, *, unit_column: str = "") -> list[Path]:
    out = []
    for year in years:
        if year not in u.items:
            continue
        for kind, header, rows in (("主动公开台账", ITEM_HEADER, u.items[year]), ("依申请公开台账", REQUEST_HEADER, u.requests[year]),
                                   ("行政复议诉讼台账", CASE_HEADER, u.cases[year])):
            if not rows and kind != "主动公开台账":
                continue
            head = header + (["发布机构" if kind == "主动公开台账" else "被申请单位" if kind == "行政复议诉讼台账" else "承办单位"] if unit_column else [])
            path = folder / f"{kind}{year}.csv"
            _csv(path, head, [r + ([unit_column] if unit_column else []) for r in rows])
            out.append(path)
    return out


def _ingest(ws: Path, files: list[Path], unit: str = "") -> None:
    from disclo_cli import config as cfg
    from disclo_cli.service import ingest_files

    conf = cfg.load(ws / "disclo.toml")
    if not Path(conf.db_path).exists():  # what `disclo init` makes: only init makes a ledger
        from disclo_cli.ledger import Ledger

        Ledger.open(conf, create=True).close()
    kw = {}
    if unit:
        from disclo_cli.rollup.units import column_unit

        kw["unit"] = column_unit(conf.units, unit)
    ingest_files([str(f) for f in files], conf, **kw)
    conn = sqlite3.connect(str(conf.db_path))  # a fixed filing time: the export's bytes do not change
    with conn:
        conn.execute("UPDATE sources SET ingested_at = ?", (FIXED.isoformat(),))
        conn.execute("UPDATE versions SET ingested_at = ?", (FIXED.isoformat(),))
    conn.close()


def _export(u: Unit, dest: Path, years=YEARS) -> None:
    """The unit's exports, made by disclo from a scratch workspace, as the unit would make them."""
    from disclo_cli import config as cfg
    from disclo_cli.rollup.interchange import export_text, export_year

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "disclo.toml").write_text(_member_toml(u), encoding="utf-8")
        _ingest(ws, _write_registers(ws, u))
        conf = cfg.load(ws / "disclo.toml")
        for year in years:
            payload, _findings = export_year(conf, year, unit=u.key, now=FIXED)
            (dest / f"{u.key}-{year}.json").write_text(export_text(payload), encoding="utf-8")


def _county_toml(units: list[Unit]) -> str:
    lines = ["# 示例县's roll-up (examples/make_county.py): 30 units of 2023, in three kinds of place.",
             "[office]", 'name = "示例县人民政府"', 'short_name = "县政府"', "", "[categories]",
             "labels = [" + ", ".join(f'"{c}"' for c in CATEGORIES) + "]", "", "[channels]", 'website = ["政府网站"]', ""]
    for u in units:
        lines += ["[[units]]", f'key = "{u.key}"', f'name = "{u.name}"', f'type = "{u.type}"']
        if u.key == "whj":
            lines += ["years = [2019, 2022]  # merged into wlj at the end of 2022"]
        if u.key == "wlj":
            lines += ["years = [2023, 2100]", 'follows = ["whj"]  # its 上年结转 is 文化局\'s 结转下年度 of 2022']
        if u.key == "kfq":
            lines += ['parent = "xzfb"', 'stock_in = "xzfb"  # its normative documents are issued with the county government\'s']
        if u.source == "W":
            lines.append(f'workspace = "units/{u.key}"')
        elif u.source == "E":
            lines.append(f'export = "exports/{u.key}-{{year}}.json"')
        else:
            lines.append(f'column = "{u.name}"')
            lines += ["opening = { through = 2021, normative_docs_in_force = %d }" % u.docs_in_force,
                      "yearly = { %s }" % ", ".join(f"{y} = {{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in f.items()) + " }" for y, f in sorted(u.yearly.items()))]
        lines.append("")
    return "\n".join(lines)


def make_county(dest: Path, n_units: int = 30, *, seed: int = 2023, ledgers: bool = False) -> list[Unit]:
    """Write the county's files into dest (cleared first); `ledgers`: also file every register."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    units = generate(n_units, seed)
    (dest / "disclo.toml").write_text(_county_toml(units), encoding="utf-8")
    (dest / "exports").mkdir()
    for u in units:
        if u.source == "W":
            ws = dest / "units" / u.key
            ws.mkdir(parents=True)
            (ws / "disclo.toml").write_text(_member_toml(u), encoding="utf-8")
            _write_registers(ws, u, tuple(u.items))
        elif u.source == "E" and u.key != MISSING:  # last year's file too for two of them (what they sent then)
            _export(u, dest / "exports", tuple(u.items) if u.key in LAST_YEARS_FILE else (2023,))
        elif u.source == "U":
            _write_registers(dest / "台账" / u.key, u, tuple(u.items))
    county = [u for u in units if u.source == "C"]
    for year in YEARS:  # 县本级台账: the county's own register, a unit column naming the unit of each row
        for kind, header, attr, col in (("主动公开台账", ITEM_HEADER, "items", "发布机构"), ("依申请公开台账", REQUEST_HEADER, "requests", "承办单位"),
                                        ("行政复议诉讼台账", CASE_HEADER, "cases", "被申请单位")):
            rows = [r + [u.name] for u in county for r in getattr(u, attr).get(year, [])]
            if rows:
                _csv(dest / "台账" / f"县本级{kind}{year}.csv", [*header, col], rows)
    if ledgers:
        file_ledgers(dest)
    return units


def file_ledgers(dest: Path) -> None:
    """The county's routine of filing (what docs/rollup.md shows with `disclo ingest`): each member
    workspace files its registers; the county files its own register (a unit column) and, with
    --unit KEY, the registers of units without disclo (台账/KEY/)."""
    from disclo_cli import config as cfg

    county = cfg.load(dest / "disclo.toml")
    for unit in county.units:
        if unit.source == "workspace":
            folder = unit.path(dest, 2023)
            _ingest(folder, sorted(folder.glob("*.csv")))
    _ingest(dest, sorted((dest / "台账").glob("县本级*.csv")))
    for unit in county.units:
        own = dest / "台账" / unit.key
        if unit.source == "column" and own.is_dir():
            _ingest(dest, sorted(own.glob("*.csv")), unit=unit.key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledgers", action="store_true", help="also file every register into its ledger")
    parser.add_argument("--dest", type=Path, default=OUT)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))
    make_county(args.dest, ledgers=args.ledgers)
    print(f"wrote {args.dest}")


if __name__ == "__main__":
    main()
