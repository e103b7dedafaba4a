"""Make src/attention/fonts/CourseSansSC-Regular.otf: the GB2312 characters of Noto Sans CJK SC, renamed.

The Chinese edition's figures need a CJK font on every machine, and most Linux laptops, Colab and CI have none.
The course ships this subset (3.5 MB, SIL Open Font License, see src/attention/fonts/OFL.txt) and registers it
with matplotlib (attention.fonts). GB2312 covers the 6,763 most used simplified hanzi, so learners' own labels
render too. Regenerate it only to change the character set (a developer tool, not run by the course):

    sudo apt-get install fonts-noto-cjk        # Debian/Ubuntu: NotoSansCJK-Regular.ttc
    .venv/bin/python -m scripts.subset_cjk_font [--source PATH_TO_TTC]
    sudo apt-get remove fonts-noto-cjk         # the tests check rendering on a machine without system CJK fonts
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "attention" / "fonts" / "CourseSansSC-Regular.otf"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Course Sans SC"


def gb2312_characters() -> set[str]:
    """Every character of GB2312 (hanzi, symbols, punctuation), plus CJK and full-width punctuation blocks."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    return chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"Noto Sans CJK collection (default {SOURCE})")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        raise SystemExit(f"no {args.source}: install Debian's fonts-noto-cjk, or pass --source")
    font = next(f for f in TTCollection(args.source).fonts if f["name"].getDebugName(4) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "VORG"]  # no vertical writing in figures
    chars = gb2312_characters()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    names = {
        1: FAMILY,
        4: FAMILY,
        6: "CourseSansSC-Regular",
        3: "2.004;attention-course;CourseSansSC-Regular (GB2312 subset of Noto Sans CJK SC)",
    }
    for record in list(font["name"].names):
        if record.nameID in names:
            record.string = names[record.nameID]
    for name_id in (16, 17, 18, 21, 22):  # typographic family names would still say Noto
        font["name"].removeNames(nameID=name_id)
    font["CFF "].cff.fontNames = ["CourseSansSC-Regular"]
    font.save(args.out)
    print(f"wrote {args.out}: {len(chars)} characters, {args.out.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
