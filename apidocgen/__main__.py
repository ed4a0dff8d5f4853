"""`python -m apidocgen` runs the command line."""

import sys

from apidocgen.cli import main

sys.exit(main())
