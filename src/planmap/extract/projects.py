"""Project extraction: every mappable project of a plan, with its evidence.

A project name is a span that ends in a *type word* (铁路, 产业园, 水库 ...; the rules are
data, in ``data/categories.toml``) and reaches left until a verb, a function word or
punctuation. On top of that single-name rule sit the patterns plans use to name many projects
at once: enumerations that share a type word (开原市八宝镇、康平县、法库县通用机场), lists closed by
等 and a class noun (冰砬山、城子山等森林公园), lists closed by 等项目, routes (A至B高速公路), and
junction pairs (沈葛线与望月路). Mentions of one project are merged, the most specific name
winning, so a reviewer sees one project with every place the plan names it.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from planmap.extract.figures import find_figures
from planmap.extract.place_names import admin_prefix, current, has_place_name, is_admin_name, using
from planmap.models import Clause, Heading, Plan, Project
from planmap.paths import package_data
from planmap.reference.abbreviations import province_abbreviations
from planmap.reference.words import word_index

if TYPE_CHECKING:
    import pandas as pd

    from planmap.extract.place_names import PlaceNames

_CJK = r"\u4e00-\u9fff"
_SENT_SPLIT = re.compile(r"[。！？!?；;]")
_OPEN, _CLOSE = "（(〔[【", "）)〕]】"
_OPEN_QUOTES, _CLOSE_QUOTES = ("“", "‘", "「", "『", "《", "\""), ("”", "’", "」", "』", "》", "\"")
_NUM = r"[0-9一二三四五六七八九十百千两几数多余]"
_NUM_CHARS = "0-9一二三四五六七八九十"  # the digits of a numbered line or phase
_COVERING_NOTICE = re.compile(r"(印发给你们|现印发|现将.{0,40}印发|请认真贯彻|认真组织实施|各有关单位：|各有关部门："
                              r"|(?:制定|编制|特制定)本(?:计划|方案|规划|意见|纲要|办法|细则))")
_RESP_BRACKET = re.compile(
    r"[〔\[【（(]\s*(?:牵头|责任|主责|配合|协办|参与|协同)(?:单位|部门)\s*[:：][^〔〕\[\]【】]*?[〕\]】）)]\s*[。.]?\s*$"
)


@dataclass(frozen=True)
class TypeWord:
    """A word that ends a project name and says its category, geometry and strength."""

    word: str
    category: str
    geom: str
    strength: str


@dataclass
class Rules:
    """The naming rules of ``data/categories.toml``, compiled once."""

    types: dict[str, TypeWord]
    type_re: re.Pattern[str]
    left_stops: tuple[str, ...]
    generic: frozenset[str]
    generic_re: re.Pattern[str]
    not_project: tuple[str, ...]
    rank_words: tuple[str, ...]
    item_hints: tuple[tuple[str, str], ...]
    role_cues: tuple[str, ...]
    skip_sections: tuple[str, ...]
    work_words: tuple[str, ...]
    count_classifiers: str
    definite: frozenset[str]
    reference_cues: tuple[str, ...]
    boundary_stops: frozenset[str] = frozenset()
    words_opening_with_stops: tuple[str, ...] = ()
    stops_naming_a_kind: tuple[str, ...] = ()
    bracket_openers: tuple[str, ...] = ()
    end_cues: tuple[str, ...] = ()
    existing_cues: tuple[str, ...] = ()
    list_closers: tuple[str, ...] = ()
    list_openers: tuple[str, ...] = ()
    activity_re: re.Pattern[str] = re.compile("^$")
    closer_not_after: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def raw_rules() -> dict:
    """``data/categories.toml`` as read: the tables later stages also need (its [places] rules)."""
    with open(package_data("categories.toml"), "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    return frozenset(_context()["not_names"])


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The category and naming rules shipped in ``data/categories.toml``."""
    raw = raw_rules()
    types: dict[str, TypeWord] = {}
    for block in raw["types"]:
        for w in block["words"]:
            types.setdefault(w, TypeWord(w, block["category"], block["geom"], block["strength"]))
    words = sorted(types, key=len, reverse=True)
    # a class of line (铁路客运专线, 高速公路连接线) is generic: it names a kind, not one line
    line_words = [w for w in words if types[w].category in ("railway", "highway") and len(w) > 1]
    names = raw["names"]
    generic = sorted(set(names["generic_modifiers"]), key=len, reverse=True)
    return Rules(
        types=types,
        type_re=re.compile(_trie_regex(words)),
        left_stops=tuple(sorted(set(names["left_stops"]), key=len, reverse=True)),
        generic=frozenset(generic),
        generic_re=re.compile("^(?:" + _trie_regex(set(generic) | set(line_words))
                              + r"|[0-9.\s]+(?:千伏|kV|KV|千瓦|万千瓦|兆瓦|MW|GW|吨级|万吨级|公里|千米|米)?|、|和|及|与)*$"),
        not_project=tuple(names["not_project"]),
        rank_words=tuple(names["rank_words"]),
        item_hints=tuple(sorted(((w, cat) for cat, ws in raw.get("item_hints", {}).items() for w in ws),
                                key=lambda h: (-len(h[0]), h[0]))),
        role_cues=tuple(names["role_cues"]),
        skip_sections=tuple(names["skip_sections"]),
        work_words=tuple(sorted(set(names["work_words"]), key=len, reverse=True)),
        count_classifiers="".join(sorted(set(names["count_classifiers"]))),
        definite=frozenset(names.get("definite_facilities", [])),
        reference_cues=tuple(names.get("reference_cues", [])),
        boundary_stops=frozenset(names.get("boundary_stops", [])),
        words_opening_with_stops=tuple(names.get("words_opening_with_stops", [])),
        stops_naming_a_kind=tuple(names.get("stops_naming_a_kind", [])),
        bracket_openers=tuple(sorted(names.get("bracket_openers", []), key=len, reverse=True)),
        end_cues=tuple(sorted(names.get("end_cues", []), key=len, reverse=True)),
        existing_cues=tuple(names.get("existing_cues", [])),
        list_closers=tuple(sorted(names.get("list_closers", []), key=len, reverse=True)),
        list_openers=tuple(sorted(names.get("list_openers", []), key=len, reverse=True)),
        activity_re=re.compile("^(?:" + _trie_regex(set(names.get("activity_words", [])) | set(generic))
                               + r"|[和及与、\s])+$"),
        closer_not_after=tuple(names.get("list_closer_not_after", [])),
    )


def _trie_regex(words: Iterable[str]) -> str:
    """A pattern that matches what the alternation of ``words`` sorted longest first matches
    (the longest word at the leftmost place), as a trie (铁路|铁路局 -> 铁路(?:局)?): the regex
    engine follows one branch per character instead of trying some hundred words at each one.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # (greedy: the longer word first)

    return pattern(trie)


def _context() -> dict:
    """Context rules for type words that are also common words (data/categories.toml [context])."""
    return raw_rules()["context"]


class _CountPatterns(NamedTuple):
    """Patterns of a figure with a count word (12条, 三大…项目), built from the rules' classifiers."""

    opens: re.Pattern[str]  # 12条主干道: the name opens with a figure and a classifier
    inside: re.Pattern[str]  # 三大…: a figure and a classifier (searched in a name's first characters)
    etc_end: re.Pattern[str]  # A、B等7个 / 等一批: 等 and an optional count closing the text
    etc: re.Pattern[str]  # 等 and an optional count, anywhere


@lru_cache(maxsize=4)
def _count_patterns(classifiers: str) -> _CountPatterns:
    """The count patterns for one classifier set, compiled once (they were formatted and looked up
    in ``re``'s cache on every call).
    """
    return _CountPatterns(
        opens=re.compile(rf"^{_NUM}+[万亿]?[{classifiers}余]"),  # (6万户城中村: tens of thousands of households)
        inside=re.compile(rf"{_NUM}+[万亿]?[{classifiers}]"),
        # (甲、乙等地园区: 等地, and other places; 甲、乙等重点口岸, 黄百等4个在建铁路项目: a rank or
        # stage word between 等 and the class)
        etc_end=re.compile(rf"等(?:{_NUM}+[{classifiers}余]*|地)?(?:一批)?(?:重点|重要|主要|在建|拟建|新建|续建)?$"),
        # (an ellipsis closes a list as 等 does: 甲二期项目、乙一期……海淀北部15个重大产业项目)
        etc=re.compile(rf"(?:等|……)(?:{_NUM}+[{classifiers}余]*)?"),
    )


_ROAD_NAME = re.compile(
    rf"^(?:[A-Z]\d{{1,4}}|[{_CJK}]{{1,3}}[二三四五六七八九十\d]+|[{_CJK}]{{1,5}}[一二三四五六七八九十\d]+号|[{_CJK}]{{2}})线$")
# After a one-character type word (路, 桥, 河) the name must end: 东方剑桥教育 is no bridge.
_PHRASE_END = re.compile(r"^(?:$|[、，,。；;：:和与及或等的（(“\s]|建设|改造|新建|工程|项目|治理|整治|打通|提升|对接|节点|"
                         r"绕城|防洪|河道|沿线|两岸|流域|干流|段|西延|东延|南延|北延|拓宽|绿化|亮化|综合|大修|维修|加固|续建|扩建|"
                         r"升级|畅通|贯通|通车|竣工|开工|快速化|改建|整修|提质|建成|投用|投运|开通|规划建设|等|"
                         r"[一二三四五]期|千吨级|万吨级|江海联运|码头)")


@dataclass
class Mention:
    """One place a name occurs; mentions of one project are merged into a Project."""

    name: str
    start: int  # absolute offsets into plan.text
    end: int
    type: TypeWord
    clause: Clause
    sentence: str
    sentence_start: int
    work: str = ""
    endpoints: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    located: bool = False
    sibling_place: str = ""  # 开原市五金城、建材城: the place the first item names


def extract_projects(plan: Plan, places: PlaceNames | None = None) -> list[Project]:
    """Every mappable project of ``plan``, one per real-world thing, in order of first mention.

    ``places``: the place-name index to decide with (built by the pipeline from the geocoder's
    gazetteer and features, overrides included); None: the shipped data.

    >>> from planmap import read_plan
    >>> from planmap.paths import sample_plan
    >>> [p.name for p in extract_projects(read_plan(sample_plan()))][:2]
    ['沈铁城际铁路', 'G102线京抚线开原段']
    """
    with using(places):
        projects = _extract(plan)
        for project in projects:
            project.id = project_id(project.plan, project.name)
        return projects


def project_id(plan: str, name: str) -> str:
    """Stable id: the same plan and name key (:func:`coref_key`) give the same id in every run.

    >>> project_id("p", "西丰县通用机场") == project_id("p", "西丰通用机场")
    True
    """
    import hashlib

    return hashlib.sha1(f"{plan}|{coref_key(name)}".encode()).hexdigest()[:12]


def _extract(plan: Plan) -> list[Project]:
    rules = load_rules()
    mentions: list[Mention] = []
    body_start = _body_start(plan)
    skipped: dict[tuple[str, ...], bool] = {}  # per section (its clauses share it)
    for clause in sorted([*plan.clauses, *_heading_clauses(plan)], key=lambda c: c.start):
        section = tuple(clause.section)
        skip = skipped.get(section)
        if skip is None:
            skip = skipped[section] = any(_heading_is_about(s, word) for s in clause.section for word in rules.skip_sections)
        if skip:
            continue
        if clause.start < body_start and (not clause.section or clause.kind == "heading"):
            continue  # front matter: number, issuer, covering notice, signature above the title line
        if not clause.section and _COVERING_NOTICE.search(clause.text):
            continue  # a covering notice or a statement of purpose (…制定本方案) names the issuer
            # and the plan, not projects; other text before the first heading (a news lead) is read
        body = _RESP_BRACKET.sub("", clause.text)
        for s_start, sentence in _sentences(body):
            abs_start = clause.start + s_start
            found = _sentence_mentions(sentence, abs_start, clause, rules)
            routes = _routes_listed_by_ends(sentence, abs_start, clause, rules, plan.text, found)
            if routes:  # an untyped item of a list is a route the list names by its ends
                found = [f for f in found if f.type is not _OTHER or not _overlaps(routes, f.start, f.end)]
            mentions.extend(found)
            mentions.extend(routes)
    return _merge(mentions, plan)


_LEAD_CHARS = 200  # how far back a list of routes looks for the class its items belong to
_ITEM_WORK = "拓宽|扩建|改建|改造|新建"  # 黎城-长治拓宽: the works on a route named by its ends
_END_SEPARATOR = re.compile(r"至|[-—－–]")
# one item of a list of routes named by their ends alone: 宣威至富源93公里, 沿河至南川(沿河-务川-道真-南川),
# 神池-河曲
_ENDS_ITEM = re.compile(rf"^([{_CJK}]{{2,8}}?(?:至|[-—－–])[{_CJK}]{{2,8}}?段?)(?:{_ITEM_WORK})?(?:约?\d+(?:\.\d+)?(?:公里|千米|km))?"
                        rf"(?:[（(]([{_CJK}]{{2,6}}(?:[-—－–][{_CJK}]{{2,6}})+)[）)])?$")
# …or by an abbreviation with the places it runs through: 遵施(播州-余庆-施秉)
_COURSE_ITEM = re.compile(rf"^([{_CJK}]{{2,4}})[（(]([{_CJK}]{{2,6}}(?:[-—－–][{_CJK}]{{2,6}}){{1,8}})[）)]$")
_EXEMPLAR_OF_COUNT = re.compile(rf"等{_NUM}+[个条项].*$")
# the items of a list: between list marks, and 以及 joining the last (资溪花山界至里木以及昌樟扩建)
_ROUTE_LIST_ITEM = re.compile(r"(?:(?!以及)[^、，,；;：:。])+")
_JOINED_OR_WORKED = re.compile(r"以及|[和及与并]|扩建|改建|新建|改造|建设|工程|项目")
_ROUTE_CLASSES = (("高速公路", "highway"), ("高速", "highway"), ("国道", "highway"), ("省道", "highway"),
                  ("公路", "highway"), ("铁路", "railway"), ("高铁", "railway"), ("城际", "railway"))


def _routes_listed_by_ends(sentence: str, abs_start: int, clause: Clause, rules: Rules, plan_text: str,
                           found: list[Mention]) -> list[Mention]:
    """Routes a list names by their ends alone, with no type word (新建8条高速公路：宣威至富源93公里、
    兴义至富源约95公里…; 六横：沿河至南川(沿河-务川-道真-南川)、遵施(播州-余庆-施秉)…): two or more
    such items, of the route class the nearest class word before them names (in the sentence, the
    text just before it or the section's headings).
    """
    if not _END_SEPARATOR.search(sentence) and "(" not in sentence and "（" not in sentence:
        return []
    items = []
    exemplars = 0
    typed = [f for f in found if f.type is not _OTHER]  # (an untyped list item may be one of these routes)
    for seg in _ROUTE_LIST_ITEM.finditer(sentence):
        text, offset = seg.group(0), seg.start()
        exemplar = _EXEMPLAR_OF_COUNT.search(text)
        if exemplar:
            text = text[:exemplar.start()]  # 新开工甲至乙等2个项目: 甲至乙 stands for a counted list
        m = _ENDS_ITEM.match(text) or _COURSE_ITEM.match(text)
        if m is None and _END_SEPARATOR.search(text):
            # an item may follow its clause's verb (开工建设井冈山夏坪至睦村、抚州至吉安…)
            cut = left_edge(text, len(text), rules)
            text, offset = text[cut:], offset + cut
            m = _ENDS_ITEM.match(text)
        if m is None:
            continue
        name = m.group(1)
        cut = left_edge(name, len(name), rules) if _END_SEPARATOR.search(name) else 0
        if cut:  # (明年底贯通乙至丙路段: the item's own verb and time)
            name, text, offset = name[cut:], text[cut:], offset + cut
        if any(h[1] == len(name) for h in _type_hits(name, rules)) or _starts_with_verb(name) \
                or _overlaps(typed, abs_start + offset, abs_start + offset + len(text)):
            continue  # (a name ending in its type word is found by it; 西桥 of 陆良西桥 is a place)
        course = [p for p in re.split(r"[-—－–]", m.group(2))] if m.group(2) else []
        ends = _END_SEPARATOR.split(name.removesuffix("段")) if _END_SEPARATOR.search(name) else []
        if ends and any(len(e) < 2 or rules.generic_re.fullmatch(e) or _JOINED_OR_WORKED.search(e) for e in ends):
            continue  # (资溪花山界至里木以及昌樟扩建: two items run together, not one route)
        if not ends and len(course) < 2:
            continue
        items.append((offset, name, course or ends))
        exemplars += bool(exemplar)
    if len(items) < 2 and not exemplars:
        return []  # (one item: only where it stands for a counted list, 新开工甲至乙等2个项目)
    lead = plan_text[max(clause.start - _LEAD_CHARS, 0):abs_start] if clause.kind != "heading" else ""
    context = " ".join(clause.section) + "\n" + lead + sentence[:items[0][0]]
    at, category = max(((context.rfind(w), cat) for w, cat in _ROUTE_CLASSES), default=(-1, ""))
    if at < 0:
        # …等6个高速公路项目: the class that closes the list
        last = items[-1][0] + len(items[-1][1])
        after = sentence[last:last + 60]
        at, category = min(((k, cat) for w, cat in _ROUTE_CLASSES if (k := after.find(w)) >= 0), default=(-1, ""))
    if at < 0:
        return []
    tw = TypeWord("高速公路" if category == "highway" else "铁路", category, "line", "strong")
    return [Mention(name, abs_start + start, abs_start + start + len(name), tw, clause, sentence, abs_start,
                    endpoints=list(places)) for start, name, places in items]


