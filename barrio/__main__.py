"""``python -m barrio``: the same as the ``barrio`` command."""

import sys

from barrio.cli import main

sys.exit(main())
