"""The small self-supervised text models: a masked LM and a next-word LM, trained here, run on a CPU.

Start with :mod:`sslgloss.ml.infer` (what the demos and the CLI call); the
models are in ``masked_model.py`` and ``causal_model.py``, the training loop in
``train.py``, the corpus in ``corpus.py``, the n-gram baseline in ``ngram.py``,
the evaluation in ``evaluate.py``. README.md beside this file says how the
shipped weights were made. Importing this package loads nothing heavy.
"""
