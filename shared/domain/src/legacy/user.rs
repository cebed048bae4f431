//! The old backend's users, as `mongoexport` writes them, into accounts: `{_id, email, password,
//! username, role, createdAt, updatedAt, __v}`, the password a bcryptjs hash. The account keeps the
//! old `_id` (its tokens name it as `userId`), the email and username as they were (today's
//! registration rules are for new accounts), the bcrypt hash until the first login here, and
//! the role: importing an admin is the operator's decision, so it is reported.

use super::{LegacyError, extjson};
use crate::auth::{Email, PasswordHash, Role, User, UserId, Username};
use crate::time::Timestamp;
use serde_json::Value;

impl User {
    pub fn from_legacy(doc: &Value) -> Result<Self, LegacyError> {
        let Some(fields) = doc.as_object() else {
            return Err(LegacyError { id: "?".into(), reason: "not a JSON object".into() });
        };
        let fields = extjson::plain_fields(fields);
        let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        let id = text("_id").or_else(|| text("id")).unwrap_or("?").to_owned();
        let refuse = |reason: String| LegacyError { id: id.clone(), reason };
        if id == "?" {
            return Err(refuse("no _id".into()));
        }
        let email = text("email").ok_or_else(|| refuse("no email".into()))?;
        let email = Email::kept(email).map_err(|e| refuse(e.to_string()))?;
        let hash = text("password").ok_or_else(|| refuse("no password".into()))?;
        // Never the hash itself in a report: only that it is not one we can check.
        let password_hash = PasswordHash::bcrypt(hash)
            .map_err(|_| refuse("the password is not a bcrypt hash (unknown format)".into()))?;
        let username = text("username").ok_or_else(|| refuse("no username".into()))?;
        let role = match fields.get("role") {
            None | Some(Value::Null) => Role::Editor,
            Some(Value::String(r)) => {
                Role::parse(r).ok_or_else(|| refuse(format!("role {r:?} is neither editor nor admin")))?
            }
            Some(other) => return Err(refuse(format!("role {other} is neither editor nor admin"))),
        };
        let created_at = ["createdAt", "updatedAt"]
            .iter()
            .find_map(|k| text(k).and_then(Timestamp::parse))
            .or_else(|| super::asset::object_id_time(&id))
            .ok_or_else(|| refuse("no createdAt, and nothing to infer it from".into()))?;
        Ok(Self { id: UserId(id.clone()), username: Username::kept(username), email, role, password_hash, created_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::HashKind;
    use serde_json::json;

    const HASH: &str = "$2a$10$abcdefghijklmnopqrstuv./ABCDEFGHIJKLMNOPQRSTUVWXYZ012";

    #[test]
    fn an_old_user_becomes_an_account_with_its_id_hash_and_role() {
        let doc = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "email": "Kyle@Celerity.Studio", "password": HASH,
            "username": "kyle", "role": "admin", "createdAt": {"$date": {"$numberLong": "1751680418417"}}, "__v": 0});
        let user = User::from_legacy(&doc).unwrap();
        assert_eq!(user.id.0, "6868865274bd8b06a2f91f0c");
        assert_eq!((user.email.as_str(), user.username.as_str()), ("kyle@celerity.studio", "kyle"));
        assert_eq!((user.role, user.password_hash.kind()), (Role::Admin, HashKind::Bcrypt));
        assert_eq!(user.created_at.to_string(), "2025-07-05T01:53:38.417Z");
        let editor = User::from_legacy(
            &json!({"_id": "6868865274bd8b06a2f91f0c", "email": "a@b.c", "password": HASH, "username": "someone"}),
        );
        assert_eq!(
            editor.map(|u| (u.role, u.created_at.to_string())).unwrap(),
            (Role::Editor, "2025-07-05T01:56:34.000Z".into())
        );
    }

    #[test]
    fn refusals_say_why_and_never_show_the_hash() {
        let base = json!({"_id": {"$oid": "6868865274bd8b06a2f91f0c"}, "email": "a@b.c", "password": HASH, "username": "someone"});
        let refused = |change: &dyn Fn(&mut Value)| {
            let mut doc = base.clone();
            change(&mut doc);
            User::from_legacy(&doc).unwrap_err().reason
        };
        assert_eq!(refused(&|d| d["email"] = Value::Null), "no email");
        assert_eq!(refused(&|d| d["password"] = json!("")), "no password");
        let unknown = refused(&|d| d["password"] = json!("plaintext-secret"));
        assert!(unknown.contains("unknown format") && !unknown.contains("plaintext-secret"), "{unknown}");
        assert!(refused(&|d| d["role"] = json!("root")).contains("root"));
        assert!(refused(&|d| d["email"] = json!("not an address")).contains("cannot name an account"));
    }
}
