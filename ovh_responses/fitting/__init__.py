"""Fitting requests to models: what each model is expected to do
(:mod:`~ovh_responses.fitting.profiles`), the request made to fit it
(:mod:`~ovh_responses.fitting.request`) and the answer made to fit what the caller asked
(:mod:`~ovh_responses.fitting.answer`, :mod:`~ovh_responses.fitting.stop`), what the server
refused (:mod:`~ovh_responses.fitting.learned`), and the route and retry
(:mod:`~ovh_responses.fitting.routing`)."""
