"""What changed between two surfaces of an API, each change classified by a named rule.

A change is breaking when a client written for the base version can fail against the new
one: an operation or field it relies on is gone or changed type, a value it reads may now be
null or missing, it must now send something it did not, or the generated Python client no
longer has the method or model name it calls (a rename is breaking for the client, though not
on the wire). Additions, fields that become required in responses or optional in requests,
new titles and deprecations are not breaking.
"""

from __future__ import annotations

from dataclasses import replace

from apidocgen.diff.surface import Body, Field, Operation, Surface
from apidocgen.model.changes import RULES, Change
from apidocgen.paths import route_key


def compare(base: Surface, head: Surface) -> list[Change]:
    """Every change from `base` to `head`, operations in route order; breaking changes that
    `head`'s descriptors acknowledge carry the note."""
    named = base.has_python_names and head.has_python_names
    changes: list[Change] = []
    for key in sorted(base.operations.keys() | head.operations.keys(), key=lambda k: (k[1], k[0])):
        old, new = base.operations.get(key), head.operations.get(key)
        if old is None and new is not None:
            client = f"new method {_call(new)}" if new.python else ""
            changes.append(_change("operation-added", new, "", new.summary, client, "api_path"))
        elif new is None and old is not None:
            client = f"{_call(old)} is gone" if old.python else ""
            changes.append(_change("operation-removed", old, "", old.summary, client, "api_path"))
        elif old is not None and new is not None:
            changes.extend(_Compared(old, new, named).changes())
    return [_acknowledge(change, base, head) for change in changes]


def _call(op: Operation) -> str:
    return f"client.{op.python[0]}.{op.python[1]}()" if op.python else ""


def _change(
    rule: str, op: Operation, target: str, detail: str, client: str, field_name: str
) -> Change:
    return Change(
        rule=rule,
        breaking=RULES[rule][0],
        method=op.method,
        path=op.path,
        target=target,
        detail=detail,
        client=client,
        source=op.source,
        line=op.line_of(field_name),
        operation_id=op.operation_id or None,
    )


def _acknowledge(change: Change, base: Surface, head: Surface) -> Change:
    """A breaking change is acknowledged by a `# breaking: ...` note that is new in its
    descriptor (a note the base already had acknowledged an earlier change, not this one); an
    operation removed, by a new note in any descriptor that names its path or operation id."""
    if not change.breaking:
        return change
    if change.rule == "operation-removed":
        names = [change.path.lower()]
        names += [change.operation_id.lower()] if change.operation_id else []
        old = set(base.acknowledged)
        notes = [
            n
            for n in head.acknowledged
            if n not in old and any(name in n.lower() for name in names)
        ]
    else:
        key = (change.method, route_key(change.path))
        op, was = head.operations.get(key), base.operations.get(key)
        old = set(was.acknowledged) if was is not None else set()
        notes = [n for n in (op.acknowledged if op is not None else ()) if n not in old]
    return replace(change, acknowledged="; ".join(notes)) if notes else change