_SHORT_HEADING = 12  # a heading this short that holds a skip word is about it (二、发展目标)


def _heading_is_about(heading: str, word: str) -> bool:
    """Whether a section is about aims or safeguards (发展目标, 保障措施): its heading holds the word
    and is short, or opens or closes with it. A long heading that mentions it in passing
    (深化落实…赋予的五大战略定位和使命任务) heads a section of works.
    """
    if word not in heading:
        return False
    return len(heading) <= _SHORT_HEADING or heading.startswith(word) or heading.endswith(word)


def _body_start(plan: Plan) -> int:
    """Where the plan's own text begins: after the title line that follows a covering notice
    (the title repeated as a line of its own). A text without such a line starts at once.
    """
    title = re.sub(r"\s+", "", plan.title or "")
    if not title:
        return 0
    first_heading = min((h.start for h in plan.headings), default=len(plan.text))
    pos, at = 0, 0
    for line in plan.text[:first_heading].split("\n"):
        at += len(line) + 1
        if re.sub(r"\s+", "", line) == title:
            pos = at
    return pos if _COVERING_NOTICE.search(plan.text[:pos]) or "关于印发" in plan.text[:pos] else 0


def _heading_clauses(plan: Plan) -> list[Clause]:
    """Headings read as text too: a short line taken for a heading may be a project's own line
    (a table row, a news subhead 某某城际铁路年内开工). Structure helps; it never hides text.
    """
    out: list[Clause] = []
    starts = [c.start for c in plan.clauses]
    open_headings: list[Heading] = []  # the headings above this one, by level
    for h in plan.headings:
        while open_headings and open_headings[-1].level >= h.level:
            open_headings.pop()
        parents = tuple(p.title for p in open_headings if p.title)
        open_headings.append(h)
        nxt = bisect.bisect_left(starts, h.end)
        section = plan.clauses[nxt].section if nxt < len(starts) and h.title in plan.clauses[nxt].section \
            else (*parents, h.title)  # (a heading over headings only: 1.续建项目… under 四、甲市政府)
        pos = plan.text.find(h.title, h.start, h.end) if h.title else -1
        if pos >= 0:
            spans = [(pos, h.title)]
        else:  # a title joined from several short lines: each line as it stands
            spans, at = [], h.start
            for line in plan.text[h.start:h.end].split("\n"):
                spans.append((at, line))
                at += len(line) + 1
        if h.marker and spans and spans[0][1].startswith(h.marker):
            spans[0] = (spans[0][0] + len(h.marker), spans[0][1][len(h.marker):])
        out.extend(Clause(text, start, start + len(text), section, kind="heading") for start, text in spans if text.strip())
    return out


def projects_frame(projects: list[Project]) -> pd.DataFrame:
    """A pandas view of extracted projects, one row each, for review in a notebook.

    >>> from planmap import read_plan
    >>> from planmap.paths import sample_plan
    >>> df = projects_frame(extract_projects(read_plan(sample_plan())))
    >>> df.loc[0, ["name", "category"]].tolist()
    ['沈铁城际铁路', 'railway']
    """
    import pandas as pd

    rows = []
    for p in projects:
        d = p.to_dict()
        d["figures"] = "; ".join(f.text for f in p.figures)
        d["mentions"] = len(p.mentions)
        rows.append(d)
    return pd.DataFrame(rows)


def _sentences(body: str) -> list[tuple[int, str]]:
    out, last = [], 0
    for m in _SENT_SPLIT.finditer(body):
        if m.end() - last > 1:
            out.append((last, body[last:m.end()]))
        last = m.end()
    if len(body) - last > 1:
        out.append((last, body[last:]))
    return out


# ---------------------------------------------------------------- single names

#: a conjunction right after a type word starts a word of its own, wherever the word index's
#: guess at unknown words puts the cut (航站区及配套设施: jieba cuts 航站/区及)
_OPENING_CONJUNCTIONS = "及和与或并"


def _inside_common_word(text: str, start: int, end: int, not_before: str, not_after: str) -> bool:
    """Whether the type word at ``text[start:end]`` is part of a common word by the characters
    around it (categories.toml not_before/not_after: 路网, 背街, 高速率).
    """
    right = text[end: end + 1]
    left = text[start - 1: start] if start else ""
    return bool((right and right in not_before) or (left and left in not_after))


def _type_hits(sentence: str, rules: Rules) -> list[tuple[int, int, TypeWord]]:
    """Type words in a sentence, longest first at each position, checked against context."""
    hits = []
    pos = 0
    not_before, not_after = _context()["not_before"], _context()["not_after"]
    only_before = {w: tuple(after) for w, after in _context().get("only_before", {}).items()}
    while True:
        m = rules.type_re.search(sentence, pos)
        if not m:
            break
        word = m.group(0)
        # prefer the longest type word ending at the same place further right (产业园 -> 产业园区)
        right = sentence[m.end(): m.end() + 1]
        if _inside_common_word(sentence, m.start(), m.end(), not_before.get(word, ""), not_after.get(word, "")):
            pos = m.end()  # the whole word is a common word here (连接线上 holds no 接线 either)
            continue
        if word in only_before and not sentence.startswith(only_before[word], m.end()):
            pos = m.end()  # 港 is a port only before a port's works (虞公港二期); else a creek (油墩港)
            continue
        if len(word) >= 2 and m.end() not in _boundaries(sentence) and right and right not in _OPENING_CONJUNCTIONS \
                and not (word.endswith(_WORKS_ENDS) and sentence.startswith(_WORK_AFTER_WORKS, m.end())):
            pos = m.start() + 1  # (电网工程建设: the word index joins 工程建设, the type word still ends there)
            continue
        hits.append((m.start(), m.end(), rules.types[word]))
        pos = m.end()
    return hits


@lru_cache(maxsize=4096)
def _boundaries(sentence: str) -> frozenset[int]:
    """Word boundaries (jieba's, from the prebuilt word index), so a stop word inside a word
    (服务 in 服务业) is no stop.
    """
    return word_index().boundaries(sentence)


_WORKS_ENDS = ("工程", "项目")
_WORK_AFTER_WORKS = ("建设", "改造", "实施", "前期")
_COUNT_CLASSIFIERS = "条个座所处家项片批余"
_COUNT_BEFORE = re.compile(rf"{_NUM}+\s*[{_COUNT_CLASSIFIERS}]$")
_DATE_BEFORE = re.compile(r"\d{4}\s*年(?:底|内|初)?$")
# a character a name may hold: a han character (\u4e00-\u9fff) or one of these (a set, not a
# pattern: left_edge tests one character at a time)
_NAME_CHARS_NOT_HAN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789—-·")
_ALL_CJK = re.compile(rf"[{_CJK}]+")  # (fullmatch: only han characters)
_A_NUM = re.compile(_NUM)


def left_edge(sentence: str, end: int, rules: Rules, cuts: frozenset[int] | None = None) -> int:
    """Where a name ending before ``end`` starts: after the nearest stop word or punctuation.

    ``cuts`` are word boundaries of the whole sentence when ``sentence`` is a prefix of it.
    """
    if cuts is None:
        cuts = _boundaries(sentence)
    # (looked up once per call: this loop runs for every character of every name)
    stops_by_end = _stops_by_char(id(rules))[0]
    boundary_stops = rules.boundary_stops
    i = end
    depth = 0
    while i > 0:
        ch = sentence[i - 1]
        if ch in _CLOSE:
            depth += 1
            i -= 1
            continue
        if ch in _OPEN:
            if depth == 0:
                # （含甲水库扩建）: a bracket opening with 含 or 包括 lists what the works include
                return i + next((len(w) for w in rules.bracket_openers if sentence.startswith(w, i) and i + len(w) < end), 0)
            depth -= 1
            i -= 1
            continue
        if depth:
            i -= 1
            continue
        if not ("\u4e00" <= ch <= "\u9fff" or ch in _NAME_CHARS_NOT_HAN):
            break
        if ch == "—" and i >= 2 and sentence[i - 2] == "—" and not any(
                sentence[i - 2 - k:i - 2] in current().gaz.admin.by_name for k in range(2, 6) if i - 2 - k >= 0):
            break  # 世界最长隧道——甲乙隧道, “北大门”交通——329国道…: a description, then (after the
            # dash) the name; only a unit's name before the dash may be a route's end (兰州——成都高速)
        stops = stops_by_end.get(ch)
        if stops:
            stop = next((s for s in stops
                         if i - len(s) >= 0 and sentence.startswith(s, i - len(s))
                         and (len(s) == 1 or ((i in cuts or _stop_split_by_next_word(i - len(s), i, cuts))
                                              and _whole_stop(sentence, i - len(s), cuts, rules)))), None)
            if stop and len(stop) == 1 and (_unit_opens_at(sentence, i - 1) or _place_covers(sentence, i - 1)
                                            or sentence.startswith(rules.words_opening_with_stops, i - 1)
                                            or (i >= 3 and sentence[i - 3] in _LIST_MARKS and "\u4e00" <= sentence[i - 2] <= "\u9fff")):
                stop = None  # 和林格尔, 和田: the stop character opens a place name, 甘其毛都 holds one;
                # 有色, 对外: a word; 、松如沟: one character after a list mark is no word before a stop
            if stop == "等" and not _etc_is_a_word(sentence, i - 1):
                stop = None  # 高等专科学校: 等 of 高等 ends no name
            if stop in rules.stops_naming_a_kind and i - len(stop) >= 2 and (
                    i == end or sentence[i:end] in rules.types):
                stop = None  # 广龙合作产业园: 合作 says what kind of park, right before its type word
            if stop:
                break
        if ch in boundary_stops and i in cuts and i - 1 in cuts:
            break
        # (each pattern below ends in one of a few characters: tested first, it spares the search)
        if ch in "年底内初" and _DATE_BEFORE.search(sentence[max(0, i - 7):i]):
            break  # 到2020年我国铁路: a date ends the name
        if ch in _COUNT_CLASSIFIERS and _COUNT_BEFORE.search(sentence[max(0, i - 6):i]):
            break  # 7个铁路项目: a count ends the name (the items before 等 carry it)
        i -= 1
    return i


def _unit_opens_at(sentence: str, pos: int) -> bool:
    """True when a unit name of three or more characters (和林格尔县's 和林格尔) or the name of a
    town without its 镇 or 乡 (向家坝镇's 向家坝: 向家坝灌区) starts at ``pos``.
    """
    return any(_is_unit_or_town_stem(sentence[pos:pos + n]) for n in range(3, 7) if pos + n <= len(sentence))


def _is_unit_or_town_stem(text: str) -> bool:
    """Whether ``text`` is a unit's name or a town's name without its 镇 or 乡."""
    gaz = current().gaz
    return text in gaz.admin.by_name or any(text + kind in gaz.towns.by_name for kind in _TOWN_KINDS)


_TOWN_KINDS = ("镇", "乡")
_LIST_MARKS = "、"


def _place_covers(sentence: str, pos: int) -> bool:
    """True when a unit or town name of three or more characters starts before ``pos`` and runs
    past it (其 inside 甘其毛都, a town of 乌拉特中旗): the character there is no stop word.
    """
    return any(_is_unit_or_town_stem(sentence[j:j + n])
               for j in range(max(0, pos - 4), pos) for n in range(max(3, pos - j + 1), 7) if j + n <= len(sentence))


@lru_cache(maxsize=1)
def _stops_by_char(rules_id: int) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    rules = load_rules()
    by_end: dict[str, list[str]] = {}
    by_start: dict[str, list[str]] = {}
    for w in rules.left_stops:  # already longest first
        by_end.setdefault(w[-1], []).append(w)
        by_start.setdefault(w[0], []).append(w)
    return ({k: tuple(v) for k, v in by_end.items()}, {k: tuple(v) for k, v in by_start.items()})


def _stops_ending(ch: str, rules: Rules) -> tuple[str, ...]:
    """The stop words that end in ``ch``, longest first (one dict lookup per character)."""
    return _stops_by_char(id(rules))[0].get(ch, ())


def _stops_starting(ch: str, rules: Rules) -> tuple[str, ...]:
    return _stops_by_char(id(rules))[1].get(ch, ())


def _stop_split_by_next_word(start: int, end: int, cuts: frozenset[int]) -> bool:
    """深化石峁: the word index cut 深/化石/峁, a word (化石) starting inside the stop (深化) and
    running past it; a stop word that starts a word and is cut inside is still a stop. A longer
    word that holds the stop from its start (建成区) is cut nowhere inside it: no stop.
    """
    return start in cuts and any(start < c < end for c in cuts)


def _whole_stop(sentence: str, start: int, cuts: frozenset[int], rules: Rules) -> bool:
    """A stop word ending a jieba word stops a name only when the rest of that word is a stop too:
    积极争取 is two stops, 综合利用 is one word (利用 inside it is no verb of its own).
    """
    if start in cuts:
        return True
    token_start = max((c for c in cuts if c < start), default=0)
    return sentence[token_start:start] in rules.left_stops


MAX_CONJOINED_MODIFIER = 4  # 功能和保健食品产业园, 机械制造及新型材料产业园: a modifier is a short word


def _join_conjoined_modifier(sentence: str, left: int, rules: Rules, category: str = "") -> int:
    """功能和保健食品产业园 / 机械制造及新型材料产业园: a short modifier joined by 和/及/与 that is
    not itself a name belongs to the name; 拉马河和蒲河 (two names) stays apart. A line is named by
    no such modifier (货车和城轨地铁: two kinds of vehicle; 雅下水电和川藏铁路: two works).
    """
    if category in _LINE_CATEGORIES:
        return left
    if left < 2 or sentence[left - 1] not in "和及与" or not word_index().is_boundary(sentence, left - 1):
        return left  # (及 of 涉及, 与 of 参与: the end of a verb, no conjunction)
    start = left_edge(sentence, left - 1, rules)
    part = sentence[start:left - 1]
    modifier = part[len(admin_prefix(part)):]  # 西丰县功能和保健食品产业园: the place opens the name
    if not modifier or len(modifier) > MAX_CONJOINED_MODIFIER or not _ALL_CJK.fullmatch(part):
        return left
    if rules.type_re.search(part) or _A_NUM.search(part) or part[-1] in "区园城地带站场馆院所库心":
        return left  # the part is a name of its own (…示范区和…产业园)
    if part in rules.generic or part in _not_names():
        return left  # 港口和…码头: a class of its own, listed beside the name
    words = word_index()
    for _word, entry in words.cut_with_entries(modifier):
        if words.freq_of(entry) == 0 or words.tag_of(entry) in _ADVERB_TAGS | _CLAUSE_TAGS:
            # a word no dictionary knows (杨万刚与州医院: a person), an adverb, pronoun, time word or
            # preposition (最终与州医院, 就和医院) is no modifier of a kind (制造 of 装备制造 is one)
            return left
    return start


# Words that never stand inside a project's name before its type word: a pronoun (他), a time
# word (年前), an adverb (直接, 最终), a preposition that governs an object (给, 对), a person
# written X某 in a news report, or a frequent verb of two or more characters (担任, 得知).
# One-character and rare verbs stay (西气东输管道, 开化寺南街), and a span naming a route's ends
# or a junction (甲至乙, 甲与乙) is left whole.
_CLAUSE_TAGS = frozenset({"r", "t", "p"})  # (a preposition: 据, 按)
# aspect particles (了, 过, 着) close the verb before them: 试用过X研究院 names X研究院
_ASPECT_TAGS = frozenset({"ul", "ug", "uz"})
_ADVERB_TAGS = frozenset({"d", "ad"})
_OBJECT_PREPOSITIONS = frozenset({"给", "对", "向", "靠着", "被", "让", "把", "替"})
# 和 and 及 join two things; the name is the last of them (座谈会和两江新区 names 两江新区),
# unless the first is a short modifier of it (see _join_conjoined_modifier)
_CONJUNCTIONS = frozenset({"和", "及"})
_NEVER_NAMED_BY_A_VERB = frozenset({"railway", "highway"})
_PERSON = re.compile(rf"^[{_CJK}]某$")
_FREQUENT_VERB = 2000
_SPAN_JOINS = re.compile(r"至|到|—|－|-|与|[（(]")  # a route's ends or a junction: left whole
_TIME_CHAR = re.compile("[年月日前后今昨明]")


def _is_clause_word(token: str, tag: str, freq: int) -> bool:
    """A word that ends the clause before a name (他, 担任, 了, 直接, 给). Asked first: it is a
    cheap look-up, and only for such a word does :func:`_is_name_part` matter.
    """
    if tag == "t":
        return _TIME_CHAR.search(token) is not None  # 现代 is no time of day
    return tag in _CLAUSE_TAGS or tag in _ASPECT_TAGS or (tag in _ADVERB_TAGS and len(token) >= 2) \
        or token in _OBJECT_PREPOSITIONS or (token in _CONJUNCTIONS and tag == "c") \
        or _PERSON.match(token) is not None or (tag == "v" and len(token) >= 2 and freq >= _FREQUENT_VERB)


