"""The register schema is declared once (data/registers.toml): records, readers, the ledger's
columns and its grouped reads follow it; adding a field is one declaration (and the ledger's
migration adds its column)."""

from __future__ import annotations

import sqlite3
import tomllib
from importlib import resources

import pytest

from conftest import write_xlsx
from disclo_cli import schema as sch
from disclo_cli.ledger import Ledger
from workspaces import EX23, config_of, copy_workspace

HEADER = ["申请编号", "收到日期", "申请人类型", "申请方式", "办理结果", "答复日期"]


def test_the_schema_loads_and_refuses_an_unknown_key() -> None:
    data = tomllib.loads(resources.files("disclo_cli.data").joinpath("registers.toml").read_text(encoding="utf-8"))
    assert set(sch.schema()) == {"items", "requests", "cases"}
    data["requests"]["fields"]["received"]["grouepd"] = True
    with pytest.raises(sch.SchemaError, match=r"\[requests.fields.received\] unknown key\(s\) \['grouepd'\]"):
        sch._build("requests", data["requests"])


def test_records_readers_and_ledger_share_the_field_list() -> None:
    from disclo_cli.ledger import schema_ddl
    from disclo_cli.model import Request

    names = [f.name for f in sch.spec("requests").stored]
    assert list(Request.__dataclass_fields__)[: len(names)] == names
    ddl = next(s for s in schema_ddl() if s.startswith("CREATE TABLE IF NOT EXISTS requests"))
    assert all(f" {n} " in ddl for n in names)


def test_adding_a_field_is_one_declaration(tmp_path, run, monkeypatch) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False)
    write_xlsx(ws / "a.xlsx", {"S": [HEADER, ["Q-1", "2023-03-01", "自然人", "网上", "予以公开", "2023-03-05"]]})
    assert run("--config", ws / "disclo.toml", "ingest", ws / "a.xlsx").exit_code == 0  # a ledger of the schema as shipped

    # the declaration: a new requests field, read from 经办人, grouped in the ledger's reads
    data = tomllib.loads(resources.files("disclo_cli.data").joinpath("registers.toml").read_text(encoding="utf-8"))
    data["requests"]["fields"]["handler"] = {"type": "text", "grouped": True, "headers": ["经办人", "承办人"]}
    built = {kind: sch._build(kind, data[kind]) for kind in sch.KINDS}
    monkeypatch.setattr(sch, "schema", lambda: built)
    from disclo_cli.ingest import layout

    layout._specs.cache_clear()
    try:
        write_xlsx(ws / "b.xlsx", {"S": [[*HEADER, "经办人"], ["Q-2", "2023-03-02", "自然人", "网上", "予以公开", "2023-03-06", "黄敏"]]})
        result = run("--config", ws / "disclo.toml", "ingest", ws / "b.xlsx")
        assert result.exit_code == 0, result.stderr
        with sqlite3.connect(ws / "disclo.sqlite") as conn:  # the migration added the column, and named it
            assert "handler" in {r[1] for r in conn.execute("PRAGMA table_info(requests)")}
            assert ("column_requests.handler",) in conn.execute("SELECT name FROM migrations").fetchall()
        with Ledger.open(config_of(ws)) as lg:
            assert sorted((r.id, r.handler) for r in lg.requests()) == [("Q-1", ""), ("Q-2", "黄敏")]  # the reader read it
            grouped = lg.grouped(through=2023)
            assert sorted(r.handler for r in grouped.requests) == ["", "黄敏"]  # the grouped reads group by it
        # the rows filed before the field was added have not changed: their digest ignores an empty field
        assert run("--config", ws / "disclo.toml", "ingest", ws / "a.xlsx").stdout.startswith("a.xlsx\trequests\tadded 0\tchanged 0\twithdrawn 0\tunchanged 1")
    finally:
        layout._specs.cache_clear()
