"""Shared helpers: small registers written in tmp_path, the CLI runner, the seed's counts."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2018-liucheng"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

HEADER = ["发布日期", "标题", "类别", "公开渠道", "索引号"]


@pytest.fixture(autouse=True)
def _library_language():
    """Every test starts in the library's language (English), whatever a test before it left (a
    CLI run in-process sets the language it chose): no test's messages depend on the order."""
    from disclo_cli import messages

    messages.use(messages.DEFAULT_LIBRARY_LANGUAGE)
    yield
    messages.use(messages.DEFAULT_LIBRARY_LANGUAGE)

#: The seed report's category table (count, share), in report order.
SEED = {
    "机构设置类": (1, "0.4%"),
    "预决算公开类": (2, "0.8%"),
    "应急管理类": (2, "0.8%"),
    "为民办实事类": (6, "2.4%"),
    "落实与反馈类": (2, "0.8%"),
    "依法行政类": (2, "0.8%"),
    "民政工作类": (5, "2%"),
    "监督检查类": (9, "3.6%"),
    "工作动态类": (128, "51.2%"),
    "其他信息类": (88, "35.2%"),
    "环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类": (5, "2%"),
}


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]], merges: Mapping[str, Sequence[str]] | None = None) -> Path:
    """A workbook with one sheet per entry (rows as lists; None = empty cell), merged ranges per sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for rng in (merges or {}).get(name, ()):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    text = "".join(",".join("" if v is None else str(v) for v in row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke `disclo ARGS...` in tmp_path (no disclo.toml around), stdout and stderr kept apart."""
    from disclo_cli.cli import main

    monkeypatch.chdir(tmp_path)
    for var in ("DISCLO_CONFIG", "DISCLO_DB", "DISCLO_DEBUG"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args: object, env: Mapping[str, str] | None = None) -> Result:
        # the existing tests read English; tests of the Chinese texts pass DISCLO_LANG=zh_CN
        return CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "200", "DISCLO_LANG": "en", **(env or {})})

    return invoke


@pytest.fixture
def config():
    """The built-in configuration (no disclo.toml)."""
    from disclo_cli.config import from_dict

    return from_dict({})
