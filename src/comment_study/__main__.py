"""Run the study's command line: ``python -m comment_study --help``."""

import sys

from comment_study.cli import main

sys.exit(main())
