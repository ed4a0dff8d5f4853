"""Changes of the API between two versions, as plain data: what `apidocgen diff` reports and
the site's Changes page lists (`apidocgen.diff` finds them; renderers only lay them out)."""

from __future__ import annotations

from dataclasses import dataclass

# rule -> (breaking, what it means)
RULES: dict[str, tuple[bool, str]] = {
    "operation-added": (False, "a new operation"),
    "operation-removed": (True, "an operation is gone"),
    "operation-deprecated": (False, "an operation is now deprecated"),
    "operation-renamed": (False, "an operation has a new title"),
    "operation-moved": (False, "an operation is in another section"),
    "client-method-renamed": (True, "the Python client's method has a new name"),
    "client-model-renamed": (True, "a Python model class has a new name"),
    "parameter-added-required": (True, "callers must now send a new parameter"),
    "parameter-added-optional": (False, "a new optional parameter"),
    "parameter-removed": (True, "a parameter callers may send is gone"),
    "parameter-became-required": (True, "callers must now send a parameter"),
    "parameter-became-optional": (False, "a parameter is no longer required"),
    "parameter-type-changed": (True, "a parameter takes another type"),
    "request-body-added": (False, "the operation takes a body now"),
    "request-body-removed": (True, "the operation takes no body now"),
    "request-media-type-changed": (True, "the request body has another media type"),
    "request-body-type-changed": (True, "the request body is of another type"),
    "request-field-added-required": (True, "callers must now send a new field"),
    "request-field-added-optional": (False, "a new optional request field"),
    "request-field-removed": (True, "a request field is gone"),
    "request-field-type-changed": (True, "a request field takes another type"),
    "request-field-became-required": (True, "callers must now send a field"),
    "request-field-became-optional": (False, "a request field is no longer required"),
    "response-status-changed": (True, "the success status is another"),
    "response-media-type-changed": (True, "the response body has another media type"),
    "response-body-added": (False, "the operation answers with a body now"),
    "response-body-removed": (True, "the operation answers without a body now"),
    "response-body-type-changed": (True, "the response body is of another type"),
    "response-field-added": (False, "a new response field"),
    "response-field-removed": (True, "a response field is gone"),
    "response-field-type-changed": (True, "a response field has another type"),
    "response-field-format-changed": (True, "a response field has another format"),
    "response-field-became-nullable": (True, "a response field may now be null"),
    "response-field-became-non-nullable": (False, "a response field is never null now"),
    "response-field-became-optional": (True, "a response field may now be missing"),
    "response-field-became-required": (False, "a response field is always there now"),
    "pagination-added": (False, "the operation paginates now"),
    "pagination-removed": (True, "the operation no longer paginates (no iter_ method)"),
}


@dataclass(frozen=True)
class Change:
    """One change of one operation, classified by a named rule (`diff.rules.RULES`).

    `target` is the parameter or field it is about ("" for the whole operation); `client`
    says what it means for the generated Python client; `source` and `line` locate it in the
    descriptors (the base's, for a removal); `operation_id` is its operation's (the base's, for
    a removal: then no page of the newer version has it)."""

    rule: str
    breaking: bool
    method: str
    path: str
    target: str
    detail: str
    client: str
    source: str | None
    line: int
    operation_id: str | None = None
    acknowledged: str | None = None  # the authors' note, for a breaking change they expect

    @property
    def meaning(self) -> str:
        return RULES[self.rule][1] if self.rule in RULES else self.rule

    def describe(self) -> str:
        """One sentence: `response field id (string): a response field is gone`."""
        subject = f"{self.target} ({self.detail})" if self.detail else self.target
        subject = subject if self.target else self.detail
        return f"{subject}: {self.meaning}" if subject else self.meaning


@dataclass(frozen=True)
class Revision:
    """One entry of the changelog: a revision of the input folder and what it changed since
    the revision before it (`first`: the folder's first revision, `operations` it held)."""

    commit: str
    date: str  # ISO 8601, the committer's
    subject: str
    tags: tuple[str, ...]
    changes: tuple[Change, ...]
    first: bool = False
    operations: int = 0
