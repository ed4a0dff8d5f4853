"""The client runtime as source (`apidocgen.runtime`), against real HTTP servers on 127.0.0.1.

Every generated package holds a copy of these modules; `test_client.py` checks the generated
methods on top of them, `test_generated_package.py` that the copies are lint- and mypy-clean.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import warnings
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import Field, ValidationError

from apidocgen.runtime import COPIED_MODULES, RUNTIME_DIR, runtime_source
from apidocgen.runtime import _transport as transport
from apidocgen.runtime._base_model import APIModel
from apidocgen.runtime._errors import (
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    RedirectError,
    error_class_for,
)
from apidocgen.runtime._parsing import construct, validate
from apidocgen.runtime._request import NOT_GIVEN, RequestOptions
from apidocgen.runtime._response import NO_BODY
from apidocgen.runtime._retries import retry_after, retryable_status
from apidocgen.runtime._transport import AsyncAPIClient, Secret, SyncAPIClient, redact
from apidocgen.runtime._types import DateTime, WireDatetime
from tests.recording_server import Answer, Seen, ServerFactory, json_answer

TOKEN = "tok-s3cr3t-value"


class Owner(APIModel):
    login: str
    site_admin: bool


class Widget(APIModel):
    id: int
    name: str
    created_at: DateTime = Field(..., alias="createdAt")
    owner: Owner
    tags: list[str]
    parent: Owner | None = None


WIDGET: dict[str, Any] = {
    "id": 1,
    "name": "a",
    "createdAt": "2020-01-20T09:42:41.000-08:00",
    "owner": {"login": "octocat", "site_admin": False},
    "tags": ["x"],
}


def options(cast_to: Any = Widget, **changes: Any) -> RequestOptions:
    base: dict[str, Any] = {
        "method": "GET",
        "path": "/widgets/{widget_id}/",
        "path_params": {"widget_id": "1"},
        "cast_to": cast_to,
        "operation": "widgets.retrieve_widget",
    }
    return RequestOptions(**{**base, **changes})


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(transport, "_sleep", recorded.append)
    return recorded


# -- parsing: lenient by default, strict when asked ---------------------------------------------


def test_a_body_that_fits_is_validated() -> None:
    widget = construct(Widget, WIDGET)
    assert isinstance(widget, Widget) and isinstance(widget.owner, Owner)
    assert widget.created_at == datetime(2020, 1, 20, 17, 42, 41, tzinfo=UTC)
    assert widget.model_dump(mode="json", by_alias=True, exclude_unset=True) == WIDGET


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"name": None}, "name", None),
        ({"id": "not a number"}, "id", "not a number"),
        ({"tags": "x"}, "tags", "x"),
        ({"owner": ["odd"]}, "owner", ["odd"]),
    ],
)
def test_a_value_of_another_type_is_kept_as_received(
    change: dict[str, Any], field: str, value: Any
) -> None:
    body = {**WIDGET, **change}
    with pytest.raises(ValidationError):
        validate(Widget, body)
    widget = construct(Widget, body)
    assert getattr(widget, field) == value
    # Every other field is still typed.
    assert isinstance(widget.created_at, datetime)
    if field != "owner":
        assert isinstance(widget.owner, Owner) and widget.owner.login == "octocat"
    with warnings.catch_warnings():  # pydantic warns that a value is not the documented type
        warnings.simplefilter("ignore")
        dumped = widget.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped == body


def test_a_missing_field_reads_none_and_stays_unset() -> None:
    body = {k: v for k, v in WIDGET.items() if k != "name"}
    body["owner"] = {"login": "octocat"}  # nested: site_admin left out
    widget = construct(Widget, body)
    assert widget.name is None and "name" not in widget.model_fields_set
    assert widget.owner.site_admin is None and widget.owner.login == "octocat"
    assert widget.model_dump(mode="json", by_alias=True, exclude_unset=True) == body


def test_unknown_fields_and_list_items_keep_their_place() -> None:
    body = [dict(WIDGET, extra={"deep": 1}), dict(WIDGET, id="two"), WIDGET]
    widgets = construct(list[Widget], body)
    assert [type(w) for w in widgets] == [Widget, Widget, Widget]
    assert widgets[0].model_extra == {"extra": {"deep": 1}}
    assert widgets[1].id == "two" and widgets[2].id == 1
    assert construct(list[Widget], {"not": "a list"}) == {"not": "a list"}


def test_a_union_takes_the_member_the_data_is_closest_to() -> None:
    body = dict(WIDGET, parent={"login": "p", "site_admin": "maybe"})
    widget = construct(Widget, body)
    assert isinstance(widget.parent, Owner)
    assert widget.parent.login == "p" and widget.parent.site_admin == "maybe"


def test_date_times_dump_back_to_the_text_that_was_read() -> None:
    for text in (
        "2020-01-20T09:42:41.000-08:00",
        "2018-11-06T21:20:08.115Z",
        "2024-01-01T00:00:00",
    ):
        widget = Widget.model_validate(dict(WIDGET, createdAt=text))
        assert isinstance(widget.created_at, WireDatetime) and widget.created_at.wire == text
        assert widget.model_dump(mode="json", by_alias=True)["createdAt"] == text
    made = Widget.model_validate(dict(WIDGET, createdAt=datetime(2024, 5, 1, tzinfo=UTC)))
    assert made.model_dump(mode="json", by_alias=True)["createdAt"] == "2024-05-01T00:00:00Z"
    assert made.model_dump()["created_at"] == datetime(2024, 5, 1, tzinfo=UTC)


# -- the response: parse in both modes ------------------------------------------------------------


def test_strict_mode_raises_with_the_validation_detail(server_factory: ServerFactory) -> None:
    server = server_factory(lambda seen, n: json_answer(dict(WIDGET, id="x")))
    with SyncAPIClient(base_url=server.url, token=TOKEN) as client:
        assert client._request(options()).id == "x"
        with pytest.raises(APIResponseValidationError) as caught:
            client._request(options(strict=True))
        with SyncAPIClient(base_url=server.url, strict=True) as strict:
            with pytest.raises(APIResponseValidationError):
                strict._request(options())
            assert strict._request(options(strict=False)).id == "x"
    error = caught.value
    assert "widgets.retrieve_widget" in str(error) and "-> 200 OK" in str(error)
    assert "does not match the documented type Widget: id:" in str(error)
    assert isinstance(error.__cause__, ValidationError) and error.body["id"] == "x"


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ((200, {"Content-Type": "text/html"}, b"<html>oops</html>"), "the body is not JSON"),
        ((200, {}, b""), "the body is empty"),
    ],
)
def test_a_body_that_cannot_be_the_model_raises_in_both_modes(
    server_factory: ServerFactory, strict: bool, answer: Answer, problem: str
) -> None:
    server = server_factory(lambda seen, n: answer)
    with SyncAPIClient(base_url=server.url, strict=strict) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            client._request(options())
    message = str(caught.value)
    assert message.startswith("widgets.retrieve_widget: GET ") and "-> 200 OK" in message
    assert problem in message and "Widget was documented" in message


def test_no_body_and_any_are_never_validated(server_factory: ServerFactory) -> None:
    server = server_factory(lambda seen, n: (200, {"Content-Type": "text/plain"}, b"done"))
    with SyncAPIClient(base_url=server.url) as client:
        assert client._request(options(NO_BODY, strict=True)) is None
        assert client._request(options(Any, strict=True)) == "done"


# -- redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_get_follows_redirects_with_the_token_on_the_same_origin(
    server_factory: ServerFactory, status: int
) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if seen.raw_path == "/widgets/1/":
            return status, {"Location": "/moved/1/?page=2"}, b""
        return json_answer(WIDGET)

    server = server_factory(respond)
    with SyncAPIClient(base_url=server.url, token=TOKEN) as client:
        widget = client._request(options())
    assert isinstance(widget, Widget) and widget.id == 1
    assert [s.raw_path for s in server.seen] == ["/widgets/1/", "/moved/1/?page=2"]
    assert all(s.headers["Authorization"] == f"Bearer {TOKEN}" for s in server.seen)


def test_a_redirect_to_another_origin_is_followed_without_the_token(
    server_factory: ServerFactory,
) -> None:
    elsewhere = server_factory(lambda seen, n: json_answer(WIDGET))
    server = server_factory(lambda seen, n: (302, {"Location": f"{elsewhere.url}/signed"}, b""))
    with SyncAPIClient(base_url=server.url, token=TOKEN) as client:
        assert client._request(options()).id == 1
    assert server.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in elsewhere.seen[0].headers
    assert elsewhere.seen[0].raw_path == "/signed"


@pytest.mark.parametrize("status", [301, 302, 307])
def test_post_is_not_redirected_and_never_returns_none(
    server_factory: ServerFactory, status: int
) -> None:
    server = server_factory(lambda seen, n: (status, {"Location": "/elsewhere/"}, b""))
    with SyncAPIClient(base_url=server.url, token=TOKEN, max_retries=3) as client:
        with pytest.raises(RedirectError) as caught:
            client._request(options(method="POST", json={"name": "a"}, has_json=True))
    assert len(server.seen) == 1 and caught.value.status_code == status
    assert caught.value.location == "/elsewhere/"
    assert "a POST request is not re-sent elsewhere" in str(caught.value)


def test_redirect_loops_and_redirects_without_location_raise(server_factory: ServerFactory) -> None:
    loop = server_factory(lambda seen, n: (302, {"Location": "/widgets/1/"}, b""))
    bare = server_factory(lambda seen, n: (302, {}, b""))
    not_modified = server_factory(lambda seen, n: (304, {}, b""))
    for server, words in (
        (loop, "redirect loop"),
        (bare, "without a Location"),
        (not_modified, "not a redirect to follow"),
    ):
        with SyncAPIClient(base_url=server.url) as client, pytest.raises(RedirectError) as caught:
            client._request(options())
        assert words in str(caught.value)
    assert len(loop.seen) == 1 and len(bare.seen) == 1


def test_redirects_are_bounded(server_factory: ServerFactory) -> None:
    server = server_factory(lambda seen, n: (302, {"Location": f"/hop/{n}/"}, b""))
    with SyncAPIClient(base_url=server.url) as client, pytest.raises(RedirectError) as caught:
        client._request(options())
    assert "too many redirects" in str(caught.value) and len(server.seen) == 11


# -- retries --------------------------------------------------------------------------------------


def test_retry_after_is_honoured(server_factory: ServerFactory, waits: list[float]) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if n == 1:
            return json_answer({"detail": "slow down"}, 429, {"Retry-After": "1"})
        return json_answer(WIDGET)

    server = server_factory(respond)
    with SyncAPIClient(base_url=server.url, token=TOKEN, max_retries=2) as client:
        assert client._request(options()).id == 1
    assert waits == [1.0] and len(server.seen) == 2


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retryable_statuses_for_idempotent_calls(
    server_factory: ServerFactory, waits: list[float], status: int
) -> None:
    server = server_factory(
        lambda seen, n: json_answer({}, status) if n < 3 else json_answer(WIDGET)
    )
    with SyncAPIClient(base_url=server.url, max_retries=2) as client:
        assert client._request(options(method="PUT")).id == 1
    assert len(server.seen) == 3 and len(waits) == 2 and all(0 < w <= 8 for w in waits)


def test_retries_are_bounded_and_then_raise(
    server_factory: ServerFactory, waits: list[float]
) -> None:
    server = server_factory(lambda seen, n: json_answer({"detail": "busy"}, 503))
    with SyncAPIClient(base_url=server.url, max_retries=2) as client:
        with pytest.raises(InternalServerError) as caught:
            client._request(options())
    assert len(server.seen) == 3 and len(waits) == 2
    assert str(caught.value).endswith("-> 503 Service Unavailable: busy")


def test_post_is_retried_only_with_an_idempotency_key_or_when_asked(
    server_factory: ServerFactory, waits: list[float]
) -> None:
    def busy_then_done(seen: Seen, n: int) -> Answer:
        return json_answer({}, 503) if n % 2 else json_answer(WIDGET)

    post = options(method="POST", json={"name": "a"}, has_json=True)
    plain_server = server_factory(busy_then_done)
    with SyncAPIClient(base_url=plain_server.url, max_retries=2) as plain:
        with pytest.raises(InternalServerError):
            plain._request(post)
    assert len(plain_server.seen) == 1
    server = server_factory(busy_then_done)
    with SyncAPIClient(base_url=server.url, idempotency_header="Idempotency-Key") as keyed:
        assert keyed._request(post).id == 1
        assert keyed._request(post).id == 1  # a new call: a new key
    keys = [s.headers.get("Idempotency-Key") for s in server.seen]
    assert len(keys) == 4 and None not in keys
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[0] != keys[2]
    assert all(s.json() == {"name": "a"} for s in server.seen)


def test_a_retried_upload_sends_the_whole_file_again(
    server_factory: ServerFactory, waits: list[float]
) -> None:
    server = server_factory(lambda seen, n: json_answer({}, 503) if n == 1 else json_answer(WIDGET))
    upload = io.BytesIO(b"#" * 100_000 + b"end of file")
    with SyncAPIClient(base_url=server.url, max_retries=1) as client:
        client._request(
            options(method="PUT", files={"file": ("big.bin", upload)}, data={"name": "big"})
        )
    assert len(server.seen) == 2

    def without_boundary(seen: Seen) -> bytes:  # each request draws a boundary of its own
        boundary = seen.headers["Content-Type"].split("boundary=")[1].encode()
        return seen.body.replace(boundary, b"BOUNDARY")

    assert without_boundary(server.seen[0]) == without_boundary(server.seen[1])
    assert b"#" * 100_000 + b"end of file" in server.seen[1].body
    assert b'name="name"' in server.seen[1].body


def test_a_stream_that_cannot_be_rewound_is_not_retried(
    server_factory: ServerFactory, waits: list[float]
) -> None:
    class OneShot(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: Any) -> int:
            return 0

    server = server_factory(lambda seen, n: json_answer({}, 503))
    with SyncAPIClient(base_url=server.url, max_retries=3) as client:
        with pytest.raises(InternalServerError):
            client._request(options(method="PUT", files={"file": ("f", OneShot())}))
    assert len(server.seen) == 1 and waits == []


def test_retry_after_parsing() -> None:
    assert retry_after(httpx.Headers({"Retry-After": "2"})) == 2.0
    assert retry_after(httpx.Headers({"Retry-After-Ms": "1500"})) == 1.5
    assert retry_after(httpx.Headers({"Retry-After": "100000"})) == 60.0  # capped
    assert retry_after(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after(httpx.Headers({})) is None
    assert [
        code for code in (400, 404, 408, 409, 422, 429, 500, 503) if retryable_status(code)
    ] == [
        408,
        409,
        429,
        500,
        503,
    ]
    assert error_class_for(302) is RedirectError and error_class_for(503) is InternalServerError


# -- per-call options, settings from the environment, logging ---------------------------------


def test_per_call_headers_query_and_client_defaults(server_factory: ServerFactory) -> None:
    server = server_factory(lambda seen, n: json_answer(WIDGET))
    with SyncAPIClient(
        base_url=server.url, token=TOKEN, default_headers={"X-Team": "ops", "X-Both": "default"}
    ) as client:
        client._request(
            options(
                query=[("page", 2), ("skip", None)],
                extra_headers={"X-Both": "call", "X-Request": "r1"},
                extra_query={"expand": True},
            )
        )
        client.with_options(default_headers={"X-Team": "dev"})._request(options())
    first, second = server.seen
    assert first.raw_path == "/widgets/1/?page=2&expand=true"
    assert (first.headers["X-Team"], first.headers["X-Both"], first.headers["X-Request"]) == (
        "ops",
        "call",
        "r1",
    )
    assert second.headers["X-Team"] == "dev" and "X-Request" not in second.headers
    assert second.headers["Authorization"] == f"Bearer {TOKEN}"  # the clone keeps the token


def test_per_call_timeout(server_factory: ServerFactory) -> None:
    def slow(seen: Seen, n: int) -> Answer:
        time.sleep(1.0)
        return json_answer(WIDGET)

    server = server_factory(slow)
    with SyncAPIClient(base_url=server.url, token=TOKEN, max_retries=0) as client:
        with pytest.raises(APITimeoutError) as caught:
            client._request(options(timeout=0.2))
        assert client._request(options(timeout=NOT_GIVEN)).id == 1  # the client's 60 s
    assert "widgets.retrieve_widget" in str(caught.value) and TOKEN not in str(caught.value)
    with SyncAPIClient(base_url=server.url, timeout=0.2, max_retries=0) as hasty:
        assert hasty._request(options(timeout=5.0)).id == 1


def test_base_url_and_token_from_the_environment(
    server_factory: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = server_factory(lambda seen, n: json_answer(WIDGET))
    monkeypatch.setenv("API_BASE_URL", server.url)
    monkeypatch.setenv("API_TOKEN", "from-env")
    with SyncAPIClient() as client:
        assert client.base_url == server.url and client._request(options()).id == 1
    with SyncAPIClient(base_url="http://127.0.0.1:9") as explicit:
        assert explicit.base_url == "http://127.0.0.1:9"  # an argument wins
    assert server.seen[0].headers["Authorization"] == "Bearer from-env"
    monkeypatch.delenv("API_BASE_URL")
    with pytest.raises(ValueError, match=r"\$API_BASE_URL"):
        SyncAPIClient()


def test_logging_names_each_attempt_and_never_the_token(
    server_factory: ServerFactory, waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if n == 1:
            return json_answer({"detail": seen.headers["Authorization"]}, 503)
        return json_answer(WIDGET)

    server = server_factory(respond)
    caplog.set_level(logging.DEBUG, logger="apidocgen_runtime")
    with SyncAPIClient(base_url=server.url, token=TOKEN) as client:
        client._request(options(cast_to=Any))
    messages = [r.getMessage() for r in caplog.records if r.name == "apidocgen_runtime"]
    url = f"{server.url}/widgets/1/"
    assert any(m.startswith(f"GET {url} -> 503 Service Unavailable (") for m in messages)
    assert any(m.startswith(f"Retrying GET {url} in ") for m in messages)
    assert any(m.startswith(f"GET {url} -> 200 OK (") and m.endswith(" ms)") for m in messages)
    assert all(TOKEN not in m for m in messages) and all(
        TOKEN not in r.message for r in caplog.records
    )


def test_async_client_shares_the_design(
    server_factory: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(transport, "_async_sleep", record)

    def respond(seen: Seen, n: int) -> Answer:
        if n == 1:
            return json_answer({}, 429, {"Retry-After": "2"})
        if seen.raw_path == "/widgets/1/":
            return 307, {"Location": "/moved/"}, b""
        return json_answer(dict(WIDGET, id="odd"))

    server = server_factory(respond)

    async def main() -> tuple[Any, Any]:
        async with AsyncAPIClient(base_url=server.url, token=TOKEN) as client:
            lenient = await client._request(options())
            with pytest.raises(APIResponseValidationError):
                await client._request(options(strict=True))
            return lenient, client.with_options(max_retries=0).max_retries

    lenient, retries = asyncio.run(main())
    assert lenient.id == "odd" and retries == 0 and slept == [2.0]
    assert [s.raw_path for s in server.seen][:3] == ["/widgets/1/", "/widgets/1/", "/moved/"]


# -- the token ------------------------------------------------------------------------------------


def test_redaction_of_long_and_short_tokens() -> None:
    long = Secret(TOKEN)
    assert redact(f"GET /x?key={TOKEN} failed", long) == "GET /x?key=********** failed"
    short = Secret("a")
    text = "Connection error: GET http://api.test/a/b -> a"
    assert redact(text, short) == "Connection error: GET http://api.test/a/b -> **********"
    assert redact("bad token: ab1 and x", Secret("ab1")) == "bad token: ********** and x"
    assert redact("the cab1 stays", Secret("ab1")) == "the cab1 stays"
    assert redact("anything", None) == "anything"
    assert repr(long) == "Secret('**********')" and TOKEN not in repr(long)


# -- the source itself ----------------------------------------------------------------------------


def test_runtime_modules_are_self_contained() -> None:
    """Relative imports only: a copy works inside any package."""
    for name in COPIED_MODULES:
        source = runtime_source(name)
        assert "apidocgen" not in source.replace("apidocgen-retry-", ""), name
        assert (RUNTIME_DIR / name).is_file()
    with pytest.raises(ValueError):
        runtime_source("../pipeline.py")
