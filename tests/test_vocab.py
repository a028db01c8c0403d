"""`disclo vocab`: the wordings not yet known, with counts, rows and ranked suggestions; --write."""

from __future__ import annotations

import json
import tomllib

from conftest import write_xlsx
from workspaces import EX23, copy_workspace

HEADER = ["收到日期", "申请人类型", "申请方式", "办理结果", "具体情形", "答复日期"]
ROWS = [
    ["2023-03-01", "律师", "网上", "予以公开", "", "2023-03-05"],
    ["2023-03-02", "律师", "网上", "予以公开", "", "2023-03-06"],
    ["2023-03-03", "自然人", "网上", "告知非本机关负责", "", "2023-03-07"],
    ["2023-03-04", "自然人", "网上", "不予公开", "涉及国家机密", "2023-03-08"],
    ["2023-03-05", "自然人", "微信小程序", "予以公开", "", "2023-03-09"],
]


def _office(tmp_path):
    ws = copy_workspace(EX23, tmp_path / "office", files=False)
    write_xlsx(ws / "依申请.xlsx", {"S": [HEADER, *ROWS]})
    return ws


def test_files_are_reviewed_per_field_with_counts_rows_and_suggestions(tmp_path, run) -> None:
    ws = _office(tmp_path)
    result = run("--config", ws / "disclo.toml", "vocab", ws / "依申请.xlsx", "--format", "json")
    assert result.exit_code == 1  # wordings are left to map
    got = {(w["section"], w["wording"]): w for w in json.loads(result.stdout)["wordings"]}
    lawyer = got[("applicants.aliases", "律师")]
    assert (lawyer["rows"], lawyer["judgement"], lawyer["candidates"]) == (2, True, ["自然人", "法律服务机构"])
    assert [(e["sheet"], e["row"]) for e in lawyer["examples"]] == [("S", 2), ("S", 3)]
    reason = got[("outcomes.aliases", "涉及国家机密")]  # written for 不予公开: suggested among its reasons
    assert reason["suggestions"][0]["label"] == "不予公开/属于国家秘密"
    assert got[("request_channels.aliases", "微信小程序")]["suggestions"][0]["label"] == "网上"
    assert ("outcomes.aliases", "告知非本机关负责") in got


def test_write_adds_commented_lines_and_changes_nothing_else(tmp_path, run) -> None:
    ws = _office(tmp_path)
    before = (ws / "disclo.toml").read_text(encoding="utf-8")
    result = run("--config", ws / "disclo.toml", "vocab", ws / "依申请.xlsx", "--write")
    assert result.exit_code == 1
    after = (ws / "disclo.toml").read_text(encoding="utf-8")
    assert tomllib.loads(after) == tomllib.loads(before)  # every added line is a comment
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert '# "律师" = "…"  # 2 行 rows: 依申请.xlsx S 2、依申请.xlsx S 3; 需本单位决定，填入其一 / a judgement call, write one of: 自然人、法律服务机构' in added
    assert any(line.startswith('# "涉及国家机密" = "不予公开/属于国家秘密"') for line in added)
    # the lines sit under the sections' own headers, so that removing the # is all it takes
    lines = after.splitlines()
    at = lines.index("[applicants.aliases]")
    assert any(line.startswith('# "律师"') for line in lines[at : at + 6])
    fixed = after.replace('# "律师" = "…"', '"律师" = "自然人"')
    (ws / "disclo.toml").write_text(fixed, encoding="utf-8")
    again = json.loads(run("--config", ws / "disclo.toml", "vocab", ws / "依申请.xlsx", "--format", "json").stdout)
    assert "律师" not in {w["wording"] for w in again["wordings"]}


def test_the_ledger_of_a_year_is_reviewed_from_what_its_files_left(tmp_path, run) -> None:
    ws = _office(tmp_path)
    assert run("--config", ws / "disclo.toml", "ingest", ws / "依申请.xlsx").exit_code == 1
    result = run("--config", ws / "disclo.toml", "vocab", "--year", 2023, "--format", "json")
    assert {w["wording"] for w in json.loads(result.stdout)["wordings"]} == {"律师", "告知非本机关负责", "涉及国家机密", "微信小程序"}


def test_nothing_left_exits_0_and_files_or_year_are_needed(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office")
    clean = run("--config", ws / "disclo.toml", "vocab", ws / "依申请公开台账2023.xlsx")
    assert clean.exit_code == 0, clean.stdout
    assert "every wording is known" in clean.stderr
    assert run("--config", ws / "disclo.toml", "vocab").exit_code == 2


def test_a_wording_is_looked_up_once_and_its_answer_kept_apart() -> None:
    """An unknown wording repeated down a register is weighed against the labels once (suggest keeps
    its answer); a caller changing the list it got changes nothing kept."""
    from disclo_cli.vocab import builtin

    cats = builtin("categories")
    first = cats.suggest("工作动态信息")
    assert first and first[0].label == "工作动态类"
    first.clear()
    assert cats.suggest("工作动态信息") == cats._suggest("工作动态信息", 3) != []
    assert cats.closest("工作动态信息")[0] == "工作动态类"
