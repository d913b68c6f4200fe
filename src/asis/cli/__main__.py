import sys

from asis.cli import main

sys.exit(main())
