//! argon2id with the crate's default cost (19 MiB, 2 passes), on the blocking pool: a hash takes
//! tens of milliseconds of CPU and must not stall the request executor. Accounts carried over
//! from the old backend hold bcrypt hashes (bcryptjs, cost 10): those verify as bcrypt, and a
//! login that matches one replaces it with argon2id, so bcrypt hashes disappear as people sign in.

use super::{HashKind, Password, PasswordHash};
use argon2::Argon2;
use argon2::password_hash::{self, PasswordHasher, PasswordVerifier, SaltString};

fn argon2(password: &Password) -> Result<PasswordHash, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| PasswordHash::argon2(h.to_string()))
        .map_err(|e| e.to_string())
}

pub async fn hash(password: Password) -> Result<PasswordHash, String> {
    tokio::task::spawn_blocking(move || argon2(&password)).await.map_err(|e| e.to_string())?
}

/// What checking a password against a stored hash found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Wrong,
    Right,
    /// Right, against a bcrypt hash: this argon2id hash of the same password should replace it.
    Rehashed(PasswordHash),
}

/// Whether `password` is the one behind `stored`. With no account (`stored` is `None`) a hash is
/// still checked, so a login's timing does not tell whether the email has an account.
pub async fn verify(password: Password, stored: Option<PasswordHash>) -> Verdict {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| PasswordHash::argon2(DECOY.to_owned()));
        match stored.kind() {
            HashKind::Argon2id => {
                let right = password_hash::PasswordHash::new(stored.as_str())
                    .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
                if right { Verdict::Right } else { Verdict::Wrong }
            }
            // bcryptjs hashes the first 72 bytes of a password, and so does this verify.
            HashKind::Bcrypt => match bcrypt::verify(password.as_bytes(), stored.as_str()) {
                Ok(true) => argon2(&password).map_or(Verdict::Right, Verdict::Rehashed),
                _ => Verdict::Wrong,
            },
        }
    })
    .await
    .unwrap_or(Verdict::Wrong)
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
        let decoy = password_hash::PasswordHash::new(DECOY).expect("a PHC string");
        let params = argon2::Params::try_from(&decoy).expect("argon2 parameters");
        let default = argon2::Params::default();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (default.m_cost(), default.t_cost(), default.p_cost())
        );
        assert_eq!(decoy.algorithm, argon2::Algorithm::Argon2id.ident());
    }

    fn password(s: &str) -> Password {
        Password::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash(password("hunter22")).await.unwrap();
        assert_eq!(verify(password("hunter22"), Some(stored.clone())).await, Verdict::Right);
        assert_eq!(verify(password("hunter23"), Some(stored)).await, Verdict::Wrong);
        assert_eq!(verify(password("hunter22"), None).await, Verdict::Wrong);
    }

    #[tokio::test]
    async fn an_old_backends_bcrypt_hash_verifies_and_is_replaced_by_argon2id() {
        for version in [bcrypt::Version::TwoA, bcrypt::Version::TwoB, bcrypt::Version::TwoY] {
            let made = bcrypt::hash_with_result("old password", 4).unwrap().format_for_version(version);
            let stored = PasswordHash::bcrypt(&made).unwrap();
            let Verdict::Rehashed(new) = verify(password("old password"), Some(stored.clone())).await else {
                panic!("{made} should verify");
            };
            assert_eq!(new.kind(), HashKind::Argon2id);
            assert_eq!(verify(password("old password"), Some(new)).await, Verdict::Right);
            assert_eq!(verify(password("not it"), Some(stored)).await, Verdict::Wrong);
        }
        // As bcryptjs: only the first 72 bytes count.
        let long = "x".repeat(72);
        let stored = PasswordHash::bcrypt(&bcrypt::hash(&long, 4).unwrap()).unwrap();
        assert!(matches!(verify(password(&format!("{long}tail")), Some(stored)).await, Verdict::Rehashed(_)));
    }
}
