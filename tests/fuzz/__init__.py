"""Fuzzing every input of the app (issue 10 §4): see test_inputs.py and test_api_schema.py."""
