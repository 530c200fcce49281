//! Azure DevOps commit changes against the real binary: the spec's examples (appendix A
//! demo repository) field for field, paging, errors, discovery, and change lists checked
//! against `git diff-tree -t` on merge, rename and root commits.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::{json, Value};
use server_support::{root_with, Server};

const C1: &str = "ebe3fe44ddb3b5bbaf75be9c9e830533231070bb";
const C2: &str = "15328969158d082b85585cb3c8d32d9e0dbda315";
const C3: &str = "3d437350ad89ab35b7d884b8ee474139319e44a2";
const B: &str = "https://dev.azure.com/fabrikam/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/_apis/git/repositories/278d5cd2-584d-4b63-824a-2ba458937249/items";

fn demo_server() -> Server {
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "azure");
    Server::start(&root, &["--root", root.to_str().unwrap()])
}

fn changes_url(commit: &str, query: &str) -> String {
    format!("/fabrikam/demo/_apis/git/repositories/demo/commits/{commit}/changes?{query}")
}

fn item(obj: &str, orig: Option<&str>, ty: &str, commit: &str, path: &str, change: &str) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("objectId".into(), obj.into());
    if let Some(o) = orig {
        item.insert("originalObjectId".into(), o.into());
    }
    item.insert("gitObjectType".into(), ty.into());
    item.insert("commitId".into(), commit.into());
    item.insert("path".into(), path.into());
    if ty == "tree" {
        item.insert("isFolder".into(), true.into());
    }
    let esc = path[1..].replace('/', "%2F");
    item.insert(
        "url".into(),
        format!("{B}/{esc}?versionType=Commit&version={commit}").into(),
    );
    json!({"item": Value::Object(item), "changeType": change})
}

fn example_2a() -> Value {
    let mut rename = item(
        "b5d2f1ab52dc0035bd4dfc54d09653b8f4db4cdd",
        Some("b5d2f1ab52dc0035bd4dfc54d09653b8f4db4cdd"),
        "blob",
        C2,
        "/docs/manual.md",
        "rename",
    );
    rename["sourceServerItem"] = "/docs/guide.md".into();
    json!({
        "changeCounts": {"Edit": 3, "Delete, SourceRename": 1, "Rename": 1, "Add": 1},
        "changes": [
            item("94954abda49de8615a048f8d2e64b5de848e27a1", Some("ce013625030ba8dba906f756967f9e9ca394464a"), "blob", C2, "/README.md", "edit"),
            item("14fa4ac01ef6eab9b0c984fcc0295041825f989e", Some("8a9320c3635f475180a3419a1ac1fafa74d97ecd"), "tree", C2, "/docs", "edit"),
            item("", Some("b5d2f1ab52dc0035bd4dfc54d09653b8f4db4cdd"), "blob", C2, "/docs/guide.md", "delete, sourceRename"),
            rename,
            item("5664a8e11c2bdf35c23ab538e90ff7a36a9dd7c1", Some("b06664e8f5ef9c1a62c25fbae4b2cebad700d251"), "tree", C2, "/src", "edit"),
            item("b4a2a9e5dd8d2837e72b08ba362ab652d06b249c", None, "blob", C2, "/src/lib.rs", "add"),
        ]
    })
}

