"""The small self-supervised text models: a masked LM and a next-word LM, trained here, run on a CPU.

What the demos and the CLI call is one module per job: ``fill_mask.py``,
``next_word.py``, ``generate.py`` (drawing tokens with ``sampling.py``),
``attention.py`` and ``live.py`` ("watch it learn"), on the models that
``registry.py`` loads once, with the input checks of ``checks.py``. The models
are in ``masked_model.py`` and ``causal_model.py``, the training loop in
``train.py``, the corpus in ``corpus.py``, the n-gram baseline in ``ngram.py``,
the evaluation in ``evaluate.py``. README.md beside this file says how the
shipped weights were made. Importing this package loads nothing heavy.
"""
