//! Free-text search input.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};

use crate::error::{AppError, AppResult};

/// A case-insensitive "contains" needle: trimmed, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// Validates a needle for `field`.
    pub fn parse(field: &str, input: &str) -> AppResult<Self> {
        let needle = input.trim();
        let len = needle.chars().count();
        if len == 0 {
            return Err(AppError::validation(field, "must not be empty"));
        }
        if len > 100 {
            return Err(AppError::validation(field, "at most 100 characters"));
        }
        Ok(Self(needle.to_lowercase()))
    }

    /// `LOWER(expr) LIKE '%needle%'`, with the needle's own `%`, `_` and `\` matched literally.
    /// `LOWER` folds ASCII on SQLite and all letters on PostgreSQL; Chinese has no case.
    pub fn matches(&self, expr: impl Into<SimpleExpr>) -> SimpleExpr {
        let escaped = self
            .0
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Expr::expr(Func::lower(expr.into()))
            .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
    }
}
