"""Names from evidence: property names, endpoint titles, and context words; never numbers.

A component is named after what its places appear under: the property (`user` -> `User`),
singularised for array items and map values (`projects[]` -> `Project`), or, for bodies, the
endpoint title's noun phrase (`Get a repository` -> `Repository`; "Create a New Project" speaks
for `NewProject` and for `Project`; its request body is `CreateNewProjectRequest`). The name
most places suggest wins. When two components want one name, the one with the most evidence
under it keeps it (see `name_clusters`); a loser whose properties are a subset of the
winner's is its summary (`TeamSummary`); any other takes context words in front, nearest
first: the shape it appears in (`Event` + `User`), the endpoint title, the section, title and
property path, then a distinguishing property (`UserWithEmail`). Every name is an ASCII
PascalCase identifier without digits (`cvss_v3` -> `Cvss`: see `pascal`) that is neither a
Python keyword nor a name the generated models import. Names depend only on each component's
own evidence and that of its rivals for a name, so adding an unrelated endpoint renames
nothing.
"""

from __future__ import annotations

import hashlib
import keyword
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # unify imports this module's word functions
    from apidocgen.infer.positions import Cluster, Position
    from apidocgen.infer.records import BodySample

MAX_WORDS = 6  # of a title or property name; longer ones are sentences, not names
MAX_WORD = 24  # characters kept of one word (a 100k-character key must not become a name)
MAX_NAME = 80

_ARTICLES = frozenset(("a", "an", "the"))
# Words that carry no meaning in a name taken from a title (articles, possessives, "all").
_FILLER = _ARTICLES | frozenset(
    ("s", "your", "my", "our", "their", "its", "this", "that", "these", "those", "all", "each",
     "every")
)  # fmt: skip
# A title's object ends where a prepositional phrase starts ("List repositories for a user").
_PREPOSITIONS = frozenset(
    (
        "about", "across", "as", "at", "between", "by", "for", "from", "in", "into", "of",
        "on", "over", "per", "to", "under", "using", "via", "with", "within", "without",
    )
)  # fmt: skip
# Plurals that the suffix rules below get wrong.
_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "criteria": "criterion",
    "analyses": "analysis",
    "statuses": "status",
    "aliases": "alias",
    "series": "series",
    "news": "news",
}
_KEEP_ENDINGS = ("ss", "us", "is", "ias", "ous")
# Names a generated Pydantic module imports or Python reserves (besides keywords).
_RESERVED = frozenset(
    (
        "Annotated", "Any", "AnyUrl", "AwareDatetime", "BaseModel", "ConfigDict", "Dict",
        "EmailStr", "Enum", "Field", "List", "Literal", "Optional", "RootModel", "Type",
        "UUID", "Union",
    )
)  # fmt: skip
_FALLBACK = "Model"
_NO_DIGITS = str.maketrans("", "", "0123456789")
MIN_LETTERS = 3  # of a word with digits, for its letters to stay in a name


