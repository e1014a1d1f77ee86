"""Store policies from a TOML file: what each store's cashback service applies.

Precedence, most specific first (docs/rules.md, "Store policies: which value wins"): the
order's own field, its store's table, the command-line option, the file's [defaults], the
built-in default. The order's own fields win inside the rules; everything else is settled
here, once per store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from ..core.problems import Problem
from ..core.records import DisputePolicy, Order, Policy
from ..core.selection import fold  # store names, folded the one way every store table and --store use
from ..i18n import _
from .errors import FieldError, InputError
from .values import parse_amount, parse_currency, parse_rate

KEYS = ("hold_days", "rate", "max_cashback", "currency", "dispute_policy", "share")
BUILT_IN = Policy()
ENVIRONMENT = "CASHBACK_CONFIG"
MAX_POLICY_FILE = 1 << 20  # bytes: a table per store of thousands of stores fits


class Setting(NamedTuple):
    value: Any
    source: str  # where it came from: "cashback.toml [stores.aliexpress]", "--hold-days", "built-in"


class PolicyBook:
    """The policy of every store, and the one for orders of no listed store."""

    def __init__(
        self, base: dict[str, Setting], stores: dict[str, dict[str, Setting]], names: dict[str, str]
    ):
        self.base = base
        self.stores = stores
        self.names = names  # folded name -> the name as the file writes it
        self.path: str | None = None  # the policy file read, if any
        self._base_policy = _policy(base)
        self._policies = {key: _policy(settings) for key, settings in stores.items()}

    def policy_for(self, order: Order) -> Policy:
        if order.store is None or not self._policies:
            return self._base_policy
        return self._policies.get(fold(order.store), self._base_policy)

    def for_store(self, name: str | None) -> Policy | None:
        """The policy of a store by name (None: the default one); None when it is not listed."""
        if name is None:
            return self._base_policy
        return self._policies.get(fold(name))


def _policy(settings: Mapping[str, Setting]) -> Policy:
    return BUILT_IN._replace(**{key: setting.value for key, setting in settings.items()})


def find_config(option: str | None, app_dir: str) -> str | None:
    """--config, else $CASHBACK_CONFIG, else config.toml in the user's config folder if there."""
    if option:
        return option
    if os.environ.get(ENVIRONMENT):
        return os.environ[ENVIRONMENT]
    candidate = os.path.join(app_dir, "config.toml")
    return candidate if os.path.isfile(candidate) else None


def build_book(
    path: str | None, options: Mapping[str, Any], rounding: str
) -> tuple[PolicyBook, list[Problem]]:
    """Each store's settings from the file and the command-line options given (not None)."""
    file_tables: dict[str, Any] = {}
    problems: list[Problem] = []
    if path is not None:
        file_tables, problems = read_policy_file(path)
    defaults = file_tables.get("defaults", {})
    base = {"rounding": Setting(rounding, "--rounding")}
    for key in KEYS:
        if options.get(key) is not None:
            base[key] = Setting(options[key], f"--{key.replace('_', '-')}")
        elif key in defaults:
            base[key] = defaults[key]
        else:
            base[key] = Setting(getattr(BUILT_IN, key), "built-in")
    stores, names = {}, {}
    for name, table in file_tables.get("stores", {}).items():
        stores[fold(name)] = {**base, **table}
        names[fold(name)] = name
    book = PolicyBook(base, stores, names)
    book.path = path
    return book, problems


