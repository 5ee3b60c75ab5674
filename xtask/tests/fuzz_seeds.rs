//! The fuzz seeds `cargo xtask fuzz` writes from the pinned spec and the recorded traffic:
//! they reach every (operation, version) pair, follow the layout the fuzz crate reads
//! (`atlas-generated/fuzz/src/targets.rs`), and include the hostile bodies.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use xtask::fuzz::seeds::{self, Seeds};

struct Made {
    ir: atlas_codegen::ir::Ir,
    traffic: Vec<seeds::Recorded>,
    seeds: Seeds,
}

/// Longest input: the fuzz crate's `MAX_INPUT_BYTES`.
const MAX_INPUT: usize = 1 << 20;

fn made() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| {
        let root = xtask::workspace_root();
        let loaded = xtask::spec::load_pinned(&root, None).expect("the pinned spec");
        let spec = xtask::generation::parse(&loaded.text, &loaded.path).expect("it parses");
        let ir = atlas_codegen::build_ir(&spec, None).expect("it lowers");
        let text = std::fs::read_to_string(root.join("../shared/atlas-traffic/terraform.jsonl"))
            .expect("the recorded traffic");
        let traffic = seeds::read_traffic(&text).expect("one exchange a line");
        let seeds = Seeds::make(&spec, &ir, &traffic, MAX_INPUT);
        Made { ir, traffic, seeds }
    })
}

fn harness_source() -> String {
    let path = xtask::workspace_root().join("atlas-generated/fuzz/src/targets.rs");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn inputs(target: &str) -> &'static BTreeSet<Vec<u8>> {
    &made().seeds.by_target[target]
}

#[test]
fn the_layout_is_the_fuzz_crates() {
    let source = harness_source();
    // `(Kind::RequestBody, "request body"),` … in the order of the kind byte.
    let kinds: Vec<&str> = source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(Kind::")?.split_once(", \""))
        .filter_map(|(_, rest)| rest.strip_suffix("\"),"))
        .collect();
    assert_eq!(kinds, seeds::KINDS);
    let statuses = format!(
        "pub const STATUSES: [u16; {}] = {:?};",
        seeds::STATUSES.len(),
        seeds::STATUSES
    );
    assert!(
        source.contains(&statuses),
        "the fuzz crate has `{statuses}`"
    );
}

#[test]
fn every_recursive_model_is_a_kind() {
    let recursive = seeds::recursive_models(&made().ir);
    assert!(recursive.contains("BillingInvoice"), "{recursive:?}");
    assert!(recursive.contains("Principal"), "{recursive:?}");
    for name in &recursive {
        assert!(
            seeds::KINDS.contains(&name.as_str()),
            "{name} holds itself: add it to KINDS (here and in atlas-generated/fuzz/src/targets.rs)"
        );
    }
}

#[test]
fn every_pair_has_a_success_and_an_error_seed() {
    let pairs = seeds::pairs(&made().ir);
    let mut success = vec![false; pairs.len()];
    let mut error = vec![false; pairs.len()];
    for input in inputs("decode_response") {
        let pair = usize::from(u16::from_le_bytes([input[0], input[1]]));
        let status = match seeds::STATUSES.get(usize::from(input[2])) {
            Some(status) => *status,
            None => u16::from_le_bytes([input[3], input[4]]),
        };
        if (200..300).contains(&status) {
            success[pair] = true;
        } else {
            error[pair] = true;
        }
    }
    let missing = |seen: &[bool]| -> Vec<String> {
        pairs
            .iter()
            .zip(seen)
            .filter(|(_, seen)| !**seen)
            .map(|((op, v), _)| format!("{op} {v}"))
            .collect()
    };
    assert_eq!(
        missing(&success),
        Vec::<String>::new(),
        "pairs without a success seed"
    );
    assert_eq!(
        missing(&error),
        Vec::<String>::new(),
        "pairs without an error seed"
    );
}

#[test]
fn every_request_body_has_a_seed() {
    let made = made();
    let pairs = seeds::pairs(&made.ir);
    let seeded: BTreeSet<usize> = inputs("from_slice")
        .iter()
        .filter(|input| input[0] == 0)
        .map(|input| usize::from(u16::from_le_bytes([input[1], input[2]])))
        .collect();
    for op in &made.ir.operations {
        for version in op.versions.iter().filter(|v| v.request.is_some()) {
            let key = (op.operation_id.clone(), version.version.as_str().to_owned());
            let index = pairs.binary_search(&key).expect("a pair");
            assert!(seeded.contains(&index), "no request seed for {key:?}");
        }
    }
}

#[test]
fn every_recorded_body_is_a_seed() {
    let made = made();
    let pairs = seeds::pairs(&made.ir);
    for record in &made.traffic {
        let key = (record.operation_id.clone(), record.api_version.clone());
        let Ok(index) = pairs.binary_search(&key) else {
            continue;
        };
        let index = u16::try_from(index).unwrap();
        if let (Some(status), Some(body)) = (record.status, &record.response_body) {
            let body = body
                .as_ref()
                .map(|b| serde_json::to_vec(b).unwrap())
                .unwrap_or_default();
            let input = seeds::response_input(index, status, &body);
            assert!(
                inputs("decode_response").contains(&input),
                "{key:?} {status}"
            );
            if status >= 400 {
                assert!(inputs("error_body").contains(&seeds::error_input(status, &body)));
            }
        }
        if let Some(body) = &record.request_body {
            let input = seeds::request_input(index, &serde_json::to_vec(body).unwrap());
            assert!(inputs("from_slice").contains(&input), "{key:?} request");
        }
    }
}

#[test]
fn hostile_seeds_are_there_and_every_seed_fits() {
    let deep = format!(
        "{}{{}}{}",
        "{\"linkedInvoices\":[".repeat(seeds::HOSTILE_DEPTH),
        "]}".repeat(seeds::HOSTILE_DEPTH)
    );
    assert!(inputs("from_slice").contains(&seeds::typed_input("BillingInvoice", deep.as_bytes())));
    let longest = inputs("from_slice").iter().map(Vec::len).max().unwrap();
    assert!(
        longest > MAX_INPUT - 100 && longest <= MAX_INPUT,
        "{longest}"
    );
    for target in ["decode_response", "from_slice", "error_body"] {
        assert!(
            inputs(target).iter().all(|i| i.len() <= MAX_INPUT),
            "{target}"
        );
    }
    let numbers = br#"{"amountBilledCents":9007199254740993.0,"linkedInvoices":[{"creditsCents":9007199254740993.0}]}"#;
    assert!(inputs("from_slice").contains(&seeds::typed_input("BillingInvoice", numbers)));
    assert!(made().seeds.dictionary.contains("\"linkedInvoices\""));
}
