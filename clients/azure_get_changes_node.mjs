// Calls an oxgit server with the official Node `azure-devops-node-api` client (npm,
// pinned by .ci/clients.sh), unchanged: WebApi(orgUrl, PAT handler).getGitApi()
// .getChanges(commit, repository, project, top, skip). The Node client discovers per
// area (OPTIONS {org}/_apis/git) where the Python client asks for every location.
//
// Usage: node clients/azure_get_changes_node.mjs BASE_URL PAT PROJECT REPOSITORY COMMIT [TOP SKIP]
// (PROJECT "-" calls the route without the project segment.) Prints the client's parsed
// GitCommitChanges as JSON; on an error prints {"error": {"status", "message"}}, exit 2.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'target', 'clients', 'node', 'package.json'));
const azdev = require('azure-devops-node-api');

const [base, pat, project, repo, commit, top, skip] = process.argv.slice(2);
const conn = new azdev.WebApi(base, azdev.getPersonalAccessTokenHandler(pat));
try {
  const git = await conn.getGitApi();
  const res = await git.getChanges(
    commit,
    repo,
    project === '-' ? undefined : project,
    top === undefined ? undefined : Number(top),
    skip === undefined ? undefined : Number(skip),
  );
  process.stdout.write(JSON.stringify(res));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: { status: e.statusCode ?? null, message: e.message } }));
  process.exit(2);
}
