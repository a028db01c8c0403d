"""The office's own text of an annual report: a per-year Markdown file in the workspace.

Format (README «年度报告的文字稿»): ``prose/{year}.md``, UTF-8.

* ``# 标题`` starts a report section (一、…), ``## 标题`` a subsection (（一）…). Headings are matched
  to the report's sections by name; the numbering (一、 （一） 1、) may be left out or differ.
  A ``##`` that matches no subsection of its section is the office's own subsection, printed
  after the standard ones with the heading as written.
* Every other non-empty line is one paragraph (blank lines are ignored; no line wrapping).
* ``<!-- … -->`` is a comment (may span lines) and is not printed.
* ``{{name}}`` or ``{{name:argument}}`` is a placeholder that disclo fills from the data.

Parsing is pure: text in, :class:`Prose` out, with findings for what could not be used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from disclo_cli.messages import Msg
from disclo_cli.model import Finding, Place
from disclo_cli.text import XML_ILLEGAL

PROSE_DIR = "prose"
PLACEHOLDER = re.compile(r"\{\{\s*([^{}:：\s]+)\s*(?:[:：]\s*([^{}]*?))?\s*\}\}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]\s*[、．.]?|\d+\s*[、．.])\s*"
)


def heading_key(text: str) -> str:
    """A heading's name for matching: numbering, spaces and a trailing colon removed."""
    name = _NUMBERING.sub("", text.strip())
    return re.sub(r"[\s\u3000]+", "", name).rstrip("：:")


def heading_number(text: str) -> str:
    """A heading's numbering, normalised: 「五、」 → 「五」, 「(三)」 → 「（三）」, 「3.」 → 「3」; '' if none."""
    match = _NUMBERING.match(text)
    if not match:
        return ""
    number = re.sub(r"[\s、．.]", "", match.group(0))
    return number.replace("(", "（").replace(")", "）")


def match_blocks(specs: list, blocks: list["Block"], key_sets: list[set[str]]) -> tuple[dict[int, "Block"], list["Block"]]:
    """Pair the outline's sections with the file's blocks: by name (or alias) first, then by
    numbering for what is left. Returns ({spec index: block}, blocks matched to nothing)."""
    matched: dict[int, Block] = {}
    left = list(blocks)
    for i, keys in enumerate(key_sets):
        block = next((b for b in left if b.key in keys), None)
        if block is not None:
            matched[i] = block
            left.remove(block)
    for i, spec in enumerate(specs):
        number = heading_number(spec.heading)
        if i in matched or not number:
            continue
        block = next((b for b in left if heading_number(b.heading) == number), None)
        if block is not None:
            matched[i] = block
            left.remove(block)
    return matched, left


@dataclass
class Block:
    """The text under one heading: its paragraphs (with their line numbers) and subsections."""

    heading: str
    line: int = 0
    paragraphs: list[tuple[str, int]] = field(default_factory=list)
    children: list["Block"] = field(default_factory=list)

    @property
    def key(self) -> str:
        return heading_key(self.heading)

    def child(self, key: str) -> "Block | None":
        return next((c for c in self.children if c.key == key), None)

    def is_empty(self) -> bool:
        return not self.paragraphs and all(c.is_empty() for c in self.children)


@dataclass
class Prose:
    """A parsed prose file: its sections in file order, and where it came from."""

    source: str
    sections: list[Block] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def section(self, key: str) -> Block | None:
        return next((s for s in self.sections if s.key == key), None)


def parse(text: str, source: str = "") -> Prose:
    """Parse the prose file's text (comments dropped, line numbers kept for messages)."""
    # Blank out comments but keep their newlines, so line numbers stay right.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text.lstrip("\ufeff"))
    prose = Prose(source)
    top = Block("", 0)  # text before the first heading
    current: Block = top
    section: Block | None = None
    # lines end at \n, \r\n or \r only (str.splitlines would also end one at a stray \v or \f)
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if XML_ILLEGAL.search(raw):
            # a control character (pasted from another program) cannot go into a DOCX: dropped, and said
            prose.findings.append(Finding.of("warning", "prose-control-characters", Place(source, line=number),
                                             count=len(XML_ILLEGAL.findall(raw))))
            raw = XML_ILLEGAL.sub("", raw)
        line = raw.strip().strip("\u3000")
        if not line:
            continue
        match = re.match(r"^(#{1,6})\s*(.*)$", line)
        if match and match.group(2):
            level, heading = len(match.group(1)), match.group(2).strip()
            if level == 1:
                section = Block(heading, number)
                prose.sections.append(section)
                current = section
                continue
            if level == 2:
                if section is None:
                    prose.findings.append(Finding.of("warning", "prose-heading", Place(source, line=number), variant="orphan", heading=heading))
                    current = Block(heading, number)
                    continue
                current = Block(heading, number)
                section.children.append(current)
                continue
            line = heading  # ### and deeper: an ordinary paragraph
        current.paragraphs.append((line, number))
    if top.paragraphs:
        first = top.paragraphs[0][1]
        prose.findings.append(Finding.of("warning", "prose-heading", Place(source, line=first), variant="before"))
    return prose


