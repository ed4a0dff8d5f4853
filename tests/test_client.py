"""The generated client against real HTTP servers on 127.0.0.1 (no mocked transports).

A small purpose-built API is generated once for this module; each test points its client at
a `RecordingServer` whose answers the test chooses, and asserts what the server saw.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from apidocgen.config import Config
from apidocgen.mock import ReplayServer
from apidocgen.pipeline import run
from apidocgen.render.models import plan_models
from apidocgen.render.python_api import build_groups
from apidocgen.write import write_output
from tests.conftest import corpus_dir, run_python, write_descriptor
from tests.recording_server import (
    Answer,
    Seen,
    ServerFactory,
    json_answer,
)

TOKEN = "tok-s3cr3t-value"
PACKAGE = "scenario_widgets_api"
WIDGET = {"id": 1, "name": "a", "createdAt": "2024-01-01T00:00:00Z", "ownerId": "u1"}


def _descriptor(
    method: str, path: str, title: str, response: str, body: Any = None, **extra: Any
) -> str:
    request = f"{method} {path.replace('{widget_id}', '1')} HTTP/1.1\nHost: api.widgets.test"
    if body is not None:
        request += f"\nContent-Type: application/json\n\n{json.dumps(body)}"
    data: dict[str, Any] = {
        "api_path": path,
        "method": method,
        "title": title,
        "authentication": "required",
        "example_request": request,
        "example_response": response,
    }
    data.update(extra)
    return json.dumps(data)


def _ok(body: Any, status: str = "200 OK", headers: str = "") -> str:
    return f"HTTP/1.1 {status}\nContent-Type: application/json\n{headers}\n{json.dumps(body)}"


def scenario_descriptors(folder: Path) -> None:
    """GET (list, paginated), GET one, POST, PUT, PATCH, DELETE and a public GET."""
    body_params = [
        {"name": "name", "type": "string", "description": "The name.", "required": True},
        {"name": "color", "type": "string", "description": "The color."},
    ]
    widget_id = [{"name": "widget_id", "type": "string", "description": "The widget."}]
    link = 'Link: <https://api.widgets.test/widgets/?cursor=2>; rel="next"'
    files = {
        "widgets/list-widgets.md": _descriptor(
            "GET",
            "/widgets/",
            "List Widgets",
            _ok([WIDGET], headers=link + "\n"),
            query_parameters=[
                {"name": "color", "type": "string", "description": "Only this color."},
                {"name": "limit", "type": "int"},
            ],
        ),
        "widgets/get-widget.md": _descriptor(
            "GET",
            "/widgets/{widget_id}/",
            "Retrieve a Widget",
            _ok(WIDGET),
            path_parameters=widget_id,
        ),
        "widgets/create-widget.md": _descriptor(
            "POST",
            "/widgets/",
            "Create a Widget",
            _ok(WIDGET, "201 Created"),
            {"name": "a", "color": "red"},
            parameters=body_params,
        ),
        "widgets/replace-widget.md": _descriptor(
            "PUT",
            "/widgets/{widget_id}/",
            "Replace a Widget",
            _ok(WIDGET),
            {"name": "a", "color": "red"},
            path_parameters=widget_id,
            parameters=body_params,
        ),
        "widgets/update-widget.md": _descriptor(
            "PATCH",
            "/widgets/{widget_id}/",
            "Update a Widget",
            _ok(WIDGET),
            {"name": "a"},
            path_parameters=widget_id,
            parameters=body_params,
        ),
        "widgets/delete-widget.md": _descriptor(
            "DELETE",
            "/widgets/{widget_id}/",
            "Delete a Widget",
            "HTTP/1.1 204 No Content\n\n",
            path_parameters=widget_id,
        ),
        "status/get-status.md": _descriptor(
            "GET", "/status/", "Get the Status", _ok({"ok": True}), authentication=None
        ),
    }
    for name, front in files.items():
        write_descriptor(folder, name, front)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The generated package of the scenario API, imported."""
    root = tmp_path_factory.mktemp("scenario")
    scenario_descriptors(root / "in")
    config = Config(
        input=root / "in",
        output=root / "out",
        package=PACKAGE,
        title="Widgets",
        token_env="WIDGETS_TOKEN",
    )
    result = run(config)
    assert not result.failed, [d.format() for d in result.diagnostics]
    write_output(root / "out", result.files)
    sys.path.insert(0, str(root / "out" / "python"))
    return importlib.import_module(PACKAGE)


