//! Deterministic sharding of the file set (`--shard I/N`), so CI matrices split a monorepo.

use crate::input::discover::Candidate;
use sha2::{Digest, Sha256};

/// Keeps the files of shard `index` (1-based) of `count`, chosen by a hash of the path so a
/// file stays in its shard when others are added or removed.
pub fn select(files: Vec<Candidate>, index: usize, count: usize) -> Vec<Candidate> {
    if count <= 1 {
        return files;
    }
    files
        .into_iter()
        .filter(|c| shard_of(&c.display, count) + 1 == index)
        .collect()
}

pub fn shard_of(path: &str, count: usize) -> usize {
    let digest = Sha256::digest(path.as_bytes());
    let mut n = [0u8; 8];
    n.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(n) % count as u64) as usize
}

/// Parses `I/N` (1 ≤ I ≤ N).
pub fn parse(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard {s:?}: expected I/N, e.g. 1/4"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s:?}: I is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s:?}: N is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("--shard {s:?}: need 1 ≤ I ≤ N"));
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_files() {
        let files: Vec<Candidate> = (0..100)
            .map(|i| Candidate {
                display: format!("f{i}.yaml"),
                path: format!("f{i}.yaml").into(),
                explicit: false,
                kind: Default::default(),
            })
            .collect();
        let total: usize = (1..=4).map(|i| select(files.clone(), i, 4).len()).sum();
        assert_eq!(total, 100);
        assert!(parse("0/3").is_err());
        assert_eq!(parse("2/3"), Ok((2, 3)));
    }
}
