"""`cashback sql`: the rules as one SQL query, for a back office's warehouse."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from .common import (
    AsOfOpt,
    ConfigOpt,
    CurrencyOpt,
    DisputePolicyOpt,
    HoldOpt,
    LangOpt,
    RateOpt,
    Rounding,
    RoundingOpt,
    as_of_date,
    policy_book,
)


class SqlDialect(StrEnum):
    duckdb = "duckdb"
    spark = "spark"
    trino = "trino"
    postgres = "postgres"


def sql(
    dialect: Annotated[
        SqlDialect,
        typer.Option("--dialect", help="The SQL dialect of the warehouse that runs the query."),
    ],
    as_of: AsOfOpt = None,
    hold_days: HoldOpt = None,
    rate: RateOpt = None,
    currency: CurrencyOpt = None,
    rounding: RoundingOpt = Rounding.half_up,
    dispute_policy: DisputePolicyOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Print the rules as one SQL query over tables orders and disputes, one row per order.

    The tables have every column of the files, typed (dates DATE, money and rates DECIMAL,
    hold_days INTEGER; optional columns may be NULL). The query returns the fields of
    `status --format json`, as text, exactly: no floating point, amounts in the currency's
    minor digits, rounded by --rounding, store policies from --config.

    Example: cashback sql --dialect duckdb --as-of 2026-11-24 --config examples/cashback.toml
    """
    from ..run.sql import rules_query

    book = policy_book(config, hold_days, rate, currency, rounding, dispute_policy)
    typer.echo(rules_query(book, as_of_date(as_of), dialect.value) + ";")
