"""The vote profile's grouping: each py-spy sample goes to the part of the request it is in."""

from bench import spy

ROOT = "run (gunicorn/workers/sync.py:120);handle (gunicorn/workers/sync.py:140)"
REQUEST = f"{ROOT};Flask.wsgi_app (flask/app.py:1479)"


def test_a_sample_goes_to_the_innermost_part_it_is_in():
    """The sign-in check runs inside the rate limits' check (they ask who is signed in): its
    samples are the sign-in check's, and the limits keep only their own."""
    before = "Flask.preprocess_request (flask/app.py:1271)"
    limits = f"{REQUEST};{before};WriteLimits.before (app/limits.py:226)"
    signed_in = f"{limits};load_signed_in_user (app/auth/sessions.py:119);execute (x.py:1)"
    assert spy.part_of(limits) == "rate limits"
    assert spy.part_of(signed_in) == "sign-in check (person and sign-in row)"


def test_a_function_of_another_file_with_the_same_name_is_not_taken_for_it():
    """`before` in another module is not the rate limits'; outside any request is gunicorn's."""
    assert spy.part_of(f"{REQUEST};Thing.before (app/other.py:3)") == "Flask and Werkzeug"
    assert spy.part_of(f"{ROOT};wait (selectors.py:1)") == "gunicorn: read, parse, write"
    assert spy.part_of("<module> (bench/x.py:1)") == "other"


def test_the_summary_gives_milliseconds_of_cpu_per_vote(tmp_path):
    """100 samples a second: 50 samples for one vote are 500 ms of CPU."""
    path = tmp_path / "votes.txt"
    cast = f"{REQUEST};cast_vote (app/ideas/services.py:469)"
    path.write_text(f"{cast} 30\n{REQUEST};Compress.after_request (flask_compress/x.py:228) 20\n")
    rows = {label: (ms, share) for label, ms, share in spy.summary(path, votes=1)}
    assert rows["cast_vote (statements, commit)"] == (300.0, 0.6)
    assert rows["Brotli and gzip"] == (200.0, 0.4)
