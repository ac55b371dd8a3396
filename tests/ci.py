"""Whether the tests run in CI, where a test that needs a missing system tool fails, never skips."""

import os

TRUE_WORDS = {"1", "true", "yes", "on"}


def under_ci():
    return os.environ.get("CI", "").strip().lower() in TRUE_WORDS