class _Compared:
    """The changes of one operation present in both versions."""

    def __init__(self, old: Operation, new: Operation, named: bool) -> None:
        self.old, self.new, self.named = old, new, named
        self.out: list[Change] = []

    def add(self, rule: str, target: str, detail: str, client: str, field_name: str) -> None:
        self.out.append(_change(rule, self.new, target, detail, client, field_name))

    def changes(self) -> list[Change]:
        old, new = self.old, self.new
        if new.deprecated and not old.deprecated:
            self.add("operation-deprecated", "", "", "", "warning")
        if old.summary != new.summary:
            self.add("operation-renamed", "", f"{old.summary!r} -> {new.summary!r}", "", "title")
        if old.tag != new.tag:
            self.add("operation-moved", "", f"{old.tag!r} -> {new.tag!r}", "", "api_path")
        if self.named and old.python and new.python and old.python != new.python:
            client = f"{_call(old)} is now {_call(new)}"
            self.add("client-method-renamed", "", "", client, "title")
        self.parameters()
        self.request()
        self.response()
        if old.paginated != new.paginated:
            rule = "pagination-added" if new.paginated else "pagination-removed"
            iterator = f"client.{new.python[0]}.iter_{new.python[1]}()" if new.python else ""
            client = iterator + (" is new" if new.paginated else " is gone") if iterator else ""
            self.add(rule, "", "Link rel=next", client, "example_response")
        return self.out

    def parameters(self) -> None:
        old, new = self.old, self.new
        call = _call(new)
        for key in sorted(old.parameters.keys() | new.parameters.keys()):
            location, name = key
            target = f"{location} parameter {name}"
            where = f"{location}_parameters"
            before, after = old.parameters.get(key), new.parameters.get(key)
            if before is None and after is not None:
                if after.required:
                    client = f"{call} takes a new required argument" if call else ""
                    self.add("parameter-added-required", target, "", client, where)
                else:
                    self.add("parameter-added-optional", target, "", "", where)
            elif after is None and before is not None:
                client = f"{call} no longer takes it" if call else ""
                self.add("parameter-removed", target, "", client, where)
            elif before is not None and after is not None:
                if before.required != after.required:
                    rule = (
                        "parameter-became-required"
                        if after.required
                        else "parameter-became-optional"
                    )
                    self.add(rule, target, "", "", where)
                if (before.types, before.format) != (after.types, after.format):
                    detail = (
                        f"{_type(before.types, before.format)}"
                        f" -> {_type(after.types, after.format)}"
                    )
                    self.add("parameter-type-changed", target, detail, "", where)

    def request(self) -> None:
        before, after, where = self.old.request, self.new.request, "parameters"
        if not self.same_body("request", before, after, where):
            return
        assert before is not None and after is not None
        for path in _field_paths(before, after):
            was, now = before.fields.get(path), after.fields.get(path)
            target = f"request field {_shown(path)}"
            client = _member(after, path)
            if was is None and now is not None:
                rule = (
                    "request-field-added-required"
                    if now.required
                    else "request-field-added-optional"
                )
                self.add(rule, target, _describe(now), client, where)
            elif now is None and was is not None:
                self.add("request-field-removed", target, _describe(was), client, where)
            elif was is not None and now is not None:
                if was.types != now.types:
                    detail = f"{_describe(was)} -> {_describe(now)}"
                    self.add("request-field-type-changed", target, detail, client, where)
                if was.required != now.required:
                    rule = (
                        "request-field-became-required"
                        if now.required
                        else "request-field-became-optional"
                    )
                    self.add(rule, target, "", client, where)

    def response(self) -> None:
        old, new, where = self.old, self.new, "example_response"
        if old.success_status and new.success_status and old.success_status != new.success_status:
            detail = f"{old.success_status} -> {new.success_status}"
            self.add("response-status-changed", "response", detail, "", where)
        before, after = old.success, new.success
        if not self.same_body("response", before, after, where):
            return
        assert before is not None and after is not None
        for path in _field_paths(before, after):
            self.response_field(path, before, after)

    def same_body(self, side: str, before: Body | None, after: Body | None, where: str) -> bool:
        """Report a body added or removed, of another media type or JSON type, or whose model
        was renamed; True when its fields are to be compared."""
        if before is None or after is None:
            if before is not after:
                rule = f"{side}-body-added" if before is None else f"{side}-body-removed"
                self.add(rule, f"{side} body", "", "", where)
            return False
        if before.media != after.media:
            detail = f"{before.media} -> {after.media}"
            self.add(f"{side}-media-type-changed", f"{side} body", detail, "", where)
        if self.body_type_changed(side, before, after, where):
            return False
        self.model_renamed(f"{side} body", before, after, where)
        return True

    def body_type_changed(self, side: str, before: Body, after: Body, where: str) -> bool:
        """A body of another type (a list that became an object) is one change, not every
        field removed and added."""
        if not before.kind or not after.kind or before.kind == after.kind:
            return False
        detail = f"{_type(before.kind, None)} -> {_type(after.kind, None)}"
        self.add(f"{side}-body-type-changed", f"{side} body", detail, "", where)
        return True

    def model_renamed(self, target: str, before: Body, after: Body, where: str) -> None:
        if self.named and before.model and after.model:
            old_name, new_name = before.model, after.model
        else:
            old_name, new_name = before.ref or "", after.ref or ""
        if old_name and new_name and old_name != new_name:
            self.add("client-model-renamed", target, "", f"{old_name} is now {new_name}", where)

    def response_field(self, path: str, before: Body, after: Body) -> None:
        was, now = before.fields.get(path), after.fields.get(path)
        target = f"response field {_shown(path)}"
        where, client = "example_response", _member(after, path)
        if was is None and now is not None:
            self.add("response-field-added", target, _describe(now), client, where)
            return
        if now is None and was is not None:
            self.add("response-field-removed", target, _describe(was), client, where)
            return
        assert was is not None and now is not None
        if was.types != now.types:
            detail = f"{_describe(was)} -> {_describe(now)}"
            self.add("response-field-type-changed", target, detail, client, where)
        elif was.format != now.format:
            detail = f"{was.format or 'no format'} -> {now.format or 'no format'}"
            self.add("response-field-format-changed", target, detail, client, where)
        elif was.ref and now.ref and was.ref != now.ref:
            detail = f"{was.ref} is now {now.ref}"
            self.add("client-model-renamed", target, "", detail, where)
        if was.nullable != now.nullable:
            rule = (
                "response-field-became-nullable"
                if now.nullable
                else "response-field-became-non-nullable"
            )
            self.add(rule, target, "", client, where)
        if was.required != now.required:
            rule = (
                "response-field-became-required"
                if now.required
                else "response-field-became-optional"
            )
            self.add(rule, target, "", client, where)


def _field_paths(before: Body, after: Body) -> list[str]:
    """The paths to compare: those in both bodies, and the outermost of those in one only."""
    both = before.fields.keys() & after.fields.keys()
    return sorted([*_outermost(before.fields.keys() ^ after.fields.keys()), *both])


def _outermost(paths: set[str]) -> list[str]:
    """The paths of `paths` whose parent is not in it: a field added (or removed) with its
    subfields is one change."""
    return sorted(p for p in paths if not any(parent in paths for parent in _parents(p)))


def _parents(path: str) -> list[str]:
    """`a.b[].c` -> `a.b[]`... the enclosing field paths: `a.b`, `a`."""
    out = []
    cut = max(path.rfind("."), path.rfind("[]"))
    while cut > 0:
        path = path[:cut]
        if not path.endswith("[]"):
            out.append(path)
        cut = max(path.rfind("."), path.rfind("[]"))
    return out


def _member(body: Body, path: str) -> str:
    """The field as the client's models spell it (`Event.tags[].key`; for a list body, the
    item's class)."""
    owner = body.model or body.ref
    path = path.removeprefix("[].")
    return f"{owner}.{path}" if owner else path


def _shown(path: str) -> str:
    """A field path as reports show it: the items of a list body are the body."""
    return path.removeprefix("[].")


def _type(types: frozenset[str], fmt: str | None) -> str:
    text = " or ".join(sorted(types)) or "any"
    return f"{text} ({fmt})" if fmt else text


def _describe(value: Field) -> str:
    text = _type(value.types, value.format)
    return f"{text} or null" if value.nullable else text
