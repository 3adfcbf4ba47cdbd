"""Run the study's command line: ``python -m comment_study --help``."""

import sys

from .cli import main

sys.exit(main())
