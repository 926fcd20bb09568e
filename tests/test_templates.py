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


# An idea's words printed as the content of an element: `{{ idea.title }}`, `{{ shown.description
# |truncate(200) }}` and the like (in a sentence of the page's own they go through title_in).
IDEA_WORDS = re.compile(
    r"\{\{ (?:idea|held|other|kept|duplicate|credit\.joined|marked|shown|revision)"
    r"\.(?:title|description)\b[^}]*\}\}"
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.parent.name + "/" + p.name)
def test_an_ideas_words_are_in_an_element_marked_with_their_language(template):
    """The element holding an idea's title or description says which language it is in, and
    lets the browser set its direction from its first letters."""
    source = template.read_text()
    for found in IDEA_WORDS.finditer(source):
        before = source[: found.start()]
        if before.rstrip().endswith("{% block title %}") or "<" not in before:
            continue
        if before.rfind("<") > before.rfind(">"):  # an attribute's value, such as aria-label
            continue
        element = before[before.rindex("<") :]
        assert re.match(r"<\w", element), f"{template.name}: {found.group(0)} is not in an element"
        assert 'lang="{{' in element and 'dir="auto"' in element, (
            f"{template.name}: {element}{found.group(0)}"
        )