# -- one call per HTTP method -----------------------------------------------------------------


def test_a_call_per_http_method(api: Any, server_factory: ServerFactory) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if seen.method == "DELETE":
            return 204, {}, b""
        if seen.raw_path.startswith("/widgets/?"):
            return json_answer([WIDGET])
        status = 201 if seen.method == "POST" else 200
        return json_answer(dict(WIDGET, name=seen.method), status)

    server = server_factory(respond)
    models = api.models
    with api.Client(base_url=server.url, token=TOKEN) as client:
        widgets = client.widgets.list_widgets(color="red", limit=5)
        assert isinstance(widgets, list) and isinstance(widgets[0], models.Widget)
        got = client.widgets.retrieve_widget("7")
        assert got.owner_id == "u1" and got.created_at.year == 2024
        created = client.widgets.create_widget(models.CreateWidgetRequest(name="n", color="red"))
        assert created.name == "POST"
        replaced = client.widgets.replace_widget("7", {"name": "m"})
        assert replaced.name == "PUT"
        updated = client.widgets.update_widget("7", body={"name": "p"})
        assert updated.name == "PATCH"
        assert client.widgets.delete_widget("7") is None
    assert [(s.method, s.raw_path) for s in server.seen] == [
        ("GET", "/widgets/?color=red&limit=5"),
        ("GET", "/widgets/7/"),
        ("POST", "/widgets/"),
        ("PUT", "/widgets/7/"),
        ("PATCH", "/widgets/7/"),
        ("DELETE", "/widgets/7/"),
    ]
    assert server.seen[2].json() == {"name": "n", "color": "red"}  # unset fields left out
    assert server.seen[3].json() == {"name": "m"}
    assert all(s.headers["Authorization"] == f"Bearer {TOKEN}" for s in server.seen)


def test_signature_required_positional_optional_keyword_only(api: Any) -> None:
    import inspect

    call_options = ["extra_headers", "extra_query", "timeout", "strict"]
    signature = inspect.signature(api.Client(token=TOKEN).widgets.list_widgets)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())
    assert list(signature.parameters) == ["color", "limit", *call_options]
    signature = inspect.signature(api.Client(token=TOKEN).widgets.replace_widget)
    kinds = {name: p.kind for name, p in signature.parameters.items()}
    assert kinds == {
        "widget_id": inspect.Parameter.POSITIONAL_OR_KEYWORD,
        "body": inspect.Parameter.POSITIONAL_OR_KEYWORD,
        **dict.fromkeys(call_options, inspect.Parameter.KEYWORD_ONLY),
    }


def test_token_is_sent_even_where_the_docs_name_no_authentication(
    api: Any, server_factory: ServerFactory
) -> None:
    # Descriptors often leave `authentication` out; a configured token goes to the API's own
    # origin with every call rather than fail on an undocumented requirement.
    server = server_factory(lambda seen, n: json_answer({"ok": True}))
    with api.Client(base_url=server.url, token=TOKEN) as client:
        assert client.status.get_status().ok is True
    assert server.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


# -- path parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "raw_path"),
    [
        ("a/b", "/widgets/a%2Fb/"),
        ("..", "/widgets/%2E%2E/"),
        (".", "/widgets/%2E/"),
        ("../../admin?x=1#f", "/widgets/..%2F..%2Fadmin%3Fx%3D1%23f/"),
        ("100%", "/widgets/100%25/"),
        ("naïve space", "/widgets/na%C3%AFve%20space/"),
    ],
)
def test_path_parameter_is_one_encoded_segment(
    api: Any, server_factory: ServerFactory, value: str, raw_path: str
) -> None:
    server = server_factory(lambda seen, n: json_answer(WIDGET))
    with api.Client(base_url=server.url, token=TOKEN) as client:
        client.widgets.retrieve_widget(value)
    assert server.seen[0].raw_path == raw_path


