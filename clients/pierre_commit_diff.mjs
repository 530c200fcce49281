// Calls an oxgit server with the real `@pierre/storage` SDK (npm, pinned by
// .ci/clients.sh), unchanged: the SDK signs its own ES256 JWT from the private key.
//
// Usage: node clients/pierre_commit_diff.mjs BASE_URL ORG KEY_PEM_FILE REPO SHA
//          [--base SHA] [--path P]... [--token JWT]
// Prints the SDK's parsed GetCommitDiffResult as JSON; on an API error prints
// {"error": {"status", "message"}} and exits 2.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'target', 'clients', 'node', 'package.json'));
const { GitStorage } = await import(require.resolve('@pierre/storage'));

const [base, org, keyFile, repoId, sha, ...rest] = process.argv.slice(2);
const opts = { sha };
const paths = [];
let token;
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--base') opts.baseSha = rest[i + 1];
  else if (rest[i] === '--path') paths.push(rest[i + 1]);
  else if (rest[i] === '--token') token = rest[i + 1];
  else throw new Error(`unknown option ${rest[i]}`);
}
if (paths.length) opts.paths = paths;
const storage = new GitStorage(
  token ? { name: org, token, apiBaseUrl: base } : { name: org, key: readFileSync(keyFile, 'utf8'), apiBaseUrl: base },
);
const repo = storage.repo({ id: repoId });
try {
  const result = await repo.getCommitDiff(opts);
  process.stdout.write(JSON.stringify(result));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: { status: e.status ?? null, message: e.message } }));
  process.exit(2);
}
