"""The example's tests reuse the package's throwaway PostgreSQL and binary fixtures
(python/tests/pg_server.py)."""
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent
REPO = EXAMPLE.parent.parent
sys.path[:0] = [str(EXAMPLE), str(REPO / "python"), str(REPO / "python" / "tests")]

from pg_server import binary, pg  # noqa: E402,F401  (fixtures)