def _is_name_part(token: str, rules: Rules) -> bool:
    """高速 of 济青高速, 北段 of a road's section, 大连: a word that belongs to the name."""
    return rules.type_re.search(token) is not None or token.endswith("段") or has_place_name(token) \
        or bool(current().gaz.units_named(token))


_FEATURE_CHARS = frozenset("江河湖海山岭峡")


def _abbreviation_opened_by_a_stop(sentence: str, left: int, type_start: int, category: str) -> int:
    """A route abbreviated to one character is no name (若铁路): the stop character cut off before
    it (和 of 建设和若铁路) is the abbreviation's first place when a city or county opens with it
    and another opens with the kept character (和田, 若羌).
    """
    if category not in ("railway", "highway") or type_start - left != 1 or left < 1:
        return left
    if not sentence.startswith(_ROUTE_WORDS, type_start):
        return left  # 线 and 隧道 follow one-character words (热线, 长隧道)
    pair = sentence[left - 1:type_start]
    if not all("\u4e00" <= ch <= "\u9fff" and _opens_a_unit_name(ch) for ch in pair):
        return left
    return left - 1


_ROUTE_WORDS = ("铁路", "高铁", "城际", "高速", "快速")


@lru_cache(maxsize=512)
def _opens_a_unit_name(ch: str) -> bool:
    """Whether a city or county's short name opens with ``ch`` (和 of 和田, 通 of 通辽)."""
    return any(u.level in ("city", "county") and u.short.startswith(ch)
               for name, entries in current().gaz.admin.by_name.items() if name.startswith(ch)
               for u, _ in entries)


def _past_clause_words(sentence: str, left: int, type_start: int, category: str = "") -> int:
    """Move a name's start past the last clause word before its type word (他担任X医院 -> X医院),
    keeping at least one character of name before the type word.
    """
    span = sentence[left:type_start]
    words = word_index()
    if len(span) == 1 and words.tag(span) == "p":
        return type_start  # 据地铁: a preposition before a bare type word names nothing
    if len(span) < 2 or _SPAN_JOINS.search(span):
        return left
    rules = load_rules()
    pos = 0
    cut_at, cut_tag = 0, ""
    tokens = list(words.cut_with_entries(span))
    for k, (token, entry) in enumerate(tokens):
        pos += len(token)
        tag = words.tag_of(entry)
        if tag == "t" and k + 1 < len(tokens) and tokens[k + 1][0] in _FEATURE_CHARS:
            continue  # 明月湖, 明月山: a "time" word before a lake's or a mountain's character names it
        if pos == len(span) and token in rules.stops_naming_a_kind:
            continue  # 广龙合作产业园: the kind of park, not a verb
        if _is_clause_word(token, tag, words.freq_of(entry)) and not _is_name_part(token, rules):
            cut_at, cut_tag = pos, tag
    if cut_at and type_start - (left + cut_at) >= 1:
        return left + cut_at
    if cut_at == len(span) and _ALL_CJK.fullmatch(span) and (
            cut_tag in _ADVERB_TAGS | {"r", "p"} or (cut_tag == "v" and category in _NEVER_NAMED_BY_A_VERB)):
        # 不少产业园, 涉及轨道交通: nothing names it, the bare type word is left (and dropped);
        # a street may be named by a verb (建设路, 解放大街), a railway or highway never is
        return type_start
    return left


def _after_unmatched_close(name: str) -> int:
    """Where a name starts after an aside in brackets: one it never opened (…高矮胖瘦）阜阳高铁站),
    or one a place name follows (榜单（排名不分先后）阜阳高铁站: a name opens with its place, a
    bracket inside a name qualifies what precedes it, 长三角（广德）康养基地); else 0.
    """
    depth, cut = 0, 0
    for i, ch in enumerate(name):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth:
                depth -= 1
                if not depth and admin_prefix(name[i + 1:]):
                    cut = i + 1
            else:
                cut = i + 1
    return cut if cut < len(name) else 0


def _described(name: str) -> int:
    """Where a superlative describing the project starts in ``name`` (世界最长…, 东北地区首个…), or -1."""
    if "最" not in name and "首" not in name:
        return -1
    context = _context()
    if any(w in name for w in context["not_superlatives"]):
        return -1
    return min((name.find(w) for w in context["superlatives"] if w in name), default=-1)


def _after_description(name: str, tw: TypeWord, rules: Rules) -> int:
    """Where the proper name starts after a description that ends in a type word of its own
    (亚洲最大专业货运机场花湖国际机场 -> 花湖国际机场), or 0.
    """
    at = _described(name)
    if at < 0:
        return 0
    last = len(name) - len(tw.word) if name.endswith(tw.word) else len(name)
    ends = [m.end() for m in rules.type_re.finditer(name, at, last)]
    return ends[-1] if ends and ends[-1] < last else 0


#: a grade of a class of facilities (4F级 airports, 5A级 scenic areas) written before a name
_GRADE = re.compile(r"[1-5][A-Fa-f]级")


def _after_grade(name: str, tw: TypeWord) -> int:
    """Where the proper name starts after a grade that describes it (首座4F级盛乐国际机场 ->
    盛乐国际机场), or 0: only when at least two characters of name are left before the type word
    (国家5A级景区 stays whole, and is judged generic as it is).
    """
    last = len(name) - len(tw.word) if name.endswith(tw.word) else len(name)
    ends = [m.end() for m in _GRADE.finditer(name, 0, last)]
    return ends[-1] if ends and last - ends[-1] >= 2 else 0


def _branch_of(head: str, tw: TypeWord, rules: Rules) -> TypeWord:
    """A branch (支线) of the line named before it is of that line's kind: the longest railway
    or highway type word in ``head`` says which (包银高铁…支线 is a railway), an energy word a
    pipeline's or power line's (天然气支线).
    """
    lines = [m.group(0) for m in rules.type_re.finditer(head)
             if rules.types[m.group(0)].category in ("railway", "highway")]
    if not lines:
        return _energy_line(head, tw, rules)
    kind = rules.types[max(lines, key=len)]
    return TypeWord(tw.word, kind.category, kind.geom, tw.strength)


def _energy_line(head: str, tw: TypeWord, rules: Rules) -> TypeWord:
    """A gas or power line (省内天然气支线, 川气东送二线) is an energy work, placed where the plan is:
    ``head`` holds an energy word (categories.toml [item_hints]).
    """
    if any(cat == "energy_utility" and w in head for w, cat in rules.item_hints):
        return TypeWord(tw.word, "energy_utility", "point", tw.strength)
    if _ROAD_NUMBER.fullmatch(head):  # 329复线: a second line of a national road
        return TypeWord(tw.word, "highway", "line", tw.strength)
    return tw


# a numbered road: G75, 329, 329国道, 国道318 (one pattern for every rule that reads road numbers)
_NUMBERED_ROAD = r"(?:[GS]\d{1,4}|\d{3}(?:国道|省道|县道)?|(?:国道|省道|县道)\d{3})"
_ROAD_NUMBER = re.compile(_NUMBERED_ROAD)


_SECOND_LINE_WORDS = ("二线", "复线", "新线")
_LINE_KINDS = ("railway", "highway", "road")


def _stretch_of_a_line(head: str, tw: TypeWord, rules: Rules) -> TypeWord:
    """329国道甲隧道北口至乙桥: a stretch of the road named before 至 that ends at a bridge is a
    work on that road, of its kind and drawn as a line, not a bridge.
    """
    before = head[:head.index("至")]
    lines = [m.group(0) for m in rules.type_re.finditer(before) if rules.types[m.group(0)].category in _LINE_KINDS[:2]]
    if not lines:
        return tw
    kind = rules.types[max(lines, key=len)]
    return TypeWord(tw.word, kind.category, "line", tw.strength)


_FOOTNOTE = re.compile(r"^(?:\[\d+\]|\d+\])+")


def _strip_left_noise(name: str) -> str:
    """Dashes, dots and a footnote mark ([7]) before a name are no part of it."""
    return _FOOTNOTE.sub("", name.lstrip("—-·、 ")).lstrip("—-·、 ")


def _sentence_mentions(sentence: str, abs_start: int, clause: Clause, rules: Rules) -> list[Mention]:
    hits = _type_hits(sentence, rules)
    out: list[Mention] = []
    consumed_until = -1
    for k, (ts, te, tw) in enumerate(hits):
        if ts < consumed_until:
            continue
        name_end = te
        if tw.strength == "river" and k + 1 < len(hits) and hits[k + 1][0] == te and hits[k + 1][2].category == "water" \
                and sentence[te:hits[k + 1][1]] in rules.work_words:
            # 万泉河 + 河道治理: the river is the name, the rest is its work
            nxt = hits[k + 1]
            qual_end = te
            left = left_edge(sentence, ts, rules)
            name = _strip_left_noise(sentence[left:te])
            m = Mention(name, abs_start + te - len(name), abs_start + te, tw, clause, sentence, abs_start,
                        work=sentence[nxt[0]:nxt[1]])
            out.extend(_expand(m, sentence, te - len(name), rules))
            consumed_until = nxt[1]
            continue
        qual_end = _qualifiers_end(sentence, name_end)
        left = left_edge(sentence, ts, rules)
        left = _past_clause_words(sentence, left, ts, tw.category)
        left = _join_conjoined_modifier(sentence, left, rules, tw.category)
        if tw.word.endswith("立交") and left >= 2 and sentence[left - 1] == "与":
            # 101国道与305省道互通立交: one interchange of two roads, unless both are classes
            # (城市主干道与干线公路枢纽立交: a kind of interchange, not one)
            first = left_edge(sentence, left - 1, rules)
            if first == left - 1:
                first = left  # ，与甲高速公路设…立交: the first road is the sentence's subject, unnamed here
            elif _is_generic(sentence[first:left - 1], rules.types["路"], rules) \
                    and _is_generic(sentence[left:ts], rules.types["路"], rules):
                consumed_until = te
                continue
            left = first
        name = sentence[left:qual_end]
        name = _strip_left_noise(name)
        left = _abbreviation_opened_by_a_stop(sentence, qual_end - len(name), ts, tw.category)
        name = sentence[left:qual_end]
        if not name:
            continue
        if tw.word in _context()["branch_words"]:
            tw = _branch_of(sentence[left:ts], tw, rules)
        elif tw.word in _SECOND_LINE_WORDS:
            tw = _energy_line(sentence[left:ts], tw, rules)
        elif "至" in sentence[left:ts] and tw.category not in _LINE_KINDS:
            tw = _stretch_of_a_line(sentence[left:ts], tw, rules)
        cut = _after_description(name, tw, rules) or _after_unmatched_close(name) or _after_grade(name, tw)
        if cut:
            name, left = name[cut:], left + cut
        m = Mention(name, abs_start + left, abs_start + qual_end, tw, clause, sentence, abs_start)
        m.work = _work_after(sentence, qual_end, rules)
        m.aliases = _bracket_aliases(sentence, name_end, qual_end)
        m.located = _is_located(sentence[:left])
        if _is_route(name):
            m.endpoints = route_ends(name)
        elif tw.word == "连接线":
            m.endpoints = _link_ends(name)
        out.extend(_expand(m, sentence, left, rules))
        consumed_until = qual_end
    _mark_siblings(out, sentence, abs_start)
    out = [m for m in out if _keep(m, rules)]
    out.extend(_junctions(sentence, abs_start, clause, rules, out))
    out.extend(_route_codes(sentence, abs_start, clause, rules, out))
    out.extend(_named_projects(sentence, abs_start, clause, rules, out))
    out.extend(_transfers(sentence, abs_start, clause, rules, out))
    out.extend(_stretch_projects(sentence, abs_start, clause, rules, out))
    out.extend(_company_projects(sentence, abs_start, clause, out))
    # each replaces what was found inside it: 养殖示范基地 inside 甲有限公司生猪养殖示范基地 is the
    # company's; 二号线南延线 listed after 地铁四号线 is that city's line; 桥下空间段 listed after
    # 甲绿道乙段 is the greenway's section, not a bridge
    out = _replacing(out, _company_works_listed(sentence, abs_start, clause))
    out = _replacing(out, _listed_metro_lines(sentence, abs_start, out))
    out = _replacing(out, _listed_sections(sentence, abs_start, out, rules))
    out.extend(_list_items(sentence, abs_start, clause, rules, out))
    out.extend(_counted_list(sentence, abs_start, clause, rules, out))
    for m in out:
        if m.type.strength == "river" and len(m.name) == 2:
            # 蒲河 is a river; the project is its works, named with them (蒲河河道治理, 嫩江干流治理)
            w = _RIVER_WORKS_AFTER.match(m.sentence, m.end - m.sentence_start)
            work = w.group(0) if w else (m.work if _RIVER_WORKS_AFTER.fullmatch(m.work or "") else "")
            if work:
                m.aliases = [*m.aliases, m.name]  # (the river's own name finds it in the gazetteer)
                m.name += work
                if w:
                    m.end += len(work)
        while m.name.endswith(("）", ")")) and _unclosed(m.name) < 0:
            m.name, m.end = m.name[:-1], m.end - 1  # 乙酒店） of 甲项目（包括丙酒店、乙酒店）: the list's bracket
    return _dedupe_spans(out)


_RIVER_WORKS_AFTER = re.compile(r"(?:干流|支流|流域|河道|河段)?(?:综合|应急|生态)?(?:治理|整治|清淤|疏浚|修复)")


def _replacing(found: list[Mention], new: list[Mention]) -> list[Mention]:
    """``found`` without the mentions lying inside one of ``new``, then ``new``."""
    if not new:
        return found
    return [m for m in found if not any(n.start <= m.start and m.end <= n.end for n in new)] + new


def _unclosed(name: str) -> int:
    """Brackets opened and not closed in ``name`` (negative: closed and not opened)."""
    return name.count("（") + name.count("(") - name.count("）") - name.count(")")


# a section listed after a named one: 、长沙段, 、183号路段 (up to 等 or the end of the list)
_LISTED_SECTION = re.compile(rf"[、和及]((?:[{_CJK}]|\d|[A-Za-z]){{1,8}}?段)"
                             rf"(?=[、，,。；;和及与等（(]|$|改|扩|建|新建|工程|项目|提升|整治|续建|开工|完工|通车)")


# a numbered metro line and what its head is (哈尔滨地铁 of 哈尔滨地铁1号线三期)
_METRO_HEAD = re.compile(rf"^(.*?(?:地铁|轨道交通|轻轨|城轨))[{_NUM_CHARS}]+号线")
# a bare numbered line listed after it: 、二号线南延线, 和三号线, 、2号线一期
_LISTED_LINE = re.compile(rf"[、和及与]([{_NUM_CHARS}]+号线(?:[东西南北]延(?:线|伸线?)?|[{_NUM_CHARS}]期|[{_CJK}]{{1,4}}段)*)"
                          rf"(?=[、，,。；;和及与等（(]|$|建设|建成|工程|项目|开工|通车|续建|新建|延伸)")


def _listed_metro_lines(sentence: str, abs_start: int, found: list[Mention]) -> list[Mention]:
    """Numbered lines listed right after a city's named metro line are that city's (续建地铁四号线、
    二号线南延线和三号线): each with the head put back (地铁二号线南延线, 地铁三号线).
    """
    out: list[Mention] = []
    for m in found:
        head = _METRO_HEAD.match(m.name)
        if head is None or m.type.category != "railway":
            continue
        pos = m.end - abs_start
        while (s := _LISTED_LINE.match(sentence, pos)) is not None:
            out.append(Mention(head.group(1) + s.group(1), abs_start + s.start(1), abs_start + s.end(1), m.type,
                               m.clause, sentence, abs_start, work=m.work))
            pos = s.end()
    return out


def _listed_sections(sentence: str, abs_start: int, found: list[Mention], rules: Rules) -> list[Mention]:
    """Sections listed right after a named section of a line share its line (甲高速公路岳阳段、长沙段;
    甲绿道乙段、183号路段、丙段): each with the line's name put back (甲高速公路长沙段).
    """
    out: list[Mention] = []
    for m in found:
        if not m.name.endswith("段") or m.type.category not in ("highway", "railway", "road", "park_green", "water"):
            continue
        at = m.name.rfind(m.type.word)
        head = m.name[:at + len(m.type.word)] if at > 0 else ""
        if not head or head == m.name[:-1]:
            continue
        pos = m.end - abs_start
        while (s := _LISTED_SECTION.match(sentence, pos)) is not None:
            item = s.group(1)
            if _GENERIC_SECTION.fullmatch(item) or _Q_NOT_IN_SECTION.search(item) or m.type.word in item or any(
                    len(tw.word) > 1 for _a, _b, tw in _type_hits(item, rules)):
                break  # (乙高速公路长沙段: a line of its own)
            out.append(Mention(head + item, abs_start + s.start(1), abs_start + s.end(1), m.type, m.clause,
                               sentence, abs_start, work=m.work))
            pos = s.end()
    return out


