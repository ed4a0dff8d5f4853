"""What an object says it is: its self link, read against the API's own paths.

An object whose `url` (or `self`) property holds a link into the API names the resource it is,
whatever property it sits under: a user shown as a repository's `owner`, an issue's `assignee`
or a commit's `author` links to `/users/octocat`. The link is matched against the path
templates of the API's endpoints: a template it matches whole names the resource by its GET
endpoint's title ("Get a repository" -> repository); one of which it matches only the start,
ending at a parameter (`/users/{username}` of `/users/{username}/repos`), by the collection
before that parameter (`users` -> user). A link that matches no endpoint (a webhook's target,
a web page) says nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from apidocgen.infer.naming import pascal, singular, singular_words, title_words, words_of
from apidocgen.infer.positions import Cluster, Position
from apidocgen.infer.records import BodySample
from apidocgen.infer.strategies import ObjectKind, StringKind

SELF_KEYS = ("url", "self")
MIN_ABBREVIATION = 3  # shorter words are not read as abbreviations
MAX_LINKS = 5  # places of a cluster whose links are read
MAX_SEGMENTS = 32  # of a link's path that are matched
# Endings that make another word of a word (`commit` -> `committer`, `member` -> `membership`):
# a longer word that is a shorter one with one of these is not what the shorter abbreviates.
SUFFIXES = frozenset(
    (
        "e", "s", "es", "ed", "er", "ers", "or", "ors", "ter", "ters", "ing", "ion", "ions",
        "ation", "ization", "isation", "ship", "ment", "ments", "ness", "ity", "us", "al",
        "ly", "ive", "able", "ist", "ism",
    )
)  # fmt: skip
_PARAM = ""  # a template segment that matches any value
_END = "/"  # trie key of the words found at a node (no path segment contains "/")
_Trie = dict[str, Any]


def _segments(path: str) -> tuple[str, ...]:
    return tuple(_PARAM if part.startswith("{") else part for part in path.split("/") if part)


class PathIndex:
    """The API's path templates (and their starts that end at a parameter), each with the
    words that name the resource found there.

    A collection abbreviated in paths (`repos`, `orgs`) takes the API's longer spelling when
    the API names objects by one (`vocabulary`: the words object places are named by, most
    frequent first). Titles are prose, never abbreviated: their words stay as they are (a
    "pull request" is not a "pull requester").
    """

    def __init__(self, samples: Sequence[BodySample], vocabulary: Sequence[str] = ()) -> None:
        self._vocabulary = vocabulary
        titles: dict[tuple[str, ...], str] = {}
        singletons: dict[tuple[str, ...], str] = {}  # GET one object at a path ending in a word
        for sample in samples:
            if sample.method.upper() == "GET" and sample.role == "response":
                segments = _segments(sample.api_path)
                titles.setdefault(segments, sample.title)
                if segments and segments[-1] != _PARAM and isinstance(sample.value, dict):
                    singletons.setdefault(segments, sample.title)
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}
        for segments, heading in singletons.items():  # `/repos/{owner}/{repo}/import`
            if said := title_words(heading, "response"):
                self._names[segments] = said
        for sample in sorted(samples, key=lambda s: s.api_path):
            segments = _segments(sample.api_path)
            for end in range(1, len(segments) + 1):
                start = segments[:end]
                if start in self._names or start[-1] != _PARAM:
                    continue
                literal = [part for part in start if part != _PARAM]
                if not literal:
                    continue
                title = titles.get(start)
                words = title_words(title, "response") if title else ()
                self._names[start] = words or self._spelled_out(literal[-1])
        # the template starts, reversed, as a trie: links are matched from their last segment
        self._trie: _Trie = {}
        for key, words in self._names.items():
            node = self._trie
            for part in reversed(key):
                node = node.setdefault(part, {})
            node[_END] = words

    def resource(self, link: str) -> tuple[str, ...]:
        """The words naming the resource `link` points at, or () when it points at none.

        The link's path is aligned at its end with each template start (so a prefix such as
        `/api/v3` in front of the templates does not matter); the match with the most literal
        segments wins, the longer among equals.
        """
        try:
            parts = urlsplit(link)
        except ValueError:
            return ()
        if not parts.scheme or not parts.netloc:
            return ()
        segments = [part for part in parts.path.split("/") if part]
        path = segments[::-1][:MAX_SEGMENTS]
        best: tuple[int, int, tuple[str, ...]] = (0, 0, ())
        pending: list[tuple[_Trie, int, int]] = [(self._trie, 0, 0)]
        while pending:
            node, depth, literal = pending.pop()
            words = node.get(_END)
            if isinstance(words, tuple) and (literal, depth) > best[:2]:
                best = (literal, depth, words)
            if depth == len(path):
                continue
            exact = node.get(path[depth])
            if isinstance(exact, dict) and path[depth] != _PARAM:
                pending.append((exact, depth + 1, literal + 1))
            wild = node.get(_PARAM)
            if isinstance(wild, dict):
                pending.append((wild, depth + 1, literal))
        return best[2]

    def fallback(self, link: str) -> tuple[str, ...]:
        """For a link into the API that no template matches: the collection before its last
        segment, when the path alternates collection and identifier (`/users/octocat`)."""
        parts = urlsplit(link)
        segments = [part for part in parts.path.split("/") if part]
        if len(segments) < 2 or len(segments) % 2:
            return ()
        return self._spelled_out(segments[-2])

    def _spelled_out(self, segment: str) -> tuple[str, ...]:
        """The words of a path segment, singular, the last one spelled out: the first
        vocabulary word that starts with it (`repo` -> `repository`), unless that word is
        this one with a suffix (`commit` is not short for `committer`, nor `author` for
        `authorization`)."""
        words = singular_words(words_of(segment))
        if not words or len(words[-1]) < MIN_ABBREVIATION:
            return words
        word = words[-1]
        longer = next(
            (
                w
                for w in self._vocabulary
                if w.startswith(word) and len(w) > len(word) and w[len(word) :] not in SUFFIXES
            ),
            word,
        )
        return (*words[:-1], longer)


def self_link(obj: ObjectKind) -> str | None:
    """The link an object gives to itself, if any."""
    for key in SELF_KEYS:
        node = obj.props.get(key)
        strategy = node.kinds.get("string") if node is not None else None
        if isinstance(strategy, StringKind) and strategy.sample:
            return strategy.sample
    return None


def resource_names(clusters: Sequence[Cluster], index: PathIndex) -> dict[int, str]:
    """For each cluster whose places link to themselves, the resource name most of those links
    give (by cluster key); clusters whose links disagree or point nowhere get none.

    A link that matches no template still names its collection when its host is one that
    other links into matched templates use (`PathIndex.fallback`).
    """
    links = {
        m.index: link for c in clusters for m in c.members[:MAX_LINKS] if (link := self_link(m.obj))
    }
    found = {index_: index.resource(link) for index_, link in links.items()}
    hosts = {_host(links[i]) for i, words in found.items() if words}
    names: dict[int, str] = {}
    for cluster in clusters:
        counts: Counter[tuple[str, ...]] = Counter()
        total = 0
        for member in cluster.members[:MAX_LINKS]:
            link = links.get(member.index)
            if link is None:
                continue
            total += 1
            words = found[member.index] or (index.fallback(link) if _host(link) in hosts else ())
            counts[words] += 1
        if not counts:
            continue
        words, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if words and 2 * count > total:
            names[cluster.key] = pascal(words)
    return names


def _host(link: str) -> str:
    return urlsplit(link).netloc.lower()


def object_words(positions: Sequence[Position]) -> list[str]:
    """The words that name object places (the last word of each hint), most frequent first."""
    counts = Counter(singular(p.hint[-1]) for p in positions if p.hint)
    return [word for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
