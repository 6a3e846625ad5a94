"""The client: settings applied, one openai client pair per instance, the calls, the streams
and the embeddings; every failure leaves as a typed error."""

from ovh_responses.client.calls import DEFAULT_EMBED_BATCH_SIZE, ResponsesClient

__all__ = ["DEFAULT_EMBED_BATCH_SIZE", "ResponsesClient"]
