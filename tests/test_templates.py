"""Templates keep every visible word translatable and every page free of inline script."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
LABEL_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.parent.name + "/" + p.name)
def test_template_text_goes_through_translation(template):
    """No words sit in a template outside {{ _() }}, in text or in labelling attributes."""
    source = template.read_text()
    without_jinja = JINJA.sub(" ", source)
    for value in LABEL_ATTRIBUTE.findall(without_jinja):
        assert not re.search(r"[A-Za-z]{2,}", value), f"untranslated attribute {value!r}"
    text = TAG.sub(" ", without_jinja)
    words = re.findall(r"[A-Za-z]{2,}", text)
    assert words == [], f"untranslated text in {template.name}: {words[:10]}"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.parent.name + "/" + p.name)
def test_template_has_no_inline_script_or_handlers(template):
    """Everything must run under a Content Security Policy without 'unsafe-inline'."""
    source = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", source)
    assert not re.search(r"\son[a-z]+\s*=", source)
    assert "style=" not in source
