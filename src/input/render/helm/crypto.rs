//! Sprig's random, key and certificate functions (`randAlphaNum`, `uuidv4`, `genCA`,
//! `genSelfSignedCert`, `genSignedCert`, `genPrivateKey`, `htpasswd`, …).
//!
//! Helm's output is random there; runeguard's must not be (same inputs, byte-identical
//! reports), so every random draw comes from a generator seeded per rendering
//! ([`seed`]: the chart and its settings) and drawn in template order. Keys are ECDSA P-256
//! (deterministic signatures, instant to generate) where Sprig makes RSA-2048 ones: the PEM
//! blocks are valid keys and certificates of the same shape; both are credentials, masked in
//! every output like any other.

use super::cipher;
use super::funcs::{err, list_of, to_int, to_str};
use super::generated;
use super::keys::{Key, Signer};
use gotmpl::{FuncMap, Value};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

type R = gotmpl::Result<Value>;

thread_local! {
    /// This rendering's generator (a thread renders one chart at a time).
    static RNG: RefCell<ChaCha20Rng> = RefCell::new(ChaCha20Rng::seed_from_u64(0));
    /// The certificate authorities made by `genCA` in this rendering, by certificate PEM:
    /// their common name, so `genSignedCert` can name its issuer.
    static CAS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Starts a rendering: random draws from here on follow from `what` (the chart and the
/// settings it is rendered with) only.
pub fn seed(what: &str) {
    use sha2::Digest;
    let digest: [u8; 32] = sha2::Sha256::digest(what.as_bytes()).into();
    RNG.with(|r| *r.borrow_mut() = ChaCha20Rng::from_seed(digest));
    CAS.with(|c| c.borrow_mut().clear());
    generated::clear();
}

/// A generated string: recorded so that the secret rules know it is not committed.
fn made(text: String) -> Value {
    generated::mark(&text);
    Value::from(text)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    RNG.with(|r| r.borrow_mut().fill_bytes(&mut b));
    b
}

fn random_below(n: usize) -> usize {
    RNG.with(|r| (r.borrow_mut().next_u64() % n as u64) as usize)
}

fn random_from(alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[random_below(alphabet.len())] as char)
        .collect()
}

/// Draws from this rendering's generator.
fn with_rng<T>(f: impl FnOnce(&mut ChaCha20Rng) -> T) -> T {
    RNG.with(|r| f(&mut r.borrow_mut()))
}

/// The key of a certificate: the one given (`…WithKey`), else a new P-256 key (Sprig makes an
/// RSA-2048 one: see `keys` for why not).
fn cert_key(given: Option<&str>, func: &str) -> gotmpl::Result<Key> {
    match given {
        Some(pem) => Key::parse(pem, func),
        None => Ok(with_rng(Key::ecdsa)),
    }
}

/// Sprig's certificate settings: `cn`, IP and DNS names, valid for `days` from the renderer's
/// clock (the Unix epoch, as `now` gives it: a rendering does not depend on the day).
fn params(
    cn: &str,
    ips: &Value,
    dns: &Value,
    days: &Value,
    func: &str,
) -> gotmpl::Result<rcgen::CertificateParams> {
    let mut p = rcgen::CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(rcgen::DnType::CommonName, cn);
    for ip in list_of(ips) {
        let text = to_str(&ip);
        let addr = text
            .parse()
            .map_err(|_| err(format!("{func}: error parsing ip: {text}")))?;
        p.subject_alt_names.push(rcgen::SanType::IpAddress(addr));
    }
    for name in list_of(dns) {
        let text = to_str(&name);
        let dns = rcgen::string::Ia5String::try_from(text.clone())
            .map_err(|_| err(format!("{func}: not a DNS name: {text}")))?;
        p.subject_alt_names.push(rcgen::SanType::DnsName(dns));
    }
    p.not_before = time::OffsetDateTime::UNIX_EPOCH;
    p.not_after = p.not_before + time::Duration::days(to_int(days).clamp(0, 1 << 20));
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&random_bytes::<16>()));
    p.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    p.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    Ok(p)
}

/// Sprig's `certificate` object: `.Cert` and `.Key`, PEM. The certificate is generated; the
/// key too unless it was given (`genCAWithKey` with a key from values is a committed key).
fn certificate(cert: &str, key: &str, key_given: bool) -> Value {
    generated::mark(cert);
    if !key_given || generated::is_generated_text(key) {
        generated::mark(key);
    }
    Value::from(BTreeMap::from([
        (Arc::from("Cert"), Value::from(cert)),
        (Arc::from("Key"), Value::from(key)),
    ]))
}

fn cert_error(func: &str) -> impl Fn(rcgen::Error) -> gotmpl::TemplateError + '_ {
    move |e| err(format!("{func}: cannot make the certificate: {e}"))
}

