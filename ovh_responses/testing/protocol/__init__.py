"""The local endpoint's protocol side: the server and its routes, the platform's request checks,
the answers as JSON bodies and SSE events, injected faults and the request log."""
