"""The ``/v1/responses`` wire format: input items, tools, structured output, and the reading of
an answer (:mod:`~.answer`) and of its stream (:mod:`~.stream`)."""