fn gen_ca(cn: &str, days: &Value, key: Option<&str>, func: &str) -> R {
    let given = key.is_some();
    let key = cert_key(key, func)?;
    let mut p = params(cn, &Value::Nil, &Value::Nil, days, func)?;
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.key_usages.push(rcgen::KeyUsagePurpose::KeyCertSign);
    let key_text = key.pem()?;
    let cert = p
        .self_signed(&Signer::new(key)?)
        .map_err(cert_error(func))?;
    let cert = cert.pem();
    CAS.with(|c| c.borrow_mut().insert(cert.clone(), cn.to_string()));
    Ok(certificate(&cert, &key_text, given))
}

fn self_signed(a: &[Value], key: Option<&str>, func: &str) -> R {
    let given = key.is_some();
    let key = cert_key(key, func)?;
    let p = params(&to_str(&a[0]), &a[1], &a[2], &a[3], func)?;
    let key_text = key.pem()?;
    let cert = p
        .self_signed(&Signer::new(key)?)
        .map_err(cert_error(func))?;
    Ok(certificate(&cert.pem(), &key_text, given))
}

fn signed(a: &[Value], key: Option<&str>, func: &str) -> R {
    let ca = &a[4];
    let field = |name: &str| match ca {
        Value::Map(m) => m.get(name).map(|v| to_str(&v)).unwrap_or_default(),
        _ => String::new(),
    };
    let (ca_cert, ca_key) = (field("Cert"), field("Key"));
    let Some(ca_cn) = CAS.with(|c| c.borrow().get(&ca_cert).cloned()) else {
        return Err(err(format!(
            "{func}: the CA was not made by genCA in this chart (runeguard cannot read a given CA certificate)"
        )));
    };
    let ca_params = params(&ca_cn, &Value::Nil, &Value::Nil, &Value::Int(0), func)?;
    let issuer = rcgen::Issuer::new(ca_params, Signer::new(Key::parse(&ca_key, func)?)?);
    let given = key.is_some();
    let key = cert_key(key, func)?;
    let p = params(&to_str(&a[0]), &a[1], &a[2], &a[3], func)?;
    let key_text = key.pem()?;
    let cert = p
        .signed_by(&Signer::new(key)?, &issuer)
        .map_err(cert_error(func))?;
    Ok(certificate(&cert.pem(), &key_text, given))
}

fn want(a: &[Value], n: usize, func: &str) -> gotmpl::Result<()> {
    if a.len() < n {
        return Err(err(format!(
            "wrong number of args for {func}: want {n}, got {}",
            a.len()
        )));
    }
    Ok(())
}

