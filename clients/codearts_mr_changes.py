"""Calls an oxgit server with the real `huaweicloudsdkcodeartsrepo` client (PyPI,
pinned by .ci/clients.sh), unchanged: CodeArtsRepoClient.list_merge_request_changes,
i.e. GET /v4/repositories/{repository_id}/merge-requests/{merge_request_iid}/changes.

Usage: python codearts_mr_changes.py BASE_URL AK SK PROJECT_ID REPOSITORY_ID IID [TOKEN]
The SDK signs every request with AK/SK (SDK-HMAC-SHA256 `Authorization`, `X-Sdk-Date`,
`X-Project-Id`); it has no X-Auth-Token mode. With TOKEN, the token is added as the
`X-Auth-Token` header through the SDK's own request hook (HttpHandler), as an IAM-token
user of the SDK would. Prints {"parsed": <the SDK's model, to_dict()>, "raw": <the body
the SDK received, from its raw_content>, "x_total": ...} as JSON — raw because the SDK's
SimpleMergeRequestChangesDto model (3.1.219) has no `changes`/`diff_refs` members and
drops them — or {"error": {"status", "error_code", "error_msg"}} and exit 2.
"""
import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcodeartsrepo.v4 import CodeArtsRepoClient, ListMergeRequestChangesRequest


def main():
    base, ak, sk, project_id, repo_id, iid = sys.argv[1:7]
    token = sys.argv[7] if len(sys.argv) > 7 else None
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.retry_times = 0
    builder = (
        CodeArtsRepoClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoint(base)
    )
    if token:
        def add_token(request, logger=None):
            request.header_params["X-Auth-Token"] = token
        builder = builder.with_http_handler(HttpHandler().add_request_handler(add_token))
    client = builder.build()
    try:
        resp = client.list_merge_request_changes(
            ListMergeRequestChangesRequest(repository_id=int(repo_id), merge_request_iid=int(iid))
        )
    except exceptions.ClientRequestException as e:
        json.dump({"error": {"status": e.status_code, "error_code": e.error_code, "error_msg": e.error_msg}}, sys.stdout)
        sys.exit(2)
    raw = json.loads(resp.raw_content.decode("utf-8")) if resp.raw_content else None
    json.dump({"parsed": resp.to_dict(), "raw": raw, "x_total": resp.x_total}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
