"""`python -m newsbrief` runs the command-line tool."""

import sys

from newsbrief.cli import main

sys.exit(main())
