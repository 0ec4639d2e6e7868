"""`python -m backend.cli`: the `motcua` command without the installed script."""

import sys

from backend.cli import main

sys.exit(main())
