"""Derive src/planmap/data/everyday_words.txt from jieba's dictionary (run once per jieba release).

The gazetteer treats a short unit name that is also an everyday word (通道, 南部, 城区) as a
unit only when a unit context follows it (通道县城, 南部县境内). Which words are everyday ones
is read off jieba's dictionary by one rule, kept here so the list can be rebuilt and checked:

    a word of two or more characters that jieba tags as a verb, adjective, adverb, locality,
    direction, conjunction, preposition, numeral, classifier, pronoun, time word or particle
    (v vn vd a ad an d f s c p m q r t u) and that has a frequency of 100 or more (通道 v 2130
    is in, 增城 v 9 is not), or that it tags as a common noun (n) with a frequency of 500 or
    more (城区 n 1517); but not the short name of a prefecture-level city in the shipped
    admin_units.csv: jieba tags some as verbs or adverbs (包头 v, 遵义 v, 大连 d), yet plans
    name those cities far more often than they use the other sense.

Running it needs jieba (a planmap dependency); planmap itself then reads the list and never
loads jieba's part-of-speech table for this question.

    .venv/bin/python scripts/derive_everyday_words.py [--check]
"""
from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "planmap" / "data" / "everyday_words.txt"
NOT_NAME_TAGS = frozenset("v vn vd a ad an d f s c p m q r t u".split())
ADMIN_UNITS = Path(__file__).resolve().parents[1] / "geodata" / "admin_units.csv"


def city_short_names() -> frozenset[str]:
    """Short names of the prefecture-level cities (包头 of 包头市) in the shipped admin units."""
    import csv

    with open(ADMIN_UNITS, encoding="utf-8", newline="") as fh:
        return frozenset(row["short"] for row in csv.DictReader(fh) if row["level"] == "city" and row["short"])


def derive() -> str:
    import jieba

    from planmap.reference.words import jieba_dictionary

    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    with open(jieba_dictionary(), encoding="utf-8") as fh:
        for line in fh:  # "word freq tag"; the last line of a word wins, as in jieba
            parts = line.strip().split(" ")
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
            if len(parts) == 3:
                tag[parts[0]] = parts[2]
    cities = city_short_names()
    words = sorted(w for w, t in tag.items() if len(w) >= 2 and w not in cities and (
        (t in NOT_NAME_TAGS and freq.get(w, 0) >= 100) or (t == "n" and freq.get(w, 0) >= 500)))
    head = (f"# everyday words: derived by scripts/derive_everyday_words.py from jieba {jieba.__version__}'s "
            f"dictionary (the rule is in that script); one word a line\n")
    return head + "".join(w + "\n" for w in words)


def main() -> int:
    text = derive()
    if "--check" in sys.argv:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from jieba's dictionary: rerun without --check")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {text.count(chr(10)) - 1} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
