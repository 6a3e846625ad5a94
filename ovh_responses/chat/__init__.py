"""The ``/v1/chat/completions`` route, for models ``/v1/responses`` does not serve: a Responses
body as a chat request (:mod:`~ovh_responses.chat.request`), and a chat answer or stream as
what ``/v1/responses`` gives (:mod:`~ovh_responses.chat.answer`)."""
