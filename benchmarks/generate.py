"""Deterministic 主动公开 registers for the benchmark: N rows as .xlsx and UTF-8 .csv, and a ledger.

    python benchmarks/generate.py --sizes 10k,100k,1M          # registers (cached in benchmarks/data/)
    python benchmarks/generate.py --sizes 1M --ledger           # also the 1M-row ledger for table/report

The same size always gives the same rows (a fixed seed per size). Files are written under a temporary
name and renamed when complete, so an interrupted run never leaves a half file in the cache; an
existing file is reused, never rewritten (delete benchmarks/data/ to start over).

A register looks like an office's export: a title row above the header (xlsx only; CSV exports start
with the header), columns 索引号 / 标题 / 发布日期 / 类别 / 公开渠道 / 发布机构 / 文件类型, one year of dates
(mostly real date cells, some typed as text in the forms offices use), the default categories with a
few aliases, channels with some multi-channel cells, and realistic Chinese titles.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
YEAR = 2023
HEADER = ["索引号", "标题", "发布日期", "类别", "公开渠道", "发布机构", "文件类型"]
TITLE_ROW = f"南安市柳城街道{YEAR}年主动公开政府信息台账"

# (label as written, weight): the default categories, weighted like the seed office's year, plus aliases
CATEGORIES: list[tuple[str, float]] = [
    ("机构设置类", 0.5), ("预决算公开类", 1.0), ("应急管理类", 1.0), ("为民办实事类", 2.4),
    ("落实与反馈类", 0.8), ("依法行政类", 0.8), ("民政工作类", 2.0), ("监督检查类", 3.6),
    ("工作动态类", 48.0), ("其他信息类", 34.0),
    ("环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类", 2.0),
    # aliases, as some departments write them
    ("工作动态", 2.5), ("其它", 0.6), ("预决算", 0.2), ("民政工作", 0.3), ("监督检查", 0.3),
]
CHANNELS: list[tuple[str, float]] = [
    ("政府网站", 60.0), ("政府网站、政务微信", 12.0), ("政务公开栏", 6.0), ("政务微信", 5.0),
    ("门户网站", 4.0), ("政府网站、政务公开栏", 3.0), ("政府网站/微信公众号/政务微博", 2.0),
    ("政务新媒体", 2.0), ("公共查阅点", 1.5), ("政府网站 政务新媒体", 1.5), ("政府公报", 1.0),
    ("网站，公开栏", 1.0), ("政务微博", 1.0),
]
UNITS = ["党政综合办公室", "经济发展办公室", "社会事务办公室", "综合执法大队", "应急管理办公室",
         "财政所", "民政办", "城建办", "农业农村办", "平安建设办公室", "退役军人服务站", "文化服务中心"]
PLACES = ["柳城街道", "城东社区", "城西社区", "溪美社区", "新华村", "美林村", "洪濑村", "霞美社区",
          "梅山村", "康美社区", "丰州村", "金淘村", "东田村", "码头社区", "官桥村", "向阳社区"]
TOPICS = ["安全生产", "森林防火", "防汛防台", "垃圾分类", "人居环境整治", "食品安全", "消防安全",
          "禁毒宣传", "扫黑除恶", "文明城市创建", "乡村振兴", "河长制", "疫情防控", "征兵", "医保参保",
          "燃气安全", "电动自行车充电", "老旧小区改造", "养老服务", "就业创业", "民生补助",
          "违章建筑整治", "校园周边环境", "交通安全", "网格化管理", "矛盾纠纷排查"]
ACTIVITIES = ["志愿服务", "专题培训", "应急演练", "集中宣传", "走访慰问", "联合执法", "专项整治",
              "入户排查", "观摩交流", "主题党日"]
HAZARDS = ["防汛防台", "地质灾害", "森林火灾", "城市内涝", "燃气泄漏", "高温天气", "寒潮"]
DOC_KINDS = ["通知", "公告", "通报", "公示", "实施方案", "工作方案", "意见", "报告"]


def _titles(rng: random.Random, category: str, month: int, n: int) -> str:
    place = rng.choice(PLACES)
    topic = rng.choice(TOPICS)
    if category.startswith("工作动态"):
        forms = (f"{place}开展{topic}{rng.choice(ACTIVITIES)}活动",
                 f"{place}召开{topic}工作推进会",
                 f"街道领导带队督导{place}{topic}工作",
                 f"{place}扎实推进{topic}工作（第{n % 97 + 1}期）")
    elif category.startswith("其"):
        forms = (f"关于{topic}的{rng.choice(DOC_KINDS)}",
                 f"{place}{YEAR}年{month}月份{topic}情况公示",
                 f"柳城街道关于做好{topic}工作的{rng.choice(DOC_KINDS)}")
    elif category.startswith("预决算"):
        forms = (f"{rng.choice(UNITS)}{YEAR}年部门预算公开", f"{rng.choice(UNITS)}{YEAR - 1}年部门决算公开说明",
                 f"柳城街道{YEAR}年“三公”经费预算情况说明")
    elif category.startswith("机构"):
        forms = ("柳城街道办事处机构职能", "柳城街道领导班子成员及分工", f"{rng.choice(UNITS)}职责调整的通知")
    elif category.startswith("应急"):
        forms = (f"关于做好{rng.choice(HAZARDS)}防范应对工作的紧急通知", f"{place}开展{rng.choice(HAZARDS)}应急演练",
                 f"柳城街道{YEAR}年突发事件总体应急预案")
    elif category.startswith("为民办实事"):
        forms = (f"柳城街道{YEAR}年为民办实事项目进展情况（{month}月）", f"{place}{topic}为民办实事项目竣工验收公示")
    elif category.startswith("落实与反馈"):
        forms = (f"关于{topic}问题整改落实情况的报告", f"对人大代表关于{topic}建议的答复")
    elif category.startswith("依法行政"):
        forms = (f"柳城街道行政处罚决定书（柳街罚决字〔{YEAR}〕{n % 300 + 1}号）",
                 f"柳城街道关于印发《{topic}管理办法》的通知", f"柳城街道{YEAR}年法治政府建设工作要点")
    elif category.startswith("民政"):
        forms = (f"{place}{YEAR}年{month}月份城乡低保对象公示", f"{place}临时救助对象名单公示",
                 f"柳城街道{YEAR}年{month}月份高龄津贴发放情况")
    elif category.startswith("监督检查"):
        forms = (f"关于{topic}专项督查情况的通报", f"{place}{topic}监督检查结果公示")
    else:
        forms = (f"{place}开展{rng.choice(['安全生产', '食品安全', '环境卫生', '公共卫生'])}大检查",
                 f"柳城街道{YEAR}年{month}月份环境卫生检查评比结果", f"{place}产品质量监督抽查情况通报")
    return rng.choice(forms)


def _date_text(rng: random.Random, d: dt.date) -> str:
    """A date as offices type it into a text cell."""
    forms = (f"{d.year}-{d.month:02d}-{d.day:02d}", f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}",
             f"{d.year}年{d.month}月{d.day}日", f"{d.year}{d.month:02d}{d.day:02d}", f"{d.month}月{d.day}日")
    return rng.choices(forms, weights=(30, 25, 15, 20, 5, 5))[0]


#: the edited copy of a register (`edited=True`): this row's title corrected, this row gone
EDITED_ROW, DELETED_ROW = 100, 200


def rows(n: int, *, text_dates: float = 0.05, edited: bool = False) -> Iterator[tuple[str, str, object, str, str, str, str]]:
    """The n data rows (索引号, 标题, 发布日期, 类别, 公开渠道, 发布机构, 文件类型) of an n-row register.

    发布日期 is a datetime.date in most rows and text (2023/3/5, 2023年3月5日, 3月5日…) in `text_dates`
    of them. The same n gives the same rows; rows are in date order, as registers are kept.
    `edited`: the same register after a clerk's correction: one title changed, one row deleted.
    """
    rng = random.Random(f"disclo-bench-{n}")
    cat_labels = [c for c, _ in CATEGORIES]
    cat_w = [w for _, w in CATEGORIES]
    chan_labels = [c for c, _ in CHANNELS]
    chan_w = [w for _, w in CHANNELS]
    start = dt.date(YEAR, 1, 1)
    days = (dt.date(YEAR, 12, 31) - start).days + 1
    for i in range(n):
        d = start + dt.timedelta(days=i * days // n)
        category = rng.choices(cat_labels, cat_w)[0]
        doc_type = ""
        if category.startswith("依法行政") and rng.random() < 0.15:
            doc_type = rng.choice(("行政规范性文件", "规范性文件"))
        date: object = _date_text(rng, d) if rng.random() < text_dates else d
        row = (f"003598061/{YEAR}-{i + 1:07d}", _titles(rng, category, d.month, i), date, category,
               rng.choices(chan_labels, chan_w)[0], rng.choice(UNITS), doc_type)
        if edited and i == DELETED_ROW and n > DELETED_ROW:
            continue
        if edited and i == EDITED_ROW:
            row = (row[0], row[1] + "（更正）", *row[2:])
        yield row


# --- files -----------------------------------------------------------------------------------------

def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '200' -> 200."""
    t = text.strip().lower()
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def register_path(n: int, fmt: str, data_dir: Path = DATA, *, edited: bool = False) -> Path:
    return Path(data_dir) / f"主动公开台账{YEAR}-{size_label(n)}{'-edited' if edited else ''}.{fmt}"


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_csv(path: Path, n: int, *, edited: bool = False) -> Path:
    """UTF-8 CSV (with BOM, as Excel's 'CSV UTF-8' writes it), header first."""
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for r in rows(n, edited=edited):
                w.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in r])
    return _atomic(Path(path), write)


