"""Parsing raw HTTP examples: start lines, headers, bodies, Link headers."""

from __future__ import annotations

from apidocgen.http import (
    nesting_depth,
    next_link,
    parse_examples,
    parse_link_header,
    parse_request,
    parse_response,
)

LIMITS = {"max_body_bytes": 1_000_000, "max_depth": 64}


def test_request_line_headers_and_json_body() -> None:
    text = 'POST /api/0/teams/?x=1&y=two HTTP/1.1\nHost: sentry.io\nX-A: 1\nx-a: 2\n\n{"name": "a"}'
    request, problems = parse_request(text, **LIMITS)
    assert problems == []
    assert request is not None
    assert (request.method, request.path, request.version) == ("POST", "/api/0/teams/", "HTTP/1.1")
    assert request.query == (("x", "1"), ("y", "two"))
    assert request.headers.get("host") == "sentry.io"
    assert request.headers.get_all("X-A") == ["1", "2"]
    assert [h.name for h in request.headers.items] == ["Host", "X-A", "x-a"]
    assert request.body.kind == "json" and request.body.value == {"name": "a"}


def test_crlf_and_reason_phrase_in_any_case() -> None:
    response, problems = parse_response(
        "HTTP/1.1 201 CREATED\r\nContent-Type: application/json\r\n\r\n{}", **LIMITS
    )
    assert problems == []
    assert response is not None
    assert (response.status, response.reason) == (201, "CREATED")
    assert response.body.value == {}


def test_content_length_mismatch_is_ignored() -> None:
    response, problems = parse_response("HTTP/1.1 200 OK\nContent-Length: 9999\n\n[1, 2]", **LIMITS)
    assert problems == [] and response is not None and response.body.value == [1, 2]


def test_status_line_without_code_is_an_error() -> None:
    response, problems = parse_response("HTTP/1.1 OK\n\n{}", **LIMITS)
    assert response is None
    assert [p.severity for p in problems] == ["error"]
    assert "status line" in problems[0].message


def test_header_without_colon_is_an_error_with_its_line() -> None:
    _, problems = parse_response(
        "HTTP/1.1 200 OK\nContent-Type: text/plain\nBroken header\n\nhi", **LIMITS
    )
    assert [(p.line, p.severity) for p in problems] == [(3, "error")]
    assert "no ':'" in problems[0].message


def test_folded_header_continues_previous_value() -> None:
    response, _ = parse_response(
        'HTTP/1.1 200 OK\nLink: <https://a/?c=1>; rel="previous",\n  <https://a/?c=2>; rel="next"\n\n[]',
        **LIMITS,
    )
    assert response is not None
    link = next_link(response)
    assert link is not None and link.url == "https://a/?c=2"


def test_lenient_body_reads_javascript_object_syntax_with_a_warning() -> None:
    response, problems = parse_response("HTTP/1.1 200 OK\n\n{name: 'x', list: [1, 2,],}", **LIMITS)
    assert response is not None and response.body.kind == "lenient"
    assert response.body.value == {"name": "x", "list": [1, 2]}
    assert [p.severity for p in problems] == ["warning"]
    assert "JavaScript object syntax" in problems[0].message


def test_truncated_json_body_is_kept_as_text_with_a_warning() -> None:
    response, problems = parse_response(
        'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"a": [1, 2', **LIMITS
    )
    assert response is not None and response.body.kind == "text"
    assert len(problems) == 1 and "kept as text" in problems[0].message


def test_plain_text_body_is_text_without_warning() -> None:
    response, problems = parse_response(
        "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nhello", **LIMITS
    )
    assert response is not None and response.body.kind == "text" and problems == []


def test_bare_json_scalar_body_is_a_warning() -> None:
    response, problems = parse_response('HTTP/1.1 200 OK\n\n"just a string"', **LIMITS)
    assert response is not None and response.body.value == "just a string"
    assert [p.message for p in problems] == [
        "example response body is a bare JSON string (str), not an object or array"
    ]


def test_body_over_the_size_limit_is_an_error() -> None:
    _, problems = parse_response(
        "HTTP/1.1 200 OK\n\n" + "[" + "1," * 100 + "1]", max_body_bytes=50, max_depth=64
    )
    assert [p.severity for p in problems] == ["error"]
    assert "over the limit of 50" in problems[0].message


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    _, problems = parse_response("HTTP/1.1 200 OK\n\n" + "[" * 100_000 + "]" * 100_000, **LIMITS)
    assert [p.severity for p in problems] == ["error"]
    assert "100000 levels deep" in problems[0].message


def test_nesting_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth('{"a": "[[[{{{", "b": [1, {"c": "\\"]"}]}') == 3


def test_link_header_with_sentry_results_and_cursor() -> None:
    value = (
        '<https://sentry.io/api/0/x/?&cursor=1:0:1>; rel="previous"; results="false"; cursor="1:0:1", '
        '<https://sentry.io/api/0/x/?&cursor=1:100:0>; rel="next"; results="true"; cursor="1:100:0"'
    )
    links = parse_link_header(value)
    assert [(link.rel, link.param("results"), link.param("cursor")) for link in links] == [
        ("previous", "false", "1:0:1"),
        ("next", "true", "1:100:0"),
    ]
    assert links[1].url == "https://sentry.io/api/0/x/?&cursor=1:100:0"


def test_link_header_url_with_comma_and_semicolon() -> None:
    links = parse_link_header('<https://a/x;y?q=1,2>; rel="next"')
    assert [(link.url, link.rel) for link in links] == [("https://a/x;y?q=1,2", "next")]


def test_error_example_is_flagged_and_not_a_success() -> None:
    parsed = parse_examples(
        "", 'HTTP/1.1 404 NOT FOUND\nContent-Type: application/json\n\n{"detail": "x"}', **LIMITS
    )
    assert parsed.response is not None and parsed.response.is_error
    assert [p.problem.message for p in parsed.problems] == [
        "example response is an error (404 NOT FOUND); it is shown as such and not used as the success shape"
    ]


def test_empty_examples_are_allowed() -> None:
    parsed = parse_examples("", "  \n", **LIMITS)
    assert parsed.request is None and parsed.response is None and parsed.problems == ()


def test_unparseable_request_line() -> None:
    request, problems = parse_request("this is not http", **LIMITS)
    assert request is None and problems[0].severity == "error"