def test_empty_path_parameter_is_refused(api: Any) -> None:
    with (
        api.Client(base_url="http://127.0.0.1:9", token=TOKEN) as client,
        pytest.raises(ValueError),
    ):
        client.widgets.retrieve_widget("")


# -- pagination -------------------------------------------------------------------------------


def paging_responder(seen: Seen, n: int) -> Answer:
    """Three pages: a relative next link, an absolute one, then none."""
    if "cursor=3" in seen.raw_path:
        return json_answer([dict(WIDGET, id=5)])
    if "cursor=2" in seen.raw_path:
        host = seen.headers["Host"]
        return json_answer(
            [dict(WIDGET, id=3), dict(WIDGET, id=4)],
            headers={"Link": f'<http://{host}/widgets/?cursor=3>; rel="next"'},
        )
    return json_answer(
        [dict(WIDGET, id=1), dict(WIDGET, id=2)],
        headers={"Link": '</widgets/?cursor=1>; rel="prev", </widgets/?cursor=2>; rel="next"'},
    )


def test_pagination_follows_next_links_over_three_pages(
    api: Any, server_factory: ServerFactory
) -> None:
    server = server_factory(paging_responder)
    with api.Client(base_url=server.url, token=TOKEN) as client:
        ids = [w.id for w in client.widgets.iter_list_widgets(color="red")]
        pages = list(client.widgets.iter_list_widgets().pages())
    assert ids == [1, 2, 3, 4, 5]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert pages[-1].next_url is None and pages[0].response.status_code == 200
    assert [s.raw_path for s in server.seen[:3]] == [
        "/widgets/?color=red",
        "/widgets/?cursor=2",
        "/widgets/?cursor=3",
    ]
    assert all(s.headers["Authorization"] == f"Bearer {TOKEN}" for s in server.seen)


def test_async_pagination_over_three_pages(api: Any, server_factory: ServerFactory) -> None:
    server = server_factory(paging_responder)

    async def main() -> tuple[list[int], int]:
        async with api.AsyncClient(base_url=server.url, token=TOKEN) as client:
            ids = [w.id async for w in client.widgets.iter_list_widgets()]
            pages = [page async for page in client.widgets.iter_list_widgets().pages()]
        return ids, len(pages)

    assert asyncio.run(main()) == ([1, 2, 3, 4, 5], 3)


def test_pagination_stops_when_results_is_false(api: Any, server_factory: ServerFactory) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        results = "true" if n < 2 else "false"
        link = f'</widgets/?cursor={n}>; rel="next"; results="{results}"; cursor="{n}"'
        return json_answer([dict(WIDGET, id=n)], headers={"Link": link})

    server = server_factory(respond)
    with api.Client(base_url=server.url, token=TOKEN) as client:
        assert [w.id for w in client.widgets.iter_list_widgets()] == [1, 2]
    assert len(server.seen) == 2


def test_pagination_never_sends_the_token_to_another_origin(
    api: Any, server_factory: ServerFactory
) -> None:
    server = server_factory(
        lambda seen, n: json_answer(
            [WIDGET], headers={"Link": '<http://evil.invalid/steal>; rel="next"'}
        )
    )
    with api.Client(base_url=server.url, token=TOKEN) as client:
        with pytest.raises(api.APIError) as caught:
            list(client.widgets.iter_list_widgets())
    assert "another origin" in str(caught.value) and len(server.seen) == 1


