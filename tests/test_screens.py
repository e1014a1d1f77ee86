"""The README's pictures are what the commands print now: docs/screens.py records them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("screens", ROOT / "docs" / "screens.py")
screens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screens)

BOX_EDGES = "┃│╭╮╰╯┏┓┡┩└┘┗┛"


def test_committed_pictures_match_the_commands(tmp_path):
    stale = []
    for recorded in screens.record_all(tmp_path):
        committed = ROOT / "docs" / "images" / recorded.name
        if not committed.exists() or committed.read_bytes() != recorded.read_bytes():
            stale.append(f"docs/images/{recorded.name}")
    assert not stale, f"out of date: {', '.join(stale)}; run `python docs/screens.py` and commit docs/images/"


def test_recording_is_deterministic(tmp_path):
    first = [path.read_bytes() for path in screens.record_all(tmp_path / "a")]
    second = [path.read_bytes() for path in screens.record_all(tmp_path / "b")]
    assert first == second


@pytest.mark.parametrize("screen", screens.SCREENS, ids=lambda screen: screen.name)
def test_nothing_is_cut_off_at_the_screen_width(screen):
    """A table or panel wider than the screen loses its right edge: widen the screen."""
    lines = Text.from_ansi(screens.run_screen(screen)).plain.splitlines()
    cropped = [line for line in lines if line[:1] in BOX_EDGES and line.rstrip()[-1:] not in BOX_EDGES]
    assert not cropped, f"{screen.name} at {screen.width} columns is cut off:\n" + "\n".join(cropped)
