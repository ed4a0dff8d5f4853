"""The git history of the input folder: revisions, their trees, and a revision's files.

Only `git` itself is run (no shell, no pager, no user configuration that prints); a problem
is a `GitError` whose message is one line for the user.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from apidocgen.config import Config

_ENV = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class GitError(Exception):
    """git cannot give what was asked (the message is one line for the user)."""


@dataclass(frozen=True)
class Repository:
    """A work tree, and where the input folder is in it (a posix path, "" at its root)."""

    root: Path
    prefix: str

    def git(self, *args: str) -> str:
        return _git(self.root, *args).decode("utf-8", "replace")

    @property
    def shallow(self) -> bool:
        try:
            return self.git("rev-parse", "--is-shallow-repository").strip() == "true"
        except GitError:
            return False

    def resolve(self, revision: str) -> str:
        """The commit a revision names; a GitError naming the revision when it is unknown
        (and saying so when the clone is shallow and may just not have it)."""
        if revision.startswith("-"):
            raise GitError(f"unknown revision '{revision}'")
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
        except GitError:
            if self.shallow:
                raise GitError(
                    f"revision '{revision}' is not in this shallow clone: fetch the history"
                    " (git fetch --unshallow; in GitHub Actions, checkout with fetch-depth: 0)"
                ) from None
            raise GitError(f"unknown revision '{revision}'") from None

    def default_base(self) -> tuple[str, str]:
        """(label, commit): the merge base of HEAD with the default branch."""
        candidates = []
        try:
            remote_head = self.git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").strip()
            candidates.append(remote_head.removeprefix("refs/remotes/"))
        except GitError:
            pass
        candidates += ["origin/main", "origin/master", "main", "master"]
        for branch in candidates:
            try:
                commit = self.git("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}")
            except GitError:
                continue
            try:
                base = self.git("merge-base", "HEAD", commit.strip()).strip()
            except GitError:
                hint = " (the clone is shallow: fetch the history)" if self.shallow else ""
                raise GitError(f"HEAD and {branch} have no common revision{hint}") from None
            return f"merge base with {branch}", base
        raise GitError("no default branch (main or master) to compare with: name a BASE")

    def tree(self, commit: str) -> str | None:
        """The id of the input folder's tree at `commit` (None when it has none there)."""
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{commit}:{self.prefix}").strip()
        except GitError:
            return None

    def extract(self, commit: str, into: Path) -> Path:
        """Write the input folder as it is at `commit` under `into`; the folder written.

        Members are extracted with tarfile's `data` filter: nothing outside `into`, no
        devices, no links that leave it."""
        if self.tree(commit) is None:
            raise GitError(f"the input folder {self.prefix or '.'} does not exist at {commit[:12]}")
        data = _git(self.root, "archive", "--format=tar", commit, "--", self.prefix or ".")
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(into, filter="data")
        folder = into / self.prefix if self.prefix else into
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def log(self, count: int) -> list[LogEntry]:
        """The newest `count` revisions that changed the input folder and the one before the
        oldest of them (when there is one), newest first."""
        fields = "%H%x1f%cI%x1f%s%x1f%D%x1e"
        text = self.git(
            "log",
            f"--format={fields}",
            "--decorate-refs=refs/tags",
            "--first-parent",
            f"--max-count={count + 1}",
            "HEAD",
            "--",
            self.prefix or ".",
        )
        entries: list[LogEntry] = []
        for record in text.split("\x1e"):
            parts = record.strip("\n").split("\x1f")
            if len(parts) == 4:
                commit, date, subject, refs = parts
                tags = tuple(
                    ref.strip().removeprefix("tag: ")
                    for ref in refs.split(",")
                    if ref.strip().startswith("tag: ")
                )
                entries.append(LogEntry(commit, date, subject, tags))
        return entries

    def tags(self, count: int) -> list[LogEntry]:
        """The newest `count` tags that HEAD contains and the one before the oldest of them,
        newest first."""
        fields = "%(objectname)%1f%(*objectname)%1f%(creatordate:iso-strict)%1f%(refname:short)"
        text = self.git("tag", "--merged", "HEAD", "--sort=-creatordate", f"--format={fields}")
        entries: list[LogEntry] = []
        for line in text.splitlines():
            parts = line.split("\x1f")
            if len(parts) == 4:
                own, peeled, date, name = parts
                commit = peeled or own
                subject = self.git("log", "-1", "--format=%s", commit).strip()
                entries.append(LogEntry(commit, date, subject, (name,)))
            if len(entries) > count:
                break
        return entries


@dataclass(frozen=True)
class LogEntry:
    commit: str
    date: str
    subject: str
    tags: tuple[str, ...]


def repository_of(folder: Path) -> Repository | None:
    """The git work tree holding `folder`, or None (not in git, or git is not installed)."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip()
    except (GitError, OSError):
        return None
    root = Path(top).resolve()
    try:
        prefix = folder.resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    return Repository(root, "" if prefix == "." else prefix)


def _git(cwd: Path, *args: str) -> bytes:
    env = {**os.environ, **_ENV}
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish in 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def changelog_repository(config: Config) -> Repository | None:
    """The repository the changelog is read from (None: no changelog)."""
    return repository_of(config.input) if config.changelog > 0 else None


def changelog_entries(repository: Repository, config: Config) -> list[LogEntry]:
    """The revisions the changelog compares, newest first (one more than it lists, when
    there is one: the base of the oldest)."""
    if config.changelog_tags:
        return repository.tags(config.changelog)
    return repository.log(config.changelog)


def history_key(config: Config) -> str:
    """What the changelog is made from (its revisions), cheaply: for deciding whether an
    output folder is up to date without loading the pipeline."""
    repository = changelog_repository(config)
    if repository is None:
        return ""
    try:
        return " ".join(entry.commit for entry in changelog_entries(repository, config))
    except GitError:
        return ""
