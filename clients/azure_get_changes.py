"""Calls an oxgit server with the official Python `azure-devops` client, unchanged.

Usage: python azure_get_changes.py BASE_URL PAT PROJECT REPOSITORY COMMIT [TOP SKIP]
(BASE_URL is the organization URL, e.g. http://127.0.0.1:8080/fabrikam; PROJECT may be
"-" to call the route without the project segment.) Prints one JSON object on stdout:
{"changeCounts": {...}, "changes": [{"path", "changeType", "gitObjectType",
"objectId", "originalObjectId", "isFolder", "sourceServerItem"}...]}, built from the
client's parsed model objects (not from raw HTTP), so the test checks what the client
understood. The client's option cache lives in a temporary folder so that no earlier
run's discovery answers are reused.
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("AZURE_DEVOPS_CACHE_DIR", tempfile.mkdtemp(prefix="azdo-cache-"))

from azure.devops.connection import Connection  # noqa: E402
from msrest.authentication import BasicAuthentication  # noqa: E402


def main():
    base, pat, project, repo, commit = sys.argv[1:6]
    top = int(sys.argv[6]) if len(sys.argv) > 6 else None
    skip = int(sys.argv[7]) if len(sys.argv) > 7 else None
    conn = Connection(base_url=base, creds=BasicAuthentication("", pat))
    git = conn.clients_v7_1.get_git_client()
    res = git.get_changes(commit, repo, project=None if project == "-" else project, top=top, skip=skip)
    out = {"changeCounts": res.change_counts, "changes": []}
    for c in res.changes:
        # GitChange items arrive as plain dicts (the model types `item` as object).
        item = c["item"] if isinstance(c, dict) else c.item
        entry = c if isinstance(c, dict) else c.as_dict()
        out["changes"].append({
            "path": item.get("path"),
            "changeType": entry.get("changeType", entry.get("change_type")),
            "gitObjectType": item.get("gitObjectType"),
            "objectId": item.get("objectId"),
            "originalObjectId": item.get("originalObjectId"),
            "isFolder": item.get("isFolder", False),
            "sourceServerItem": entry.get("sourceServerItem", entry.get("source_server_item")),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
