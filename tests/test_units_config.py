"""A county's [[units]] in disclo.toml, checked when the file is read: every mistake a ConfigError
that names the file, the unit and the key, with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclo_cli import config as cfg
from disclo_cli.errors import ConfigError

GOOD = '''[office]
name = "示例县人民政府"

[[units]]
key = "czj"
name = "示例县财政局"
type = "部门"
export = "exports/czj-{year}.json"

[[units]]
key = "cgz"
name = "城关镇"
type = "乡镇"
workspace = "units/cgz"

[[units]]
key = "xzfb"
name = "县政府办"
type = "部门"
column = ["县政府办", "县人民政府办公室"]
yearly = { 2023 = { licence_decisions = 3 } }
opening = { through = 2021, normative_docs_in_force = 4 }

[[units]]
key = "whj"
name = "示例县文化局"
type = "部门"
years = [2019, 2022]
workspace = "units/whj"

[[units]]
key = "wlj"
name = "示例县文化和旅游局"
type = "部门"
years = [2023, 2100]
follows = ["whj"]
parent = "xzfb"
stock_in = "xzfb"
export = "exports/wlj-{year}.json"
'''


def load(tmp_path: Path, text: str):
    path = tmp_path / "disclo.toml"
    path.write_text(text, encoding="utf-8")
    return cfg.load(path)


def test_the_units_of_a_county(tmp_path: Path) -> None:
    county = load(tmp_path, GOOD)
    units = {u.key: u for u in county.units}
    assert list(units) == ["czj", "cgz", "xzfb", "whj", "wlj"]
    assert (units["czj"].source, units["czj"].path(tmp_path, 2023)) == ("export", tmp_path / "exports" / "czj-2023.json")
    assert (units["cgz"].source, units["cgz"].path(tmp_path, 2023)) == ("workspace", tmp_path / "units" / "cgz")
    assert (units["xzfb"].wordings, dict(units["xzfb"].yearly[2023]), units["xzfb"].opening, units["xzfb"].opening_through) == (
        ("县政府办", "县人民政府办公室"), {"licence_decisions": 3}, {"normative_docs_in_force": 4}, 2021)
    assert [u.key for u in county.units if u.exists_in(2023)] == ["czj", "cgz", "xzfb", "wlj"]
    assert (units["wlj"].follows, units["wlj"].parent, units["wlj"].stock_in, units["wlj"].label) == (("whj",), "xzfb", "xzfb", "示例县文化和旅游局（wlj）")
    assert load(tmp_path, '[office]\nname = "x"\n').units == ()


def unit(**keys: object) -> str:
    body = {"key": '"czj"', "name": '"示例县财政局"', "type": '"部门"', "export": '"exports/czj.json"'}
    body.update(keys)  # None: the key left out; "": written empty
    return "[[units]]\n" + "".join(f"{k} = {v or chr(34) * 2}\n" for k, v in body.items() if v is not None)


@pytest.mark.parametrize(("text", "message", "hint"), [
    (unit(nmae='"x"'), "[[units]] key = 'czj': unknown key(s) nmae", "Keys a unit may have: key, name, type"),
    (unit(key='"财政局"'), "'财政局' is not a unit key", "names change, keys do not"),
    (unit(type=None), "type is missing or empty", "Every unit needs a key, a name and a type"),
    (unit(export=None), "the unit does not say where its data is", 'workspace = "folder"'),
    (unit(workspace='"units/czj"'), "the unit's data is in two places (workspace, export)", "keep one of them"),
    (unit(years="[2023, 2019]"), "years = [2023, 2019] is not [first, last]", "years = [2019, 2023]"),
    (unit(yearly="{ 2023 = { licence_decisions = 1 } }"), "opening and yearly belong to a unit counted from the county's registers", ""),
    (unit(parent='"xzf"'), "unit 'czj': parent = 'xzf' names no other unit", "Units: czj."),
    (unit(stock_in='"czj"'), "unit 'czj': stock_in = 'czj' names no other unit", ""),
    (unit() + unit(key='"CZJ"', export='"exports/other.json"'), "two units have the key 'CZJ' ('czj')", "case does not tell keys apart"),
    (unit() + unit(key='"jyj"'), "units 'czj' and 'jyj' are both in 'exports/czj.json' in the same years", "counted twice"),
    (unit(export=None, column='"县财政局"') + unit(key='"jyj"', export=None, column='["县教育局", "县财政局"]'),
     "units 'czj' and 'jyj' are both in '县财政局'", ""),
    (unit(parent='"jyj"') + unit(key='"jyj"', parent='"czj"', export='"e/jyj.json"'), "the parents go round in a circle: czj → jyj → czj", ""),
    ('[units]\nkey = "czj"\n', "[[units]] must be a list of units", "[[units]]"),
])
def test_a_mistake_in_the_units_is_refused_when_the_file_is_read(tmp_path: Path, text: str, message: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, '[office]\nname = "示例县人民政府"\n\n' + text)
    assert str(tmp_path / "disclo.toml") in err.value.message
    assert message in err.value.message, err.value.message
    assert hint in err.value.hint, err.value.hint


def test_two_units_may_share_a_place_in_years_that_do_not_overlap(tmp_path: Path) -> None:
    """A unit renamed: the old key up to 2022, the new one from 2023, the same unit column wording."""
    text = unit(export=None, column='"县文化局"', years="[2019, 2022]") + unit(key='"wlj"', export=None, column='"县文化局"', years="[2023, 2100]")
    assert [u.key for u in load(tmp_path, text).units] == ["czj", "wlj"]


def test_the_cli_stops_with_the_message_and_exit_1(run, tmp_path: Path) -> None:
    (tmp_path / "disclo.toml").write_text('[office]\nname = "x"\n\n' + unit(workspace='"units/czj"'), encoding="utf-8")
    result = run("table", "--year", 2023)
    assert result.exit_code == 1
    assert "disclo: error:" in result.stderr and "the unit's data is in two places (workspace, export)" in result.stderr
