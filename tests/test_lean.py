"""The lean engine (run/lean.py) gives the totals the careful engine gives, or gives way to it.

It runs on its own for `--summary` of a plain export; here each dataset is summarised twice,
once by it and once with it switched off, and the two documents must be equal to the byte.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cashback_cli.commands.upcoming as upcoming_command
import cashback_cli.commands.validate as validate_command
import cashback_cli.run.lean as lean
from cashback_cli.cli import app
from cashback_cli.core.records import Policy
from cashback_cli.inputs.rows import LoadOptions
from cashback_cli.inputs.values import LAST_YEAR
from cashback_cli.run.folded_disputes import FoldedDisputes, pack, unpack

runner = CliRunner()
AS_OF = date(2026, 11, 24)
CURRENCIES = ("USD", "JPY", "KWD", "")  # "" leaves the currency to --currency / USD


def _summary(
    args: list[str], monkeypatch, careful: bool, engine: str = "lean_summary", answers: list | None = None
) -> tuple[int, str, str]:
    """The command's exit code and streams with the lean engine (asserted to have been asked
    through `engine`; what it answered, None when it gave way, added to `answers`) or,
    careful, with both of its ways in switched off."""
    with monkeypatch.context() as patch:
        if careful:
            patch.setattr(lean, "lean_summary", lambda *a, **k: None)
            patch.setattr(lean, "lean_report", lambda *a, **k: None)
            patch.setattr(lean, "lean_upcoming", lambda *a, **k: None)
            patch.setattr(lean, "lean_table", lambda *a, **k: None)
        calls = []
        if not careful:
            original = getattr(lean, engine)

            def spy(*a, **k):
                calls.append(1)
                answer = original(*a, **k)
                if answers is not None:
                    answers.append(answer)
                return answer

            patch.setattr(lean, engine, spy)
        result = runner.invoke(app, args)
        if not careful:
            assert calls, "the lean engine was not asked"
    return result.exit_code, result.stdout, result.stderr


def _write(folder, orders: list[str], disputes: list[str]) -> None:
    """o.csv and d.csv in the folder, with the canonical headers."""
    (folder / "o.csv").write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\n" + "\n".join(orders) + "\n"
    )
    (folder / "d.csv").write_text(
        "order_id,opened_at,resolved_at,refund_amount,outcome\n" + "\n".join(disputes) + "\n"
    )


@st.composite
def datasets(draw):
    orders, disputes = [], []
    count = draw(st.integers(1, 25))
    prefix = draw(
        st.sampled_from(["O", "=O", "-O", "Ö", "O\\", "O\t", "O\u2028"])
    )  # ids a writer must escape
    for n in range(count):
        currency = draw(st.sampled_from(CURRENCIES))
        digits = {"JPY": 0, "KWD": 3}.get(currency, 2)
        minor = draw(st.integers(1, 2_000_000))
        amount = Decimal(minor).scaleb(-digits)
        day = AS_OF - timedelta(days=draw(st.integers(-5, 90)))
        rate = draw(st.sampled_from(["5", "2.5", "7", "10", "0.125", "", "100"]))
        orders.append(f"{prefix}{n},{day.isoformat()},{amount:f},{currency},{rate}")
        for _d in range(draw(st.integers(0, 2))):
            opened = day + timedelta(days=draw(st.integers(0, 40)))
            resolved = draw(st.one_of(st.none(), st.integers(0, 40)))
            refund = draw(st.one_of(st.none(), st.integers(0, minor // 2)))
            resolved_text = "" if resolved is None else (opened + timedelta(days=resolved)).isoformat()
            refund_text = "" if refund is None else f"{Decimal(refund).scaleb(-digits):f}"
            disputes.append(f"{prefix}{n},{opened.isoformat()},{resolved_text},{refund_text},x")
    return orders, disputes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=datasets(),
    rounding=st.sampled_from(["half-up", "half-even", "down"]),
    policy=st.sampled_from(["proportional", "cancel"]),
    hold=st.sampled_from(["0", "15", "30"]),
    jobs=st.sampled_from(["1", "2"]),
    cap=st.sampled_from([None, "3", "0.005", "1000"]),
    fold_in_parts=st.booleans(),
)
def test_the_lean_engine_gives_the_careful_engine_s_summary(
    tmp_path_factory, monkeypatch, data, rounding, policy, hold, jobs, cap, fold_in_parts
):
    folder = tmp_path_factory.mktemp("lean")
    orders, disputes = data
    _write(folder, orders, disputes)
    args = ["status", str(folder / "o.csv"), "-d", str(folder / "d.csv"), "--as-of", AS_OF.isoformat()]
    args += ["--summary", "-f", "json", "--rate", "3", "--rounding", rounding, "--dispute-policy", policy]
    args += ["--hold-days", hold, "--jobs", jobs]
    if cap is not None:
        (folder / "policy.toml").write_text(f'[defaults]\nmax_cashback = "{cap}"\n')
        args += ["--config", str(folder / "policy.toml")]
    with monkeypatch.context() as patch:
        if fold_in_parts:  # however small the files, each worker folds its part of the disputes
            patch.setattr(lean, "_PARALLEL_FOLD", 0)
        assert _summary(args, monkeypatch, careful=False) == _summary(args, monkeypatch, careful=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.text(alphabet="0123456789.٣+-_ e\u00b2", min_size=1, max_size=20))
def test_an_amount_the_lean_engine_reads_is_one_the_careful_engine_reads_alike(
    tmp_path_factory, monkeypatch, amount
):
    # the lean engine checks PLAIN_NUMBER's shape without the regex: it must take no more
    folder = tmp_path_factory.mktemp("amount")
    (folder / "o.csv").write_text(
        f"order_id,ordered_at,amount,currency,cashback_rate\nO1,2026-10-01,{amount},USD,5\n"
    )
    (folder / "d.csv").write_text("order_id,opened_at,resolved_at,refund_amount,outcome\n")
    args = ["status", str(folder / "o.csv"), "-d", str(folder / "d.csv"), "--as-of", "2026-11-24"]
    args += ["--summary", "-f", "json", "--jobs", "1"]
    lean_answer = _summary(args, monkeypatch, careful=False)
    assert lean_answer == _summary(args, monkeypatch, careful=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=datasets(),
    policy=st.sampled_from(["proportional", "cancel"]),
    jobs=st.sampled_from(["1", "2"]),
    cap=st.sampled_from([None, "3"]),
    form=st.sampled_from(["csv", "json"]),
)
def test_the_lean_engine_writes_the_careful_engine_s_report(
    tmp_path_factory, monkeypatch, data, policy, jobs, cap, form
):
    folder = tmp_path_factory.mktemp("report")
    orders, disputes = data
    _write(folder, orders, disputes)
    args = [
        "status",
        str(folder / "o.csv"),
        "-d",
        str(folder / "d.csv"),
        "--as-of",
        AS_OF.isoformat(),
        "-f",
        form,
    ]
    args += ["--rate", "3", "--dispute-policy", policy, "--jobs", jobs]
    if cap is not None:
        (folder / "policy.toml").write_text(f'[defaults]\nmax_cashback = "{cap}"\n')
        args += ["--config", str(folder / "policy.toml")]
    assert _summary(args, monkeypatch, False, "lean_report") == _summary(args, monkeypatch, careful=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=datasets(), jobs=st.sampled_from(["1", "2"]), broken=st.sampled_from(["", "O0,2026-13-01,,,x"]))
def test_validate_through_the_lean_engine_says_what_the_careful_engine_says(
    tmp_path_factory, monkeypatch, data, jobs, broken
):
    folder = tmp_path_factory.mktemp("validate")
    orders, disputes = data
    disputes = [*disputes, broken] if broken else disputes  # a dispute dated in no month
    _write(folder, orders, disputes)
    args = ["validate", str(folder / "o.csv"), "-d", str(folder / "d.csv"), "--rate", "3"]
    with monkeypatch.context() as patch:
        patch.setattr(lean, "_PARALLEL_FOLD", 0)  # however small, every worker folds its part
        patch.setattr(validate_command, "workers_for", lambda *_a: int(jobs))  # small files get one
        assert _summary(args, monkeypatch, careful=False) == _summary(args, monkeypatch, careful=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=datasets(),
    by=st.sampled_from(["day", "week", "month"]),
    form=st.sampled_from(["json", "csv", "table"]),
    policy=st.sampled_from(["proportional", "cancel"]),
    jobs=st.sampled_from([1, 2]),
)
def test_upcoming_through_the_lean_engine_is_the_careful_engine_s(
    tmp_path_factory, monkeypatch, data, by, form, policy, jobs
):
    folder = tmp_path_factory.mktemp("upcoming")
    orders, disputes = data
    _write(folder, orders, disputes)
    args = ["upcoming", str(folder / "o.csv"), "-d", str(folder / "d.csv"), "--as-of", AS_OF.isoformat()]
    args += ["--by", by, "-f", form, "--rate", "3", "--dispute-policy", policy]
    with monkeypatch.context() as patch:
        patch.setattr(upcoming_command, "workers_for", lambda *_a: jobs)  # small files get one
        lean_answer = _summary(args, monkeypatch, False, "lean_upcoming")
    assert lean_answer == _summary(args, monkeypatch, careful=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=datasets(),
    limit=st.sampled_from(["0", "1", "3", "50"]),
    policy=st.sampled_from(["proportional", "cancel"]),
    jobs=st.sampled_from(["1", "2"]),
    lang=st.sampled_from(["en", "ru"]),
    summary=st.booleans(),
)
def test_a_table_through_the_lean_engine_is_the_careful_engine_s(
    tmp_path_factory, monkeypatch, data, limit, policy, jobs, lang, summary
):
    folder = tmp_path_factory.mktemp("table")
    orders, disputes = data
    _write(folder, orders, disputes)
    args = ["status", str(folder / "o.csv"), "-d", str(folder / "d.csv"), "--as-of", AS_OF.isoformat()]
    args += ["--limit", limit, "--rate", "3", "--dispute-policy", policy, "--jobs", jobs, "--lang", lang]
    args += ["--summary"] if summary else []
    monkeypatch.setenv("COLUMNS", "200")
    assert _summary(args, monkeypatch, False, "lean_table") == _summary(args, monkeypatch, careful=True)


def test_a_report_narrowed_or_of_a_network_is_the_careful_engine_s(tmp_path, monkeypatch):
    (tmp_path / "o.csv").write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\nO1,2026-10-01,100,USD,5\n"
    )
    asked = []
    monkeypatch.setattr(lean, "lean_report", lambda *a, **k: asked.append(1))
    for extra in (["--status", "pending"], ["--sort", "amount"], ["--by", "store"], ["--store", "x"]):
        result = runner.invoke(
            app, ["status", str(tmp_path / "o.csv"), "--as-of", "2026-11-24", "-f", "csv", *extra]
        )
        assert result.exit_code == 0, extra
    assert asked == []
    runner.invoke(app, ["status", str(tmp_path / "o.csv"), "--as-of", "2026-11-24", "-f", "csv"])
    assert asked == [1]


def test_a_header_with_a_lone_carriage_return_gives_way(tmp_path, monkeypatch):
    # to the csv module a lone CR ends the line: the careful way finds a header in pieces
    (tmp_path / "o.csv").write_text(
        "order_id,ordered_at,amount,currency\r,cashback_rate\nO1,2026-10-01,100,USD,5\n"
    )
    (tmp_path / "d.csv").write_text("order_id,opened_at\r,resolved_at,refund_amount,outcome\n")
    good = tmp_path / "good.csv"
    good.write_text("order_id,ordered_at,amount,currency,cashback_rate\nO1,2026-10-01,100,USD,5\n")
    for orders, disputes in ((tmp_path / "o.csv", None), (good, tmp_path / "d.csv")):
        args = ["status", str(orders), "--as-of", "2026-11-24", "--summary", "-f", "json"]
        args += ["-d", str(disputes)] if disputes else []
        assert _summary(args, monkeypatch, careful=False) == _summary(args, monkeypatch, careful=True)


def test_a_disputes_file_given_twice_counts_once(tmp_path, monkeypatch):
    _write(tmp_path, ["O1,2026-10-01,100.00,USD,5"], ["O1,2026-10-02,2026-10-05,10.00,partial"])
    for same in (str(tmp_path / "d.csv"), str(tmp_path / ".." / tmp_path.name / "d.csv")):
        args = ["status", str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "-d", same]
        args += ["--as-of", "2026-11-24", "-f", "csv"]
        lean_answer = _summary(args, monkeypatch, False, "lean_report")
        assert lean_answer == _summary(args, monkeypatch, careful=True)
        assert ",10.00,5," in lean_answer[1]  # refunded once
        validate = ["validate", str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "-d", same]
        assert _summary(validate, monkeypatch, careful=False)[1].endswith("1 disputes\n")


def test_the_parent_s_collector_is_unfrozen_after_the_workers(tmp_path):
    import gc

    _write(tmp_path, [f"O{n},2026-10-01,10,USD,5" for n in range(20)], [])
    frozen = gc.get_freeze_count()
    run = lean.lean_summary(str(tmp_path / "o.csv"), [], LoadOptions(), AS_OF, lambda _order: Policy(), 2)
    assert run is not None and gc.get_freeze_count() == frozen


@pytest.mark.parametrize("fold_in_parts", [False, True])
@pytest.mark.parametrize(
    ("orders", "disputes"),
    [
        ("O1,2026-10-01,100.004,USD,5\n", ""),  # finer than a cent
        ("O1,2026-10-01,100,USD,5\nO1,2026-10-02,50,USD,5\n", ""),  # a repeated id
        ("O1,2026-10-01,100,USD,5\n", "O9,2026-10-02,,,\n"),  # a dispute of no order
        ("O1,2026-10-01,100,USD,5\n", "O1,2026-09-02,2026-09-03,10,\n"),  # before its order
        ("O1,2026-10-01,100,USD,5\n", "O1,2026-10-02,2026-10-03,150,\n"),  # above the amount
        ("O1,2026-10-01,100,USD,5\nO2,2026-10-01,100,USD,5\n", "O1,2026-10-02,,,\nO2,2026-10-02,soon,,\n"),
        ('O1,2026-10-01,"1,000.00",USD,5\n', ""),  # a quoted, messy amount
        ("O1,01.10.2026,100,USD,5\n", ""),  # a dotted date
        ("O1,2026-10-01,100,USD,\n", ""),  # no rate anywhere
        ("O1,2026-10-01,100,usd,5\n", ""),  # a currency in lower case
        ("O1,2026-10-01,100,US$,5\nO2,2026-10-01,10,USD,5\n", ""),  # the careful way reads US$ as USD
        ("O1,2026-10-01,100,U1D,5\n", ""),  # three capitals but not A to Z
        ("O1,2026-10-01,100,RUR,5\n", ""),  # RUB, written like a code
        ("O1,2026-10-01,100,A B,5\n", ""),
        ("O1,2026-10-01,100,USD,5\nO2,2026-12-20,0,USD,5\n", ""),  # a zero amount, even dated later
        ("O1,2026-10-01,100,USD,5\nO2,2026-12-20,10,USD,150\n", ""),  # a rate above 100, dated later
        ("O1,2026-10-01,100,USD,5\nO2,2026-12-20,10,USD,abc\n", ""),  # no number, dated later
    ],
)
def test_anything_not_plain_gives_way_to_the_careful_engine(
    tmp_path, monkeypatch, orders, disputes, fold_in_parts
):
    if fold_in_parts:
        monkeypatch.setattr(lean, "_PARALLEL_FOLD", 0)
    (tmp_path / "o.csv").write_text("order_id,ordered_at,amount,currency,cashback_rate\n" + orders)
    (tmp_path / "d.csv").write_text("order_id,opened_at,resolved_at,refund_amount,outcome\n" + disputes)
    args = ["status", str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "--as-of", "2026-11-24"]
    args += ["--summary", "-f", "json", "--jobs", "2"]
    assert lean.lean_summary is not None
    assert _summary(args, monkeypatch, careful=False) == _summary(args, monkeypatch, careful=True)


def test_the_packed_dispute_state_unpacks_to_what_went_in():
    folded = (3, 1, 1, date(2026, 11, 2).toordinal(), date(2026, 10, 5).toordinal())
    assert unpack(pack(*folded)) == folded
    last_day = date(LAST_YEAR, 12, 31).toordinal()  # the latest date any input may hold
    assert unpack(pack(15, 1, 1, last_day, last_day)) == (15, 1, 1, last_day, last_day)


@settings(max_examples=40, deadline=None)
@given(ids=st.lists(st.text(min_size=1, max_size=12), max_size=300, unique=True), clash=st.booleans())
def test_the_folded_disputes_find_every_id_they_hold_and_no_other(ids, clash):
    # clash: every id gets the same digest, so only the ids' bytes tell them apart
    digest = (lambda _id: 7) if clash else hash
    table = FoldedDisputes()
    held, others = ids[::2], ids[1::2]
    for number, order_id in enumerate(held):
        assert table.find(order_id, digest(order_id)) == -1
        assert table.add(order_id, digest(order_id), number, 2 * number) == number
    assert len(table) == len(held)
    assert 4 * len(table) <= len(table.slots)  # a quarter full at most, after growing
    for state in ("adding", "settled", "loaded"):  # settled: ids in ASCII are held as text
        for number, order_id in enumerate(held):
            entry = table.find(order_id, digest(order_id))
            assert (entry, table.refunds[entry], table.words[entry]) == (number, number, 2 * number)
        assert all(table.find(order_id, digest(order_id)) == -1 for order_id in others)
        if state == "adding":
            table.settle()
        else:  # as a worker's table reaches the parent
            with tempfile.TemporaryDirectory() as folder:
                table.dump(os.path.join(folder, "table"))
                table = FoldedDisputes.load(os.path.join(folder, "table"))


def test_half_up_half_even_and_down_on_exact_halves():
    # 5 / 2 = 2.5: half-up 3, half-even 2 (2 is even), down 2; 7 / 2 = 3.5: half-even 4
    assert [lean._round(5, 2, mode) for mode in ("half-up", "half-even", "down")] == [3, 2, 2]
    assert lean._round(7, 2, "half-even") == 4


@pytest.mark.parametrize("repeat", [False, True])
def test_order_ids_spilled_to_disk_still_catch_a_repeat_across_workers(tmp_path, monkeypatch, repeat):
    monkeypatch.setattr(lean, "SPILL_AT", 3)  # every few orders go to the bucket files
    monkeypatch.setattr(lean, "_CHUNK", 64)  # (the workers spill between chunks)
    spilled = []
    check = lean.any_repeated
    monkeypatch.setattr(
        lean, "any_repeated", lambda folder, *a: spilled.extend(os.listdir(folder)) or check(folder, *a)
    )
    rows = [f"O{n},2026-10-{1 + n % 28:02d},{100 + n},USD,5" for n in range(60)]
    if repeat:
        rows[-1] = rows[0].replace("2026-10-01", "2026-10-02")  # the first id again, in the other half
    (tmp_path / "o.csv").write_text(
        "order_id,ordered_at,amount,currency,cashback_rate\n" + "\n".join(rows) + "\n"
    )
    (tmp_path / "d.csv").write_text(
        "order_id,opened_at,resolved_at,refund_amount,outcome\nO7,2026-10-09,,,\n"
    )
    args = ["status", str(tmp_path / "o.csv"), "-d", str(tmp_path / "d.csv"), "--as-of", "2026-11-24"]
    args += ["--summary", "-f", "json", "--jobs", "2"]
    answers = []
    original = lean.lean_summary
    monkeypatch.setattr(
        lean, "lean_summary", lambda *a, **k: answers.append(original(*a, **k)) or answers[-1]
    )
    result = runner.invoke(app, args)
    assert (answers[0] is None) == repeat
    assert {name.split("-")[0] for name in spilled} == {"0", "1"}  # both workers spilled
    if repeat:
        assert result.exit_code != 0 and "O0" in result.stderr
    else:
        assert result.exit_code == 0 and '"orders": 60' in result.stdout


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_lean_engine_tells_how_far_it_has_read(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(lean, "_CHUNK", 256)
    header = "order_id,ordered_at,amount,currency,cashback_rate\n"
    (tmp_path / "o.csv").write_text(header + "".join(f"O{n},2026-10-01,{n + 1},USD,5\n" for n in range(300)))
    told: list[int] = []
    options = LoadOptions(on_read=told.append)
    run = lean.lean_summary(str(tmp_path / "o.csv"), [], options, AS_OF, lambda _order: Policy(), jobs)
    assert run is not None and run.totals.by_currency["USD"].orders == 300
    if jobs == 1:  # read in this process: told at every chunk, up to the whole file after the header
        assert told == sorted(told) and len(told) > 10
        assert told[-1] == (tmp_path / "o.csv").stat().st_size - len(header)
    assert lean._progress is None and lean._tell is None  # nothing left behind for the next run
