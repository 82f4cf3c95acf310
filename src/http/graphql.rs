//! GraphQL over HTTP, following the GraphQL-over-HTTP specification rather than
//! async-graphql-axum's stock handler:
//!
//! - `POST` takes `application/json` (415 otherwise); `GET` takes the request in the query string
//!   and runs queries only (a mutation gets 405 with `Allow: POST`).
//! - The response is `application/graphql-response+json` when the client accepts it, else
//!   `application/json`; 406 when it accepts neither.
//! - A request that fails before it executes (a document that does not parse or fit the schema,
//!   variables that do not coerce, a request over the limits) has no `data` entry, and gets 400
//!   under `application/graphql-response+json` but 200 under `application/json` (the
//!   specification's legacy watershed: such clients read errors from 200s); a body that is not
//!   JSON is 400 either way, and 413 an oversized one; 2xx whenever `data` is present, whatever
//!   errors came with it. Every case is checked by the graphql-http audit (`.ci/audit`).
//! - `GET` from a browser with no query shows GraphiQL (served by the binary: [`super::graphiql`]).

use async_graphql::{Request, Variables};
use axum::{
    Extension,
    body::Bytes,
    extract::{ConnectInfo, Query, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{HttpState, REQUEST_ID, auth};
use crate::error::ErrorCode;
use crate::graphql::{RequestMeta, Verdict, documents};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type of a response, chosen from `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type; `None` when the client accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let types: Vec<String> = accept
        .split(',')
        .map(|part| {
            part.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    if types.iter().any(|t| t == GRAPHQL_RESPONSE) {
        Some(Media::GraphqlResponse)
    } else if types.is_empty()
        || types
            .iter()
            .any(|t| t == JSON || t == "*/*" || t == "application/*" || t.is_empty())
    {
        Some(Media::Json)
    } else {
        None
    }
}

/// A response with no `data`, for failures before GraphQL runs.
fn request_error(status: StatusCode, code: ErrorCode, message: &str, media: Media) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

fn not_acceptable() -> Response {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        ErrorCode::NotAcceptable,
        "accept application/graphql-response+json or application/json",
        Media::Json,
    )
}

async fn execute(
    state: &HttpState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    request: Request,
    media: Media,
) -> Response {
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let caller = match authenticate(state, headers, &request_id, media).await {
        Ok(caller) => caller,
        Err(refused) => return *refused,
    };
    let cost = crate::graphql::cost::RequestCost::default();
    // What the request carries besides its document, typed once: the GET handler marked it
    // queries-only; the caller, the peer, the id and the cost meter are this layer's.
    let meta = RequestMeta {
        caller: Some(caller),
        peer: peer.map(|p| p.ip()),
        request_id: Some(request_id.clone()),
        cost: Some(cost.clone()),
        ..RequestMeta::of(&request.data, None)
    };
    let (response, verdict, kept) = state.schema.serve_request(meta, request).await;
    tracing::debug!(request_id = %request_id, cost = cost.get(), "graphql request");
    respond(response, verdict, media, cost.get(), kept.map(|a| a.json))
}

/// The caller the request's token names, or the response that refuses it: 401 with
/// `WWW-Authenticate` for a bad token, 503 with `Retry-After` when the database cannot say.
async fn authenticate(
    state: &HttpState,
    headers: &HeaderMap,
    request_id: &str,
    media: Media,
) -> Result<crate::auth::Caller, Box<Response>> {
    match auth::caller(
        state,
        auth::authorization(headers),
        Some(request_id.to_owned()),
    )
    .await
    {
        Ok(caller) => Ok(caller),
        Err(crate::error::AppError::Unauthenticated(message)) => {
            let mut response = request_error(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                &message,
                media,
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            Err(Box::new(response))
        }
        Err(err @ crate::error::AppError::Unavailable(_)) => {
            tracing::warn!(request_id = %request_id, error = ?err, "the database is unavailable to authenticate a request");
            let mut response = request_error(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                &err.to_string(),
                media,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(Box::new(response))
        }
        Err(err) => {
            tracing::error!(request_id = %request_id, error = %err, "authenticating a request failed");
            Err(Box::new(request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "internal error",
                media,
            )))
        }
    }
}

/// The HTTP response of a served request: the status and headers its [`Verdict`] and the schema
/// ask for, and the body (without `data` when nothing executed; with `data` as the bytes the
/// public cache holds, when it served or kept the answer).
fn respond(
    response: async_graphql::Response,
    verdict: Verdict,
    media: Media,
    cost: u64,
    data: Option<bytes::Bytes>,
) -> Response {
    // The database out of reach: 503 and when to retry, whatever else the response holds; a
    // mutation sent with GET: 405; over the caller's rate limit: 429 and when to retry.
    let Verdict {
        not_run: not_executed,
        unavailable,
        wrong_method,
        retry_after,
    } = verdict;
    let status = verdict.status(media == Media::GraphqlResponse);
    // A request that never executed has no `data` entry at all (not `null`).
    let body = if not_executed || data.is_some() {
        serde_json::to_value(&response)
            .and_then(|mut value| {
                if let Some(object) = value.as_object_mut() {
                    object.remove("data");
                }
                serde_json::to_vec(&value)
            })
            .map(|rest| match &data {
                // `{"data":<kept bytes>` and then the rest of the response's members.
                Some(data) if !not_executed => {
                    let mut body = Vec::with_capacity(data.len() + rest.len() + 9);
                    body.extend_from_slice(b"{\"data\":");
                    body.extend_from_slice(data);
                    if rest.len() > 2 {
                        body.push(b',');
                        body.extend_from_slice(&rest[1..]);
                    } else {
                        body.push(b'}');
                    }
                    body
                }
                _ => rest,
            })
    } else {
        serde_json::to_vec(&response)
    };
    match body {
        Ok(body) => {
            let mut http = (status, body).into_response();
            http.headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            if unavailable {
                http.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            if wrong_method {
                http.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            if not_executed {
                // Not an answer for any cache to keep, even when it is a 200 (an unknown
                // persisted-query hash must not be served again once the document is sent).
                http.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            if let Some(seconds) = retry_after {
                http.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            // What the schema says of caching (`Cache-Control`, `x-cache`) and of the caller's
            // rate limit (`RateLimit-*`).
            for (name, value) in &response.http_headers {
                http.headers_mut().insert(name.clone(), value.clone());
            }
            // What the request cost (charged by the rate limit once there is one).
            http.headers_mut()
                .insert("x-query-cost", HeaderValue::from(cost));
            // The answer depends on who asks and in which media type: a shared cache keeps an
            // anonymous answer apart from a signed-in one.
            http.headers_mut().append(
                header::VARY,
                HeaderValue::from_static("Accept, Authorization"),
            );
            http
        }
        Err(err) => {
            tracing::error!(error = %err, "could not serialise a GraphQL response");
            request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "internal error",
                media,
            )
        }
    }
}

/// `POST /graphql`.
pub(super) async fn post_graphql(
    State(state): State<HttpState>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence != JSON {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the request as application/json",
            media,
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "the request body is larger than the server accepts",
                media,
            );
        }
        Err(rejection) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                &rejection.body_text(),
                media,
            );
        }
    };
    let body: PostBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(err) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                &format!("the body is not a GraphQL request in JSON: {err}"),
                media,
            );
        }
    };
    let peer = peer.map(|Extension(ConnectInfo(peer))| peer);
    execute_named(&state, &headers, peer, body.request, body.id, media).await
}

/// A `POST` body: a GraphQL request, which may name a persisted document by Relay's `doc_id` or
/// by `documentId` instead of `extensions.persistedQuery`.
#[derive(Deserialize)]
struct PostBody {
    #[serde(flatten)]
    request: Request,
    #[serde(flatten)]
    id: DocumentId,
}

/// The query-string form of a GraphQL request.
#[derive(Debug, Deserialize)]
pub(super) struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
    #[serde(flatten)]
    id: DocumentId,
}

/// `GET /graphql`: GraphiQL for a browser, or a query from the query string.
pub(super) async fn get_graphql(
    State(state): State<HttpState>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                &rejection.body_text(),
                Media::Json,
            );
        }
    };
    // A persisted query may come by its hash alone.
    let query = match params.query {
        Some(query) => query,
        None if (params.extensions.is_some() || params.id.given()) && !wants_html => String::new(),
        None => {
            if wants_html {
                return super::graphiql::page();
            }
            return request_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "give the GraphQL document in the `query` parameter",
                negotiate(&headers).unwrap_or(Media::Json),
            );
        }
    };
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    // Queries only: the schema refuses a mutation once it knows the document.
    let mut request = Request::new(query).data(crate::graphql::QueriesOnly);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    for (field, raw) in [
        ("variables", &params.variables),
        ("extensions", &params.extensions),
    ] {
        if let Some(raw) = raw {
            let parsed: serde_json::Value = match serde_json::from_str(raw) {
                Ok(v) => v,
                Err(err) => {
                    return request_error(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::BadRequest,
                        &format!("`{field}` is not JSON: {err}"),
                        media,
                    );
                }
            };
            if field == "variables" {
                request = request.variables(Variables::from_json(parsed));
            } else if let Ok(ext) = serde_json::from_value(parsed) {
                request.extensions = ext;
            }
        }
    }
    let peer = peer.map(|Extension(ConnectInfo(peer))| peer);
    execute_named(&state, &headers, peer, request, params.id, media).await
}

/// A document named by Relay's `doc_id` or by `documentId`, instead of
/// `extensions.persistedQuery` (in a `POST` body or the query string).
#[derive(Debug, Default, Deserialize)]
pub(super) struct DocumentId {
    doc_id: Option<String>,
    #[serde(rename = "documentId")]
    document_id: Option<String>,
}

impl DocumentId {
    fn given(&self) -> bool {
        self.doc_id.is_some() || self.document_id.is_some()
    }
}

/// Executes a request whose document may be named by a [`DocumentId`]: a malformed or
/// contradictory id is a `BAD_REQUEST`.
async fn execute_named(
    state: &HttpState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    mut request: Request,
    id: DocumentId,
    media: Media,
) -> Response {
    let named = id.given() || request.extensions.contains_key("persistedQuery");
    if request.query.trim().is_empty() && !named {
        return request_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "the request has no `query` (nor a persisted document's hash or id)",
            media,
        );
    }
    if let Some(id) = id.doc_id.or(id.document_id)
        && let Err(message) = documents::name_by_document_id(&mut request, &id)
    {
        return request_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            &message,
            media,
        );
    }
    execute(state, headers, peer, request, media).await
}