def read_policy_file(path: str) -> tuple[dict[str, Any], list[Problem]]:
    """The file's tables as Settings: {"defaults": {key: Setting}, "stores": {name: {key: Setting}}}."""
    import tomllib  # only when there is a policy file to read

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_POLICY_FILE + 1)  # a FIFO or a device may have no end
        if len(data) > MAX_POLICY_FILE:
            expected = _("a policy file of at most {limit} MiB").format(limit=MAX_POLICY_FILE >> 20)
            return {}, [Problem(path, None, None, None, expected)]
        document = tomllib.loads(data.decode("utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise InputError(_("{file}: no such policy file").format(file=path)) from None
    except OSError as error:
        raise InputError(
            _("{file}: cannot be read ({reason})").format(file=path, reason=error.strerror)
        ) from None
    except tomllib.TOMLDecodeError as error:
        return {}, [Problem(path, None, None, None, _("valid TOML ({error})").format(error=error))]
    except RecursionError:  # tables or arrays nested hundreds deep: no policy needs that
        return {}, [Problem(path, None, None, None, _("valid TOML (nested too deeply)"))]
    except UnicodeDecodeError:
        return {}, [Problem(path, None, None, None, _("a UTF-8 TOML file"))]
    problems: list[Problem] = []
    tables: dict[str, Any] = {"defaults": {}, "stores": {}}
    for key, value in document.items():
        if key == "defaults" and isinstance(value, dict):
            tables["defaults"] = _settings(path, "defaults", value, problems)
        elif key == "stores" and isinstance(value, dict):
            first_of: dict[str, str] = {}  # folded name -> the first table that folds to it
            for name, table in value.items():
                where = f"stores.{name}"
                twin = first_of.setdefault(fold(name), name)
                if twin != name:  # [stores.Amazon] and [stores.amazon]: one store, two tables
                    expected = _("one table per store; [stores.{twin}] names the same store").format(
                        twin=twin
                    )
                    problems.append(_problem(path, where, None, name, expected))
                elif isinstance(table, dict):
                    tables["stores"][name] = _settings(path, where, table, problems)
                else:
                    problems.append(_problem(path, where, None, table, _("a table of settings")))
        else:
            problems.append(_problem(path, key, None, value, _("a [defaults] table or [stores.NAME] tables")))
    return tables, problems


def _settings(path: str, table: str, values: dict[str, Any], problems: list[Problem]) -> dict[str, Setting]:
    settings = {}
    for key, value in values.items():
        if key not in KEYS:
            expected = _("one of the keys {keys}").format(keys=", ".join(KEYS))
            problems.append(_problem(path, table, key, value, expected))
            continue
        try:
            settings[key] = Setting(_VALIDATORS[key](value), f"{path} [{table}]")
        except FieldError as error:
            problems.append(_problem(path, table, key, value, error.expected))
    return settings


def _problem(path: str, table: str, key: str | None, value: Any, expected: str) -> Problem:
    field = f"[{table}]" + (f" {key}" if key else "")
    return Problem(path, None, field, value if isinstance(value, str) else _shown(value), expected)


def _shown(value: Any) -> str:
    """The value as TOML gave it; a table nested too deep to print whole is shown to a few levels."""
    try:
        return repr(value)
    except RecursionError:
        import reprlib

        return reprlib.repr(value)


def _hold_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise FieldError(_("a whole number of days from 0 to 3650"))
    return value


def _number_text(value: Any, expected: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise FieldError(expected)
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _rate(value: Any) -> Decimal:
    return parse_rate(_number_text(value, _('a percent from 0 to 100, such as 5 or "4.5%"')))


def _cap(value: Any) -> Decimal:
    return parse_amount(_number_text(value, _('an amount such as 40 or "40.00"')))[0]


def _currency(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(_('a currency code such as "USD"'))
    return parse_currency(value)


def _dispute_policy(value: Any) -> DisputePolicy:
    try:
        return DisputePolicy(value)
    except ValueError:
        raise FieldError(_('"proportional" or "cancel"')) from None


def _share(value: Any) -> Decimal:
    return parse_rate(_number_text(value, _('a percent from 0 to 100, such as 60 or "60%"')))


_VALIDATORS = {
    "hold_days": _hold_days,
    "rate": _rate,
    "max_cashback": _cap,
    "currency": _currency,
    "dispute_policy": _dispute_policy,
    "share": _share,
}
