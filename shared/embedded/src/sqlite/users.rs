//! Accounts: a row per email, the account as JSON.

use super::{Sqlite, SqliteStore};
use async_trait::async_trait;
use nna_domain::Timestamp;
use nna_domain::auth::{AttemptKey, Email, PasswordHash, Role, User};
use nna_domain::ports::{Attempts, StoreError, UserStore};
use rusqlite::{Connection, OptionalExtension, params};

fn find(conn: &Connection, email: &str) -> Sqlite<Option<User>> {
    let doc: Option<String> =
        conn.query_row("SELECT doc FROM users WHERE email = ?1", [email], |r| r.get(0)).optional()?;
    let corrupt = |e: serde_json::Error| StoreError::corrupt(email.to_owned(), e);
    Ok(doc.map(|d| serde_json::from_str(&d).map_err(corrupt)).transpose()?)
}

fn json(user: &User) -> Result<String, StoreError> {
    serde_json::to_string(user).map_err(StoreError::internal)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let (email, doc) = (user.email.to_string(), json(user)?);
        self.writing(move |conn| {
            let added = conn.execute(
                "INSERT INTO users (email, doc) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![email, doc],
            )?;
            if added == 1 { Ok(()) } else { Err(StoreError::Conflict.into()) }
        })
        .await
    }

    async fn user(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let email = email.to_string();
        self.reading(move |conn| find(conn, &email)).await
    }

    async fn set_role(&self, email: &Email, role: Role) -> Result<Option<User>, StoreError> {
        let email = email.to_string();
        self.writing(move |conn| {
            let Some(mut user) = find(conn, &email)? else { return Ok(None) };
            user.role = role;
            conn.execute("UPDATE users SET doc = ?2 WHERE email = ?1", params![email, json(&user)?])?;
            Ok(Some(user))
        })
        .await
    }

    async fn replace_password_hash(
        &self,
        email: &Email,
        from: &PasswordHash,
        to: &PasswordHash,
    ) -> Result<bool, StoreError> {
        let (email, from, to) = (email.to_string(), from.clone(), to.clone());
        self.writing(move |conn| {
            let Some(mut user) = find(conn, &email)?.filter(|u| u.password_hash == from) else { return Ok(false) };
            user.password_hash = to;
            conn.execute("UPDATE users SET doc = ?2 WHERE email = ?1", params![email, json(&user)?])?;
            Ok(true)
        })
        .await
    }

    async fn all_users(&self) -> Result<Vec<User>, StoreError> {
        self.reading(|conn| {
            let mut statement = conn.prepare("SELECT email, doc FROM users")?;
            let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut users = Vec::new();
            for row in rows {
                let (email, doc) = row?;
                let corrupt = |e: serde_json::Error| StoreError::corrupt(email.clone(), e);
                users.push(serde_json::from_str(&doc).map_err(corrupt)?);
            }
            Ok(users)
        })
        .await
    }
}

/// Windows older than this are dropped when a new one starts: no rate here spans a day.
const ATTEMPTS_KEPT_SECS: i64 = 86_400;

#[async_trait]
impl Attempts for SqliteStore {
    async fn attempt(&self, key: &AttemptKey<'_>, window_secs: u64, now: Timestamp) -> Result<u64, StoreError> {
        let seconds = i64::try_from(window_secs.max(1)).unwrap_or(i64::MAX);
        let window = now.unix_seconds() - now.unix_seconds().rem_euclid(seconds);
        let key = key.to_string();
        self.writing(move |conn| {
            let n: i64 = conn.query_row(
                "INSERT INTO attempts (key, window, n) VALUES (?1, ?2, 1)
                         ON CONFLICT (key, window) DO UPDATE SET n = n + 1 RETURNING n",
                params![key, window],
                |r| r.get(0),
            )?;
            if n == 1 {
                conn.execute("DELETE FROM attempts WHERE window < ?1", [window - ATTEMPTS_KEPT_SECS])?;
            }
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }
}
