"""Parsing raw HTTP examples: start lines, headers, bodies, Link headers."""

from __future__ import annotations

import pytest

from apidocgen.http import (
    load_javascript_object,
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


def test_header_problems_name_their_line_of_the_example() -> None:
    _, problems = parse_request(
        "\nGET /x/ HTTP/1.1\nHost: a\nBad Name: 1\nno colon here\n\n{}", **LIMITS
    )
    assert [(p.line, p.message) for p in problems] == [
        (
            4,
            "example request line 4: header name 'Bad Name' is not a valid HTTP token"
            " (letters, digits and !#$%&'*+.^_`|~- only)",
        ),
        (
            5,
            "example request line 5: header 'no colon here' has no ':' (expected 'Name: value';"
            " a blank line must separate the headers from the body)",
        ),
    ]


def test_blank_lines_around_the_head() -> None:
    request, problems = parse_request("GET /x/ HTTP/2\nHost: a\n\n", **LIMITS)
    assert problems == [] and request is not None and request.version == "HTTP/2"
    response, problems = parse_response("HTTP/1.1 200 OK\nA: b\n   \n[1]", **LIMITS)
    assert problems == [] and response is not None and response.body.value == [1]
    assert response.body.line == 4


def test_start_lines_that_cannot_be_read() -> None:
    assert parse_response('{"id": 1}', **LIMITS)[1][0].message == (
        "example response status line '{\"id\": 1}' is not 'HTTP/1.1 200 OK'; the example seems"
        " to start with its body: add a status line 'HTTP/1.1 200 OK' and a blank line first"
    )
    assert parse_response("HTTP/1.1 OK", **LIMITS)[1][0].message == (
        "example response status line 'HTTP/1.1 OK' has no 3-digit status code"
        " (expected e.g. 'HTTP/1.1 200 OK')"
    )
    request, problems = parse_request("GET http://[::1/x HTTP/1.1", **LIMITS)
    assert request is None and problems[0].message == (
        "example request target 'http://[::1/x' is not a valid URL (Invalid IPv6 URL)"
    )
    assert parse_response("HTTP/1.1 999 X", **LIMITS)[1][0].message == (
        "example response status 999 is not between 100 and 599"
    )


def test_javascript_object_syntax_variants() -> None:
    text = "{a: 'it\\'s', \"b\": \"q\\'\", c: [1, 2, /* last */], $d: '\\x41\"', e: +1, // note\n}"
    assert load_javascript_object(text) == {"a": "it's", "b": "q'", "c": [1, 2], "$d": 'A"', "e": 1}
    for not_json in ("{a: NaN}", "{a: undefined}", "{a: 'x}", "{a: 1 /* open}", "{a: 0x1F}"):
        with pytest.raises(ValueError):
            load_javascript_object(not_json)


def test_values_json_cannot_write_back_are_kept_as_text() -> None:
    for body, reason in [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ('{"a": 1e400}', "the number 1e400 is too large to represent"),
        ("[" + "9" * 5000 + "]", "a number has more than 4300 digits"),
        (
            '{"a": "\\udc00"}',
            "a \\u escape is half of a UTF-16 surrogate pair, which is not valid Unicode",
        ),
    ]:
        response, problems = parse_response("HTTP/1.1 200 OK\n\n" + body, **LIMITS)
        assert response is not None and response.body.kind == "text"
        assert [p.message for p in problems] == [
            f"example response body does not parse as JSON ({reason}); kept as text"
        ]
    response, problems = parse_response('HTTP/1.1 200 OK\n\n["\\ud83d\\ude00", 1e300]', **LIMITS)
    assert problems == [] and response is not None and response.body.value == ["😀", 1e300]


def test_json_errors_in_user_terms() -> None:
    def message(body: str) -> str:
        return parse_response(
            "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" + body, **LIMITS
        )[1][0].message

    assert "(a trailing comma before ']' at line 1 column 5 of the body)" in message("[1, ]")
    assert "(a string is not closed (a '\"' is missing) at line 1 column 2" in message('["abc]')
    assert "(Expecting ',' delimiter at line 2 column 1 of the body)" in message("[1\n2]")


def test_nesting_depth_is_linear_on_unclosed_strings() -> None:
    assert nesting_depth('"\\' * 50_000 + "[[") == 0  # an unclosed string runs to the line end
    assert nesting_depth('"\\' * 50_000 + "\n[[") == 2
    assert nesting_depth("['[[[', {'a': '{'}]") == 2


def test_declared_form_body_is_text_even_when_quoted_as_json() -> None:
    text = (
        "POST /files/ HTTP/1.1\nContent-Type: multipart/form-data; boundary=b\n\n"
        '"--b\\r\\nContent-Disposition: form-data; name=\\"name\\"\\r\\n\\r\\nx\\r\\n--b--"'
    )
    request, problems = parse_request(text, **LIMITS)
    assert problems == []
    assert request is not None and request.body.kind == "text"
    assert request.body.text.startswith('"--b')
