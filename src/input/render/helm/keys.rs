//! Private keys as Sprig makes them: `genPrivateKey "rsa"` (the default) is RSA-4096,
//! `"ecdsa"` P-256, `"ed25519"`, `"dsa"` DSA L2048/N256; the certificate functions sign with
//! RSA-2048 keys. PEM blocks as Sprig writes them (`RSA PRIVATE KEY` PKCS#1, `EC PRIVATE KEY`
//! SEC1, `DSA PRIVATE KEY` OpenSSL's sequence, `PRIVATE KEY` PKCS#8 for Ed25519), drawn from
//! the rendering's seeded generator so that reports stay byte-identical run to run.

use super::funcs::err;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};

/// The bits of the RSA keys the certificate functions make (Sprig's `genCA`, …).
pub(super) const CERT_RSA_BITS: usize = 2048;
/// The bits of `genPrivateKey "rsa"` (Sprig's).
pub(super) const RSA_BITS: usize = 4096;

/// A key the certificate functions can sign with.
pub(super) enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

fn key_error(func: &str) -> impl Fn(String) -> gotmpl::TemplateError + '_ {
    move |e| err(format!("{func}: cannot make the key: {e}"))
}

impl Key {
    pub(super) fn rsa(rng: &mut ChaCha20Rng, bits: usize) -> gotmpl::Result<Key> {
        rsa::RsaPrivateKey::new(rng, bits)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| key_error("genPrivateKey")(e.to_string()))
    }

    pub(super) fn ecdsa(rng: &mut ChaCha20Rng) -> Key {
        Key::Ecdsa(p256::ecdsa::SigningKey::random(rng))
    }

    pub(super) fn ed25519(rng: &mut ChaCha20Rng) -> Key {
        Key::Ed25519(ed25519_dalek::SigningKey::generate(rng))
    }

    /// The PEM block Sprig writes for this key.
    pub(super) fn pem(&self) -> gotmpl::Result<String> {
        let e = |e: String| err(format!("cannot encode the key: {e}"));
        Ok(match self {
            Key::Rsa(k) => k
                .to_pkcs1_pem(LineEnding::LF)
                .map_err(|x| e(x.to_string()))?
                .to_string(),
            Key::Ecdsa(k) => p256::SecretKey::from(k)
                .to_sec1_pem(LineEnding::LF)
                .map_err(|x| e(x.to_string()))?
                .to_string(),
            Key::Ed25519(k) => k
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|x| e(x.to_string()))?
                .to_string(),
        })
    }

    /// A key given to a `…WithKey` function: PKCS#1 RSA, SEC1 EC (P-256), or PKCS#8 (RSA,
    /// P-256, Ed25519), as Sprig reads them.
    pub(super) fn parse(pem: &str, func: &str) -> gotmpl::Result<Key> {
        let pem = pem.trim();
        let parsed = if pem.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
            rsa::RsaPrivateKey::from_pkcs1_pem(pem)
                .map(|k| Key::Rsa(Box::new(k)))
                .ok()
        } else if pem.starts_with("-----BEGIN EC PRIVATE KEY-----") {
            p256::SecretKey::from_sec1_pem(pem)
                .map(|k| Key::Ecdsa(k.into()))
                .ok()
        } else {
            rsa::RsaPrivateKey::from_pkcs8_pem(pem)
                .map(|k| Key::Rsa(Box::new(k)))
                .ok()
                .or_else(|| {
                    p256::ecdsa::SigningKey::from_pkcs8_pem(pem)
                        .map(Key::Ecdsa)
                        .ok()
                })
                .or_else(|| {
                    ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
                        .map(Key::Ed25519)
                        .ok()
                })
        };
        parsed.ok_or_else(|| {
            err(format!(
                "{func}: error parsing private key: not an RSA, P-256 or Ed25519 key in PEM"
            ))
        })
    }
}

/// A key as rcgen signs with it: its public part in the form rcgen wants.
pub(super) struct Signer {
    key: Key,
    public: Vec<u8>,
}

impl Signer {
    pub(super) fn new(key: Key) -> gotmpl::Result<Signer> {
        let public = match &key {
            Key::Rsa(k) => k
                .to_public_key()
                .to_pkcs1_der()
                .map_err(|e| err(format!("cannot encode the public key: {e}")))?
                .as_bytes()
                .to_vec(),
            Key::Ecdsa(k) => k
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec(),
            Key::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
        };
        Ok(Signer { key, public })
    }
}

impl rcgen::PublicKeyData for Signer {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self.key {
            Key::Rsa(_) => &rcgen::PKCS_RSA_SHA256,
            Key::Ecdsa(_) => &rcgen::PKCS_ECDSA_P256_SHA256,
            Key::Ed25519(_) => &rcgen::PKCS_ED25519,
        }
    }
}

impl rcgen::SigningKey for Signer {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        use p256::ecdsa::signature::Signer as _;
        Ok(match &self.key {
            Key::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                let sig: rsa::pkcs1v15::Signature = signer.sign(msg);
                rsa::signature::SignatureEncoding::to_vec(&sig)
            }
            Key::Ecdsa(k) => {
                let sig: p256::ecdsa::DerSignature = k.sign(msg);
                sig.as_bytes().to_vec()
            }
            Key::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
        })
    }
}

/// `genPrivateKey "dsa"`: DSA L2048/N256, as OpenSSL's `DSA PRIVATE KEY` (a sequence of the
/// version, p, q, g, y and x), the block Sprig writes.
pub(super) fn dsa_pem(rng: &mut ChaCha20Rng) -> String {
    let components = dsa::Components::generate(rng, dsa::KeySize::DSA_2048_256);
    let key = dsa::SigningKey::generate(rng, components);
    let c = key.verifying_key().components();
    let ints = [
        c.p().to_bytes_be(),
        c.q().to_bytes_be(),
        c.g().to_bytes_be(),
        key.verifying_key().y().to_bytes_be(),
        key.x().to_bytes_be(),
    ];
    let mut body = der_integer(&[0]);
    for i in &ints {
        body.extend(der_integer(i));
    }
    let mut der = vec![0x30];
    der.extend(der_length(body.len()));
    der.extend(body);
    let b64 = data_encoding::BASE64.encode(&der);
    let mut out = String::from("-----BEGIN DSA PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END DSA PRIVATE KEY-----\n");
    out
}

/// A DER INTEGER of an unsigned big-endian number.
fn der_integer(be: &[u8]) -> Vec<u8> {
    let trimmed = match be.iter().position(|b| *b != 0) {
        Some(i) => &be[i..],
        None => &[0u8][..],
    };
    let mut value = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        value.push(0);
    }
    value.extend_from_slice(trimmed);
    let mut out = vec![0x02];
    out.extend(der_length(value.len()));
    out.extend(value);
    out
}

fn der_length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}
