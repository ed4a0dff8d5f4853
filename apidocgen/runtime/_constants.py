"""What differs from one generated package to the next.

Generation writes this module for each package; these neutral values let the runtime be
imported and tested on its own.
"""

from __future__ import annotations

PACKAGE = "apidocgen_runtime"  # the package name, also the name of its logger
DEFAULT_BASE_URL = ""  # from the examples' Host header, or the configured base URL
TOKEN_ENV = "API_TOKEN"  # the environment variable holding the API token
BASE_URL_ENV = "API_BASE_URL"  # the environment variable that overrides the base URL
USER_AGENT = "apidocgen-runtime"
