//! GraphiQL, served by the binary itself: the production builds of GraphiQL and React vendored
//! in `assets/graphiql` (fetched by its `fetch.sh`, licences beside them) are embedded here and
//! served from `/graphiql/{version}/…`, so the page works on a machine that reaches nothing but
//! this server (a government intranet). The page knows the WebSocket endpoint, and its default
//! document shows how to send a token.

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// The vendored GraphiQL's version, in every asset's path (so browsers may keep them for good).
pub const VERSION: &str = "3.8.3";

/// The embedded files: name, media type, contents.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "skillgraph.js",
        "text/javascript; charset=utf-8",
        START.as_bytes(),
    ),
];

/// Starts GraphiQL on the page: queries over HTTP, subscriptions over the WebSocket; a
/// document in the fragment (`/graphql#query=…`) is opened in the editor.
const START: &str = r#"(function () {
  var origin = window.location.origin;
  var ws = (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + '/graphql/ws';
  var shared = new URLSearchParams(window.location.hash.slice(1)).get('query');
  var intro = [
    '# skillgraph: one GraphQL graph over the regional vocational-training alliances.',
    '#',
    '# Without a token you read the public graph. To read as your organization, open',
    '# Headers (below) and give your token:',
    '#   {"Authorization": "Bearer <your token>"}',
    '# Subscriptions run over ' + ws + ' (the token goes in connection_init).',
    '',
    '{',
    '  alliances(first: 8) {',
    '    totalCount',
    '    nodes { code name industry }',
    '  }',
    '}',
    ''
  ].join('\n');
  var fetcher = GraphiQL.createFetcher({ url: origin + '/graphql', subscriptionUrl: ws });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: intro,
      query: shared || undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false
    })
  );
})();
"#;

/// The page: the embedded assets, nothing from elsewhere.
pub fn page() -> Response {
    let asset = |name: &str| format!("/graphiql/{VERSION}/{name}");
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skillgraph · GraphiQL</title>
<link rel="stylesheet" href="{css}">
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script src="{start}"></script>
</body>
</html>
"#,
        css = asset("graphiql.min.css"),
        react = asset("react.production.min.js"),
        react_dom = asset("react-dom.production.min.js"),
        graphiql = asset("graphiql.min.js"),
        start = asset("skillgraph.js"),
    );
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // The page runs only its own embedded scripts and talks only to this server (the GraphQL
    // endpoint and its WebSocket), and no other site may frame it (clickjacking a signed-in
    // user's token into a mutation).
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The page's Content-Security-Policy: scripts, styles, fonts and images from this server only
/// (GraphiQL sets inline styles on its own elements, and draws icons as data URLs), requests to
/// this server only, no frames around it, no plugins, no forms posted elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `GET /graphiql/{version}/{file}`: an embedded asset, kept by browsers for a year (a new
/// version has a new path); 404 for anything else.
pub async fn asset(Path((version, name)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|(n, _, _)| *n == name);
    match found {
        Some((_, media, bytes)) if version == VERSION => (
            [
                (header::CONTENT_TYPE, *media),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
