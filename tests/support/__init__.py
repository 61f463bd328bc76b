"""Helpers shared by the tests (servers, builders); not collected as tests."""