def test_link_header_parsing_is_robust(api: Any) -> None:
    from importlib import import_module

    parse = import_module(f"{PACKAGE}._pagination").parse_link_header
    links = parse(
        '<https://x.test/a?b=1,2;c>; REL="Next Last"; title="a, b; c", '
        '<https://x.test/p>;rel=prev,garbage, <https://x.test/q>; rel="next"; results="false"'
    )
    assert [(link.url, sorted(link.rel)) for link in links] == [
        ("https://x.test/a?b=1,2;c", ["last", "next"]),
        ("https://x.test/p", ["prev"]),
        ("https://x.test/q", ["next"]),
    ]
    assert links[0].params["title"] == "a, b; c" and links[2].params["results"] == "false"
    assert parse("") == [] and parse("no links here") == []


# -- retries ----------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_after_the_delay(
    api: Any, server_factory: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if n == 1:
            return json_answer({"detail": "slow down"}, 429, {"Retry-After": "1"})
        return json_answer(WIDGET)

    waits: list[float] = []
    monkeypatch.setattr(importlib.import_module(f"{PACKAGE}._transport"), "_sleep", waits.append)
    server = server_factory(respond)
    with api.Client(base_url=server.url, token=TOKEN, max_retries=2) as client:
        assert client.widgets.retrieve_widget("1").id == 1
    assert len(server.seen) == 2 and waits == [1.0]


def test_retries_are_bounded_by_max_retries(api: Any, server_factory: ServerFactory) -> None:
    server = server_factory(
        lambda seen, n: json_answer({"detail": "busy"}, 503, {"Retry-After": "0"})
    )
    with api.Client(base_url=server.url, token=TOKEN, max_retries=2) as client:
        with pytest.raises(api.InternalServerError) as caught:
            client.widgets.retrieve_widget("1")
    assert caught.value.status_code == 503 and len(server.seen) == 3


def test_post_is_not_retried_on_503_unless_asked(api: Any, server_factory: ServerFactory) -> None:
    server = server_factory(
        lambda seen, n: json_answer({"detail": "busy"}, 503, {"Retry-After": "0"})
    )
    with api.Client(base_url=server.url, token=TOKEN, max_retries=3) as client:
        with pytest.raises(api.InternalServerError):
            client.widgets.create_widget({"name": "x"})
        assert len(server.seen) == 1
        with pytest.raises(api.InternalServerError):
            client.with_options(retry_non_idempotent=True, max_retries=1).widgets.create_widget(
                {"name": "x"}
            )
    assert len(server.seen) == 3


def test_dropped_connection_is_retried_for_get_not_for_post(
    api: Any, server_factory: ServerFactory
) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        return None if n in (1, 3) else json_answer(WIDGET, 201 if seen.method == "POST" else 200)

    server = server_factory(respond)
    with api.Client(base_url=server.url, token=TOKEN, max_retries=2) as client:
        assert client.widgets.retrieve_widget("1").id == 1  # request 1 dropped, 2 answered
        with pytest.raises(api.APIConnectionError):
            client.widgets.create_widget({"name": "x"})  # request 3 dropped, not retried
    assert [s.method for s in server.seen] == ["GET", "GET", "POST"]


# -- errors -----------------------------------------------------------------------------------


def test_404_raises_not_found_with_status_and_parsed_body(
    api: Any, server_factory: ServerFactory
) -> None:
    server = server_factory(
        lambda seen, n: json_answer({"detail": "The requested resource does not exist"}, 404)
    )
    with api.Client(base_url=server.url, token=TOKEN) as client:
        with pytest.raises(api.NotFoundError) as caught:
            client.widgets.retrieve_widget("404")
    error = caught.value
    assert isinstance(error, api.APIStatusError) and isinstance(error, api.APIError)
    assert error.status_code == 404 and error.response.status_code == 404
    assert error.body == {"detail": "The requested resource does not exist"}
    assert "404" in str(error) and "does not exist" in str(error)


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (418, "APIStatusError"),
    ],
)
def test_status_errors_map_to_classes(
    api: Any, server_factory: ServerFactory, status: int, name: str
) -> None:
    server = server_factory(lambda seen, n: (status, {"Content-Type": "text/plain"}, b"nope"))
    with api.Client(base_url=server.url, token=TOKEN, max_retries=0) as client:
        with pytest.raises(api.APIStatusError) as caught:
            client.widgets.retrieve_widget("1")
    assert type(caught.value).__name__ == name and caught.value.body == "nope"


