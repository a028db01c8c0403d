"""Workspaces for the ledger, table and explain tests: the example offices copied to tmp_path,
small registers written there, and a dump of a whole ledger to compare before and after."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Sequence

from conftest import ROOT, write_xlsx

EX18 = ROOT / "examples" / "2018-liucheng"
EX23 = ROOT / "examples" / "2023-office"
MAIN18 = "主动公开台账2018.xlsx"
SUPP18 = "主动公开台账2018-12月补报.xlsx"
ITEMS23 = "主动公开台账2023.xlsx"
REQUESTS23 = "依申请公开台账2023.xlsx"
CASES23 = "行政复议诉讼台账2023.xlsx"
FILES23 = (ITEMS23, REQUESTS23, CASES23)

ITEM_HEADER = ["索引号", "标题", "类别", "发布日期", "发布渠道"]
REQUEST_HEADER = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请内容", "办理结果", "具体情形", "答复日期"]


def copy_workspace(example: Path, dest: Path, *, files: bool = True, edit=None, ledger: bool = True) -> Path:
    """dest/disclo.toml from the example (optionally edited), its empty ledger (as 'disclo init' makes
    it; only init makes a ledger), and the example's registers beside it."""
    dest.mkdir(parents=True, exist_ok=True)
    text = (example / "disclo.toml").read_text(encoding="utf-8")
    if edit is not None:
        text = edit(text)
    (dest / "disclo.toml").write_text(text, encoding="utf-8")
    if ledger:
        new_ledger(dest)
    if files:
        for f in sorted(example.glob("*.xlsx")):
            shutil.copy2(f, dest / f.name)
    return dest


def in_section(text: str, section: str, *lines: str) -> str:
    """The toml text with lines added right under its [section] header."""
    header = f"[{section}]\n"
    assert header in text, section
    return text.replace(header, header + "".join(line + "\n" for line in lines), 1)


def set_key(text: str, key: str, value: str | None) -> str:
    """The toml text with `key = …` set to value (None: the line removed)."""
    pattern = re.compile(rf"^{re.escape(key)} = .*$", re.M)
    assert pattern.search(text), key
    return pattern.sub("" if value is None else f"{key} = {value}", text, count=1)


def none_of(text: str, *kinds: str) -> str:
    """The seed's disclo.toml with [yearly.2018] none (the registers it truly had none of) set to kinds."""
    return set_key(text, "none", "[" + ", ".join(f'"{k}"' for k in kinds) + "]" if kinds else None)


def new_ledger(ws: Path) -> Path:
    """The workspace's empty ledger, as 'disclo init' makes it (beside disclo.toml when that does
    not load: a test of a broken disclo.toml)."""
    from disclo_cli.errors import ConfigError
    from disclo_cli.ledger import Ledger

    try:
        path = Path(config_of(ws).db_path)
    except ConfigError:
        path = ws / "disclo.sqlite"
    if not path.exists():
        Ledger.open_path(path, create=True).close()
    return path


def config_of(ws: Path):
    from disclo_cli import config

    return config.load(ws / "disclo.toml")


def ingest(ws: Path, *names: str, **kw):
    """Ingest the named files of the workspace through the library (what `disclo ingest` calls), into
    its ledger (made as 'disclo init' makes it, if the workspace has none yet)."""
    from disclo_cli.service import ingest_files

    new_ledger(ws)
    return ingest_files([str(ws / n) for n in names], config_of(ws), **kw)


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a ledger, sorted: equal dumps mean equal ledgers."""
    conn = sqlite3.connect(str(db))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def write_items(path: Path, rows: Sequence[Sequence[object]], *, header: Sequence[str] = ITEM_HEADER, sheet: str = "Sheet1") -> Path:
    return write_xlsx(path, {sheet: [list(header), *rows]})


def write_requests(path: Path, rows: Sequence[Sequence[object]], *, header: Sequence[str] = REQUEST_HEADER, sheet: str = "依申请公开") -> Path:
    return write_xlsx(path, {sheet: [list(header), *rows]})
