"""docs/rules.md is generated from the rules themselves; this fails when it is stale."""

from __future__ import annotations

from envcheck.docs import render_markdown, source_links
from envcheck.rules.registry import all_rules
from tests.conftest import REPO


def test_docs_rules_md_is_up_to_date() -> None:
    expected = render_markdown(all_rules())
    actual = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `envcheck rules --format markdown > docs/rules.md`"


def test_every_rule_names_a_source_and_most_link_to_it() -> None:
    rules = all_rules()
    for r in rules:
        assert r.sections().get("Source"), f"{r.code} names no source for its fact"
    linked = [r.code for r in rules if source_links(r.sections()["Source"])]
    assert len(linked) >= len(rules) * 3 // 4, f"only {len(linked)} of {len(rules)} rules link their source"


def test_links_are_resolved_from_source_lines() -> None:
    links = source_links("RFC 6265 §5.3 step 6; laravel/framework#31987")
    assert ("RFC 6265 §5.3", "https://www.rfc-editor.org/rfc/rfc6265#section-5.3") in links
    assert ("laravel/framework#31987", "https://github.com/laravel/framework/issues/31987") in links
