"""Name cores: class words and generic modifiers taken off a name's end."""
from __future__ import annotations


def test_a_names_class_words_are_found_as_the_end_anchored_pattern_found_them():
    """proper_core's suffix search by set look-ups gives what ``(?:word|…)$``.search gave."""
    import random
    import re

    from planmap.extract.projects import _suffix_start, _suffix_words, load_rules

    rules = load_rules()
    words, longest = _suffix_words(id(rules))
    pattern = re.compile("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")$")
    rnd = random.Random(5)
    pool = sorted(words)
    for _ in range(3000):
        key = "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 3)))
        for k in (key, key[:-1], "成渝" + key, key + "\n", key + "a", ""):
            m = pattern.search(k)
            assert _suffix_start(k, words, longest) == (m.start() if m else None), k
