import sys

from newsreader.cli.main import main

sys.exit(main())