_COUNTED_ITEMS = re.compile(rf"((?:[{_CJK}]{{2,8}}、)+[{_CJK}]{{2,8}}?(?:[和及与][{_CJK}]{{2,8}}?)?)"
                            rf"([两二三四五六七八九十]|\d+)[条个座处项]")
_UNIT_CHARS = "省市县区镇乡村"
_SMALL_NUMBERS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _counted_list(sentence: str, abs_start: int, clause: Clause, rules: Rules, found: list[Mention]) -> list[Mention]:
    """Items counted before the class they share (规划渝黔、泸遵怀两条高速铁路; 川黔、遵马两条普速铁路):
    each item with the class (渝黔高速铁路), when the count is the number of items and the class
    follows the count within a few characters.
    """
    out: list[Mention] = []
    if "、" not in sentence:
        return out
    for m in _COUNTED_ITEMS.finditer(sentence):
        hit = next((h for h in _type_hits(sentence[m.end():m.end() + 8], rules)), None)
        if hit is None or hit[0] > 2 or hit[2].category == _OTHER.category:
            continue  # (between the count and the type word at most a short modifier: 普速铁路)
        suffix = sentence[m.end():m.end() + hit[1]]
        modifier = suffix[:hit[0]]
        if not _ALL_CJK.fullmatch(suffix) or "的" in modifier or (modifier and modifier[0] in _UNIT_CHARS):
            continue  # 铁岭、开原两个县的公路: the count counts places, not works
        raw = m.group(1)
        items, pos = [], m.start(1)
        for part in re.split(r"([、和及与])", raw):
            if part in ("、", "和", "及", "与"):
                pos += 1
                continue
            items.append((pos, part))
            pos += len(part)
        n = int(m.group(2)) if m.group(2).isdigit() else _SMALL_NUMBERS[m.group(2)]
        if n != len(items):
            continue
        first_start = left_edge(sentence, items[0][0] + len(items[0][1]), rules)
        items[0] = (first_start, sentence[first_start:items[0][0] + len(items[0][1])])
        if any(len(it) < 2 or _type_hits(it, rules) or _starts_with_verb(it) or rules.generic_re.fullmatch(it)
               or _overlaps(found, abs_start + a, abs_start + a + len(it)) for a, it in items):
            continue
        for a, it in items:
            mention = Mention(it + suffix, abs_start + a, abs_start + a + len(it), hit[2], clause, sentence, abs_start)
            if _keep(mention, rules):
                out.append(mention)
    return out


def _is_located(before: str) -> bool:
    """``在振中街道办事处辖区…`` / ``在铁岭县凡河…``: the plan says where a generic facility goes."""
    seg = _after_last(before, "，,；;：:")
    m = _LOCATED_AT.search(seg)
    if not m or ("、" in m.group(1) and not _COUNTED_PLACES.search(m.group(1))):
        return False  # (在甲市A项目、B项目中: a list, not where the facility goes; 在甲、乙、丙三镇 is where)
    return bool(_LOCATED_AREA.search(m.group(1))) or has_place_name(m.group(1))


_LOCATED_AT = re.compile(r"在([^，。；]{2,24})")
_LOCATED_AREA = re.compile(r"(辖区|区域|片区|周边|附近|境内)")
# a list of places closed by their count and kind (凡河、腰堡、新台子三镇), then the verb
_COUNTED_PLACES = re.compile(rf"、[{_CJK}]{{2,5}}[两二三四五六七八九十]个?[镇乡县区市村街][{_CJK}]{{0,3}}$")


def _mark_siblings(mentions: list[Mention], sentence: str, abs_start: int) -> None:
    """A bare item after a place-prefixed one (开原市五金城、建材城) shares its place."""
    if len(mentions) < 2:
        return  # (most sentences: no pair to compare)
    for prev, cur in reversed(list(zip(mentions, mentions[1:], strict=False))):
        gap = sentence[prev.end - abs_start: cur.start - abs_start]
        if gap in ("、", "和", "及", "与") and cur.work and not prev.work and prev.type.category == cur.type.category:
            prev.work = cur.work  # 马仲河、招苏台河、二道河河道治理: the work is shared
    for prev, cur in zip(mentions, mentions[1:], strict=False):
        gap = sentence[prev.end - abs_start: cur.start - abs_start]
        if gap != "、":
            continue
        place = prev.sibling_place or admin_prefix(prev.name)
        if place and not admin_prefix(cur.name):
            cur.sibling_place = place


def _qualifiers_end(sentence: str, end: int) -> int:
    """Extend a name over 段/延 qualifiers and a bracketed section: 铁路（调兵山段）, 四环路棋盘山段."""
    # (patterns compiled once and matched at ``end``: none looks behind, so this is matching the rest)
    if sentence.endswith(("国道", "省道", "县道"), 0, end):
        m = _Q_ROUTE_NO.match(sentence, end)
        if m:
            end = m.end()  # 省道394: the route number follows the class
    m = _Q_BRACKET.match(sentence, end)
    if m and (_Q_BRACKET_SECTION.search(m.group(0)) or (
            _Q_BRACKET_STRETCH.fullmatch(m.group(0)) and sentence.endswith(_INTERCITY_LINES, 0, end))) \
            and not _Q_LIST_PUNCT.search(m.group(0)):
        end = m.end()  # 铁路（调兵山段）, 高速公路（甲公路-乙高速）: a section, or a highway's stretch by its
        # ends (a street's, 甲路（乙路—丙路）, is a table's note of where it runs)
    m = _Q_SECTION.match(sentence, end)
    if m and not _Q_NOT_IN_SECTION.search(m.group(0)) and not _GENERIC_SECTION.fullmatch(m.group(0)) \
            and not _LINE_IN_SECTION.search(m.group(0)):
        end = m.end()  # (重点路段, 部分路段: which stretches, not a named section)
    m = _Q_EXTENSION.match(sentence, end)
    if m:
        end = m.end()
    m = _Q_PHASE.match(sentence, end)
    if m:
        end = m.end()  # 毗河供水一期, 马影河公园三期: a phase is part of the name
    m = _Q_CAMPUS.match(sentence, end)
    if m:
        end = m.end()  # 医院东区, 医院新院区: one campus of a named facility
    return end


_Q_ROUTE_NO = re.compile(r"\d{1,4}(?:线)?")
_Q_BRACKET = re.compile(r"[（(][^（）()]{1,16}[）)]")
_Q_BRACKET_SECTION = re.compile(r"(段|延|期|线)[）)]$")
_INTERCITY_LINES = ("高速公路", "高速", "铁路", "公路")
_Q_BRACKET_STRETCH = re.compile(rf"[（(][{_CJK}]{{2,8}}(?:至|[-—－–])[{_CJK}]{{2,8}}[）)]")
_Q_LIST_PUNCT = re.compile(r"[、，,]")
# 棋盘山段, 通麦至105道班段 (a road maintenance squad's number names a place on a Tibetan road)
_Q_SECTION = re.compile(rf"[{_CJK}]{{1,8}}?(?:至[{_CJK}\d]{{1,8}})?段")
_Q_NOT_IN_SECTION = re.compile(r"[，、和及与因的在是将为]")
# a line or a project inside what follows a name is no section of it: 白河 + 高速铁路项目辽宁段
_LINE_IN_SECTION = re.compile(r"高速|铁路|高铁|公路|国道|省道|城际|项目|工程")
_GENERIC_SECTION = re.compile(r"(?:重点|部分|拥堵|瓶颈|危险|事故多发|主要|关键|薄弱|全线|沿线|个别)路?段")
_Q_EXTENSION = re.compile(r"[东西南北]延(?:线|伸)?|改线(?!工程)")
_Q_PHASE = re.compile(r"[一二三四五六七八九十\d]期(?!工程|项目|建设)")
_Q_CAMPUS = re.compile(r"(?:[东西南北]院区|[东西南北]区|新院区|院区|分院)(?=[、，,。；;和及与]|$|建设|改造)")


def _bracket_aliases(sentence: str, name_end: int, qual_end: int) -> list[str]:
    """The other name a bracket after a name gives it: a line's (G75（兰海高速）) or the short name
    the text goes on to use (甲州人民医院（下文简称“州医院”）).
    """
    m = _ALIAS_BRACKET.match(sentence, name_end)
    if m is None:
        return []
    short = _SHORT_NAME.fullmatch(m.group(1))
    if short:
        return [short.group(1)]
    if _ALIAS_LINE.search(m.group(1)) and not m.group(1).endswith("段"):
        return [m.group(1)]
    return []


_SHORT_NAME = re.compile(r"(?:下文|以下|后文)?(?:简称|称)[：:]?[“\"]?([^“”\"]{2,16}?)[”\"]?")


_ALIAS_BRACKET = re.compile(r"[（(]([^（）()]{2,24})[）)]")
_ALIAS_LINE = re.compile(r"(高速|公路|铁路|线|路)")


def _work_after(sentence: str, end: int, rules: Rules) -> str:
    """The work word right after a name (建设, 改造…), the longest when several fit."""
    m = _work_words_re(rules.work_words).match(sentence, end, end + 12)
    return m.group(0) if m else ""


@lru_cache(maxsize=4)
def _work_words_re(work_words: tuple[str, ...]) -> re.Pattern[str]:
    """``work_words`` (longest first) as one alternation: ``match`` tries them in that order,
    as a loop of ``startswith`` did, in one call.
    """
    return re.compile("|".join(map(re.escape, work_words)) or "(?!)")


_ROUTE = re.compile(r"^(.{1,12}?)(?:至|到|—|－|-|–)(.{1,12}?)(?:段)?(?:城际铁路|高速铁路|铁路|高速公路|高速|公路|城际|快速路|段)")


def _is_route(name: str) -> bool:
    return bool(_ROUTE.search(name))


def route_ends(name: str) -> list[str]:
    """The two ends a route's name spells (甲村至乙村段, 甲—乙公路), or [] when it spells none."""
    # G202线黑大线李家台村至新城段: the ends are the names around 至 inside the section
    m = re.search(rf"([{_CJK}]{{2,8}}?)(?:至|到)([{_CJK}]{{1,8}}?)(?:段|城际|铁路|高速|公路|快速路)", name)
    if not m:
        m = re.search(rf"([{_CJK}]{{2,8}}?)[—－\-–]([{_CJK}]{{1,8}}?)(?:城际|铁路|高速|公路|段)", name)
    if not m:
        return []
    a, b = m.group(1), m.group(2)
    a = re.sub(r"^.*线", "", a) or a  # 京抚线瓜台子村 -> 瓜台子村
    return [a, b]


def _link_ends(name: str) -> list[str]:
    """开原沈环高速公路连接线: a link from a place to a road, both ends named."""
    place = admin_prefix(name)
    road = name[len(place):-len("连接线")]
    road = re.sub(r"(与|和|至)$", "", road)
    if place and road and re.search(r"(高速公路|高速|公路|国道|省道|铁路)$", road):
        return [place, road]
    return []


# ---------------------------------------------------------------- enumerations

_ITEM_SEP = "、"
_LAST_ITEM_JOINS = ("和", "及", "与")
_MAX_JOINED_LIST = 40  # how far back a 、 makes 和 the join of a list's last item


def _expand(m: Mention, sentence: str, left: int, rules: Rules) -> list[Mention]:
    """Turn one matched name into the projects it stands for, resolving enumerations."""
    if _NETWORK_GOAL.search(m.name):
        return [m]  # 甲、乙、丙3县高速: a goal for the listed counties, shared by none as a name
    before = sentence[:left]
    # A、B等S: the items share the class noun S
    mm = _count_patterns(rules.count_classifiers).etc_end.search(before)
    if mm and not _etc_is_a_word(sentence, mm.start()):
        mm = None  # 等 inside a word (内蒙古高等级公路: 高等级, high-grade) closes no list
    if mm:
        items = _items_before(before[: mm.start()], rules, _boundaries(sentence))
        generic_tail = _is_generic(m.name, m.type, rules)
        # (a weak type word keeps the rank: it is what makes 甲省级数字经济园区 a designated park)
        shared = _CLASS_DESCRIPTION.sub("", m.name) if m.type.strength != "weak" else m.name
        out = []
        for it_start, it in items:
            own = [h for h in _type_hits(it, rules) if h[1] == len(it)]
            if own or _holds_word(it, m.type.word):
                continue  # a complete name: found by its own type word (沿江高铁武宜段 among 等5条高铁)
            if _looks_like_place_or_name(it):
                out.append(Mention(it + shared, m.start - (left - it_start), m.start - (left - it_start) + len(it),
                                   m.type, m.clause, m.sentence, m.sentence_start, work=m.work))
        if not generic_tail:
            out.append(m)
        return out
    # A、B、C + shared type word on the last item; A、B和C: 和 joins the last item to the list
    joined = before.endswith(_LAST_ITEM_JOINS) and _ITEM_SEP in before[-_MAX_JOINED_LIST:] \
        and word_index().is_boundary(sentence, left - 1)
    if joined:
        before = before[:-1] + _ITEM_SEP  # (same length: offsets stay)
    if before.endswith(_ITEM_SEP):
        head, suffix = _split_last(m.name, rules)
        items = _items_before(before, rules, _boundaries(sentence)) if head and suffix else []
        if joined and (suffix not in rules.types or len(head) > 4 or any(_ITEM_SEP in it or len(it) > 4 for _, it in items)):
            items = []  # 甲路改造和乙路: 和 joins two clauses, not the last item of a list of names;
            # only a bare class is shared across it (播州、赤水和正安通用机场)
        if items and admin_prefix(head) != head and any(
                h[1] == len(it) for _, it in items for h in _type_hits(it, rules)):
            items = []  # a list of complete names (菜园南街、…、菜园街消防通道): nothing is shared
        if items:
            out = [m]
            if head and suffix:
                place_head = admin_prefix(head) == head
                for it_start, it in items:
                    own = [h for h in _type_hits(it, rules) if h[1] == len(it)]
                    if own or _PHASE_END.search(it) or _ends_in_another_kind(it, m.type, rules) or (
                            (admin_prefix(it) != it and not _feature_beside_a_place(it, suffix))
                            if place_head else not _shares_class(it, head, rules)):
                        # a complete name of its own (…灌溉二期: a phase of a project), or not an
                        # item sharing the suffix
                        continue
                    mention = Mention(it + suffix, m.start - (left - it_start), m.start - (left - it_start) + len(it),
                                      m.type, m.clause, m.sentence, m.sentence_start, work=m.work)
                    out.append(mention)
            if m.work:
                for other in out:
                    other.work = other.work or m.work
            return out
    return [m]


# What a list's shared class says of its items but no item's name holds: a rank (甲、乙等3个省级
# 森林公园: 甲森林公园) or whom a line serves (雅康、汶马等4条藏区高速公路: 雅康高速公路)
_CLASS_DESCRIPTION = re.compile(r"^(?:国家级|省级|市级|县级|藏区)(?=.{2})")


def _holds_etc(text: str) -> bool:
    """Whether ``text`` holds a 等 meaning "and so on" (甲、乙等: a list, not one name)."""
    return any(ch == "等" and _etc_is_a_word(text, k) for k, ch in enumerate(text))


def _etc_is_a_word(sentence: str, at: int) -> bool:
    """Whether the 等 at ``at`` means "and so on" (甲、乙等高速公路), not a character of a word
    that holds it (高等级, 平等: categories.toml words_holding_etc). The word index cannot say:
    it joins 等 to the character before it (多伦湖等景区 is cut 湖等/景区).
    """
    for w in raw_rules()["names"]["words_holding_etc"]:
        k = w.index("等")
        if sentence.startswith(w, at - k):
            # …unless a place's name ends right before it (二连浩特等口岸: 特 is 二连浩特's)
            return k > 0 and any(sentence[at - n:at] in current().gaz.admin.by_name for n in range(2, 7) if at - n >= 0)
    return True


def _items_before(text: str, rules: Rules, cuts: frozenset[int] | None = None) -> list[tuple[int, str]]:
    """The enumeration items that end ``text`` (A、B、C), with their offsets, left to right."""
    items: list[tuple[int, str]] = []
    end = len(text)
    while end > 0:
        if text[end - 1] == _ITEM_SEP:
            end -= 1
        elif items:
            break
        start = left_edge(text, end, rules, cuts)
        item = text[start:end]
        if not item or len(item) > 30:
            break
        items.append((start, item))
        start -= _item_verb(text, start, rules)  # 甲、改扩建乙等高速公路: the verb opens its item
        if start == 0 or text[start - 1] != _ITEM_SEP:
            break
        end = start
    items.reverse()
    return items


def _item_verb(text: str, start: int, rules: Rules) -> int:
    """The length of the verb of two or more characters (改扩建, 新建) between a list separator and
    the item starting at ``start``, or 0.
    """
    if start < 3:
        return 0
    for w in _stops_ending(text[start - 1], rules):
        if len(w) > 1 and start - len(w) > 0 and text.startswith(w, start - len(w)) \
                and text[start - len(w) - 1] == _ITEM_SEP:
            return len(w)
    return 0


