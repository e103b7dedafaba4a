"""The dates entry of the toy-task benchmark (lesson 07) runs in quick mode and prints its row."""

from benchmarks import toy_tasks


def test_dates_entry_quick(capsys, one_thread):
    assert any(name.startswith("dates") for name, _ in toy_tasks.TASKS)
    toy_tasks.main(["--quick", "--only", "dates"])  # sets one thread; the one_thread fixture restores the count
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("dates")]
    assert len(rows) == 1
    acc, seconds = (float(v) for v in rows[0].split(")")[1].split()[:2])
    assert 0.0 <= acc <= 1.0 and seconds > 0
    assert "1000 held-out dates" in rows[0]
