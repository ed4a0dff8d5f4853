"""apidocgen: captured API examples in, documentation site, OpenAPI 3.1, models and client out."""

__version__ = "0.1.0"
