"""The panels' HTML: model text never becomes markup."""

from __future__ import annotations

from sim.app.dashboard import markup


def test_table_escapes_its_cells_and_marks_its_rows() -> None:
    html = markup.table(["Who", "<b>What</b>"], [["<script>x</script>", ("a & b", "note <i>")]],
                        row_classes=["agent-decision"], numeric=[1])
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;What&lt;/b&gt;" in html and "a &amp; b" in html and "note &lt;i&gt;" in html
    assert '<tr class="agent-decision">' in html and html.count('style="text-align: right"') == 2


def test_legend_item_escapes_its_label() -> None:
    item = markup.legend_item(markup.symbol("triangle-up", "#1f77b4"), "camps <closed>")
    assert item.endswith("camps &lt;closed&gt;</span>") and "<svg" in item
