"""Make disclo's chart font: a GB 2312 subset of Noto Sans CJK SC, renamed "Disclo Sans SC".

A development tool, not part of the package (fontTools is not a dependency of disclo). Run it again
after updating the source font, then commit the output:

    apt-get install -y fonts-noto-cjk        # the source font (Debian; SIL OFL 1.1)
    pip install fonttools
    python tools/make_font_subset.py         # writes data/fonts/DiscloSansSC-Regular.otf

What it keeps: every character of GB 2312 (the 6763 hanzi and the 682 symbols: punctuation, full-width
forms, Greek, Cyrillic, kana, box drawing...), printable ASCII, the CJK Symbols and Punctuation block,
the full-width forms and the general punctuation that Chinese text uses. It drops hinting and the
layout tables (GSUB/GPOS/BASE, vertical metrics): matplotlib draws horizontal text with FreeType and
uses none of them.

Why the new name: the source is a Modified Version under the SIL Open Font License 1.1; its Reserved
Font Name is "Source" (Adobe) and "Noto" is a Google trademark, so the subset carries neither in its
name. The copyright notice and the licence stay in the font's name table and in data/fonts/OFL.txt.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "fonts" / "DiscloSansSC-Regular.otf"

FAMILY = "Disclo Sans SC"
POSTSCRIPT = "DiscloSansSC-Regular"
DESCRIPTION = (
    "Subset of Noto Sans CJK SC (the characters of GB 2312, ASCII and CJK punctuation) made for the "
    "charts of disclo; renamed as the SIL Open Font License 1.1 asks of a Modified Version."
)
#: Name IDs that name the font (family, style, unique id, full name, PostScript name, typographic
#: and WWS names): all rewritten or removed so that no record keeps the source's name.
NAMING_IDS = (1, 2, 3, 4, 6, 16, 17, 21, 22)


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars: set[str] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_characters() -> set[str]:
    ranges = (
        (0x20, 0x7E),  # printable ASCII
        (0x2010, 0x2027),  # dashes, quotes, ellipsis, bullets
        (0x2030, 0x203B),  # per mille, primes, reference mark
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF01, 0xFF5E),  # full-width ASCII forms
        (0xFFE0, 0xFFE6),  # full-width currency and signs
    )
    chars = gb2312_characters()
    for low, high in ranges:
        chars.update(chr(c) for c in range(low, high + 1))
    chars.update("×÷°±·℃№")
    return chars


def open_face(path: Path, family: str) -> TTFont:
    """The face called ``family`` in a collection (.ttc), or the font itself (.otf/.ttf)."""
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == family:
                return font
        raise SystemExit(f"{path}: no face named {family!r}")
    return TTFont(str(path))


def make_subset(font: TTFont, chars: set[str]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["BASE", "GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx", "DSIG"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)


def rename(font: TTFont, source_version: str) -> None:
    """Give the subset its own name in the name table and in the CFF font dictionaries."""
    name = font["name"]
    name.names = [record for record in name.names if record.nameID not in NAMING_IDS]
    for name_id, text in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{FAMILY} Regular; subset of {SOURCE_FAMILY} {source_version}"),
        (4, FAMILY),
        (6, POSTSCRIPT),
        (10, DESCRIPTION),
    ):
        name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        name.setName(text, name_id, 1, 0, 0)  # Macintosh, Roman, English
    if "CFF " in font:
        cff = font["CFF "].cff
        old = cff.fontNames[0]
        cff.fontNames = [POSTSCRIPT]
        top = cff.topDictIndex[0]
        for attr, value in (("FullName", FAMILY), ("FamilyName", FAMILY)):
            if hasattr(top, attr):
                setattr(top, attr, value)
        for fd in getattr(top, "FDArray", None) or ():
            if getattr(fd, "FontName", "").startswith(old):
                fd.FontName = POSTSCRIPT + fd.FontName[len(old) :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"the source font (default {SOURCE})")
    parser.add_argument("--family", default=SOURCE_FAMILY, help="the face to take from a .ttc collection")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    font = open_face(args.source, args.family)
    source_version = font["name"].getDebugName(5) or "?"
    chars = wanted_characters()
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap and not c.isspace())
    make_subset(font, chars)
    rename(font, source_version.split(";")[0])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))
    kept = len(TTFont(str(args.output)).getBestCmap())
    print(f"{args.output}: {args.output.stat().st_size:,} bytes, {kept} characters "
          f"({len(chars)} wanted; not in the source: {''.join(missing) or 'none'})")


if __name__ == "__main__":
    main()
