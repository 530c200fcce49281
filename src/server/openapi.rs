//! `/openapi.json`, generated from the route table.

use super::error::Service;
use super::routes::{ParamIn, Route};
use serde_json::{json, Map, Value};

fn tag(s: Service) -> &'static str {
    match s {
        Service::OpenHands => "OpenHands",
        Service::Azure => "Azure DevOps",
        Service::CodeStorage => "Code Storage",
        Service::CodeArts => "CodeArts",
        Service::Native => "oxgit",
    }
}

/// The OpenAPI 3.1 document describing `routes`.
pub fn document(routes: &[Route]) -> Value {
    let mut paths = Map::new();
    for r in routes {
        let mut params: Vec<Value> = r
            .path_params()
            .into_iter()
            .map(|n| json!({"name": n, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(r.params.iter().map(|p| {
            json!({
                "name": p.name,
                "in": match p.location { ParamIn::Query => "query", ParamIn::Header => "header" },
                "required": p.required,
                "description": p.description,
                "schema": {"type": "string"},
            })
        }));
        let content: Map<String, Value> = r
            .produces
            .iter()
            .map(|t| (t.to_string(), json!({})))
            .collect();
        let op = json!({
            "summary": r.summary,
            "tags": [tag(r.service)],
            "parameters": params,
            "responses": {
                "200": {"description": "Success", "content": content},
                "default": {"description": format!("An error in the {} error shape", tag(r.service))},
            },
        });
        let entry = paths
            .entry(r.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry
            .as_object_mut()
            .expect("object")
            .insert(r.method.to_ascii_lowercase(), op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "oxgit serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Drop-in git change services over repositories on disk.",
        },
        "paths": paths,
    })
}
