"""``sdelint serve``: the HTTP validation service.

Importing this package (or ``validator.serve.command``) never imports uvicorn
or starlette: the ``serve`` extra is needed only to run the service, so the
command line stays light for pre-commit.

Modules:

- ``settings``: the service's settings, passed from the command to each worker in
  environment variables (uvicorn starts workers from an import string);
- ``service``: linting a request body into a report, with no web framework in it;
- ``metrics``: counters and a histogram in the Prometheus text format;
- ``openapi``: the hand-written OpenAPI 3 document served at ``/openapi.json``;
- ``app``: the ASGI application (starlette), built by the factory ``create_app``;
- ``command``: the click command.
"""