def write_xlsx(path: Path, n: int, *, edited: bool = False) -> Path:
    """An .xlsx written with openpyxl in write_only mode: a title row, the header, n rows."""
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("主动公开")
        ws.append([TITLE_ROW])
        ws.append(HEADER)
        for r in rows(n, edited=edited):
            ws.append([None if v == "" else v for v in r])
        wb.save(tmp)

    return _atomic(Path(path), write)


def ensure(n: int, fmt: str, data_dir: Path = DATA, *, log=None, edited: bool = False) -> Path:
    """The n-row register as fmt ('xlsx' or 'csv'), generated only if it is not there yet;
    `edited`: its corrected copy (rows(edited=True))."""
    path = register_path(n, fmt, data_dir, edited=edited)
    if path.exists():
        return path
    if log:
        log(f"generating {path.name} ({n:,} rows) …")
    return (write_xlsx if fmt == "xlsx" else write_csv)(path, n, edited=edited)


# --- the ledger ------------------------------------------------------------------------------------

def disclo_command() -> list[str]:
    """How to run disclo: the console script beside this Python (not a pyenv shim), else -m."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("disclo", "disclo.exe"):
        if (scripts / name).exists():
            return [str(scripts / name)]
    found = shutil.which("disclo")
    if found and "shims" not in found:
        return [found]
    return [sys.executable, "-m", "disclo_cli"]


def clean_env() -> dict[str, str]:
    """The environment for disclo runs: no DISCLO_* settings from the caller's shell."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}


