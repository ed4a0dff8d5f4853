"""Parse the raw HTTP text of examples into requests and responses.

Real captured examples are messy: LF or CRLF, reason phrases in any case, `Content-Length`
headers that disagree with the body, folded header lines, bodies that are not quite JSON.
Parsing never raises; problems come back as `HttpProblem`s with a line offset into the
example text, which `load` turns into positions in the descriptor file.

Examples are untrusted text: every scan here is linear in the input (no regex that can
backtrack over a long run), nesting is measured before any recursive parser runs, and a value
that could not be written back out as JSON or UTF-8 (NaN, infinities, lone surrogates) is kept
as text rather than passed on.
"""

from __future__ import annotations

from apidocgen.http.bodies import (
    STRING_LITERAL,
    NotRepresentable,
    explain_json_error,
    has_lone_surrogate,
    load_javascript_object,
    load_json,
    nesting_depth,
    parse_body,
)
from apidocgen.http.links import next_link, parse_link_header
from apidocgen.http.messages import METHODS, parse_request, parse_response
from apidocgen.http.records import (
    Body,
    BodyKind,
    ExampleProblem,
    Header,
    Headers,
    HttpProblem,
    HttpRequest,
    HttpResponse,
    Link,
    ParsedExamples,
)

__all__ = [
    "METHODS",
    "STRING_LITERAL",
    "Body",
    "BodyKind",
    "ExampleProblem",
    "Header",
    "Headers",
    "HttpProblem",
    "HttpRequest",
    "HttpResponse",
    "Link",
    "NotRepresentable",
    "ParsedExamples",
    "explain_json_error",
    "has_lone_surrogate",
    "load_javascript_object",
    "load_json",
    "nesting_depth",
    "next_link",
    "parse_body",
    "parse_examples",
    "parse_link_header",
    "parse_request",
    "parse_response",
]


def parse_examples(
    example_request: str, example_response: str, *, max_body_bytes: int, max_depth: int
) -> ParsedExamples:
    """Parse both examples of a descriptor; empty examples are allowed and give None."""
    problems: list[ExampleProblem] = []
    request = response = None
    if example_request.strip():
        request, found = parse_request(
            example_request, max_body_bytes=max_body_bytes, max_depth=max_depth
        )
        problems.extend(ExampleProblem("example_request", p) for p in found)
    if example_response.strip():
        response, found = parse_response(
            example_response, max_body_bytes=max_body_bytes, max_depth=max_depth
        )
        problems.extend(ExampleProblem("example_response", p) for p in found)
        if response is not None and response.is_error and response.status <= 599:
            problems.append(
                ExampleProblem(
                    "example_response",
                    HttpProblem(
                        1,
                        1,
                        "warning",
                        f"example response is an error ({response.status} {response.reason}); it is"
                        " shown as such and not used as the success shape",
                    ),
                )
            )
    return ParsedExamples(request, response, tuple(problems))
