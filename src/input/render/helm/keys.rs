//! The private keys the renderer makes and reads. Made keys are ECDSA P-256 (`EC PRIVATE KEY`,
//! SEC1) or Ed25519 (`PRIVATE KEY`, PKCS#8), drawn from the rendering's seeded generator so that
//! reports stay byte-identical run to run. Sprig makes RSA-4096 (`genPrivateKey "rsa"`), DSA
//! and RSA-2048 certificate keys; generating those costs 90 ms (RSA-2048) to seconds (RSA-4096,
//! DSA parameters) a key, which made one chart's check 15× slower, while every output masks the
//! key and no rule reads a key's algorithm. Keys given to the `…WithKey` functions may be RSA
//! (PKCS#1 or PKCS#8), P-256 or Ed25519: reading and signing with them is cheap.

use super::funcs::err;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};

/// A key the certificate functions can sign with.
pub(super) enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl Key {
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