def words_of(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words of an identifier or a phrase (`pullRequest`, `pull_request`,
    `Pull requests` -> pull, request(s)); non-ASCII letters are folded or dropped."""
    return _words(text[: MAX_WORDS * MAX_WORD * 4])  # the cache never holds a huge key


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", text)
    words: list[str] = []
    current: list[str] = []
    previous = ""
    for ch in folded:
        if not (ch.isascii() and ch.isalnum()):
            if current:
                words.append("".join(current))
                current = []
            previous = ""
            continue
        # split fooBar and HTMLParser; keep digits with their word (sha256, ipv4)
        if current and ch.isupper() and (previous.islower() or previous.isdigit()):
            words.append("".join(current))
            current = []
        elif current and ch.islower() and previous.isupper() and len(current) > 1:
            words.append("".join(current[:-1]))
            current = current[-1:]
        current.append(ch)
        previous = ch
    if current:
        words.append("".join(current))
    return tuple(w.lower()[:MAX_WORD] for w in words)[: MAX_WORDS * 2]


def singular(word: str) -> str:
    """A cautious English singular of one lower-case word."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.endswith(_KEEP_ENDINGS):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "tches", "nches", "rches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def singular_words(words: Sequence[str]) -> tuple[str, ...]:
    """`words` with the last (head) word singularised."""
    if not words:
        return ()
    return (*words[:-1], singular(words[-1]))


def pascal(words: Iterable[str]) -> str:
    """PascalCase of lower-case words, without digits: a number in a word qualifies a thing (a
    version, a size: `cvss_v3`, `sha256`), it does not name it. A word keeps its letters when
    at least `MIN_LETTERS` remain (`sha256` -> `Sha`) and is left out otherwise (`v3`), unless
    nothing else would be left."""
    given = list(words)
    letters = [word.translate(_NO_DIGITS) for word in given]
    kept = [
        word
        for word, original in zip(letters, given, strict=True)
        if word == original or len(word) >= MIN_LETTERS
    ] or [word for word in letters if word]
    return "".join(word[:1].upper() + word[1:] for word in kept)[:MAX_NAME]


@lru_cache(maxsize=4096)
def title_words(title: str, role: str) -> tuple[str, ...]:
    """The words of an endpoint title that name its body.

    A title names an action then its object: "List repositories for a user". A response body
    is the object (`repositories`: the leading verb and the prepositional phrase go); a request
    body is the action (`create new project`, named `...Request` by the caller). An article
    after a plural object starts a clause about it ("List the people a user follows",
    "List repositories a token has access to"): the object ends there too.
    """
    head: list[str] = []
    for word in words_of(title):
        if head and word in _PREPOSITIONS:
            break
        if word in _ARTICLES and len(head) > 1 and singular(head[-1]) != head[-1]:
            break
        if word not in _FILLER:
            head.append(word)
    if not head:
        return ()
    if role == "response" and len(head) > 1:
        head = head[1:]
    return tuple(head[-MAX_WORDS:])


@lru_cache(maxsize=4096)
def full_title_words(title: str, role: str) -> tuple[str, ...]:
    """All meaningful words of a title (its prepositions too), without the leading verb for a
    response: "List reactions for a commit comment" -> reactions, for, commit, comment."""
    words = [w for w in words_of(title) if w not in _FILLER]
    if role == "response" and len(words) > 1:
        words = words[1:]
    return tuple(words[: MAX_WORDS * 2])


def valid_name(name: str) -> str:
    """`name` made a safe class name: starts with a letter, holds no digit, not reserved."""
    name = name.translate(_NO_DIGITS)
    if not name:
        return _FALLBACK
    if not name[0].isalpha():
        name = _FALLBACK + name
    if keyword.iskeyword(name) or name in _RESERVED or name in ("None", "True", "False"):
        name += "Model"
    return name


def _letters(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[b % 26] for b in digest[:6])


@dataclass
class NameRequest:
    """What the namer needs to know about one component.

    `weight` decides who keeps a contested name (more places first); `tiebreak` is a string
    derived from the component's own evidence only, so that adding an unrelated endpoint cannot
    reorder existing components.
    """

    key: int
    base: str
    weight: int
    tiebreak: str
    alternatives: list[str] = field(default_factory=list)  # whole names, nearest context first
    properties: list[str] = field(default_factory=list)  # for "...With<Property>" names
    request_body: bool = False  # named after a request; ranks after every other shape


def _priority(request: NameRequest) -> tuple[bool, int, str, str]:
    # Request bodies go last: their names never contest others ("...Request"), and when one
    # equals a response shape (see deduplication) the response's name is the one kept.
    return (request.request_body, -request.weight, request.tiebreak, request.base)


def assign_names(requests: Sequence[NameRequest]) -> dict[int, str]:
    """A unique name per request, handed out by priority; collisions take context words.

    A shape that loses its name to a shape holding all of its properties and more is the
    other's summary (`TeamSummary`: the three-field team inside a project); any other loser
    takes the words of its context first (`EventUser`).
    """
    holders: dict[str, NameRequest] = {}
    names: dict[int, str] = {}
    for request in sorted(requests, key=_priority):
        base = valid_name(request.base)
        holder = holders.get(base)
        summary = holder is not None and set(request.properties) < set(holder.properties)
        for candidate in _candidates(request, summary):
            if candidate not in holders:
                break
        holders[candidate] = request
        names[request.key] = candidate
    return names


def _candidates(request: NameRequest, summary: bool) -> Iterable[str]:
    base = valid_name(request.base)
    yield base
    if summary:
        yield valid_name(base + "Summary")
    for alternative in request.alternatives:
        yield valid_name(alternative)
    for prop in request.properties:
        yield valid_name(base + "With" + pascal(words_of(prop)))
    # Last resort, for shapes indistinguishable by every word available: letters from their own
    # evidence (still never a number).
    seed = request.tiebreak
    while True:
        seed = _letters(seed)
        yield valid_name(base + "Variant" + seed.title())


def _member_names(position: Position) -> list[str]:
    """The names one place suggests: its property, or its endpoint's title (and the title's
    shorter tails, so that "new project" also speaks for "project")."""
    words = position.hint
    if not words:
        return []
    if position.from_title and position.role == "request":
        return [pascal(words) + ("Request" if position.path == "" else "RequestItem")]
    if position.from_title:
        return [name for start in range(len(words)) if (name := pascal(words[start:]))]
    return [name] if (name := pascal(words)) else []


def _ending_with(context: str, base: str) -> str:
    """`context` followed by `base`, unless it already ends with it, or with its plural
    (`Repositories` and `Repository` make `Repository`, not `RepositoriesRepository`)."""
    if context.endswith(base):
        return context
    said, named = singular_words(words_of(context)), words_of(base)
    if named and len(said) >= len(named) and said[-len(named) :] == named:
        return pascal(said)
    return context + base


def _by_count(counts: Counter[str]) -> list[str]:
    return [
        name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if name
    ]


def _container_names(clusters: Sequence[Cluster], min_siblings: int) -> dict[int, str]:
    """Names of places that are one of several like values of one object (rule N2).

    When at least `min_siblings` properties of one object hold the same kind of thing
    (`_links: {self: {href}, html: {href}, ...}`), those property names are roles of the
    values, and the object's own property names what they are (`_links` -> `Link`).
    """
    found: dict[int, str] = {}
    for cluster in clusters:
        siblings: dict[tuple[int, int | None], list[Position]] = {}
        for member in cluster.members:
            if member.parent is not None and member.path.count("/") >= 2:
                siblings.setdefault((member.sample, member.parent), []).append(member)
        for group in siblings.values():
            if len({m.path for m in group}) < min_siblings:
                continue
            container = group[0].path.rsplit("/", 2)[-2]
            words = singular_words(words_of(container))
            if words:
                for member in group:
                    found[member.index] = pascal(words)
    return found


def name_clusters(
    clusters: Sequence[Cluster],
    owner: Sequence[int],
    samples: Sequence[BodySample],
    identities: Mapping[int, str] | None = None,
    min_siblings: int = 3,
) -> tuple[dict[int, str], dict[str, int], dict[int, str]]:
    """Component names by cluster key, each name's rank (lower = kept a contested name), and
    where each name came from (for `explain`).

    A cluster whose places link to themselves is named after the resource the links point at
    (`identities`, from `identity.resource_names`: rule N1), whatever property it sits under.
    Otherwise its base name is the one most of its places suggest (the longer among equals: it
    is the more specific), a place among several like siblings speaking for its container
    (rule N2). A contested base goes to the cluster with the most evidence under it: the number
    of properties observed at the places that suggest it, so that a full `Team` resource
    outranks the three-property team summary embedded in projects, and the simple user seen in
    hundreds of places outranks one detailed user endpoint.
    """
    identities = identities or {}
    contained = _container_names(clusters, min_siblings)

    def member_names(member: Position) -> list[str]:
        name = contained.get(member.index)
        return [name] if name else _member_names(member)

    bases: dict[int, str] = {}
    weights: dict[int, int] = {}
    sources: dict[int, str] = {}
    for cluster in clusters:
        support: Counter[str] = Counter()
        for member in cluster.members:
            support.update(set(member_names(member)))
        base = identities.get(cluster.key) or (
            min(support.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0]
            if support
            else _FALLBACK
        )
        bases[cluster.key] = base
        if cluster.key in identities:
            sources[cluster.key] = f"rule N1: its places link to the `{base}` resource"
        else:
            via = (
                " (rule N2: like values of one object)"
                if any(m.index in contained for m in cluster.members)
                else ""
            )
            sources[cluster.key] = (
                f"suggested by {support[base]} of its {len(cluster.members)} places{via}"
            )
        weights[cluster.key] = sum(
            len(m.obj.props)
            for m in cluster.members
            if cluster.key in identities or base in member_names(m)
        ) or len(cluster.members)
    requests = []
    for cluster in clusters:
        base = bases[cluster.key]
        around: Counter[str] = Counter()  # the shape each place sits in, or its endpoint
        sections: Counter[str] = Counter()
        paths: Counter[str] = Counter()
        for member in cluster.members:
            sample = samples[member.sample]
            sections[pascal(words_of(sample.section)) + base] += 1
            path = pascal(word for part in member.path.split("/") for word in words_of(part))
            paths[
                _ending_with(pascal(full_title_words(sample.title, sample.role)) + path, base)
            ] += 1
            if member.parent is not None:
                around[_ending_with(bases.get(owner[member.parent], ""), base)] += 1
            elif member.request_root:
                around[pascal(full_title_words(sample.title, sample.role)) + "Request"] += 1
            else:
                around[_ending_with(pascal(full_title_words(sample.title, sample.role)), base)] += 1
        alternatives = [name for counts in (around, sections, paths) for name in _by_count(counts)]
        requests.append(
            NameRequest(
                key=cluster.key,
                base=base,
                weight=weights[cluster.key],
                tiebreak=min(samples[m.sample].key + "#" + m.path for m in cluster.members),
                alternatives=[name for name in alternatives if name != base],
                properties=sorted(cluster.keys),
                request_body=any(m.request_root for m in cluster.members),
            )
        )
    names = assign_names(requests)
    order = sorted(requests, key=_priority)
    rank = {names[r.key]: number for number, r in enumerate(order)}
    for key, name in names.items():
        if name != valid_name(bases[key]):
            sources[key] += f"; `{bases[key]}` went to a component with more evidence"
    return names, rank, sources