/// Registers the random, key and certificate functions.
pub fn register(m: &mut FuncMap) {
    macro_rules! f {
        ($name:expr, $body:expr) => {
            m.insert($name.to_string(), Arc::new($body));
        };
    }
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"0123456789";
    let ascii: Vec<u8> = (32u8..127).collect();
    let alnum: Vec<u8> = [ALPHA, DIGITS].concat();
    for (name, alphabet) in [
        ("randAlphaNum", alnum),
        ("randAlpha", ALPHA.to_vec()),
        ("randNumeric", DIGITS.to_vec()),
        ("randAscii", ascii),
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let n = a.first().map(to_int).unwrap_or(0).clamp(0, 1 << 16) as usize;
                Ok(made(random_from(&alphabet, n)))
            }),
        );
    }
    f!("randBytes", |a: &[Value]| -> R {
        let n = a.first().map(to_int).unwrap_or(0).clamp(0, 1 << 16) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| random_bytes::<1>()[0]).collect();
        Ok(made(data_encoding::BASE64.encode(&bytes)))
    });
    f!("randInt", |a: &[Value]| -> R {
        want(a, 2, "randInt")?;
        let (lo, hi) = (to_int(&a[0]), to_int(&a[1]));
        if hi <= lo {
            return Err(err("randInt: the maximum must be above the minimum"));
        }
        Ok(Value::Int(lo + random_below((hi - lo) as usize) as i64))
    });
    f!("shuffle", |a: &[Value]| -> R {
        let mut chars: Vec<char> = to_str(a.first().unwrap_or(&Value::Nil)).chars().collect();
        for i in (1..chars.len()).rev() {
            chars.swap(i, random_below(i + 1));
        }
        Ok(Value::from(chars.into_iter().collect::<String>()))
    });
    f!("uuidv4", |_a: &[Value]| -> R {
        Ok(made(
            uuid::Builder::from_random_bytes(random_bytes::<16>())
                .into_uuid()
                .to_string(),
        ))
    });
    f!("htpasswd", |a: &[Value]| -> R {
        want(a, 2, "htpasswd")?;
        let user = to_str(&a[0]);
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        let hash = bcrypt::hash_with_salt(to_str(&a[1]), 10, random_bytes::<16>())
            .map_err(|e| err(format!("htpasswd: {e}")))?;
        let line = format!("{user}:{}", hash.format_for_version(bcrypt::Version::TwoA));
        // The hash of a committed password stands for that password: committed.
        if generated::is_generated_text(&to_str(&a[1])) {
            generated::mark(&line);
        }
        Ok(Value::from(line))
    });
    // Sprig's bcrypt: the password's bcrypt hash (cost 10, `$2a$`), salted from the
    // rendering's generator.
    f!("bcrypt", |a: &[Value]| -> R {
        want(a, 1, "bcrypt")?;
        let hash = bcrypt::hash_with_salt(to_str(&a[0]), 10, random_bytes::<16>())
            .map_err(|e| err(format!("bcrypt: {e}")))?;
        let text = hash.format_for_version(bcrypt::Version::TwoA);
        if generated::is_generated_text(&to_str(&a[0])) {
            generated::mark(&text);
        }
        Ok(Value::from(text))
    });
    // Sprig's getHostByName resolves a name through DNS: runeguard renders offline.
    f!("getHostByName", |_a: &[Value]| -> R {
        Err(err(
            "getHostByName: DNS lookups are not supported (runeguard renders offline)",
        ))
    });
    f!("genPrivateKey", |a: &[Value]| -> R {
        let kind = a.first().map(to_str).unwrap_or_default();
        let pem = match kind.as_str() {
            // RSA and DSA keys as P-256 ones: see `keys` for why.
            "" | "rsa" | "dsa" | "ecdsa" => with_rng(Key::ecdsa).pem()?,
            "ed25519" => with_rng(Key::ed25519).pem()?,
            // Sprig returns this text in place of a key.
            other => return Ok(Value::from(format!("Unknown type {other}"))),
        };
        Ok(made(pem))
    });
    f!("genCA", |a: &[Value]| -> R {
        want(a, 2, "genCA")?;
        gen_ca(&to_str(&a[0]), &a[1], None, "genCA")
    });
    f!("genCAWithKey", |a: &[Value]| -> R {
        want(a, 3, "genCAWithKey")?;
        gen_ca(&to_str(&a[0]), &a[1], Some(&to_str(&a[2])), "genCAWithKey")
    });
    f!("genSelfSignedCert", |a: &[Value]| -> R {
        want(a, 4, "genSelfSignedCert")?;
        self_signed(a, None, "genSelfSignedCert")
    });
    f!("genSelfSignedCertWithKey", |a: &[Value]| -> R {
        want(a, 5, "genSelfSignedCertWithKey")?;
        self_signed(a, Some(&to_str(&a[4])), "genSelfSignedCertWithKey")
    });
    f!("genSignedCert", |a: &[Value]| -> R {
        want(a, 5, "genSignedCert")?;
        signed(a, None, "genSignedCert")
    });
    f!("genSignedCertWithKey", |a: &[Value]| -> R {
        want(a, 6, "genSignedCertWithKey")?;
        signed(a, Some(&to_str(&a[5])), "genSignedCertWithKey")
    });
    f!("derivePassword", |a: &[Value]| -> R {
        want(a, 5, "derivePassword")?;
        let counter = u32::try_from(to_int(&a[0])).map_err(|_| {
            err("derivePassword: the counter must be a number from 0 to 4294967295")
        })?;
        let [kind, password, user, site] = [1, 2, 3, 4].map(|i| to_str(&a[i]));
        Ok(Value::from(cipher::derive_password(
            counter, &kind, &password, &user, &site,
        )?))
    });
    f!("encryptAES", |a: &[Value]| -> R {
        want(a, 2, "encryptAES")?;
        let iv = random_bytes::<16>();
        Ok(Value::from(cipher::encrypt_aes(
            &to_str(&a[0]),
            &to_str(&a[1]),
            iv,
        )))
    });
    f!("decryptAES", |a: &[Value]| -> R {
        want(a, 2, "decryptAES")?;
        Ok(Value::from(cipher::decrypt_aes(
            &to_str(&a[0]),
            &to_str(&a[1]),
        )?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(lib: &FuncMap, name: &str, args: &[Value]) -> Value {
        lib[name](args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn field(v: &Value, name: &str) -> String {
        to_str(&v.field(name).unwrap_or(Value::Nil))
    }

    fn library() -> FuncMap {
        let mut m = FuncMap::new();
        register(&mut m);
        m
    }

    #[test]
    fn the_same_seed_draws_the_same_values_and_another_seed_others() {
        let lib = library();
        let draw = |what: &str| {
            seed(what);
            (
                call(&lib, "randAlphaNum", &[Value::Int(16)]),
                call(&lib, "uuidv4", &[]),
                call(&lib, "genPrivateKey", &[Value::from("rsa")]),
            )
        };
        let (a, b) = (draw("chart-a"), draw("chart-a"));
        assert_eq!(a, b);
        assert_ne!(a, draw("chart-b"));
        let pass = to_str(&a.0);
        assert_eq!(pass.len(), 16);
        assert!(pass.chars().all(|c| c.is_ascii_alphanumeric()), "{pass}");
        let id = uuid::Uuid::parse_str(&to_str(&a.1)).expect("a UUID");
        assert_eq!(id.get_version_num(), 4);
        assert!(Key::parse(&to_str(&a.2), "test").is_ok());
    }

    #[test]
    fn a_signed_certificate_names_its_ca_and_carries_its_names() {
        let lib = library();
        seed("certs");
        let ca = call(&lib, "genCA", &[Value::from("shop-ca"), Value::Int(365)]);
        assert!(field(&ca, "Cert").starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(field(&ca, "Key").starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        let cert = call(
            &lib,
            "genSignedCert",
            &[
                Value::from("shop"),
                Value::from(vec![Value::from("10.0.0.1")]),
                Value::from(vec![Value::from("shop.default.svc")]),
                Value::Int(365),
                ca.clone(),
            ],
        );
        let der = p256::pkcs8::der::pem::decode_vec(field(&cert, "Cert").as_bytes())
            .expect("PEM")
            .1;
        let has = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"shop-ca"), "the issuer is the CA");
        assert!(has(b"shop.default.svc"), "the DNS name");
        assert!(has(&[10, 0, 0, 1]), "the IP address");
        // A CA this rendering did not make cannot sign: a problem, not a wrong certificate.
        let foreign = certificate("-----BEGIN CERTIFICATE-----\n", &field(&ca, "Key"), true);
        let args = [
            Value::from("x"),
            Value::Nil,
            Value::Nil,
            Value::Int(1),
            foreign,
        ];
        assert!(lib["genSignedCert"](&args).is_err());
    }

    #[test]
    fn private_keys_are_p256_or_ed25519_and_given_keys_of_any_kind_sign() {
        let lib = library();
        seed("keys");
        let key = |kind: &str| to_str(&call(&lib, "genPrivateKey", &[Value::from(kind)]));
        // RSA and DSA are made as P-256 keys (see `keys`): one made key kind, cheap to make.
        for kind in ["", "rsa", "dsa", "ecdsa"] {
            let k = key(kind);
            assert!(
                k.starts_with("-----BEGIN EC PRIVATE KEY-----\n"),
                "{kind}: {k}"
            );
            assert!(
                matches!(Key::parse(&k, "test"), Ok(Key::Ecdsa(_))),
                "{kind}"
            );
        }
        let ed = key("ed25519");
        assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{ed}");
        assert!(matches!(Key::parse(&ed, "test"), Ok(Key::Ed25519(_))));
        assert_eq!(key("x"), "Unknown type x");
        // A user's RSA key (PKCS#1, as Sprig and openssl write it) is read and signs.
        use rand_chacha::rand_core::SeedableRng;
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let rsa = rsa::RsaPrivateKey::new(&mut rng, 1024)
            .expect("an RSA key")
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .expect("PEM")
            .to_string();
        assert!(matches!(Key::parse(&rsa, "test"), Ok(Key::Rsa(_))));
        // A certificate signed with a given key of each kind.
        for k in [&key("ecdsa"), &ed, &rsa] {
            let c = call(
                &lib,
                "genSelfSignedCertWithKey",
                &[
                    Value::from("x"),
                    Value::Nil,
                    Value::Nil,
                    Value::Int(1),
                    Value::from(k.as_str()),
                ],
            );
            assert_eq!(field(&c, "Key"), *k);
        }
    }

    #[test]
    fn htpasswd_is_a_bcrypt_line_that_verifies() {
        let lib = library();
        seed("htpasswd");
        let line = to_str(&call(
            &lib,
            "htpasswd",
            &[Value::from("user"), Value::from("s3cret")],
        ));
        let (user, hash) = line.split_once(':').expect("user:hash");
        assert_eq!(user, "user");
        assert!(hash.starts_with("$2a$10$"), "{hash}");
        assert!(bcrypt::verify("s3cret", hash).unwrap());
        assert_eq!(
            to_str(&call(
                &lib,
                "htpasswd",
                &[Value::from("a:b"), Value::from("p")]
            )),
            "invalid username: a:b"
        );
    }
}
