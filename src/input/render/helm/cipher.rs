//! Sprig's `derivePassword` (the Master Password algorithm: scrypt of the master password
//! salted with the user, an HMAC-SHA256 of the site and counter choosing a template and its
//! characters) and `encryptAES`/`decryptAES` (AES-256-CBC, the password's bytes zero-padded to
//! the key, PKCS#7 padding, a random IV before the ciphertext, base64), as Sprig computes them.

use super::funcs::err;
use cbc::cipher::block_padding::{NoPadding, Pkcs7};
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::Mac;

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

/// Sprig's password templates by type.
fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// `derivePassword COUNTER TYPE PASSWORD USER SITE`.
pub(super) fn derive_password(
    counter: u32,
    kind: &str,
    password: &str,
    user: &str,
    site: &str,
) -> gotmpl::Result<String> {
    let Some(templates) = templates(kind) else {
        // Sprig returns this text in place of a password.
        return Ok(format!("cannot find password template {kind}"));
    };
    let salted = |name: &str| {
        let mut b = MASTER_PASSWORD_SEED.to_vec();
        b.extend((name.len() as u32).to_be_bytes());
        b.extend(name.as_bytes());
        b
    };
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| err(format!("failed to derive password: {e}")))?;
    scrypt::scrypt(password.as_bytes(), &salted(user), &params, &mut key)
        .map_err(|e| err(format!("failed to derive password: {e}")))?;
    let mut message = salted(site);
    message.extend(counter.to_be_bytes());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
        .map_err(|e| err(format!("failed to derive password: {e}")))?;
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[seed[0] as usize % templates.len()];
    Ok(template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = characters(class);
            chars[seed[i + 1] as usize % chars.len()] as char
        })
        .collect())
}

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

/// The password's bytes, zero-padded or cut to 32 (Sprig's key).
fn key_of(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

/// `encryptAES PASSWORD TEXT` with the IV `iv`: base64 of the IV then the ciphertext.
pub(super) fn encrypt_aes(password: &str, plain: &str, iv: [u8; 16]) -> String {
    if plain.is_empty() {
        return String::new();
    }
    let mut buf = plain.as_bytes().to_vec();
    let len = buf.len();
    buf.resize(len + 16 - len % 16, 0);
    let cipher = Encryptor::new(&key_of(password).into(), &iv.into())
        .encrypt_padded_mut::<Pkcs7>(&mut buf, len)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let mut out = iv.to_vec();
    out.extend(cipher);
    data_encoding::BASE64.encode(&out)
}

/// `decryptAES PASSWORD BASE64`: the text, without its padding (as Sprig, unchecked).
pub(super) fn decrypt_aes(password: &str, crypt64: &str) -> gotmpl::Result<String> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = data_encoding::BASE64
        .decode(crypt64.as_bytes())
        .map_err(|e| err(format!("decryptAES: {e}")))?;
    if crypt.len() < 32 || crypt.len() % 16 != 0 {
        return Err(err(
            "decryptAES: the text is not an IV and whole AES blocks (crypto/cipher: input not full blocks)",
        ));
    }
    let (iv, body) = crypt.split_at(16);
    let mut buf = body.to_vec();
    let iv: [u8; 16] = iv.try_into().unwrap_or_default();
    let plain = Decryptor::new(&key_of(password).into(), &iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|e| err(format!("decryptAES: {e}")))?;
    let pad = plain.last().copied().unwrap_or(0) as usize;
    let keep = plain
        .len()
        .checked_sub(pad)
        .ok_or_else(|| err("decryptAES: wrong password or corrupted text (bad padding)"))?;
    Ok(String::from_utf8_lossy(&plain[..keep]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values the real Helm (v4, Sprig v3) printed for these calls.
    #[test]
    fn derived_passwords_are_sprigs() {
        let cases = [
            (
                (1, "long", "password", "user", "example.com"),
                "ZedaFaxcZaso9*",
            ),
            (
                (3, "maximum", "s3cr3t", "admin", "shop.example"),
                "n1@aY9TCc!bEW!#YI)&Q",
            ),
            ((2, "pin", "pw", "u", "site"), "2257"),
        ];
        for ((counter, kind, password, user, site), want) in cases {
            assert_eq!(
                derive_password(counter, kind, password, user, site).unwrap(),
                want
            );
        }
        assert_eq!(
            derive_password(1, "nope", "p", "u", "s").unwrap(),
            "cannot find password template nope"
        );
    }

    #[test]
    fn aes_decrypts_what_helm_encrypted_and_round_trips() {
        // `encryptAES "secretkey" "plaintext"` printed by the real Helm.
        assert_eq!(
            decrypt_aes("secretkey", "QxMit/dL7tkLSUKpPN2xQGCYIzqJItMoUGGlgcWywD0=").unwrap(),
            "plaintext"
        );
        for text in ["x", "exactly sixteen!", "a longer text over two blocks"] {
            let enc = encrypt_aes("k", text, [7; 16]);
            assert_eq!(decrypt_aes("k", &enc).unwrap(), text);
        }
        assert_eq!(encrypt_aes("k", "", [0; 16]), "");
        assert!(decrypt_aes("k", "bm90IGJsb2Nrcw==").is_err());
    }
}