def _split_last(name: str, rules: Rules) -> tuple[str, str]:
    """Split the last item of an enumeration into its own head and the shared suffix."""
    head = admin_prefix(name)
    if head and len(head) < len(name):
        return head, name[len(head):]
    core = proper_core(name)
    if 2 <= len(core) <= len(name) - 2 and "段" not in name and "（" not in name and "(" not in name \
            and not rules.generic_re.match(core):
        return core, name[len(core):]  # 甲岭、乙山高速迂回线: the class part is shared
    return "", ""


def _shares_class(item: str, head: str, rules: Rules) -> bool:
    """An item like the head it stands beside (乌鞘岭 beside 六盘山): a short proper name of similar
    length, or a city's ring road (延安东绕城 beside 洛卢), with no type word, verb or figure of its own.
    """
    return bool(_SHORT_CJK.fullmatch(item)) and (abs(len(item) - len(head)) <= 2 or bool(_RING_OF_A_CITY.fullmatch(item))) \
        and not rules.type_re.search(item) and not rules.activity_re.match(item) and not rules.generic_re.match(item) \
        and left_edge(item, len(item), rules) == 0 and not item.endswith(tuple(_context()["person_title_ends"]))


_AREA_DESIGNATIONS = ("国家公园", "自然保护区", "风景名胜区", "地质公园", "森林公园", "湿地公园")


def _feature_beside_a_place(item: str, suffix: str) -> bool:
    """祁连山 beside 若尔盖 (…国家公园): a mountain, lake or river named beside a place shares an
    area's designation with it.
    """
    return suffix.endswith(_AREA_DESIGNATIONS) and 2 <= len(item) <= 6 and item[-1] in _FEATURE_CHARS


def _ends_in_another_kind(item: str, tw: TypeWord, rules: Rules) -> bool:
    """深中通道 beside 青茂口岸: an item ending in a word of another class (通道: a road) is a name
    of its own, not a place sharing the last item's type word.
    """
    return any(item.endswith(w) and cat != tw.category for w, cat in rules.item_hints)


def _looks_like_place_or_name(item: str) -> bool:
    return bool(_PLACE_OR_NAME.fullmatch(item))


_SHORT_CJK = re.compile(rf"[{_CJK}]{{2,6}}")
_RING_OF_A_CITY = re.compile(rf"[{_CJK}]{{2,4}}[东西南北]?绕城")  # 延安东绕城 beside 洛卢 (…高速公路)
_PLACE_OR_NAME = re.compile(rf"[{_CJK}A-Za-z0-9（）()·]{{2,20}}")


# ---------------------------------------------------------------- route codes

_ROUTE_CODE = re.compile(r"(?<![A-Za-z0-9])([GS])\d{1,4}(?![0-9A-Za-z])")


def _route_codes(sentence: str, abs_start: int, clause: Clause, rules: Rules, found: list[Mention]) -> list[Mention]:
    """G352 / S101蓬安过境段: a national or provincial route number with its section is one project."""
    out: list[Mention] = []
    if "G" not in sentence and "S" not in sentence:
        return out  # (no route number: spares the pattern, which looks behind at every character)
    if not _ROAD_TALK.search(sentence):
        return out  # 威麟G5、G6等车型: a sentence with no road word; the codes are models of a car
    for m in _ROUTE_CODE.finditer(sentence):
        if _overlaps(found, abs_start + m.start(), abs_start + m.end()):
            continue
        if sentence.startswith(tuple(_context()["not_a_road_after_code"]), m.end()):
            continue  # G60科创走廊: a region named after the road, not the road
        if _bracketed_short_name(sentence, m.start(), m.end(), rules):
            continue  # 中商流通三十人论坛(G30): the short name of what the bracket follows
        end = _qualifiers_end(sentence, m.end())
        tw = rules.types["国道" if m.group(1) == "G" else "省道"]
        out.append(Mention(sentence[m.start():end], abs_start + m.start(), abs_start + end, tw, clause, sentence, abs_start,
                           aliases=_bracket_aliases(sentence, end, end)))
    return out


_ROAD_TALK = re.compile(r"高速|国道|省道|公路|道路|线|段|路|交通|通道|互通|立交|收费站|服务区|出口|里程")


def _bracketed_short_name(sentence: str, start: int, end: int, rules: Rules) -> bool:
    """Whether the code at ``start:end`` stands alone in brackets after a name that is no road's
    (论坛(G30), 集团（S8）): there it is that name's short form; after a road's name (京哈高速（G1）)
    it is the road's number, and a project already.
    """
    if not (sentence[start - 1: start] in ("(", "（") and sentence[end: end + 1] in (")", "）")):
        return False
    before = sentence[max(0, start - 1 - 8): start - 1]
    return not any(before.endswith(w) for w, t in rules.types.items() if t.category in ("highway", "road"))


def _named_projects(sentence: str, abs_start: int, clause: Clause, rules: Rules,
                    found: list[Mention]) -> list[Mention]:
    """康平县城区电网改造项目 / 某市某江流域综合治理项目: a project the plan names by its
    place and its works, with no type word of its own. The place must open the name, and the
    works must be more than a sector (铁岭市乡村振兴项目 is a programme).
    """
    out = []
    for m in _PROJECT_WORD.finditer(sentence):
        left = left_edge(sentence, m.start(), rules)
        name = sentence[left:m.end()]
        place = admin_prefix(name)
        works = name[len(place):-2]
        if not place or len(works) < 4 or _overlaps(found, abs_start + left, abs_start + m.end()):
            continue
        if rules.activity_re.match(works) or rules.generic_re.match(works) or any(w in name for w in rules.not_project) \
                or _holds_etc(name) or "的" in name:
            continue
        out.append(Mention(name, abs_start + left, abs_start + m.end(), _OTHER, clause, sentence, abs_start))
    return out


_PROJECT_WORD = re.compile("项目")
# a water diversion named by its source and the water it feeds (引汉济渭, 引绰济辽工程, 引黄入冀补淀);
# 引 opening a common verb (引进, 引导, 引领…) opens none
# what may follow such a name: no more han characters, or a work, a list word or news of the works
_TRANSFER_END = (rf"(?:(?![{_CJK}])|(?=工程|建设|项目|实现|全线|等|和|及|与|通水|开工|完工|前期|试验段))")
_DIVERSION = re.compile(rf"引(?![进导领发入起用资来流客金才智商人])[{_CJK}]{{1,2}}(?:济|入|补|调)[{_CJK}]{{1,2}}?"
                        rf"(?:(?:济|入|补)[{_CJK}])?(?:工程)?(?:[一二三四五六七八九十]期)?" + _TRANSFER_END)


# power sent from one province to another, each by its 简称 (陇电入鲁工程, 疆电外送): a transmission line
_POWER_SENT = re.compile(rf"[{_CJK}]电(?:入|送)[{_CJK}](?:工程)?(?:[一二三四五六七八九十]期)?" + _TRANSFER_END)


def _transfers(sentence: str, abs_start: int, clause: Clause, rules: Rules, found: list[Mention]) -> list[Mention]:
    """A water diversion the plan names by its source and the water it feeds (引绰济辽工程): water works;
    power sent from one province to another (陇电入鲁工程): a power line; heat sent from one city to
    another (聊热入济: 聊城's plants heat 济南): a heating main.
    """
    out = []
    if "引" in sentence:
        tw = rules.types["引水工程"]
        out += [Mention(m.group(0), abs_start + m.start(), abs_start + m.end(), tw, clause, sentence, abs_start)
                for m in _DIVERSION.finditer(sentence) if not _overlaps(found, abs_start + m.start(), abs_start + m.end())]
    if "电入" in sentence or "电送" in sentence:
        tw = rules.types["输电工程"]
        provinces = province_abbreviations()
        out += [Mention(m.group(0), abs_start + m.start(), abs_start + m.end(), tw, clause, sentence, abs_start)
                for m in _POWER_SENT.finditer(sentence)
                if m.group(0)[3] in provinces  # (用电入户: no province's; 疆电入湘: 疆 is said for 新)
                and not _overlaps(found, abs_start + m.start(), abs_start + m.end())]
    if "热入" in sentence or "热送" in sentence:
        tw = rules.types["集中供热"]
        cities = _city_initials()
        out += [Mention(m.group(0), abs_start + m.start(), abs_start + m.end(), tw, clause, sentence, abs_start)
                for m in _HEAT_SENT.finditer(sentence)
                if m.group(0)[0] in cities and m.group(0)[3] in cities  # (供热入户: no city's)
                and not _overlaps(found, abs_start + m.start(), abs_start + m.end())]
    return out


_HEAT_SENT = re.compile(rf"[{_CJK}]热(?:入|送)[{_CJK}](?:工程)?(?:[一二三四五六七八九十]期)?" + _TRANSFER_END)


@lru_cache(maxsize=1)
def _city_initials() -> frozenset[str]:
    """The first characters of the prefecture cities' names, and their other 简称 (a city's short
    name in a transfer: 聊热入济).
    """
    from planmap.reference.abbreviations import city_abbreviations

    gaz = current().gaz
    return frozenset({u.name[0] for u in gaz.admin.units.values() if u.level == "city"} | set(city_abbreviations()))


# 叶新—大叶（老黄桥港—叶榭镇界）（泖港段）: a road named without its type word, followed by the
# stretch it builds between two ends and, maybe, the section; the name opens a line or a list item
_STRETCH = re.compile(
    rf"(?:^|(?<=[\s、，,：:；;]))([{_CJK}]{{2,6}}(?:[—－][{_CJK}]{{2,6}})?)"
    rf"[（(]([{_CJK}]{{2,10}})(?:—+|－|–|至)([{_CJK}]{{2,10}})[）)](?:[（(][{_CJK}]{{1,8}}段[）)])?")


def _stretch_projects(sentence: str, abs_start: int, clause: Clause, rules: Rules,
                      found: list[Mention]) -> list[Mention]:
    """A stretch of a road the plan names by its road and two ends, where both ends are what a
    road's stretch runs between (a crossing road, a creek, a border: 甲路, 乙港, 丙镇界) and the
    road's name carries no type word (a typed name is found by its type word).
    """
    out: list[Mention] = []
    if "（" not in sentence and "(" not in sentence:
        return out
    ends = tuple(_context()["stretch_ends"])
    for m in _STRETCH.finditer(sentence):
        road, a, b = m.group(1), m.group(2), m.group(3)
        if not (a.endswith(ends) and b.endswith(ends)) or _overlaps(found, abs_start + m.start(), abs_start + m.end()):
            continue
        if _type_hits(road, rules) or _starts_with_verb(road) or road in _not_names():
            continue
        out.append(Mention(m.group(0), abs_start + m.start(), abs_start + m.end(), rules.types["路"], clause,
                           sentence, abs_start))
    return out


# A company that opens a sentence about its own investment (甲电器有限公司是一家…，今年公司总投资
# 6000万元对现有项目进行扩建): the company's plant is the project.
_COMPANY = re.compile(r"^[\s\d一二三四五六七八九十、.．（）()]*"
                      r"((?:[\u4e00-\u9fffA-Za-z]|[（(][\u4e00-\u9fff]{2,4}[）)]){2,30}?(?:股份有限公司|有限责任公司|有限公司))"
                      r"(?!分公司|子公司)")
_COMPANY_INVESTS = re.compile(r"投资[^。；]{0,40}?(?:扩建|新建|建设|项目|投产|开工|技改|生产线)")
_COMPANY_TYPE = TypeWord("有限公司", "industrial_park", "point", "strong")


def _company_projects(sentence: str, abs_start: int, clause: Clause, found: list[Mention]) -> list[Mention]:
    """A company named as the subject of a sentence that says it invests in building (a plant
    being extended, a new line): the company's works are a project, named by the company.
    """
    if "有限" not in sentence:
        return []  # (no company name: spares the pattern, which tries thirty lengths of name)
    m = _COMPANY.match(sentence)
    if m is None or not _COMPANY_INVESTS.search(sentence, m.end()):
        return []
    a, b = m.span(1)
    if _overlaps(found, abs_start + a, abs_start + b):
        return []
    return [Mention(m.group(1), abs_start + a, abs_start + b, _COMPANY_TYPE, clause, sentence, abs_start)]


# an item of a list that is a company's works: the company, then what it builds, then 项目/工程/基地
_COMPANY_WORKS_ITEM = re.compile(r"(?:^|(?<=[、：:；;，,]))([^、：:；;，,。]{2,24}?(?:股份有限公司|有限责任公司|有限公司)"
                                 r"([^、：:；;，,。]{2,36}?)(?:建设)?(?:项目|工程|基地))(?=[、；;，,。]|$)")
# …not a service bought for one (办公设备采购项目, 监理服务项目)
_NOT_WORKS = re.compile(r"采购|招标|中标|服务|咨询|监理|设计|审计|评估|保险|租赁|培训")


# an item of a list that is a plant by its yearly output: 甲年产50万吨建筑新材料项目, 乙新建年产2000吨…项目
_OUTPUT_WORKS_ITEM = re.compile(rf"(?:^|(?<=[、：:；;，,]))([{_CJK}A-Za-z]{{2,14}}?(?:新建|扩建|改扩建)?年产"
                                rf"[\d.]+[万千百亿]?(?:吨|台|套|件|辆|只|头|片|张|平方米|立方米|千瓦|瓦|GW|MW|GWh|条|双|颗|米)"
                                rf"[^、：:；;，,。]{{1,30}}?(?:项目|工程|生产线|基地))(?=[、；;，,。]|$)")


_LEADING_VERB = re.compile(r"(?:开工|建设|推进|实施|启动|建成|完成|续建|加快|包括|主要有|分别是|有)?")


def _company_works_listed(sentence: str, abs_start: int, clause: Clause) -> list[Mention]:
    """Items of a list of projects that are companies' works (甲建材有限公司年产砂浆32万吨建设项目,
    乙牧业有限公司生猪养殖示范基地) or plants by their yearly output (丙年产50万吨建筑新材料项目):
    each a project named by the whole item, in a list of three or more items.
    """
    if sentence.count("、") < 2 or ("有限" not in sentence and "年产" not in sentence):
        return []
    out = []
    for m in _COMPANY_WORKS_ITEM.finditer(sentence):
        if _NOT_WORKS.search(m.group(2)):
            continue
        a, b = m.span(1)
        out.append(Mention(m.group(1), abs_start + a, abs_start + b, _COMPANY_TYPE, clause, sentence, abs_start))
    for m in _OUTPUT_WORKS_ITEM.finditer(sentence):
        a, b = m.span(1)
        verb = _LEADING_VERB.match(m.group(1))
        a += len(verb.group(0)) if verb else 0  # (开工甲年产…项目: the clause's verb)
        if not any(w.start <= abs_start + a < w.end for w in out):
            out.append(Mention(sentence[a:b], abs_start + a, abs_start + b, _COMPANY_TYPE, clause, sentence, abs_start))
    return out


# ---------------------------------------------------------------- project lists

_LIST_SEGMENT = re.compile(r"[^，,。；;：:！？!?\n]+")
_NUMBER_CLASS = re.compile(r"^\d+(国道|省道|县道)$")
_CLASS_NUMBER = re.compile(r"(国道|省道|县道)\d+$")
_OTHER = TypeWord("项目", "other", "point", "strong")


