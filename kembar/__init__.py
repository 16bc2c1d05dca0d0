"""Kembar: YAML partnership records and Markdown explainers in, a trilingual static site out.

The pipeline, one module per stage: load -> validate -> resolve -> plan -> render -> write.
`pipeline.build` runs the first five; `cli` is the command line.
"""
