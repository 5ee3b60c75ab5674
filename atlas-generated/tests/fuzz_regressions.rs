//! Every input under `fuzz/regressions/<target>/` (small, minimised crashers that the fuzz
//! targets once found, fixed since) goes through the same target logic as under libFuzzer
//! (`fuzz/src/targets.rs`, mounted here), with the same memory bound, so that a fixed crash
//! stays fixed without libFuzzer or nightly. `cargo xtask fuzz` says how to add one.

#[allow(dead_code)] // The constants `cargo xtask fuzz` reads are not used here.
#[path = "../fuzz/src/targets.rs"]
mod atlas_fuzz;

use std::path::Path;

#[global_allocator]
static ALLOCATOR: atlas_fuzz::memory::Counting = atlas_fuzz::memory::Counting;

/// The stack of the thread libFuzzer runs inputs on (the main thread's, 8 MiB on Linux),
/// rather than a test thread's 2 MiB: a regression replays under the same conditions.
const STACK_BYTES: usize = 8 << 20;

#[test]
fn committed_regressions_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let (ran, failed) = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let mut ran = 0;
            let mut failed = Vec::new();
            for (name, target) in atlas_fuzz::TARGETS {
                let dir = root.join(name);
                let replayed = atlas_fuzz::replay(&dir, *target)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
                ran += replayed.ran;
                failed.extend(replayed.failed);
            }
            (ran, failed)
        })
        .expect("a thread starts")
        .join()
        .expect("the replay itself does not panic");
    let report: Vec<String> = failed
        .iter()
        .map(|(path, message)| format!("{}: {message}", path.display()))
        .collect();
    assert!(
        report.is_empty(),
        "{} of {ran} regressions fail again:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn every_target_has_a_regressions_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for (name, _) in atlas_fuzz::TARGETS {
        assert!(root.join(name).is_dir(), "no {}", root.join(name).display());
    }
}

/// The selector bytes mean what `fuzz/src/targets.rs` documents, which is how
/// `xtask/src/fuzz/seeds.rs` writes the seeds (its tests pin the same bytes).
#[test]
fn selectors_follow_the_documented_layout() {
    let pairs = atlas_fuzz::pairs();
    let registry: usize = atlas_generated::registry::OPERATIONS
        .iter()
        .map(|op| op.versions.len())
        .sum();
    assert_eq!(pairs.len(), registry, "every pair once");
    assert!(
        pairs.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    assert!(
        pairs.len() <= usize::from(u16::MAX),
        "a u16 selects every pair"
    );

    let index = pairs
        .iter()
        .position(|p| p.operation_id == "getGroupCluster" && p.version == "2024-08-05")
        .expect("a pair of the spec");
    let [lo, hi] = u16::try_from(index).unwrap().to_le_bytes();
    let input = [lo, hi, 6, b'{', b'}'];
    let (pair, status, body) = atlas_fuzz::response_selection(&input).unwrap();
    assert_eq!((pair, status, body), (pairs[index], 404, &b"{}"[..]));
    // A byte past the table: the status follows, little-endian.
    let input = [lo, hi, 0xFF, 0x93, 0x01];
    let (_, status, body) = atlas_fuzz::response_selection(&input).unwrap();
    assert_eq!((status, body), (403, &b""[..]));
    // The pair index wraps around.
    let [lo2, hi2] = u16::try_from(index + pairs.len()).unwrap().to_le_bytes();
    assert_eq!(
        atlas_fuzz::response_selection(&[lo2, hi2, 0]).unwrap().0,
        pairs[index]
    );
    assert_eq!(atlas_fuzz::response_selection(&[lo, hi]), None);

    use atlas_fuzz::Kind;
    assert_eq!(
        atlas_fuzz::typed_selection(&[0, lo, hi, b'x']),
        Some((Kind::RequestBody, Some(pairs[index]), &b"x"[..]))
    );
    assert_eq!(
        atlas_fuzz::typed_selection(&[5, b'{', b'}']),
        Some((Kind::Principal, None, &b"{}"[..]))
    );
    assert_eq!(
        atlas_fuzz::typed_selection(&[9]),
        Some((Kind::BillingInvoice, None, &b""[..]))
    );
    assert_eq!(
        atlas_fuzz::error_selection(&[10, b'x']),
        Some((503, &b"x"[..]))
    );
    assert_eq!(
        atlas_fuzz::error_selection(&[11, 0xA2, 0x01]),
        Some((418, &b""[..]))
    );
}

/// A regression runs through the whole target: a body each target decodes, formats and
/// re-encodes, and garbage, both without a panic.
#[test]
fn targets_take_real_bodies_and_garbage() {
    let error = br#"{"error":404,"errorCode":"CLUSTER_NOT_FOUND","detail":"No cluster."}"#;
    let mut input = vec![6];
    input.extend_from_slice(error);
    atlas_fuzz::error_body(&input);
    let mut input = vec![2];
    input.extend_from_slice(error);
    atlas_fuzz::from_slice(&input);
    for target in atlas_fuzz::TARGETS.iter().map(|(_, t)| *t) {
        for garbage in [&b""[..], b"\xff\xff\xff", b"\x00\x00\x00{\"a\":[1,2,{}]}"] {
            target(garbage);
        }
    }
}
