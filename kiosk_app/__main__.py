"""`python -m kiosk_app`: see kiosk_app/cli.py."""

import sys

from kiosk_app.cli import main

sys.exit(main())
