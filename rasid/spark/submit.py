"""Entry script for ``spark-submit``: ``spark-submit [options] .../rasid/spark/submit.py analyze IN OUT``.

The arguments are those of ``rasid spark``; the master and resources come from spark-submit.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from rasid.cli.main import main

    sys.exit(main(["spark", *sys.argv[1:]]))