def _list_items(sentence: str, abs_start: int, clause: Clause, rules: Rules, found: list[Mention]) -> list[Mention]:
    """Items of a list of projects that carry no type word of their own.

    A list is a run of items joined by 、. Its items are projects when the list is closed by a
    project class (三菱树脂、横滨轮胎等7个外资项目; 甲乙线、丙村至丁村等10条线路), or when most of its
    items are projects already (东箭道巷、南仓街、北营巷: lanes of a lane list).
    """
    out: list[Mention] = []
    if "、" not in sentence:
        return out  # no list (each segment below needs a 、)
    etc = _count_patterns(rules.count_classifiers).etc
    for seg in _LIST_SEGMENT.finditer(sentence):
        text = seg.group(0)
        if text.count("、") < 1:
            continue
        closed = False
        closer = None
        m = etc.search(text)
        end = len(text)
        if m:
            end = m.start()
            after = _past_part_of_a_place(text[m.end(): m.end() + 20])[:12]
            closed = _closes_project_list(after, rules)
            closer = _closing_class(after, rules) if closed else None
        if any(c in text[:12] for c in rules.reference_cues):
            continue  # 连接沈海、京哈等高速公路: what a project connects to
        items: list[tuple[int, int]] = []
        pos = 0
        for part in text[:end].split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        if len(items) > 1 and _words_re(rules.existing_cues).search(text[:items[1][0]]):
            continue  # 与现有的甲铁路及乙、丙等铁路衔接: existing lines cited for context
        opened = text.lstrip().startswith(rules.list_openers) or sentence[:seg.start()].endswith(("：", ":"))
        base = seg.start()
        if not closed and not _lists_projects(
                opened, sum(_item_mention(found, abs_start, base + a, base + b) is not None for a, b in items), len(items)):
            continue  # not a list of projects even if every item holding a project counted (the items only shrink)
        # an item starts after the verb or cue that opens it (拓宽改建101、305省道)
        items = [(_item_start(text, a, b, rules, k == 0), b) for k, (a, b) in enumerate(items)]
        spans = [(base + a, base + b) for a, b in items]
        known = [_item_mention(found, abs_start, a, b) for a, b in spans]
        n_known = sum(k is not None for k in known)
        if not closed and not _lists_projects(opened, n_known, len(items)):
            continue
        cats = [k.type for k in known if k is not None and k.type.category != _OTHER.category]
        # an untyped item shares its siblings' class only when two or more, and two thirds of them,
        # agree on it (lanes of a lane list); one railway beside a battery plant and a university
        # says nothing of them (等7个铁路项目 names the class itself)
        top = max(cats, key=lambda t: sum(c.category == t.category for c in cats)) if cats else _OTHER
        n_top = sum(c.category == top.category for c in cats)
        tw = closer or (top if n_top >= 2 and 3 * n_top >= 2 * len(cats) else _OTHER)
        for j, ((a, b), k) in enumerate(zip(spans, known, strict=True)):
            item = sentence[a:b].strip()
            if k is not None or _overlaps(found, abs_start + a, abs_start + b):
                continue
            if item.isdigit():
                # 209、218省道 / 省道394、603: a bare route number shares the class of its neighbour
                nxt = _NUMBER_CLASS.match(sentence[slice(*spans[j + 1])]) if j + 1 < len(spans) else None
                prv = _CLASS_NUMBER.search(sentence[slice(*spans[j - 1])]) if j else None
                if nxt or prv:
                    name = item + nxt.group(1) if nxt else prv.group(1) + item  # type: ignore[union-attr]
                    cls = nxt.group(1) if nxt else prv.group(1)  # type: ignore[union-attr]
                    out.append(Mention(name, abs_start + a, abs_start + b, rules.types[cls], clause, sentence, abs_start))
                continue
            if closed and m is not None and (is_admin_name(item) or admin_prefix(item) == item):
                kind = _works_of_listed_places(text[m.end():], rules)
                if kind is not None:
                    # 山阳、勉县等6个抽水蓄能项目: each place's works of that kind
                    a += sentence[a:b].index(item)
                    out.append(Mention(item + kind[0], abs_start + a, abs_start + a + len(item), kind[1],
                                       clause, sentence, abs_start))
                continue
            if not _is_list_name(item, rules) or (not n_known and _starts_with_verb(item)):
                continue
            if _is_activity_item(item, rules) or _words_re(rules.not_project).search(item):
                continue  # 月壤采样、火星探测等重大工程, 特别国债、专项债等项目: what is done or paid, not a site;
                # 上海世博会 (an event), 发改委 (an office): what _keep turns down among typed names
            own = [h for h in _type_hits(item, rules) if h[1] == len(item)]
            if own and _is_generic(item, own[-1][2], rules):
                continue  # 高速公路建设项目, 长隧道: a class of works (kept by _keep only where located)
            a += sentence[a:b].index(item)
            out.append(Mention(item, abs_start + a, abs_start + a + len(item), closer or _item_class(item, tw, rules),
                               clause, sentence, abs_start))
    return out


_PART_OF_A_PLACE = re.compile(rf"([{_CJK}]{{2,4}}?)[东西南北中]部")


def _past_part_of_a_place(after: str) -> str:
    """``after`` past a unit's part and a count that open it (海淀北部15个 in …等海淀北部15个重大产业
    项目: the list's class follows).
    """
    m = _PART_OF_A_PLACE.match(after)
    if not (m and m.group(1) in current().gaz.admin.by_name):
        return after
    return _COUNT_OPENING.sub("", after[m.end():])


_COUNT_OPENING = re.compile(rf"^{_NUM}+[{_COUNT_CLASSIFIERS}]")


_LISTED_WORKS = re.compile(rf"^(?:{_NUM}+[个座处项])?([{_CJK}]{{2,8}}?(?:项目|工程))")


def _works_of_listed_places(after: str, rules: Rules) -> tuple[str, TypeWord] | None:
    """The kind of works a list of places closes with (等6个抽水蓄能项目 -> 抽水蓄能项目, energy),
    or None when the class names no kind of works (等12个项目, 等地区).
    """
    m = _LISTED_WORKS.match(after)
    if m is None:
        return None
    kind = m.group(1)
    cat = next((c for w, c in rules.item_hints if w in kind), None)
    if cat is None or cat in ("railway", "highway"):
        return None  # (a line is no place's own works: 甲、乙等高速公路项目 are roads between them)
    return kind, TypeWord(kind, cat, _OTHER.geom if cat == _OTHER.category else "point", "strong")


def _is_activity_item(item: str, rules: Rules) -> bool:
    """An untyped list item that names an activity (火星探测: it ends in a verb, with no works
    word such as 引水 to say what is built, and no place), a means of paying (专项债) or a rule
    or paper (代办制, 许可证): categories.toml [context] not_site_ends.
    """
    if item.endswith(tuple(_context()["not_site_ends"])):
        return True
    words = word_index()
    last = words.cut(item)[-1]
    return len(last) >= 2 and words.tag(last) == "v" and _item_class(item, _OTHER, rules).category == _OTHER.category \
        and not has_place_name(item)


def _lists_projects(opened: bool, n_known: int, n_items: int) -> bool:
    """An open list (not closed by a project class) lists projects when most of its items are
    found projects: three and two thirds of them, or two and a third after an opening cue (包括：).
    """
    return (n_known >= 3 and n_known * 3 >= 2 * n_items) or (opened and n_known >= 2 and n_known * 3 >= n_items)


def _item_start(text: str, a: int, b: int, rules: Rules, first: bool) -> int:
    """Where a list item's name starts: after the verbs or cue that open it (拓宽改建209,
    包括湘江新区…); an item that ends in a verb (…实施重点项目建设) is a task and comes back empty.
    """
    item = text[a:b]
    if item and any(item.endswith(w) for w in _stops_ending(item[-1], rules) if len(w) > 1 and w not in ("项目", "工程")):
        return b
    if first:
        cut = left_edge(text[:b], b, rules)
        if a <= cut < b:
            return cut
    i, moved = a, True
    while moved and i < b:
        moved = False
        for w in _stops_starting(text[i], rules):
            if len(w) > 1 and text.startswith(w, i) and i + len(w) < b:
                i += len(w)
                moved = True
                break
    return i


def _holds_long_stop(text: str, rules: Rules) -> bool:
    """True when a stop word of two or more characters stands in ``text`` (a few characters):
    its substrings are looked up instead of testing every stop word.
    """
    stops = _long_stops(rules.left_stops)
    n = len(text)
    return any(text[i:j] in stops for i in range(n) for j in range(i + 2, n + 1))


@lru_cache(maxsize=4)
def _long_stops(left_stops: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in left_stops if len(w) > 1)


def _closes_project_list(after: str, rules: Rules) -> bool:
    """等7个外资项目 / 等12条线路 / 等新型基础设施: the class after 等 says the items are projects."""
    for c in rules.list_closers:
        k = after.find(c)
        if 0 <= k <= 5:
            modifier = after[:k]  # 外资 in 等7个外资项目; a verb there (等方式提高建成项目) ends the list
            return not any(w in modifier for w in rules.closer_not_after) \
                and not _holds_long_stop(modifier, rules)
    return False


def _holds_word(item: str, word: str) -> bool:
    """Whether ``word`` occurs in ``item`` as that word, not inside a common word the context
    rules name (高速 of 高速率 is no expressway: categories.toml not_before/not_after).
    """
    not_before, not_after = _context()["not_before"].get(word, ""), _context()["not_after"].get(word, "")
    at = item.find(word)
    while at >= 0:
        if not _inside_common_word(item, at, at + len(word), not_before, not_after):
            return True
        at = item.find(word, at + 1)
    return False


_CITY_STATION = re.compile(r"(.{2,4}?)[东西南北]?站")


def _item_class(item: str, siblings: TypeWord, rules: Rules) -> TypeWord:
    """The class of an untyped list item: a type word inside it, or a hint word (风电 in
    300万千瓦风电, categories.toml [item_hints]), else its siblings' class. Geometry and strength follow the
    siblings' (or the default), so a hint never turns an item into a line.
    """
    typed = [w for w in rules.types if len(w) >= 2 and _holds_word(item, w) and rules.types[w].category != _OTHER.category]
    hint = rules.types[max(typed, key=len)].category if typed else \
        next((cat for w, cat in rules.item_hints if _holds_word(item, w)), None)
    station = _CITY_STATION.fullmatch(item)
    if hint is None and station and admin_prefix(station.group(1)) == station.group(1):
        hint = rules.types["火车站"].category  # 重庆站, 成都东站: a city's railway station
    if hint is None or hint == siblings.category:
        return siblings
    geom = siblings.geom if siblings.category != _OTHER.category else _OTHER.geom
    if hint in ("railway", "highway"):
        geom = "line"
    elif geom == "line":
        geom = "point"
    return TypeWord(siblings.word, hint, geom, siblings.strength)


def _closing_class(after: str, rules: Rules) -> TypeWord | None:
    """The type word of a list's closing class (铁路 in 等7个铁路项目), or None (等12个项目)."""
    head = after[:8]
    words = [w for w in rules.types if w in head]
    return rules.types[max(words, key=len)] if words else None


def _starts_with_verb(item: str) -> bool:
    """破解交通瓶颈 / 开发山地型自然观光: a task, not a name. A place's name opening it (遵义港,
    which the word index cuts 遵/义港) is no verb.
    """
    return word_index().starts_with_verb(item) and not admin_prefix(item)


def _item_mention(found: list[Mention], abs_start: int, a: int, b: int) -> Mention | None:
    """The found project that an item names (the item may add a work word: …基地项目)."""
    for f in found:
        if abs_start + a <= f.start and f.end <= abs_start + b:
            return f
    return None


def _overlaps(found: list[Mention], a: int, b: int) -> bool:
    return any(f.start < b and a < f.end for f in found)


_LIST_NAME = re.compile(rf"[{_CJK}A-Za-z0-9（）()·—\-+]{{2,30}}")
_A_CJK = re.compile(rf"[{_CJK}]")
_PHASE_ITEM = re.compile(rf"{_NUM}+期(?:工程)?")


def _is_list_name(item: str, rules: Rules) -> bool:
    if not _LIST_NAME.fullmatch(item) or len(_A_CJK.findall(item)) < 2:
        return False
    if item in _not_names() or is_admin_name(item) or admin_prefix(item) == item or "的" in item or _holds_etc(item):
        return False
    if _PHASE_ITEM.fullmatch(item) or _COUNTED.search(item) or item[0] in "条座个项处批":
        return False  # 一期: a phase of the item before it
    if _count_patterns(rules.count_classifiers).opens.match(item) or rules.activity_re.match(item) \
            or rules.generic_re.match(item) or _class_of_common_words(item, rules) or _class_and_its_work(item):
        return False
    return not any(w in item for w in rules.not_project)


def _class_and_its_work(item: str) -> bool:
    """高速公路提质扩容: a bare class (categories.toml not_names) followed by a task ending in a verb
    says what is done to all of that class, it names no works.
    """
    head = max((n for n in _not_names() if len(n) >= 2 and item.startswith(n)), key=len, default="")
    rest = item[len(head):]
    if not head or not rest or has_place_name(rest):
        return False
    words = word_index()
    return words.tag(words.cut(rest)[-1]) in ("v", "vn")


def _class_of_common_words(item: str, rules: Rules) -> bool:
    """An untyped list item made of generic modifiers and everyday words, one at least generic
    (国家区域医疗中心): a kind of works, not one; a proper word (三菱树脂, 协鑫光伏二期) names one.
    """
    return not has_place_name(item) and _generic_and_everyday(item, rules)


# ---------------------------------------------------------------- junctions

_JUNCTION = re.compile(
    rf"([{_CJK}A-Z0-9]{{1,8}}(?:路|线|街|大街|大道))与([{_CJK}A-Z0-9]{{1,8}}(?:路|线|街|大街|大道))"
    rf"(?:及([{_CJK}A-Z0-9]{{1,8}}(?:路|线|街|大街|大道)))?"
)


_CLASS_END = re.compile(r"(道路|公路|干线)$")
_JUNCTION_CUE = re.compile(r"(对接|连接|交叉|互通|节点|衔接)")


def _junctions(sentence: str, abs_start: int, clause: Clause, rules: Rules, found: list[Mention]) -> list[Mention]:
    """沈丹线与银河路、柳堤路与明德路对接: each pair is one junction project."""
    if not _JUNCTION_CUE.search(sentence):
        return []
    out = []
    for m in _JUNCTION.finditer(sentence):
        a, b = m.group(1), m.group(2)
        a = a[left_edge(a, len(a), rules):]
        b = b[left_edge(b, len(b), rules):]
        if len(a) < 3 or len(b) < 3 or a in _not_names() or b in _not_names():
            continue
        if _is_generic(a, rules.types["路"], rules) or _is_generic(b, rules.types["路"], rules) \
                or _CLASS_END.search(a + "|" + b):
            continue
        tw = rules.types["路"]
        name = f"{a}与{b}"
        start = abs_start + m.start(1) + (len(m.group(1)) - len(a))
        jm = Mention(name, start, abs_start + m.end(2), TypeWord("交叉口", tw.category, "point", "strong"),
                     clause, sentence, abs_start, work="对接", endpoints=[a, b])
        if m.group(3):
            jm.endpoints.append(m.group(3))
        out.append(jm)
    if out:
        # the single road names inside a junction are not separate projects
        names = {e for j in out for e in j.endpoints}
        found[:] = [f for f in found if f.name not in names]
    return out


# ---------------------------------------------------------------- filters

_ROUTE_NUMBER = re.compile(r"(?:国道|省道|县道)\d{1,4}|\d{1,4}(?:国道|省道|县道)|[GSXY]\d{1,4}")


def _is_generic(name: str, tw: TypeWord, rules: Rules) -> bool:
    if _ROUTE_NUMBER.search(name):
        return False  # a route number names one road
    core = name
    if core.endswith(tw.word):
        core = core[: -len(tw.word)]
    core = _without_brackets(core)
    if not core:
        return True
    return bool(rules.generic_re.match(core))


#: categories whose names are proper only with a proper word: a school, hospital, lab, park of
#: industry, airport or market named by common words alone (职业学校, 国家数据标注基地, 民用运输机场)
#: is a class; streets, parks, rivers and lines are often named by common words (人民路, 世纪公园)
_CLASS_NAMED_CATEGORIES = ("public_service", "industrial_park", "airport", "logistics", "market",
                           "urban_renewal", "energy_utility")
_FUNCTION_TAGS = ("a", "m", "q", "c", "p", "u", "d", "b", "f")
_OWN_UNIT = "省市县区州"  # 省人民医院: the plan's own province's
_NAME_MODIFIERS = ("中国", "中华")  # generic before a class, but national institutions are named so (中国考古博物馆)


def _only_common_words(name: str, tw: TypeWord, rules: Rules) -> bool:
    """A name of a class-named category whose words before the type word are all everyday words,
    generic modifiers, or function words (高, 新, 与), one at least a generic modifier (国家数据
    标注基地, 省级场景实验室): a class, with no proper word to name one site; everyday words
    alone may still name one (花园小学, 科技文化中心).
    """
    if tw.category not in _CLASS_NAMED_CATEGORIES or _ROUTE_NUMBER.search(name) or "（" in name or "(" in name:
        return False
    core = name[: -len(tw.word)] if name.endswith(tw.word) else name
    if not core or has_place_name(core) or (core[0] in _OWN_UNIT and core[1:2] != "级"):
        return False  # 省人民医院, 市口腔医院: the province's or city's own one, not a class
    return _generic_and_everyday(core, rules)


def _generic_and_everyday(text: str, rules: Rules) -> bool:
    """Whether ``text`` is made of everyday words, generic modifiers and function words (高, 新,
    与) only, one at least a generic modifier: it names a kind of thing, no one site.
    """
    from planmap.reference.gazetteer import everyday_words

    words = word_index()
    everyday = everyday_words()
    modifier = False
    cut = words.cut(text)
    for k, w in enumerate(cut):
        if w in rules.generic:
            modifier = modifier or w not in _NAME_MODIFIERS
        elif len(w) == 1 and k and len(cut[k - 1]) == 1:
            return False  # 中新, 中德: single characters in a row abbreviate names
        elif not (w in everyday or (len(w) == 1 and words.tag(w) in _FUNCTION_TAGS)):
            return False
    return modifier


def _pair_of_classes(name: str, rules: Rules) -> bool:
    """Whether ``name`` joins a kind of thing to a bare type word (教学楼及体育馆, 药物目录与医院,
    地面公交和轨道交通): a list of works, not one site's name. A name whose last part says what it
    is for (装备制造及新型建材产业园) or holds a place (东岭及西岭公园) is one.
    """
    k = max(name.rfind(c) for c in "及和与")
    if k <= 0 or name[k + 1:] not in rules.types or has_place_name(name):
        return False
    from planmap.reference.gazetteer import everyday_words

    words = word_index()
    everyday = everyday_words()
    return all(w in everyday or w in rules.generic or w in rules.types or (len(w) >= 2 and words.tag(w) == "n")
               for w in words.cut(name[:k]))


#: jieba's tags of verbs, adverbs, pronouns, numerals and function words: a line's name made only
#: of these names no line (搭乘地铁, 评估地铁, 数万公路, 更快高速)
_ACTION_TAGS = frozenset({"v", "vn", "vd", "d", "r", "m", "u", "p", "c", "a", "ad"})
_FUNCTION_WORD_TAGS = frozenset({"d", "r", "u", "p", "c"})


