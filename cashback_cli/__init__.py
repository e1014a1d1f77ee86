"""cashback: what happens to your cashback if you open a dispute."""

__version__ = "0.1.0"
