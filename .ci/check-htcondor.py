#!/usr/bin/env python3
"""Checks HTCondor submit descriptions without a running pool.

Usage: python3 .ci/check-htcondor.py FILE.sub...

Each file is parsed with htcondor2.Submit, which comes with the PyPI package
htcondor (install it with `python3 -m pip install htcondor`; this script
installs nothing). A file passes when the parser accepts it, it names a
non-empty executable, it has a queue statement whose arguments the bindings can
expand, and its environment and arguments values are quoted the way
condor_submit reads them. The script prints `ok FILE` for each good file and an
error line for each problem, and exits 1 if any file failed.
"""

import os
import sys

try:
    import htcondor2
except ImportError:
    sys.exit("check-htcondor: the htcondor2 module is missing; "
             "install it with `python3 -m pip install htcondor`")

# Submit() stops parsing at the first queue statement, and str(sub) and
# getQArgs() look the same for a bare `queue` as for no queue at all. So we
# parse the text a second time with this key and a queue line appended: the key
# shows up only if the parser found no queue statement of its own before it.
SENTINEL = "prodc_check_htcondor_sentinel"


def split_v2(raw):
    """Splits a V2 string on whitespace, honouring single quotes as condor does.

    Inside single quotes whitespace is kept and a doubled quote stands for one
    quote; an unbalanced single quote is an error, reported as ValueError.
    """
    words, word, in_word, i = [], "", False, 0
    while i < len(raw):
        c = raw[i]
        if c == "'":
            in_word = True
            i += 1
            while True:
                if i >= len(raw):
                    raise ValueError("unbalanced single quote")
                if raw[i] == "'":
                    if raw[i + 1:i + 2] == "'":
                        word += "'"
                        i += 2
                        continue
                    i += 1
                    break
                word += raw[i]
                i += 1
        elif c.isspace():
            if in_word:
                words.append(word)
            word, in_word = "", False
            i += 1
        else:
            word += c
            in_word = True
            i += 1
    if in_word:
        words.append(word)
    return words


def unquote_v2(value):
    """Turns a double-quoted V2 value into its raw text, as condor_submit does.

    A doubled double quote stands for one; the value must end with the closing
    quote, apart from trailing whitespace.
    """
    text, raw, i = value.strip(), "", 1
    while i < len(text):
        if text[i] == '"':
            if text[i + 1:i + 2] == '"':
                raw += '"'
                i += 2
                continue
            if text[i + 1:].strip():
                raise ValueError("characters after the closing double quote "
                                 "(a literal quote is written twice)")
            return raw
        raw += text[i]
        i += 1
    raise ValueError("unterminated double quote")


def check_environment(value):
    """Returns the problems of an environment value, in either syntax."""
    if value.lstrip().startswith('"'):
        entries = split_v2(unquote_v2(value))
    else:
        # The old syntax separates entries with semicolons; a double quote in
        # it is almost always a quoted value that lost its opening quote.
        if '"' in value:
            return ["environment has a double quote but does not start with one"]
        entries = [e.strip() for e in value.split(";") if e.strip()]
    return [f"environment entry {e!r} is not NAME=VALUE"
            for e in entries if "$$" not in e and e.find("=") < 1]


def check_arguments(value):
    """Returns the problems of an arguments value; only V2 has rules to break."""
    if value.lstrip().startswith('"'):
        split_v2(unquote_v2(value))
    return []


def check_text(path, text):
    """Returns the list of problems found in one submit description."""
    sub = htcondor2.Submit(text)
    problems = []
    if not sub.get("executable", "").strip():
        problems.append("no executable")
    probe = htcondor2.Submit(f"{text}\n\n{SENTINEL} = 1\nqueue\n")
    if SENTINEL in probe:
        problems.append("no queue statement")
    else:
        # Expanding the item data checks the queue arguments; item files named
        # in them are read relative to the submit file, as condor_submit would.
        here = os.getcwd()
        try:
            os.chdir(os.path.dirname(os.path.abspath(path)))
            items = sub.itemdata()
            if items is not None:
                list(items)
        except ValueError as err:
            problems.append(f"queue {sub.getQArgs()}: {err}")
        finally:
            os.chdir(here)
    for key, check in (("environment", check_environment),
                       ("arguments", check_arguments)):
        value = sub.get(key)
        if value:
            try:
                problems += check(value)
            except ValueError as err:
                problems.append(f"{key}: {err}")
    return problems


def main(paths):
    if not paths:
        sys.exit(__doc__.strip().splitlines()[2])
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                problems = check_text(path, f.read())
        except (OSError, UnicodeDecodeError, ValueError,
                htcondor2.HTCondorException) as err:
            problems = [str(err) or type(err).__name__]
        if problems:
            failed = True
            for problem in problems:
                print(f"error {path}: {problem}", file=sys.stderr)
        else:
            print(f"ok {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