#[test]
fn spec_examples_field_for_field() {
    let s = demo_server();
    // 2.a
    let r = s.get(&changes_url(C2, "api-version=7.1"), &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("link"),
        None,
        "no Link header when nothing remains"
    );
    let body = r.json();
    assert_eq!(body, example_2a());
    // Member order is part of the contract (clients may not care, the spec does).
    let text = String::from_utf8(r.body.clone()).unwrap();
    assert!(text.starts_with("{\"changeCounts\":{\"Edit\":3,\"Delete, SourceRename\":1,\"Rename\":1,\"Add\":1},\"changes\":[{\"item\":{\"objectId\""));
    assert!(text.contains("\"changeType\":\"rename\",\"sourceServerItem\":\"/docs/guide.md\"}"));
    // 2.b: paging keeps changeCounts, returns entries 1..3 and an empty Link header.
    let r = s.get(&changes_url(C2, "top=2&skip=1&api-version=7.1"), &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("link"), Some(""));
    let mut want = example_2a();
    let all = want["changes"].as_array().unwrap().clone();
    want["changes"] = Value::Array(all[1..3].to_vec());
    assert_eq!(r.json(), want);
    // Paging edges: the last page has no Link; past the end is empty; top<1 means 1.
    let r = s.get(&changes_url(C2, "top=2&skip=4&api-version=7.1"), &[]);
    assert_eq!(r.header("link"), None);
    assert_eq!(r.json()["changes"].as_array().unwrap().len(), 2);
    let r = s.get(&changes_url(C2, "skip=99&api-version=7.1"), &[]);
    assert_eq!(r.json()["changes"], json!([]));
    assert_eq!(r.json()["changeCounts"], example_2a()["changeCounts"]);
    let r = s.get(&changes_url(C2, "top=0&skip=-5&api-version=7.1"), &[]);
    assert_eq!(r.json()["changes"], json!([all[0].clone()]));
    assert_eq!(r.header("link"), Some(""));
    // 2.c
    let r = s.get(&changes_url(C3, "api-version=7.1"), &[]).json();
    assert_eq!(
        r,
        json!({
            "changeCounts": {"Add": 3, "Delete": 2},
            "changes": [
                item("9673218d1830538221684a631081251a67fdcfeb", None, "tree", C3, "/assets", "add"),
                item("029ace0fcbb58feb758971feed0457fd34dbb60b", None, "blob", C3, "/assets/logo.png", "add"),
                item("", Some("14fa4ac01ef6eab9b0c984fcc0295041825f989e"), "tree", C3, "/docs", "delete"),
                item("", Some("b5d2f1ab52dc0035bd4dfc54d09653b8f4db4cdd"), "blob", C3, "/docs/manual.md", "delete"),
                item("ea4d7907814abf56a69559963ff441f8c430b129", None, "blob", C3, "/package-lock.json", "add"),
            ]
        })
    );
    // 2.d: root commit, everything added, folders included.
    let r = s.get(&changes_url(C1, "api-version=7.1"), &[]).json();
    assert_eq!(r["changeCounts"], json!({"Add": 5}));
    let paths: Vec<(&str, &str)> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["item"]["path"].as_str().unwrap(),
                c["changeType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("/README.md", "add"),
            ("/docs", "add"),
            ("/docs/guide.md", "add"),
            ("/src", "add"),
            ("/src/main.rs", "add")
        ]
    );
    assert!(r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["item"].get("originalObjectId").is_none()));
    // 2.e
    let r = s.get(
        &changes_url(
            "0000000000000000000000000000000000000001",
            "api-version=7.1",
        ),
        &[],
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"$id":"1","innerException":null,"message":"Commit 0000000000000000000000000000000000000001 does not exist in repository demo.",
               "typeName":"Microsoft.TeamFoundation.Git.Server.GitCommitDoesNotExistException, Microsoft.TeamFoundation.Git.Server",
               "typeKey":"GitCommitDoesNotExistException","errorCode":0,"eventId":3000})
    );
}

fn type_key(r: &server_support::Response) -> String {
    r.json()["typeKey"].as_str().unwrap_or_default().to_string()
}