def _action_before_a_class(name: str, tw: TypeWord) -> bool:
    """Whether every word before a line's type word is a verb, adverb, pronoun, numeral or
    function word: no place, abbreviation, number or noun names the line. A numbered one
    (一号旅游公路) and a code (G102) name one.
    """
    core = name[: -len(tw.word)] if name.endswith(tw.word) else ""
    if not core or _ROUTE_NUMBER.search(name) or has_place_name(core):
        return False
    from planmap.reference.gazetteer import everyday_words

    words = word_index()
    everyday = everyday_words()
    cut = words.cut(core)
    # a single character is an action word only as a function word (更); a verb or numeral of
    # one character, or a word that is no everyday word, is a place's abbreviation (成达 and 万
    # of 成达万高铁, 弥蒙); two or more such characters that each open a city's or county's name
    # are an abbreviation too (和若铁路: 和田, 若羌)
    places = len(core) >= 2 and all(_opens_a_unit_name(c) for c in core)
    return not places and all((words.tag(w) in _FUNCTION_WORD_TAGS) if len(w) == 1 else
               (words.tag(w) in _ACTION_TAGS and w in everyday and not w.endswith(("号", "期", "线")))
               for w in cut)


_COUNTED = re.compile(rf"{_NUM}+个|{_NUM}+(?:城区|县区|区县|县市区|县市)")  # 3个, 六城区: counted things
# works at one place of a route, whatever ends its name gives (甲至乙高速公路互通立交桥, 甲高速乙收费站)
_POINTS_ON_A_ROUTE = ("立交", "立交桥", "收费站", "互通", "服务区")


# verbs after which a name is an honour or a list a place joins (入选首批国家级零碳园区)
_HONOURS = ("入选", "获批", "获评", "荣获", "获得", "被评为", "评为", "获")
# 县县通高速, 1小时高铁, 实现通高铁: a goal for a network
_NETWORK_GOAL = re.compile(rf"(.)\1通|{_NUM}+小时|(?:全部|实现|率先|均|都)通|通(?:时速{_NUM}+公里)?(?:高速铁路|高速公路|高铁|高速|动车)$|全程(?:高速|高铁)$"
                           rf"|{_NUM}+个?[县市区旗](?:市区)?(?:高速公路|高速|铁路|高铁)$")  # 甲、乙4县高速: each county's link
_PLACE_JOINS = re.compile(r"[镇乡村区县市]接")
_FROM_BRACKET = re.compile(r"（.*")
_SPEED_CLASS = re.compile(r"^(?:至|由|从)?(?:时速)?\d+(?:kph|KPH|km/h|KM/H|公里/小时|千米/小时|公里每小时|公里)")
_QUALIFIED_END = re.compile(r"(?:段|[一二三四五六七八九十\d]期|[东西南北]延(?:线|伸线?)?)$")
_NETWORK_AFTER = re.compile(r"(?:交通)?网(?![站点格页])")
_CODED_LINE = re.compile(r"[A-Z]\d{1,4}线")
# what a name adds after its line: an extension or a phase (地铁1号线北延, 2号线三期)
_LINE_QUALIFIERS = re.compile(rf"(?<=线)(?:[东西南北]延(?:线|伸线?)?|[一二三四五六七八九十\d]期|(?:(?![铁路线道轨])[{_CJK}]){{1,4}}段)+$")
# a city's metro line named by words, not a number (福州地铁滨海快线)
_NAMED_METRO_LINE = re.compile(rf"(?:地铁|轨道交通|轻轨)[{_CJK}]{{2,5}}线$")
_RIVER_NAME = re.compile(rf"[{_CJK}]{{1,4}}[河江]")
_RIVER_CHAR = re.compile(r"[河江]")
_RIVER_WORKS = re.compile(r"(治理|防洪|整治|除涝|修复|清淤|生态保护|水生态|水环境|堤防|综合整治)")


@lru_cache(maxsize=8)
def _words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``words`` (a quick test before a loop that asks which one, and where)."""
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


@lru_cache(maxsize=8)
def _longer_than_one(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of two or more characters (for ``str.startswith``, which takes a tuple)."""
    return tuple(w for w in words if len(w) > 1)


@lru_cache(maxsize=64)
def _lack_of(word: str) -> re.Pattern[str]:
    """四县无高速公路: the pattern of a line's class said to be missing, one per type word."""
    return re.compile(r"(?:无|不通|未通|没有)" + re.escape(word) + "$")


