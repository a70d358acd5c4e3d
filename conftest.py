"""pytest-odoo settings for the project: a warning or error logged by Odoo fails the run.

Odoo's own test runner counts logged errors as failures; pytest does not, so this file does it,
for warnings too. Records muted on purpose (``odoo.tools.mute_logger``, ``assertLogs``) never
reach the root logger and are not counted.
"""

import logging

import pytest

import odoo.tools

# pytest-odoo imports odoo.tests before it turns test mode on, and Odoo then logs an error
# ("Importing test framework ... when not running in test mode"). Import it here in test mode.
# Test mode is not left on: with it, loading the registry would run every module's tests.
odoo.tools.config["test_enable"] = True
import odoo.tests  # noqa: E402

odoo.tools.config["test_enable"] = False


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []
        self.reported = 0

    def emit(self, record):
        self.records.append(record)

    def take_unreported(self):
        new = self.records[self.reported :]
        self.reported = len(self.records)
        return new


_collector = _LogCollector()
_outside_tests = []


def _describe(records):
    return "\n".join(f"  {record.levelname} {record.name}: {record.getMessage()}" for record in records)


def pytest_configure(config):
    logging.getLogger().addHandler(_collector)


@pytest.fixture(autouse=True)
def _fail_on_logged_warnings():
    _outside_tests.extend(_collector.take_unreported())  # class set-up: reported at session end
    yield
    records = _collector.take_unreported()
    if records:
        pytest.fail("Odoo logged warnings or errors during this test:\n" + _describe(records))


def pytest_sessionfinish(session, exitstatus):
    _outside_tests.extend(_collector.take_unreported())
    if _outside_tests:
        session.config._debt_log_failures = _outside_tests
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    records = getattr(config, "_debt_log_failures", None)
    if records:
        terminalreporter.section("warnings logged outside tests (class set-up, teardown)", red=True)
        terminalreporter.write_line(_describe(records))
        terminalreporter.write_line("FAILED: Odoo logged warnings or errors outside the tests", red=True)