#[test]
fn errors_and_routes_without_project() {
    let s = demo_server();
    // Without the project segment the repository is named by its GUID (case-insensitive).
    for id in [
        "278d5cd2-584d-4b63-824a-2ba458937249",
        "278D5CD2-584D-4B63-824A-2BA458937249",
    ] {
        let r = s.get(
            &format!("/fabrikam/_apis/git/repositories/{id}/commits/{C2}/changes?api-version=7.1"),
            &[],
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.json(), example_2a());
    }
    // The project by its id; names ignoring case.
    let r = s.get(&format!("/fabrikam/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"), &[]);
    assert_eq!(r.json(), example_2a());
    let r = s.get(
        &format!("/FABRIKAM/Demo/_apis/git/repositories/DEMO/commits/{C2}/changes?api-version=7.1"),
        &[],
    );
    assert_eq!(r.json(), example_2a());
    // api-version in the Accept header, as the official clients send it.
    let r = s.get(
        &changes_url(C2, ""),
        &[("Accept", "application/json;api-version=7.1-preview.1")],
    );
    assert_eq!(r.status, 200);
    let cases: &[(&str, u16, &str)] = &[
        (&changes_url(C2, ""), 400, "VssVersionNotSpecifiedException"),
        (&changes_url(C2, "api-version=7.3"), 400, "VssVersionOutOfRangeException"),
        (&changes_url(C2, "api-version=banana"), 400, "VssInvalidApiVersionException"),
        (&changes_url("abc", "api-version=7.1"), 400, "ArgumentException"),
        (&changes_url(&C2[..39], "api-version=7.1"), 400, "ArgumentException"),
        (&changes_url(C2, "api-version=7.1&top=x"), 400, "ArgumentException"),
        // A tree id is not a commit.
        (&changes_url("14fa4ac01ef6eab9b0c984fcc0295041825f989e", "api-version=7.1"), 404, "GitUnresolvableToCommitException"),
        (&format!("/fabrikam/nope/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"), 404, "ProjectDoesNotExistWithNameException"),
        (&format!("/fabrikam/demo/_apis/git/repositories/nope/commits/{C2}/changes?api-version=7.1"), 404, "GitRepositoryNotFoundException"),
        (&format!("/other/demo/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"), 404, "GitRepositoryNotFoundException"),
        (&format!("/fabrikam/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"), 404, "GitRepositoryNotFoundException"),
        (&format!("/fabrikam/_apis/git/repositories/00000000-0000-5000-8000-000000000000/commits/{C2}/changes?api-version=7.1"), 404, "GitRepositoryNotFoundException"),
    ];
    for (url, status, key) in cases {
        let r = s.get(url, &[]);
        assert_eq!(
            (r.status, type_key(&r).as_str()),
            (*status, *key),
            "{url}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let j = r.json();
        assert_eq!(j["$id"], "1");
        assert_eq!(j["eventId"], 3000);
        assert!(j["typeName"].as_str().unwrap().contains(key));
    }
    let r = s.get(&changes_url(C2, "api-version=7.3"), &[]);
    assert_eq!(
        r.json()["message"],
        "The requested REST API version of 7.3 is out of range for this server. The latest REST API version this server supports is 7.2."
    );
    let r = s.get(
        &format!("/fabrikam/nope/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"),
        &[],
    );
    assert_eq!(
        r.json()["message"],
        "TF200016: The following project does not exist: nope."
    );
}

#[test]
fn discovery_answers_like_the_service() {
    let s = demo_server();
    let r = s.request("OPTIONS", "/fabrikam/_apis", &[]);
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["count"], j["value"].as_array().unwrap().len());
    let git = j["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "5bf884f5-3e07-42e9-afb8-1b872267bf16")
        .expect("changes location");
    assert_eq!(git["area"], "git");
    assert_eq!(git["resourceName"], "changes");
    assert_eq!(
        git["routeTemplate"],
        "{project}/_apis/{area}/repositories/{repositoryId}/commits/{commitId}/{resource}"
    );
    assert_eq!(
        (git["minVersion"].as_str(), git["maxVersion"].as_str()),
        (Some("4.1"), Some("7.2"))
    );
    // Per area (the Node client), case-insensitively; an unknown area has no locations.
    let r = s.request("OPTIONS", "/fabrikam/_apis/Git", &[]).json();
    assert_eq!(r["count"], 1);
    assert_eq!(
        s.request("OPTIONS", "/fabrikam/_apis/nope", &[]).json()["count"],
        0
    );
    let r = s.request("OPTIONS", "/fabrikam/_apis/location", &[]).json();
    assert_eq!(r["count"], 2);
    // Resource areas point back at this server.
    let r = s.get("/fabrikam/_apis/ResourceAreas", &[]).json();
    assert_eq!(r["value"][0]["id"], "4e080c62-fa21-4fbc-8fef-2a10a2b38049");
    assert_eq!(
        r["value"][0]["locationUrl"],
        format!("{}/fabrikam/", s.base())
    );
    let r = s.get(
        "/fabrikam/_apis/ResourceAreas/4E080C62-FA21-4FBC-8FEF-2A10A2B38049",
        &[],
    );
    assert_eq!(r.json()["name"], "git");
    assert_eq!(
        s.get(
            "/fabrikam/_apis/ResourceAreas/00000000-0000-0000-0000-000000000000",
            &[]
        )
        .status,
        404
    );
    let r = s.get("/fabrikam/_apis/connectionData", &[]).json();
    assert_eq!(r["deploymentType"], "hosted");
    assert!(r["authenticatedUser"]["id"].is_string());
}

/// A repository with renames (exact and edited), a folder move, a mode-only change, a
/// merge whose second parent brings files, and a root commit.
fn history_fixture() -> std::path::PathBuf {
    common::fixture("server-azure-history")
}

/// Our list in walk order as `(letter, path, old, new)` with rename halves turned back
/// into the delete and add they replaced, to compare with `git diff-tree -t`.
fn unrenamed(v: &Value) -> Vec<(String, String, String, String)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let ct = c["changeType"].as_str().unwrap();
            let i = &c["item"];
            let path = i["path"].as_str().unwrap()[1..].to_string();
            let old = i["originalObjectId"].as_str().unwrap_or("").to_string();
            let new = i["objectId"].as_str().unwrap().to_string();
            match ct {
                "add" => ("A".into(), path, String::new(), new),
                "delete" | "delete, sourceRename" => ("D".into(), path, old, String::new()),
                "edit" => ("M".into(), path, old, new),
                "rename" | "edit, rename" => ("A".into(), path, String::new(), new),
                other => panic!("unexpected {other}"),
            }
        })
        .collect()
}