@lru_cache(maxsize=4)
def _reference_res(cues: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """连接沈海…: a reference cue shortly before a road's name (not a count, 连接3条…)."""
    return tuple(re.compile(re.escape(c) + rf"(?!{_NUM}+条)[^，。；（(]{{0,12}}$") for c in cues)


# the rest of a 、-list after one of its items, closed by a class of sectors (…、新能源汽车等战略性
# 新兴产业领域): its items are fields of activity
_SECTOR_LIST = re.compile(r"(?:、[^，,。；;：:、！？!?]{1,16})*等[^，,。；;：:、！？!?]{0,10}?(?:领域|行业|方面|业态|板块)")


#: what follows a company's name: its trade (建设开发) and its legal form (有限公司, 集团), or a
#: bureau's (公路管理局); a power company's name (…发电有限公司) is its plant's, a type word of its
#: own (categories.toml)
_COMPANY_AFTER = re.compile(r"(?:建设|开发|投资|运营|管理|发展|经营|实业|控股|养护|工程)*(?:股份有限公司|有限责任公司|有限公司|集团|公司"
                            r"|管理局|管理处)")
#: works inside a zone, counted or described after its name (甲高新区新建的…, 乙新区在建的…)
_WORKS_INSIDE = re.compile(r"(?:新建|建成|新增|已建|在建|开工)的")
#: a road's course given right after its name (…大通道，北起平度灰埠镇…)
_COURSE_AFTER = re.compile(r"[，,]?(?:[东南西北]起|起于|起自|起点)")
# the rest of a 、-list after one of its items, then a count of what the list names (…、水路通道达到28条)
_COUNTED_LIST = re.compile(rf"(?:、[^，,。；;：:、]{{1,12}})*(?:达到|增至|增加到|突破)(?:了)?{_NUM}+条")
# what follows a road that another meets (与…相交处)
_MEETS = re.compile(r"(?:相交|交叉|交汇|相接|相连|衔接)")
_LINE_CATEGORIES = ("road", "highway", "railway")
_AFFILIATION = re.compile(r"(?:高级|副|首席|特聘)?(?:研究员|教授|主任|院长|所长|专家|学者|博士|负责人|职工|员工|医生|"
                          r"护士|工作人员|党委书记|书记|经理|总经理|董事长)")
_ADDRESS = re.compile(r"\d+号")
_PRODUCT_AFTER = re.compile(r"(?:货车|客车|车辆|机车|动车组|装备|设备|车型)")
_MEET_HERE = re.compile(r"(?:、[^，,。；;、]{1,12})*(?:等[^，,。；;、]{0,6}?)?(?:在此|于此|在这里)(?:交汇|交会|汇聚|交叉|相交)")
# what follows existing works a project relieves (减轻流亭立交桥交通压力)
_RELIEVED = ("交通压力", "通行压力", "的交通压力", "的通行压力", "交通拥堵", "拥堵", "的拥堵")


def _line_type_words(rules: Rules) -> tuple[str, ...]:
    """The type words of roads, highways and railways (甲路 in 甲路与乙路交叉口); asked only after 与."""
    return tuple(w for w, t in rules.types.items() if t.category in _LINE_CATEGORIES)


def _keep(m: Mention, rules: Rules) -> bool:
    name = m.name
    if len(name) < 2 or len(name) > _context()["max_name_length"] or name in _not_names():
        return False
    if (_holds_etc(name) or "”" in name or "“" in name) and m.type.category not in ("market",):
        return False
    if rules.activity_re.match(name):
        return False  # 集成电路 / 数据中心 as a sector, not a site
    if _described(name) >= 0:
        return False  # 世界最长高速公路隧道: a description of a project, not its name
    before = m.sentence[: max(0, m.start - m.sentence_start)]  # the sentence up to the name
    if before.endswith(_HONOURS):
        return False  # 入选国家考古遗址公园, 获批世界地质公园: an honour a place received, not a site
    if _SECTOR_LIST.match(m.sentence, m.end - m.sentence_start):
        return False  # 轨道交通、新能源汽车等领域: an item of a list of sectors, not a site
    if _COUNTED_LIST.match(m.sentence, m.end - m.sentence_start):
        return False  # 甲乙省际铁路、高速公路通道达到28条: classes of lines counted, not one line
    if _pair_of_classes(name, rules):
        return False  # 新建教学楼及体育馆: two kinds of building, not one site
    if m.type.category == "new_town" and _WORKS_INSIDE.match(m.sentence, m.end - m.sentence_start):
        return False  # 东湖高新区新建的最多，有7个：…: the zone where the works are, not a project
    if _COMPANY_AFTER.match(m.sentence, m.end - m.sentence_start) and m.type.category != "energy_utility":
        return False  # 甲高速公路建设开发有限公司: a company named after what it builds, not a site
    if name[0] in "条座个项处批号" or _COUNTED.search(name):
        return False  # 条主线 (after a figure), 号公路 (its number cut off), 准东3个煤制气: counted things, not one name
    counts = _count_patterns(rules.count_classifiers)
    if counts.opens.match(name) or counts.inside.search(name[:4]):
        return False  # 12条主干道 / 三大现代绿色食品产业园: a figure, not a name
    if _SPEED_CLASS.match(name):
        return False  # 120kph普速铁路, (提升)至160kph快速铁路, 时速350公里高铁: a class of line by its speed
    if is_admin_name(name):
        return False
    if _NETWORK_GOAL.search(name):
        return False  # 县县通高速, 1小时高铁: a goal for a network, not one line
    if m.type.category in ("railway", "highway") and _action_before_a_class(name, m.type):
        return False  # 搭乘地铁, 数万公路建设者: an action or an amount before a bare line word
    if m.type.category in ("railway", "highway") and _lack_of(m.type.word).search(name):
        return False  # 四县无高速公路 (…的历史): the lack of a line, not a line
    for w in rules.not_project if _words_re(rules.not_project).search(name) else ():
        if w in name:
            if w in _context()["services_naming_sites"] and m.type.strength == "strong" \
                    and name.index(w) + len(w) < len(name) - len(m.type.word):
                continue  # 中欧班列广州集结中心: the site of the service, named after it
            if w in _context()["scope_terms"] and m.type.strength != "weak":
                rest = name[name.index(w) + len(w):]
                if rest and (not _is_generic(rest, m.type, rules) or has_place_name(name[:name.index(w)])):
                    continue
            return False
    before_seg = _after_last(before, "，,。；;：:")
    if name.startswith(_longer_than_one(rules.end_cues)) or before_seg.endswith(rules.end_cues) \
            or (name.startswith("接") and not before_seg.strip()):
        return False  # 北起曲湾路, 终点接青银高速, …，接甲高速公路: where a road ends, not a project
    if _PLACE_JOINS.search(name):
        return False  # 大场镇接204国道: the place where a road joins another
    if m.type.category in _LINE_CATEGORIES and before_seg.endswith("与") \
            and _MEETS.match(m.sentence, m.end - m.sentence_start) \
            and not before_seg[:-1].endswith(_line_type_words(rules)):
        return False  # 外迁至与威青高速相交处: the road it meets, cited for where (甲路与乙路交叉口 is a junction)
    if _words_re(rules.existing_cues).search(before_seg):
        return False  # 与现有的成渝铁路…: existing lines cited for context
    end, sentence = m.end - m.sentence_start, m.sentence  # (startswith at an offset: no copy of the rest)
    if sentence.startswith(_RELIEVED, end) or (m.type.category in _LINE_CATEGORIES and sentence.startswith(("间", "之间"), end)) \
            or (sentence.startswith(("的标准", "标准"), end) and any(c in before_seg for c in ("按", "参照", "比照"))):
        return False  # 减轻甲立交桥交通压力, 甲、乙铁路间的联络线, 按照甲大道的标准: cited, not built
    if _AFFILIATION.match(sentence, end) or (m.type.category in _LINE_CATEGORIES and (
            _ADDRESS.match(sentence, end) or _PRODUCT_AFTER.match(sentence, end))):
        return False  # 甲大学乙研究中心研究员, 甲医院职工: where a person works; 乙公路1296号: an
        # address; 重载快捷铁路货车: a product of the kind
    if m.type.category in _LINE_CATEGORIES and _MEET_HERE.match(sentence, end):
        return False  # 甲路、乙公路等干线在此交汇: roads that meet where the works are, cited for where
    tw = m.type
    if tw.category in ("railway", "highway") and _is_network(name, tw):
        return False
    if len(tw.word) == 1 and not _PHRASE_END.match(m.sentence[m.end - m.sentence_start:]) \
            and not (tw.word == "线" and _QUALIFIED_END.search(name)):
        return False  # (22号线通州段基本具备…: a line's section ends the name where it ends)
    if "届" in name:
        return False  # 二十届二中(全会), 第三届…: a session or an edition, not a site
    if m.type.category in ("railway", "highway") and _NETWORK_AFTER.match(m.sentence, m.end - m.sentence_start):
        return False  # 以沈阳为中心城际轨道交通网: a network of lines, not one
    line = _LINE_QUALIFIERS.sub("", name) if tw.word == "线" else name  # 地铁4号线二期, 1号线北延: the line's
    if tw.word == "线" and not (tw.category == "railway" and _NAMED_METRO_LINE.search(line)):
        if not _ROAD_NAME.match(line[len(admin_prefix(line)):]) and not _ROAD_NAME.match(_FROM_BRACKET.sub("", line)):
            if not _CODED_LINE.search(line):
                return False
        if _common_line_word(line[len(admin_prefix(line)):]):
            return False
    if tw.category == "road" and len(name) < 3:
        return False
    if tw.category in ("road", "highway") and any(p.search(before) for p in _reference_res(rules.reference_cues)):
        return False
    if tw.strength == "corridor" and not _COURSE_AFTER.match(m.sentence, m.end - m.sentence_start):
        return False  # 开放大通道: a figure of speech; 西部南北大通道，北起…: a road
    if tw.strength == "river":
        river = name[len(admin_prefix(name)):]  # 甲市乙河: the river of a named city (清水河 is a county too)
        river = river if _RIVER_NAME.fullmatch(river) else name
        if not _RIVER_NAME.fullmatch(river) or _RIVER_CHAR.search(river[:-1]):
            return False
        if not _RIVER_WORKS.search(_clause_around(m.sentence, m.start - m.sentence_start, m.end - m.sentence_start)):
            # 投资龙江、落地龙江: works on rivers elsewhere in the sentence are not this river's
            return False
    generic = _is_generic(name, tw, rules) or _only_common_words(name, tw, rules)
    if generic and not (m.located or m.sibling_place or name in rules.definite):
        return False
    if generic and before.endswith(_OPEN_QUOTES) and not sentence.startswith(_CLOSE_QUOTES, end):
        return False  # 官网“医院简介”: a kind of thing opening a quoted phrase (a page's title), no site
    clause_tail = _after_last_stop(before)
    if tw.strength == "weak":
        if any(_cue_in_tail(c, before, clause_tail) for c in rules.role_cues):
            return False
        if before.endswith("的"):
            return False
        specific = has_place_name(name) or any(r in name for r in rules.rank_words) or "（" in name or "(" in name
        if not specific:
            return False
    if any(_cue_in_tail(c, before, clause_tail) for c in rules.role_cues[:3]):
        return False
    return True


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The clause (between commas or semicolons) that holds ``sentence[start:end]``."""
    left = max(sentence.rfind(c, 0, start) for c in "，,；;") + 1
    rights = [k for k in (sentence.find(c, end) for c in "，,；;") if k >= 0]
    return sentence[left:min(rights, default=len(sentence))]


def _after_last(text: str, stops: str) -> str:
    """The text after the last of the ``stops`` characters in it (all of it without one): the
    last piece of a split on them, without making the pieces before it.
    """
    return text[max(map(text.rfind, stops)) + 1:]


def _after_last_stop(text: str) -> str:
    """The text after its last ，。；."""
    return text[max(text.rfind("，"), text.rfind("。"), text.rfind("；")) + 1:]


def _cue_in_tail(cue: str, before: str, tail: str) -> bool:
    """``re.search(re.escape(cue) + "[^，。；]*$", before)``: the cue stands after the last ，。；
    (``tail`` is that part of ``before``).
    """
    if "，" in cue or "。" in cue or "；" in cue:
        return re.search(re.escape(cue) + r"[^，。；]*$", before) is not None
    return cue in tail


def _common_line_word(name: str) -> bool:
    """True for 甲乙线 where 甲乙 is an everyday word or the whole a common noun (a coastline, a
    front line, a line of sight): a line named by two abbreviated ends reads as neither.
    """
    if not re.fullmatch(rf"[{_CJK}]{{2}}线", name):
        return False
    from planmap.reference.gazetteer import everyday_words
    words = word_index()
    return name[:2] in everyday_words() or name in everyday_words() or words.tag(name) == "n" \
        or (words.tag(name[:2]) == "n" and words.freq(name[:2]) >= 100)


def _is_network(name: str, tw: TypeWord) -> bool:
    """甘肃高速公路 / 青岛地铁 / 西部铁路: a province's, city's or part of the country's whole network
    of a class, not one project (青龙高速公路 names a road: 青龙 is a county).
    """
    if tw.word not in _NETWORK_CLASSES or not name.endswith(tw.word):
        return False
    core = name[: -len(tw.word)]
    return bool(core) and (core in _context()["country_regions"]
                           or any(u.level in ("province", "city") for u in current().gaz.units_named(core)))


_NETWORK_CLASSES = frozenset({"高速公路", "高速", "公路", "国道", "省道", "县道", "铁路", "高铁", "高速铁路",
                              "城际铁路", "轨道交通", "地铁", "轻轨"})


def _dedupe_spans(mentions: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, str]] = set()
    out = []
    # a name inside a longer name of the same run (高速公路 inside 高速公路连接线) is not separate
    mentions = [m for m in mentions if not any(
        o is not m and o.start <= m.start and m.end < o.end and o.sentence_start == m.sentence_start
        and m.name in o.name for o in mentions)]
    for m in mentions:
        key = (m.start, m.name)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


# ---------------------------------------------------------------- merging

_RANKS = re.compile(r"(国家级|国家|省级|市级|区级|县级)")


def coref_key(name: str) -> str:
    """Names that differ only by rank words, brackets (but a section's), punctuation or the unit
    suffix of a leading place (西丰县通用机场 / 西丰通用机场) are one project.
    """
    key = _BRACKETED.sub(_section_kept, name) if "（" in name or "(" in name else name
    key = _short_place_prefix(key)
    key = _RANKS.sub("", key)
    key = _KEY_PUNCT.sub("", key)
    return _ROAD_CLASS_LETTER.sub(r"\1", key)  # G205国道 / 205国道: the class letter repeats the class word


# a national, provincial or county road's class letter before its number and class word
_ROAD_CLASS_LETTER = re.compile(r"^[GSXY](\d{3,4}(?:国道|省道|县道))")


_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def _section_kept(m: re.Match[str]) -> str:
    """A bracket dropped from a key, unless it names a section (（泖港段）): sections of one road are
    different projects.
    """
    inner = m.group(0)[1:-1]
    return inner if inner.endswith("段") and len(inner) > 1 else ""


def _without_brackets(text: str) -> str:
    """``text`` with its bracketed parts removed (most names have none: no pattern search then)."""
    return _BRACKETED.sub("", text) if "（" in text or "(" in text else text
_PHASE_END = re.compile(r"[一二三四五六七八九十\d]期$")
_KEY_PUNCT = re.compile(r"[\s、，,·—\-“”\"']")


def _short_place_prefix(name: str) -> str:
    prefix = admin_prefix(name)
    if not prefix:
        return name
    gaz = current().gaz
    shorts = []
    for m in sorted(gaz.scan(prefix), key=lambda m: m.start):
        unit = m.candidates[0] if m.candidates else None
        shorts.append(unit.short if unit is not None and hasattr(unit, "short") and unit.short else m.text)
    return ("".join(shorts) if shorts else prefix) + name[len(prefix):]


def _merge(mentions: list[Mention], plan: Plan) -> list[Project]:
    groups: dict[str, list[Mention]] = {}
    order: list[str] = []
    keys_of: dict[str, str] = {}  # coref_key of each name, made once (names repeat across mentions)

    def key_of(name: str) -> str:
        key = keys_of.get(name)
        if key is None:
            key = keys_of[name] = coref_key(name)
        return key

    for m in mentions:
        key = key_of(m.name)
        if not key:
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(m)
    # fold a group into a longer one that contains it when both name the same thing
    keys = sorted(order, key=len, reverse=True)
    ending_in = _keys_by_suffix(keys)
    parent: dict[str, str] = {}
    for k in keys:
        for longer in ending_in.get(k, ()):
            if longer in parent:
                continue
            if groups[longer][0].type.category == groups[k][0].type.category and _prefix_is_place(longer[: -len(k)]):
                parent[k] = longer
                break
    for k, p in parent.items():
        while p in parent:
            p = parent[p]
        groups[p].extend(groups.pop(k))
    _fold_companies(groups, order)
    _fold_into_one_section(groups, order)
    _fold_same_core(groups, order)
    _fold_route_abbreviations(groups, order)
    _fold_same_stretch(groups, order)
    projects = []
    _fold_short_names(groups, order, key_of)
    for key in order:
        if key not in groups:
            continue
        ms = sorted(groups[key], key=lambda x: x.start)
        best = max(ms, key=lambda x: (len(key_of(x.name)), len(x.name)))
        clause = best.clause
        names = []
        for x in ms:
            for n in [x.name, *x.aliases]:
                if n != best.name and n not in names:
                    names.append(n)
        endpoints = next((x.endpoints for x in ms if x.endpoints), [])
        figures = find_figures(_segment(best.sentence, best.start - best.sentence_start))
        lead = clause.lead_units
        projects.append(Project(
            name=best.name,
            category=best.type.category,
            geom=best.type.geom if not endpoints or best.type.geom == "line" or best.work == "对接"
            or best.type.word.endswith(_POINTS_ON_A_ROUTE) else "line",
            plan=plan.id,
            section=" > ".join(clause.section),
            evidence=best.sentence.strip(),
            span=(best.start, best.end),
            lead_units=list(lead),
            support_units=list(clause.support_units),
            deadline=clause.deadline,
            figures=figures,
            mentions=[(x.start, x.end) for x in ms],
            aliases=names,
            work=best.work or next((x.work for x in ms if x.work), ""),
            endpoints=list(endpoints),
            clause_start=clause.start,
            clause_end=clause.end,
            original_name=_as_written(plan, best),
        ))
    projects.sort(key=lambda p: p.span[0])
    return projects


def _fold_short_names(groups: dict[str, list[Mention]], order: list[str], key_of: Callable[[str], str]) -> None:
    """A name a bracket gives another (甲州人民医院（下文简称“州医院”）, G75（兰海高速）) is that
    project wherever the text uses it.
    """
    owner: dict[str, str] = {}
    for key in order:
        for m in groups.get(key, ()):
            for alias in m.aliases:
                owner.setdefault(key_of(alias), key)
    for key in order:
        into = owner.get(key)
        if into is not None and into != key and key in groups and into in groups:
            groups[into].extend(groups.pop(key))


def _keys_by_suffix(keys: list[str]) -> dict[str, list[str]]:
    """For every suffix of three or more characters, the longer keys that end in it, in the
    order of ``keys``: the keys a shorter key may fold into, without testing every pair.
    """
    out: dict[str, list[str]] = {}
    for key in keys:
        for n in range(3, len(key)):
            out.setdefault(key[-n:], []).append(key)
    return out


def proper_core(name: str) -> str:
    """The proper part of a name, class words and generic modifiers taken off its end:
    成渝客运专线 / 成渝客运高速铁路专线 / 成渝高铁 -> 成渝; 渝黔新线 / 渝黔铁路新线 -> 渝黔.
    A section (…段) keeps the whole name: sections of one line are different projects.
    """
    rules = load_rules()
    key = _BRACKETED.sub(_section_kept, name) if "（" in name or "(" in name else name
    if "段" in key:
        return key
    key = _PHASE_END.sub("", key)
    words, longest = _suffix_words(id(rules))
    while True:
        start = _suffix_start(key, words, longest)
        if start is None or start < 2:
            return key
        key = key[:start]


@lru_cache(maxsize=1)
def _suffix_words(rules_id: int) -> tuple[frozenset[str], int]:
    """Type words and generic modifiers that may end a name, and the length of the longest."""
    rules = load_rules()
    words = frozenset(w for w in set(rules.types) | {g for g in rules.generic if len(g) > 1} if w)
    return words, max(map(len, words), default=0)


def _suffix_start(key: str, words: frozenset[str], longest: int) -> int | None:
    """Where the leftmost of ``words`` that ends ``key`` starts: what ``re.search`` finds with the
    pattern ``(?:word|word…)$`` (``$`` also before a final newline), found by set look-ups
    instead of compiling that pattern of some thousand words.
    """
    n = len(key)
    if not key.endswith("\n"):  # (the usual case: one end to try)
        for i in range(max(0, n - longest - 1), n + 1):
            if key[i:] in words:
                return i
        return None
    ends = (n, n - 1)
    for i in range(max(0, n - longest - 1), n + 1):
        if any(key[i:end] in words for end in ends if end >= i):
            return i
    return None


def _fold_into_one_section(groups: dict[str, list[Mention]], order: list[str]) -> None:
    """A road named bare (唐津高速公路) and the one section of it the plan builds (唐津高速公路（天津
    南段）) are one project; beside two sections (（泖港段）, （叶榭段）) the bare name stays apart.
    """
    sections: dict[str, list[str]] = {}
    for key in order:
        if key in groups and "段" in key:
            bare = coref_key(_without_brackets(groups[key][0].name))
            if bare == key:  # 省道301线供加至班戈段 beside 省道301线: the road named before its section
                bare = next((key[:n] for n in range(len(key) - 2, 2, -1)
                             if key[:n] in groups and _LINE_END.search(key[:n])), key)
            if bare != key:
                sections.setdefault(bare, []).append(key)
    for bare, keys in sections.items():
        if len(keys) == 1 and bare in groups:
            groups[keys[0]].extend(groups.pop(bare))


# a numbered road (国道318线, 省道301, 209国道, G75): named bare beside the one section the plan
# builds, it is that section (a named line beside its section, 兰新铁路…哈密段, stays apart: the
# plan may speak of the whole line)
_LINE_END = re.compile(rf"{_NUMBERED_ROAD}线?$")


def _fold_companies(groups: dict[str, list[Mention]], order: list[str]) -> None:
    """A company's full name (甲乙科技（苏州）有限公司) and the short name a list gives it (甲乙科技)
    are one project.
    """
    for key in order:
        if key not in groups or groups[key][0].type is not _COMPANY_TYPE:
            continue
        short = re.sub(r"[（(][^）)]*[）)]", "", groups[key][0].name)
        short_key = coref_key(re.sub(r"(?:股份有限公司|有限责任公司|有限公司)$", "", short))
        if short_key and short_key != key and short_key in groups:
            groups[short_key].extend(groups.pop(key))


def _fold_same_core(groups: dict[str, list[Mention]], order: list[str]) -> None:
    """One project named several ways (渝黔新线 / 渝黔铁路新线, 防城港30万吨级航道 / …进港航道): same
    category and the same proper part. A proper part that is only a place (铁岭市医院 / 铁岭市中医院)
    says nothing about identity and folds nothing.
    """
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for key in order:
        if key not in groups:
            continue
        first = groups[key][0]
        core = proper_core(first.name)
        if len(core) < 2 or core == first.name:
            continue
        place = admin_prefix(core)
        rest = _RANK_OPENING.sub("", core[len(place):])
        if len(rest) < 2 or admin_prefix(rest) == rest:
            continue  # only a place (铁岭市医院 / 铁岭市中医院): says nothing about identity
        slot = (first.type.category, rest)
        other = seen.get(slot)
        if other and (not place or not other[1] or place == other[1]) \
                and not _DISTINCT.search(_diff(groups[other[0]][0].name, first.name, rest)):
            groups[other[0]].extend(groups.pop(key))
        elif not other:
            seen[slot] = (key, place)


def _fold_route_abbreviations(groups: dict[str, list[Mention]], order: list[str]) -> None:
    """A line named by its ends (厦门至沙县高速公路三明段, 汶川—马尔康高速公路, 抚州至吉安) and by
    the first characters of its ends (厦沙高速公路三明段, 汶马高速, 抚吉高速公路) is one project, as
    are two mentions of the same ends; two lines whose ends abbreviate alike (南京至安庆 / 南昌至安庆)
    fold nothing.
    """
    by_ends: dict[tuple[str, str, str], list[tuple[str, tuple[str, str]]]] = {}
    short: dict[tuple[str, str, str], list[str]] = {}
    for key in order:
        if key not in groups or groups[key][0].type.category not in _LINE_KINDS[:2]:
            continue
        category = groups[key][0].type.category
        name = groups[key][0].name
        name = _RANKS.sub("", _BRACKETED.sub(_section_kept, name) if "（" in name or "(" in name else name)
        m = _LINE_BY_ENDS.match(name)
        if m:
            a, b = m.group(1), m.group(2)
            by_ends.setdefault((category, a[0] + b[0], _WORKS_END.sub("", m.group(3))), []).append((key, (a, b)))
            continue
        m = _LINE_BY_ABBREVIATION.match(name)
        if m:
            short.setdefault((category, m.group(1), _WORKS_END.sub("", m.group(2))), []).append(key)
    for slot, named in by_ends.items():
        if len({ends for _, ends in named}) > 1:
            continue  # two lines whose ends abbreviate alike
        into = named[0][0]
        for key in [k for k, _ in named[1:]] + short.get(slot, []):
            if key in groups and key != into:
                groups[into].extend(groups.pop(key))


def _fold_same_stretch(groups: dict[str, list[Mention]], order: list[str]) -> None:
    """One stretch of a numbered road written from either end (329国道甲隧道北口至乙桥 / 329国道镇海段
    乙桥—甲隧道) is one project: the same road number and the same two ends.
    """
    seen: dict[tuple[str, frozenset[str]], str] = {}
    for key in order:
        if key not in groups or groups[key][0].type.category not in _LINE_KINDS[:2]:
            continue
        m = _NUMBERED_STRETCH.match(groups[key][0].name)
        if m is None:
            continue
        ends = frozenset(_END_OPENING.sub("", _END_CLOSING.sub("", e)) for e in (m.group(2), m.group(3)))
        if len(ends) < 2 or any(len(e) < 2 for e in ends):
            continue
        slot = (re.sub(r"\D", "", m.group(1)), ends)
        if slot in seen:
            groups[seen[slot]].extend(groups.pop(key))
        else:
            seen[slot] = key


_NUMBERED_STRETCH = re.compile(rf"^({_NUMBERED_ROAD}线?)([{_CJK}\d]{{2,12}}?)(?:至|—+|－|–|-)([{_CJK}\d]{{2,12}}?)段?$")
_END_OPENING = re.compile(rf"^[{_CJK}]{{1,6}}段")  # 镇海段乙桥: the section the end lies in
_END_CLOSING = re.compile(r"(?:[东西南北]口|口)$")  # 甲隧道北口: the tunnel's mouth is the tunnel's end


_LINE_CLASS = r"(?:藏区)?(?:国家)?(?:高速公路|高速铁路|城际铁路|客运专线|铁路|高铁|城际|高速|公路)"
_LINE_BY_ENDS = re.compile(rf"^([{_CJK}]{{2,6}}?)(?:至|—+|－|–|-|到)([{_CJK}]{{2,6}}?)(?:{_LINE_CLASS}|(?=段)|$)(.*)$")
_LINE_BY_ABBREVIATION = re.compile(rf"^([{_CJK}]{{2}}){_LINE_CLASS}(.*)$")
_WORKS_END = re.compile(r"(?:建设)?(?:项目|工程)$")  # 甲至乙高速铁路项目 is 甲乙高铁


_RANK_OPENING = re.compile(r"^(?:中国|国家级|国家|省级|市级)")
_DISTINCT = re.compile(r"[东西南北一二三四五六七八九十\d]")


_PHASE = re.compile(r"[一二三四五六七八九十\d]期(?:工程)?$")


def _diff(a: str, b: str, core: str) -> str:
    """The characters in which two names' class parts differ (客运东站 / 客运北站 -> 东北). A phase
    written on one name only (…进港航道一期 / …航道) is the same works; two phases (一期 / 二期) differ.
    """
    a, b = (re.sub(r"[（(][^）)]*[）)]", "", x) for x in (a, b))
    if not (_PHASE.search(a) and _PHASE.search(b)):
        a, b = _PHASE.sub("", a), _PHASE.sub("", b)
    ta, tb = a[a.find(core) + len(core):], b[b.find(core) + len(core):]
    return "".join(set(ta) ^ set(tb))


def _as_written(plan: Plan, m: Mention) -> str:
    """The name in the document's own script: the simplified text has the original's offsets,
    so the same span of the original text is the name as written (a name built from an
    enumeration, 209省道, is converted character by character instead).
    """
    original = plan.original_text or ""
    if original[m.start:m.end] and plan.text[m.start:m.end] == m.name:
        return original[m.start:m.end]
    if not original or original == plan.text:
        return m.name
    from planmap.read.textnorm import to_traditional_like

    return to_traditional_like(m.name, plan.text, original)


def _prefix_is_place(prefix: str) -> bool:
    return bool(prefix) and has_place_name(prefix) and len(prefix) <= 6


def _segment(sentence: str, pos: int) -> str:
    """The comma-delimited part of a sentence around ``pos`` (where its figures are)."""
    starts = [m.end() for m in re.finditer(r"[，,；;]", sentence[:pos])]
    s = starts[-1] if starts else 0
    m = re.search(r"[，,；;。]", sentence[pos:])
    e = pos + m.start() if m else len(sentence)
    return sentence[s:e]
