#!/usr/bin/env python3
"""Generate docs pages, openapi.json, models and client from the descriptors in api-docs/.

usage: python generate.py [--input DIR] [--output DIR] [--check] [--strict] ...
"""

import sys

from apidocgen.cli import main

if __name__ == "__main__":
    sys.exit(main())
