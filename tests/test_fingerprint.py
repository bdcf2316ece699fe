"""Errors are grouped by cause: the fingerprint, from real tracebacks."""

import importlib.util
import json
import logging
import sys
from functools import partial

from django.test import RequestFactory
from django.urls import resolve

from microblog.errors.fingerprint import fingerprint


def record_of(raise_it, path="/index"):
    """The log record Django writes for an exception raised while serving `path`."""
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    try:
        raise_it()
    except Exception:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
    record.request = request
    return record


def parse_settings_page():
    json.loads("settings page")  # the library raises, in its own code


def parse_profile_page():
    json.loads("profile page")


def fail_twice(n):
    if n:
        return fail_twice(n - 1)
    raise KeyError("deep")


def test_the_same_fault_on_the_same_path_is_one_group():
    first, second = record_of(parse_settings_page), record_of(parse_settings_page)

    assert fingerprint(first) == fingerprint(second)


def test_one_library_line_reached_from_two_places_of_ours_is_two_groups():
    assert fingerprint(record_of(parse_settings_page)) != fingerprint(record_of(parse_profile_page))


def test_the_same_fault_in_two_views_is_two_groups():
    at_home = record_of(parse_settings_page, "/index")
    on_a_profile = record_of(parse_settings_page, "/user/susan")

    assert fingerprint(at_home) != fingerprint(on_a_profile)


def test_the_message_does_not_split_a_group():
    def fail(value):
        raise ValueError(f"bad value {value}")

    assert fingerprint(record_of(lambda: fail(1))) == fingerprint(record_of(lambda: fail(2)))


def test_the_exception_type_splits_a_group():
    def fail(error):
        raise error

    assert fingerprint(record_of(lambda: fail(KeyError()))) != fingerprint(
        record_of(lambda: fail(IndexError()))
    )


def test_the_path_through_our_code_splits_a_group():
    assert fingerprint(record_of(lambda: fail_twice(1))) != fingerprint(
        record_of(lambda: fail_twice(2))
    )


def library_only(call):
    """The record of an error whose traceback holds only the standard library's frames."""
    record = record_of(call)
    _, error, tb = record.exc_info
    record.exc_info = (type(error), error, tb.tb_next.tb_next)  # drop record_of's and the lambda's
    return record


def test_without_a_frame_of_ours_the_library_frames_count():
    decoding = library_only(lambda: json.loads("x"))
    decoding_again = library_only(lambda: json.loads("y"))
    encoding = library_only(lambda: json.dumps(object()))

    assert fingerprint(decoding) == fingerprint(decoding_again)
    assert fingerprint(decoding) != fingerprint(encoding)


class LookupFailed(Exception):
    """One exception type that code re-raises for faults of several causes."""


def parse_settings():
    json.loads("settings")


def read_profile():
    return {}["profile"]


def look_up(source):
    try:
        return source()
    except Exception as error:
        raise LookupFailed("lookup failed") from error


def test_two_faults_re_raised_as_one_exception_type_are_two_groups():
    settings_fault = record_of(partial(look_up, parse_settings))
    profile_fault = record_of(partial(look_up, read_profile))

    assert fingerprint(settings_fault) != fingerprint(profile_fault)


def test_the_same_chained_fault_is_still_one_group():
    first = record_of(partial(look_up, parse_settings))
    second = record_of(partial(look_up, parse_settings))

    assert fingerprint(first) == fingerprint(second)


FAULTY_MODULE = """
def fail():
    return {}["missing"]
"""


def fingerprint_installed_in(folder, settings):
    """The fingerprint of one fault, raised by the same code installed in `folder`, as a host
    that deployed into a directory of its own has it."""
    (folder / "faultyapp").mkdir()
    source = folder / "faultyapp" / "views.py"
    source.write_text(FAULTY_MODULE)
    spec = importlib.util.spec_from_file_location("faultyapp.views", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings.BASE_DIR = folder
    return fingerprint(record_of(module.fail))


def test_the_same_fault_installed_in_two_directories_is_one_group(tmp_path, settings):
    (tmp_path / "release-1").mkdir()
    (tmp_path / "release-2").mkdir()

    first = fingerprint_installed_in(tmp_path / "release-1", settings)
    second = fingerprint_installed_in(tmp_path / "release-2", settings)

    assert first == second
