//! The route table: every route once, with the service it belongs to and its
//! documentation. The router and `/openapi.json` are both built from it, so they cannot
//! drift apart.

use super::error::Service;
use super::AppState;
use axum::routing::MethodRouter;

/// Where a documented parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

/// A documented non-path parameter (path parameters come from the path template).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Where it travels.
    pub location: ParamIn,
    /// Whether it must be given.
    pub required: bool,
    /// What it means.
    pub description: &'static str,
}

impl Param {
    /// An optional query parameter.
    pub const fn query(name: &'static str, description: &'static str) -> Param {
        Param {
            name,
            location: ParamIn::Query,
            required: false,
            description,
        }
    }

    /// An optional header.
    pub const fn header(name: &'static str, description: &'static str) -> Param {
        Param {
            name,
            location: ParamIn::Header,
            required: false,
            description,
        }
    }
}

/// One route.
pub struct Route {
    /// The documented method (the handler may answer others too, e.g. `OPTIONS`).
    pub method: &'static str,
    /// The path template, `{name}` for parameters (axum and OpenAPI syntax alike).
    pub path: &'static str,
    /// The service whose error shape this route uses.
    pub service: Service,
    /// One line of documentation.
    pub summary: &'static str,
    /// Query and header parameters.
    pub params: &'static [Param],
    /// The media types of a 200 answer (default: JSON only).
    pub produces: &'static [&'static str],
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

impl Route {
    /// A route.
    pub fn new(
        method: &'static str,
        path: &'static str,
        service: Service,
        summary: &'static str,
        params: &'static [Param],
        handler: MethodRouter<AppState>,
    ) -> Route {
        Route {
            method,
            path,
            service,
            summary,
            params,
            produces: &["application/json"],
            handler,
        }
    }

    /// The media types of a 200 answer, in place of JSON alone.
    pub fn produces(mut self, types: &'static [&'static str]) -> Route {
        self.produces = types;
        self
    }

    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }
}

/// Every route of the server. A new endpoint is added by adding its module's routes here.
pub fn all() -> Vec<Route> {
    let mut v = super::native_routes();
    v.extend(super::ui::routes());
    v.extend(super::azure::routes());
    v.extend(super::openhands::routes());
    v.extend(super::codearts::routes());
    v.extend(super::codestorage::routes());
    v
}
