"""`python -m crawler.commands`: the `akhbar` command without its console script."""

import sys

from crawler.commands import main

sys.exit(main())