fn git_tree_diff(dir: &std::path::Path, args: &[&str]) -> Vec<(String, String, String, String)> {
    let mut a = vec!["diff-tree", "-r", "-t", "--no-renames", "--no-commit-id"];
    a.extend_from_slice(args);
    let out = common::git(dir, &a);
    let null = "0".repeat(40);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (meta, path) = l.split_once('\t')?;
            let f: Vec<&str> = meta.split(' ').collect();
            let (om, nm, o, n, st) = (f[0], f[1], f[2], f[3], f[4]);
            // Azure skips same-id entries (mode-only changes).
            if o == n {
                return None;
            }
            let _ = (om, nm);
            let z = |s: &str| {
                if s == null {
                    String::new()
                } else {
                    s.to_string()
                }
            };
            Some((st.to_string(), path.to_string(), z(o), z(n)))
        })
        .collect()
}

#[test]
fn change_lists_match_git() {
    let dir = history_fixture();
    let root = root_with("server-azure-history", &["org", "proj", "hist.git"], "hist");
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let rev = |r: &str| {
        String::from_utf8(common::git(&dir, &["rev-parse", r]))
            .unwrap()
            .trim()
            .to_string()
    };
    let get = |c: &str| {
        let r = s.get(
            &format!("/org/proj/_apis/git/repositories/hist/commits/{c}/changes?api-version=7.1"),
            &[],
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r.json()
    };
    let commits =
        String::from_utf8(common::git(&dir, &["rev-list", "--all", "--topo-order"])).unwrap();
    let mut saw_merge = false;
    for c in commits.lines() {
        let body = get(c);
        let parents: Vec<String> =
            String::from_utf8(common::git(&dir, &["rev-list", "--parents", "-n1", c]))
                .unwrap()
                .split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect();
        let expected = if parents.is_empty() {
            git_tree_diff(&dir, &["--root", c])
        } else {
            git_tree_diff(&dir, &[&parents[0], c])
        };
        let mut ours = unrenamed(&body);
        let mut expected = expected;
        if parents.len() > 1 {
            saw_merge = true;
            // Merges are sorted by path; compare as sets after checking the order.
            let paths: Vec<&String> = ours.iter().map(|e| &e.1).collect();
            let mut sorted = paths.clone();
            sorted.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            assert_eq!(paths, sorted, "merge {c} not sorted by path");
            ours.sort();
            expected.sort();
        }
        assert_eq!(ours, expected, "commit {c}");
        // Every rename pair is one git also finds at its default 50 % (our fixture's
        // renames are clear of the boundary), and the counts cover the whole list.
        let total: u64 = body["changeCounts"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, body["changes"].as_array().unwrap().len());
        if parents.len() == 1 {
            let git_renames = String::from_utf8(common::git(
                &dir,
                &[
                    "diff-tree",
                    "-r",
                    "-M",
                    "--no-commit-id",
                    "--name-status",
                    &parents[0],
                    c,
                ],
            ))
            .unwrap();
            let mut want: Vec<(String, String)> = git_renames
                .lines()
                .filter(|l| l.starts_with('R'))
                .map(|l| {
                    let f: Vec<&str> = l.split('\t').collect();
                    (f[1].to_string(), f[2].to_string())
                })
                .collect();
            let mut got: Vec<(String, String)> = body["changes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["item"]["gitObjectType"] == "blob")
                .filter_map(|c| {
                    Some((
                        c["sourceServerItem"].as_str()?[1..].to_string(),
                        c["item"]["path"].as_str()?[1..].to_string(),
                    ))
                })
                .collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "renames of {c}");
        }
    }
    assert!(saw_merge);
    // The folder move is an exact folder rename; the edited rename is "edit, rename".
    let body = get(&rev("moved"));
    let kinds: Vec<(String, String)> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["item"]["path"].as_str().unwrap().to_string(),
                c["changeType"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("/lib".into(), "delete, sourceRename".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("/pkg".into(), "rename".into())),
        "{kinds:?}"
    );
    let body = get(&rev("edited"));
    let ct: Vec<&str> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["changeType"].as_str().unwrap())
        .collect();
    assert!(ct.contains(&"edit, rename"), "{ct:?}");
    assert_eq!(body["changeCounts"]["Edit, Rename"], 1);
    // A mode-only change lists nothing for a file at the root.
    let body = get(&rev("chmod"));
    assert_eq!(body["changes"], json!([]));
}
