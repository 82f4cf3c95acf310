//! Serving an admitted request: from the public response cache (`cache/`) when an anonymous
//! query's answer is kept, else executed by async-graphql within the request's share of the
//! connection pool (`crate::db::share`); a mutation's writes forget the cached answers that read
//! them, over HTTP and over a socket alike.

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response};

use super::{AppSchema, RequestMeta, admit::Spent};
use crate::{
    db::{self, Written},
    graphql::{
        cache::{Answer, Lookup, PublicCache, tags},
        documents,
    },
};

impl AppSchema {
    /// Serves an admitted request: from the public cache when it may be, else executed by
    /// async-graphql; a mutation, once it has run (and committed), bumps the cache's tags of what
    /// it wrote. An answer the cache holds (or has just kept) comes with its serialised `data`
    /// and its cost, and its `data` is left null: the HTTP layer sends the bytes as they are.
    pub(super) async fn serve(
        &self,
        request: Request,
        meta: &RequestMeta,
        spent: &Spent,
    ) -> (Response, Option<Answer>) {
        let public = meta.anonymous();
        let Some(cache) = &self.cache else {
            return (self.inner.execute(request).await, None);
        };
        let control = |response: &mut Response, value: &str| {
            if let Ok(value) = http::HeaderValue::from_str(value) {
                response
                    .http_headers
                    .insert(http::header::CACHE_CONTROL, value);
            }
        };
        let operation = spent.operation;
        if public && operation == Some(OperationType::Query) {
            let key = documents::sha256_hex(&format!(
                "{}\n{}\n{}",
                request.operation_name.as_deref().unwrap_or_default(),
                serde_json::to_string(&request.variables).unwrap_or_default(),
                request.query
            ));
            let max_age = format!("public, max-age={}", cache.ttl.as_secs());
            match cache.store.get(&key).await {
                Some(Lookup::Hit(answer)) => {
                    self.metrics.cache_lookup(true);
                    let mut response = Response::new(async_graphql::Value::Null);
                    control(&mut response, &max_age);
                    response
                        .http_headers
                        .insert("x-cache", http::HeaderValue::from_static("hit"));
                    return (response, Some(answer));
                }
                Some(Lookup::Miss { writes }) => {
                    self.metrics.cache_lookup(false);
                    let mut response = self.inner.execute(request).await;
                    if response.errors.is_empty()
                        && let (Some(doc), Some(kind)) = (&spent.doc, operation)
                        && let Ok(json) = serde_json::to_vec(&response.data)
                    {
                        let read = tags::read(&self.registry, doc, &response.data);
                        let answer = Answer {
                            json: json.into(),
                            actual_cost: crate::graphql::cost::actual(
                                &self.registry,
                                doc,
                                kind,
                                &response.data,
                            ),
                        };
                        cache
                            .store
                            .put(&key, writes, &read, answer.clone(), cache.ttl)
                            .await;
                        control(&mut response, &max_age);
                        response
                            .http_headers
                            .insert("x-cache", http::HeaderValue::from_static("miss"));
                        response.data = async_graphql::Value::Null;
                        return (response, Some(answer));
                    }
                    return (response, None);
                }
                None => {}
            }
        }
        let mutation = operation == Some(OperationType::Mutation);
        let mut response = if mutation {
            let (response, written) =
                db::recording_writes(Box::pin(self.inner.execute(request))).await;
            forget(cache, &written).await;
            response
        } else {
            self.inner.execute(request).await
        };
        if mutation || !public {
            control(&mut response, "private, no-store");
        }
        (response, None)
    }
}

/// Bumps the cache's tags of what a mutation wrote (nothing, when it wrote nothing).
pub(super) async fn forget(cache: &PublicCache, written: &[Written]) {
    let bumped = tags::written(written);
    if !bumped.is_empty() {
        cache.store.invalidate(&bumped).await;
    }
}
