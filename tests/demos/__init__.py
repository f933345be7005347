"""Tests of the Streamlit demo app and the scenario models behind it."""
