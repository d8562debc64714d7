"""salesflow's tests (tests/conftest.py, the factories and worlds, the unit, integration and
end-to-end suites)."""

import sys

# The tests' own modules and the package are compiled once and kept in __pycache__ (ignored by
# git), even where PYTHONDONTWRITEBYTECODE is set: without it every run compiles the package and
# rewrites the asserts of every test module again, about 8 s of CPU per run and per xdist worker.
sys.dont_write_bytecode = False
