"""A short line in plain words for each outcome, for young people; staff see the full wording."""

from app.i18n import _l
from app.models import Outcome

# Outcome code -> the line young people read. Every outcome in app/outcome_frameworks.py has one
# (tests/test_outcome_plain_words.py): at most 12 short words, faithful to the source wording
# (../shared/seeds/), with no codes or policy terms. Children's stages speak of children; the
# secondary-school stages of young people.
PLAIN_WORDS = {
    # Children and Young People's Promise: the vision
    "promise.vision.1": _l("The library is an exciting place where reading is fun."),
    "promise.vision.2": _l("Young people learn and make things with tech at the library."),
    "promise.vision.3": _l("All kinds of books and facts help young people read and learn."),
    "promise.vision.4": _l("Young people join in lots of reading, book and arts events."),
    "promise.vision.5": _l("Young people have a say in the library and can help out."),
    "promise.vision.6": _l("The library helps young people stay healthy and feel well."),
    # The library journey: before birth, and before school
    "promise.journey.1.1": _l("Babies and toddlers get a good start in life."),
    "promise.journey.1.2": _l("Babies bond with their parents, feel well and learn to talk."),
    "promise.journey.2.1": _l("Babies and toddlers get a good start in life."),
    "promise.journey.2.2": _l("Little children feel safe, learn to talk and get ready for school."),
    # Starting primary school, and outside school at primary age
    "promise.journey.3.1": _l("Children get better at reading, so those in poor areas catch up."),
    "promise.journey.3.2": _l("Children in the countryside do not feel cut off."),
    "promise.journey.3.3": _l("Children in care and young carers get the same chances."),
    "promise.journey.4.1": _l("Children get better at reading and talking, and aim high."),
    "promise.journey.4.2": _l("Children in poor areas catch up with reading."),
    "promise.journey.4.3": _l("Children in the countryside do not feel cut off."),
    "promise.journey.4.4": _l("Children in care and young carers get the same chances."),
    "promise.journey.4.5": _l("Families and neighbours come together and get on."),
    "promise.journey.4.6": _l("Every child gets a fair chance to get online."),
    "promise.journey.4.7": _l("Children get good at tech and science, and stand up to hate."),
    "promise.journey.4.8": _l("Children get help to feel happy and well in their minds."),
    # Starting secondary school, and outside school at secondary age
    "promise.journey.5.1": _l("Young people build their tech, science and computer skills."),
    "promise.journey.5.2": _l("Young people in the countryside do not feel cut off."),
    "promise.journey.5.3": _l("Young people aim high, pass exams and do well later in life."),
    "promise.journey.5.4": _l("Young people get help moving up to a new school."),
    "promise.journey.5.5": _l("Young people grow as people: kind, fair and strong."),
    "promise.journey.6.1": _l("Young people grow in confidence and get skills for jobs."),
    "promise.journey.6.2": _l("Life gets fairer, and young people are better off."),
    "promise.journey.6.3": _l("Young people take part in their community and get on with others."),
    "promise.journey.6.4": _l("Young people get help to stay well in their minds."),
    # The Universal Offers
    "promise.offer.reading": _l(
        "Reading events for children of all ages, on special days each year."
    ),
    "promise.offer.learning-digital": _l(
        "A place to learn, make things with tech, and stay safe online."
    ),
    "promise.offer.health": _l("Books and facts that help children feel well, in body and mind."),
    "promise.offer.information": _l("Parents find facts and are shown where to get help."),
    "promise.offer.six-steps": _l("Books and things every child can use, whatever their needs."),
    # Arts Council England's Quality Principles
    "promise.ace.1": _l("Things are done really well."),
    "promise.ace.2": _l("Activities are real and true to life."),
    "promise.ace.3": _l("It is exciting and fun to join in."),
    "promise.ace.4": _l("Children come first and have a good time."),
    "promise.ace.5": _l("Children and young people take part and have a say."),
    "promise.ace.6": _l("Children and young people feel they are getting better at things."),
    "promise.ace.7": _l("Children and young people feel the library is theirs."),
    # Quality Leaders Project youth strand: the aims
    "qlp.aim.a": _l("The library's daily work is built on what young people really need."),
    "qlp.aim.b": _l("Library staff learn new skills to make new things young people need."),
    "qlp.aim.c": _l("Young people plan and start new services with the library and others."),
    "qlp.aim.d": _l("Young and old, and people from all walks of life, work together."),
    # Quality Leaders Project youth strand: the outcomes
    "qlp.outcome.a": _l("A new way of working that gives young people real power."),
    "qlp.outcome.b": _l("Library staff and their teams learn new skills."),
    "qlp.outcome.c": _l("New services for young people, above all those who feel left out."),
    "qlp.outcome.d": _l("A guide, so other services can run projects like this."),
    "qlp.outcome.e": _l("The library checks it is fair to all, as the law asks."),
    "qlp.outcome.f": _l("Groups that used to work alone now work together."),
}


def plain_words(outcome: Outcome) -> str:
    """What an outcome means, in words a young reader can follow."""
    line = PLAIN_WORDS.get(outcome.code)
    return str(line) if line is not None else outcome.wording