# --- placeholders --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unfilled:
    """A placeholder disclo knows but cannot fill (a category the office does not have, a cell the
    format lacks, a blank figure, last year unknown): the report shows ``text``, a highlighted
    【请填写：…】, and a warning says ``why``. Never a 0."""

    text: str
    why: Msg


def fill(text: str, resolve: Callable[[str, str | None], "str | Unfilled | None"], *, place: Place | None = None,
         findings: list[Finding] | None = None) -> str:
    """Replace every ``{{name}}`` / ``{{name:arg}}`` with its value; an unknown one, or one that
    cannot be filled, becomes a highlighted 【请填写：…】 and a warning naming the line."""

    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        value = resolve(name, arg)
        if isinstance(value, Unfilled):
            if findings is not None:
                findings.append(Finding.of("warning", "prose-placeholder-unfilled", place or Place(), placeholder=match.group(0), why=value.why))
            return value.text
        if value is not None:
            return value
        if findings is not None:
            findings.append(Finding.of("warning", "prose-placeholder", place or Place(), placeholder=match.group(0)))
        return f"【请填写：无法识别的占位符 {match.group(0)[2:-2].strip()}】"

    return PLACEHOLDER.sub(one, text)


# --- a new year's prose file ----------------------------------------------------------------------

_YEAR_WORD = re.compile(r"(?<!\d)(\d{4})(?=\s*年)")


def shift_years(text: str, previous: int) -> str:
    """Last year's text with every 「YYYY年」 up to ``previous`` moved one year on.

    Document numbers such as 〔2018〕116号 are not followed by 年 and stay as they are.
    """

    def bump(match: re.Match[str]) -> str:
        year = int(match.group(1))
        return str(year + 1) if 1990 <= year <= previous else match.group(1)

    return _YEAR_WORD.sub(bump, text)


_CARRY_NOTE = re.compile(r"<!-- 由 \d{4}\.md 生成：.*?-->\n?", re.S)
_CARRY_MARK = re.compile(r"^【请填写：本节由\d{4}年的文字稿复制，核对、更新后删除本行】\s*$\n?", re.M)


def carry_forward(text: str, previous: int) -> str:
    """The previous year's prose for this year: years moved on, and under every ``#`` heading a
    highlighted line the clerk deletes once the section is brought up to date."""
    marker = f"【请填写：本节由{previous}年的文字稿复制，核对、更新后删除本行】"
    text = _CARRY_MARK.sub("", _CARRY_NOTE.sub("", text.lstrip("\ufeff")))
    out: list[str] = [
        f"<!-- 由 {previous}.md 生成：文中「{previous}年」等年份已加一年。请逐节核对、更新，",
        "     改好一节就删去该节的【请填写：…】行。数字尽量写成 {{…}} 占位符，由 disclo 从台账填入。 -->",
    ]
    in_comment = False
    for line in shift_years(text, previous).splitlines():
        out.append(line)
        stripped = line.strip()
        if in_comment:
            in_comment = "-->" not in stripped
        elif "<!--" in stripped:
            in_comment = "-->" not in stripped.rsplit("<!--", 1)[1]
        elif re.match(r"^#\s", stripped):
            out.append(marker)
    return "\n".join(out).rstrip("\n") + "\n"


def skeleton(outline, year: int, standard_name: str) -> str:
    """A fresh prose file: the outline's headings with a comment on what to write under each."""
    lines = [
        f"<!-- {year}年政府信息公开工作年度报告 文字稿（{standard_name}）。",
        "     每个非空行是一段；# 是一级标题（一、…），## 是二级标题（（一）…）；像这段说明一样的注释不会印出。",
        "     没有写内容的节，报告里会出现黄色的【请填写：…】。数字可以写成占位符，例如 {{items}}、{{requests}}、",
        "     {{category:工作动态类}}、{{cell:三.一/总计}}，由 disclo 从台账填入（完整列表见 README）。 -->",
        "",
        "<!-- # 前言  （可选：写了就代替 disclo 自动生成的前言） -->",
        "",
    ]
    for section in outline.sections:
        lines += _skeleton_block(section, "#")
    return "\n".join(lines).rstrip("\n") + "\n"


def _skeleton_block(block, marks: str) -> list[str]:
    lines = [f"{marks} {block.heading.rstrip('：')}"]
    notes = []
    if block.sentences:
        notes.append("disclo 自动写入本节的数字句子，下面可以补充文字")
    if block.table:
        notes.append("disclo 自动插入本节的统计表")
    if block.hint:
        notes.append(("请写：" if block.prose == "required" else "可写：") + block.hint)
    if notes:
        lines.append("<!-- " + "；".join(notes) + " -->")
    lines.append("")
    for child in block.children:
        lines += _skeleton_block(child, marks + "#")
    return lines
