"""Pure computation for ASIS: no Django import (checked by import-linter).

Frozen dataclasses in, frozen dataclasses out.
"""
