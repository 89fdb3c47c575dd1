"""``python -m pipeline.dedup`` is ``python -m pipeline dedup``."""

import sys

from pipeline.dedup.run import main

sys.exit(main())