def ensure_ledger(n: int, data_dir: Path = DATA, *, log=None) -> Path:
    """A workspace whose ledger holds the n-row register (disclo init + disclo ingest of the CSV).

    Returns its disclo.toml. Built once under a temporary name and renamed when the ingest succeeded.
    """
    ws = Path(data_dir) / f"ledger-{size_label(n)}"
    config = ws / "disclo.toml"
    if config.exists() and (ws / "disclo.sqlite").exists():
        return config
    src = ensure(n, "csv", data_dir, log=log)
    if log:
        log(f"building the {size_label(n)}-row ledger in {ws} (disclo init + disclo ingest) …")
    tmp = Path(tempfile.mkdtemp(prefix=ws.name + ".", dir=data_dir))
    try:
        cmd = disclo_command()
        subprocess.run([*cmd, "init", str(tmp), "--name", "南安市柳城街道办事处"], check=True, env=clean_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done = subprocess.run([*cmd, "ingest", str(src)], cwd=tmp, env=clean_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if done.returncode not in (0, 1):  # 1: some rows rejected, which the data should not have
            raise RuntimeError(f"disclo ingest failed ({done.returncode}): {done.stderr[-2000:]}")
        if ws.exists():
            shutil.rmtree(ws)
        os.replace(tmp, ws)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return config


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated row counts (10k, 100k, 1M, 200 …)")
    ap.add_argument("--formats", default="xlsx,csv")
    ap.add_argument("--data-dir", type=Path, default=DATA)
    ap.add_argument("--ledger", action="store_true", help="also build the ledger of the largest size")
    args = ap.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    for n in sizes:
        for fmt in args.formats.split(","):
            print(ensure(n, fmt.strip(), args.data_dir, log=log))
    if args.ledger:
        print(ensure_ledger(max(sizes), args.data_dir, log=log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
