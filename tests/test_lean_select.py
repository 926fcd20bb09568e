"""The lean select writes exactly the markup WTForms' own select writes, only faster."""

from wtforms import Form, SelectChoice, SelectField
from wtforms.widgets import Select

from app.fields import LeanSelect

CHOICES = [
    SelectChoice("", "Any"),
    SelectChoice("cyp.1", "Safe & <well>"),
    SelectChoice('say "yes"', "Quotes"),
    SelectChoice(True, "A yes"),
    SelectChoice(7, "A number"),
    SelectChoice("same", ""),
]
MARKED = [SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")]


class Both(Form):
    """The same field twice: with WTForms' widget and with the lean one."""

    plain = SelectField(choices=CHOICES, widget=Select())
    lean = SelectField(choices=CHOICES, widget=LeanSelect())
    marked = SelectField(choices=MARKED, widget=LeanSelect())
    marked_plain = SelectField(choices=MARKED)


def markup(field) -> str:
    """The field's options, without its own name and id."""
    return str(field()).split(">", 1)[1]


def test_each_option_is_written_as_wtforms_writes_it():
    for chosen in ["", "cyp.1", 'say "yes"', "True", "7", "same", "nothing"]:
        form = Both(data={"plain": chosen, "lean": chosen})
        assert markup(form.lean) == markup(form.plain), chosen
    assert '<option selected value="cyp.1">Safe &amp; &lt;well&gt;</option>' in markup(
        Both(data={"lean": "cyp.1"}).lean
    )


def test_an_option_with_attributes_of_its_own_goes_the_long_way():
    form = Both(data={"marked": "b", "marked_plain": "b"})
    assert markup(form.marked) == markup(form.marked_plain)
    assert "disabled" in markup(form.marked)
