"""Stage 5, render: the OpenAPI document -> text files (pages, models, client)."""
