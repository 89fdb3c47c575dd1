"""``python -m pipeline`` is the ``jacc`` command (pipeline/cli.py)."""

import sys

from pipeline.cli import main

sys.exit(main())
