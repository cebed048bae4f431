//! argon2id with the crate's default cost (19 MiB, 2 passes), on the blocking pool: a hash takes
//! tens of milliseconds of CPU and must not stall the request executor.

use super::Password;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub async fn hash(password: Password) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether `password` is the one behind `stored`. With no account (`stored` is `None`) a hash is
/// still checked, so a login's timing does not tell whether the email has an account.
pub async fn verify(password: Password, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DECOY.to_owned());
        PasswordHash::new(&stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// The hash of a password nobody has, at the default cost.
const DECOY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bm5hLXJlZ2lzdHJ5LWRlY295$8h6qBdsMLkp0bc/5rEIsc+2pLMqHxtw5NSnuNhNn4gE";

#[cfg(test)]
mod tests {
    use super::*;

    /// The decoy must be a real hash at the real cost, or unknown emails would answer faster.
    #[test]
    fn the_decoy_is_a_hash_at_the_default_cost() {
        let decoy = PasswordHash::new(DECOY).expect("a PHC string");
        let params = argon2::Params::try_from(&decoy).expect("argon2 parameters");
        let default = argon2::Params::default();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (default.m_cost(), default.t_cost(), default.p_cost())
        );
        assert_eq!(decoy.algorithm, argon2::Algorithm::Argon2id.ident());
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash(Password::parse("hunter22").unwrap()).await.unwrap();
        assert!(verify(Password::parse("hunter22").unwrap(), Some(stored.clone())).await);
        assert!(!verify(Password::parse("hunter23").unwrap(), Some(stored)).await);
        assert!(!verify(Password::parse("hunter22").unwrap(), None).await);
    }
}
