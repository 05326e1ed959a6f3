"""One SDK call under an injected 429 burst: usage sdk_throttled_step.py BASE_URL TOKEN.

Creates a resource group with ResourceManagementClient (retry backoff 0, so only Retry-After can make it wait)
and prints `RESULT {"elapsed": seconds, "name": ...}`.
"""

import json
import sys
import time

from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.resource.resources import ResourceManagementClient

BASE_URL, TOKEN = sys.argv[1], sys.argv[2]


class StaticCredential:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(TOKEN, int(time.time()) + 3600)


class BearerOverHttp(SansIOHTTPPolicy):
    def on_request(self, request):
        request.http_request.headers["Authorization"] = f"Bearer {TOKEN}"


client = ResourceManagementClient(
    StaticCredential(), "5f0c3c8e-1d2b-4a47-9d0e-6b1a2c3d4e5f", base_url=BASE_URL,
    authentication_policy=BearerOverHttp(), retry_backoff_factor=0,
)
started = time.monotonic()
group = client.resource_groups.create_or_update("throttled-rg", {"location": "eastus"})
print("RESULT " + json.dumps({"elapsed": time.monotonic() - started, "name": group.name}), flush=True)