def test_timeout_raises_api_timeout_error(api: Any, server_factory: ServerFactory) -> None:
    def slow(seen: Seen, n: int) -> Answer:
        time.sleep(1.0)
        return json_answer(WIDGET)

    server = server_factory(slow)
    with api.Client(base_url=server.url, token=TOKEN, timeout=0.2, max_retries=0) as client:
        with pytest.raises(api.APITimeoutError) as caught:
            client.widgets.retrieve_widget("1")
    assert isinstance(caught.value, api.APIConnectionError)
    assert TOKEN not in str(caught.value)


def test_connection_refused_raises_api_connection_error(api: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with api.Client(base_url=f"http://127.0.0.1:{port}", token=TOKEN, max_retries=1) as client:
        with pytest.raises(api.APIConnectionError) as caught:
            client.widgets.retrieve_widget("1")
    assert not isinstance(caught.value, api.APITimeoutError)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


def test_body_not_matching_the_model_is_kept_unless_strict(
    api: Any, server_factory: ServerFactory
) -> None:
    body = {"id": "not a number", "name": "a", "createdAt": "2024-01-01T00:00:00Z"}
    server = server_factory(lambda seen, n: json_answer(body))
    with api.Client(base_url=server.url, token=TOKEN) as client:
        widget = client.widgets.retrieve_widget("1")
        assert isinstance(widget, api.models.Widget)
        assert widget.id == "not a number" and widget.name == "a" and widget.owner_id is None
        assert widget.created_at.year == 2024  # what fits is typed
        with pytest.raises(api.APIResponseValidationError) as caught:
            client.widgets.retrieve_widget("1", strict=True)
        with pytest.raises(api.APIResponseValidationError):
            client.with_options(strict=True).widgets.retrieve_widget("1")
        raw = client.with_raw_response.widgets.retrieve_widget("1", strict=True)
    assert caught.value.body == body and "widgets.retrieve_widget" in str(caught.value)
    assert raw.json() == body  # the raw response is still reachable


def test_per_call_options_reach_the_request(api: Any, server_factory: ServerFactory) -> None:
    import httpx

    def respond(seen: Seen, n: int) -> Answer:
        if seen.method == "POST":
            return 302, {"Location": "/widgets/9/"}, b""
        time.sleep(0.5 if "slow" in seen.raw_path else 0)
        return json_answer(WIDGET)

    server = server_factory(respond)
    with api.Client(base_url=server.url, token=TOKEN, default_headers={"X-Team": "a"}) as client:
        client.widgets.list_widgets(
            color="red", extra_query={"trace": 1}, extra_headers={"X-Request-Id": "r1"}
        )
        with pytest.raises(api.APITimeoutError):
            client.widgets.retrieve_widget("slow", timeout=httpx.Timeout(0.1), extra_headers={})
        with pytest.raises(api.RedirectError) as caught:
            client.widgets.create_widget({"name": "x"})
    first = server.seen[0]
    assert first.raw_path == "/widgets/?color=red&trace=1"
    assert first.headers["X-Request-Id"] == "r1" and first.headers["X-Team"] == "a"
    assert caught.value.location == "/widgets/9/" and server.seen[-1].method == "POST"


def test_the_package_logger_records_calls_without_the_token(
    api: Any, server_factory: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = server_factory(lambda seen, n: json_answer(WIDGET))
    caplog.set_level("DEBUG", logger=PACKAGE)
    with api.Client(base_url=server.url, token=TOKEN) as client:
        client.widgets.retrieve_widget("1")
    lines = [r.getMessage() for r in caplog.records if r.name == PACKAGE]
    assert lines and lines[0].startswith(f"GET {server.url}/widgets/1/ -> 200 OK (")
    assert all(TOKEN not in line for line in lines)


# -- raw responses, async, the token ----------------------------------------------------------


def test_with_raw_response_gives_the_httpx_response(
    api: Any, server_factory: ServerFactory
) -> None:
    import httpx

    server = server_factory(lambda seen, n: json_answer(WIDGET, headers={"X-Request-Id": "r1"}))
    with api.Client(base_url=server.url, token=TOKEN) as client:
        raw = client.with_raw_response.widgets.retrieve_widget("1")
    assert isinstance(raw, api.APIResponse) and isinstance(raw.http_response, httpx.Response)
    assert raw.status_code == 200 and raw.headers["X-Request-Id"] == "r1"
    assert raw.parse().name == "a" and raw.parse() is raw.parse()


def test_async_client(api: Any, server_factory: ServerFactory) -> None:
    def respond(seen: Seen, n: int) -> Answer:
        if seen.raw_path.startswith("/widgets/missing/"):
            return json_answer({"detail": "gone"}, 404)
        if seen.method == "DELETE":
            return 204, {}, b""
        return json_answer(WIDGET, 201 if seen.method == "POST" else 200)

    server = server_factory(respond)

    async def main() -> None:
        async with api.AsyncClient(base_url=server.url, token=TOKEN) as client:
            widget, created = await asyncio.gather(
                client.widgets.retrieve_widget("1"), client.widgets.create_widget({"name": "x"})
            )
            assert widget.id == 1 and created.id == 1
            assert await client.widgets.delete_widget("1") is None
            raw = await client.with_raw_response.widgets.retrieve_widget("1")
            assert raw.status_code == 200 and raw.parse().id == 1
            with pytest.raises(api.NotFoundError):
                await client.widgets.retrieve_widget("missing")

    asyncio.run(main())
    assert sorted(s.method for s in server.seen) == ["DELETE", "GET", "GET", "GET", "POST"]


def test_token_only_in_header_never_in_reprs_or_errors(
    api: Any, server_factory: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WIDGETS_BASE_URL", "http://127.0.0.1:9")  # an argument wins

    def echo(seen: Seen, n: int) -> Answer:  # a careless server that echoes the credentials
        return json_answer({"detail": f"bad token {seen.headers.get('Authorization')}"}, 401)

    server = server_factory(echo)
    client = api.Client(base_url=server.url, token=TOKEN)
    with pytest.raises(api.AuthenticationError) as caught:
        client.widgets.retrieve_widget("1")
    error = caught.value
    assert server.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in server.seen[0].raw_path
    for text in (
        repr(client),
        str(client),
        repr(vars(client)),
        str(error),
        repr(error),
        repr(error.request.headers),
    ):
        assert TOKEN not in text, text
    client.close()
    monkeypatch.setenv("WIDGETS_TOKEN", "from-the-environment")
    monkeypatch.setenv("WIDGETS_BASE_URL", server.url)
    with api.Client() as from_env:
        with pytest.raises(api.AuthenticationError):
            from_env.widgets.retrieve_widget("1")
    assert server.seen[-1].headers["Authorization"] == "Bearer from-the-environment"


def test_caller_supplied_http_client_is_used_and_left_open(
    api: Any, server_factory: ServerFactory
) -> None:
    import httpx

    server = server_factory(lambda seen, n: json_answer(WIDGET))
    http = httpx.Client(headers={"X-Caller": "yes"})
    with api.Client(base_url=server.url, token=TOKEN, http_client=http) as client:
        client.widgets.retrieve_widget("1")
    assert server.seen[0].headers["X-Caller"] == "yes" and not http.is_closed
    http.close()


# -- the replay server answering every descriptor of a real corpus -----------------------------


def test_generated_sentry_client_against_replayed_examples(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    source = corpus_dir("sentry")
    out = tmp_path_factory.mktemp("sentry-client") / "out"
    package = "replayed_sentry_api"
    result = run(Config(input=source, output=out, package=package, title="Sentry"))
    assert not result.failed and result.openapi is not None
    write_output(out, result.files)
    sys.path.insert(0, str(out / "python"))
    module = importlib.import_module(package)
    assert result.api is not None
    groups = build_groups(result.api, plan_models(result.api).operations)
    statuses = {
        (m.upper(), p): next(iter(op["responses"]))
        for p, item in result.openapi["paths"].items()
        for m, op in item.items()
    }
    failures: list[str] = []
    calls = errors = 0
    with (
        ReplayServer(result.api) as server,
        module.Client(base_url=server.url, token=TOKEN) as client,
    ):
        for group in groups:
            resource = getattr(client, group.attribute)
            for op in group.operations:
                arguments = [_argument_value(a) for a in op.required_arguments]
                method = getattr(resource, op.name)
                calls += 1
                try:  # every operation answers: its success example, or the mock's default
                    method(*arguments)
                except Exception as exc:  # noqa: BLE001 - collected and reported below
                    failures.append(f"{op.name}: {type(exc).__name__}: {exc}")
                status = statuses[(op.http_method, op.path)]
                if status.isdigit() and int(status) >= 400:
                    errors += 1  # an error example, on request
                    prefer = {"Prefer": f"code={status}"}
                    try:
                        method(*arguments, extra_headers=prefer)
                    except module.APIStatusError as exc:
                        if exc.status_code != int(status):
                            failures.append(f"{op.name}: {exc}")
                    else:
                        failures.append(f"{op.name}: expected {status}")
    assert calls > 50 and errors >= 1
    assert failures == []


def _argument_value(argument: Any) -> Any:
    if argument.location == "body":
        return {}
    if argument.annotation == "int":
        return 1
    if argument.annotation == "bool":
        return True
    return "example"


USER_CODE = """
from __future__ import annotations

import asyncio

from typing_extensions import assert_type

from scenario_widgets_api import APIResponse, AsyncClient, Client, NotFoundError, Widget, models


def main() -> None:
    with Client(token="t") as client:
        assert_type(client.widgets.list_widgets(color="red"), list[Widget])
        assert_type(client.widgets.retrieve_widget("1"), models.Widget)
        assert_type(client.widgets.delete_widget("1"), None)
        raw = client.with_raw_response.widgets.retrieve_widget("1")
        assert_type(raw, APIResponse[models.Widget])
        for widget in client.widgets.iter_list_widgets(limit=10):
            assert_type(widget, Widget)
        client.widgets.create_widget(models.CreateWidgetRequest(name="n", color="red"))
        client.widgets.create_widget({"name": "n"})
        try:
            client.widgets.retrieve_widget(widget_id="1")
        except NotFoundError as exc:
            assert_type(exc.status_code, int)


async def amain() -> None:
    async with AsyncClient(token="t") as client:
        assert_type(await client.widgets.retrieve_widget("1"), Widget)
        async for widget in client.widgets.iter_list_widgets():
            assert_type(widget, Widget)
        raw = await client.with_raw_response.widgets.list_widgets()
        assert_type(raw.parse(), list[Widget])


asyncio.run(amain())
"""


def test_user_code_type_checks_against_the_package(api: Any, tmp_path: Path) -> None:
    (tmp_path / "use.py").write_text(USER_CODE, encoding="utf-8")
    python_dir = Path(api.__file__).resolve().parents[1]
    env = {"MYPYPATH": str(python_dir)}
    mypy = ("-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"))
    checked = run_python(*mypy, "use.py", cwd=tmp_path, env=env)
    assert checked.returncode == 0, checked.stdout[-4000:]
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from scenario_widgets_api import Client\n"
        "Client().widgets.retrieve_widget(1)\n"
        "Client().widgets.list_widgets('red')\n",
        encoding="utf-8",
    )
    rejected = run_python(*mypy, "wrong.py", cwd=tmp_path, env=env)
    assert rejected.returncode == 1 and rejected.stdout.count("error:") == 2, rejected.stdout
