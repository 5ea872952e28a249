"""``python -m lossnotes``: the command line (see :mod:`lossnotes.cli`)."""

import sys

from .cli import main

sys.exit(main())
