//! Every variant of every discriminated union writes its own tag: an object of the
//! variant's subtype carrying one of the variant's tags decodes as that variant and encodes
//! back equal, and the same value built by hand (the tag left out of the payload) encodes
//! with the tag. The cases are generated (`tests/generated/spec_tags.rs`).

mod common;
#[rustfmt::skip]
#[path = "generated/spec_tags.rs"]
mod cases;

use atlas_generated::runtime::Json;
use atlas_generated::runtime::json::Path;
use serde_json::Value;

/// One (variant, tag) pair: the variant's name, the tag, whether the variant's payload type
/// keeps the tag as a field of its own, and an object of the subtype carrying the tag.
pub type Case<'a> = (&'a str, &'a str, bool, &'a str);

/// Decodes `value` as `T`, the error as text.
pub fn decode<T: Json>(value: Value) -> Result<T, String> {
    T::from_json(value, &Path::Root).map_err(|e| e.to_string())
}

/// Runs the generated cases and collects failures instead of stopping at the first.
pub struct Checker {
    checked: usize,
    failures: Vec<String>,
}

impl Checker {
    /// Checks the cases of the union `U`, tagged by `property`. `name_of` names the variant
    /// a value is; `build` makes the variant from its tag and payload.
    pub fn union<U: Json>(
        &mut self,
        property: &str,
        cases: &[Case<'_>],
        name_of: fn(&U) -> &'static str,
        build: fn(&str, &str, Value) -> Result<U, String>,
    ) {
        let union = std::any::type_name::<U>();
        for &(variant, tag, keeps_tag, json) in cases {
            self.checked += 1;
            let at = format!("{union}::{variant} (`{property}` = `{tag}`)");
            if let Err(why) = check_case(property, (variant, tag, keeps_tag, json), name_of, build)
            {
                self.failures.push(format!("{at}: {why}"));
            }
        }
    }
}

fn check_case<U: Json>(
    property: &str,
    (variant, tag, keeps_tag, json): Case<'_>,
    name_of: fn(&U) -> &'static str,
    build: fn(&str, &str, Value) -> Result<U, String>,
) -> Result<(), String> {
    let original: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let decoded: U = decode(original.clone()).map_err(|e| format!("does not decode: {e}"))?;
    if name_of(&decoded) != variant {
        return Err(format!("decodes as `{}`", name_of(&decoded)));
    }
    if let Some(d) = common::first_difference(&original, &decoded.to_json()) {
        return Err(format!("re-encoded differs at {d}"));
    }
    let mut payload = original.clone();
    if !keeps_tag {
        payload
            .as_object_mut()
            .ok_or("the sample is not an object")?
            .remove(property);
    }
    let built = build(variant, tag, payload).map_err(|e| format!("payload: {e}"))?;
    match common::first_difference(&original, &built.to_json()) {
        None => Ok(()),
        Some(d) => Err(format!(
            "built from its payload, encodes differently at {d}"
        )),
    }
}

#[test]
fn every_union_variant_writes_its_own_tag() {
    let mut check = Checker {
        checked: 0,
        failures: Vec::new(),
    };
    cases::all(&mut check);
    assert_eq!(check.checked, cases::COUNT);
    println!(
        "union tags: {} of {} (variant, tag) pairs decode, re-encode and build right",
        check.checked - check.failures.len(),
        check.checked
    );
    assert!(
        check.failures.is_empty(),
        "{} of {} pairs failed:\n{}",
        check.failures.len(),
        check.checked,
        check.failures.join("\n")
    );
}

#[test]
fn the_checker_reports_a_wrong_variant_or_a_lost_tag() {
    use atlas_generated::models::{AwsCloudProviderContainer, CloudProviderContainer};
    let name_of = |c: &CloudProviderContainer| match c {
        CloudProviderContainer::Aws(_) => "Aws",
        CloudProviderContainer::Azure(_) => "Azure",
        CloudProviderContainer::Gcp(_) => "Gcp",
        CloudProviderContainer::Unknown(_) => "Unknown",
        _ => "unlisted",
    };
    // A builder that ignores the payload: the built value is another container.
    let forgetful = |_: &str, _: &str, _: Value| {
        decode::<AwsCloudProviderContainer>(
            serde_json::json!({"regionName": "US_WEST_2", "atlasCidrBlock": "10.8.0.0/21"}),
        )
        .map(CloudProviderContainer::Aws)
    };
    let sample =
        r#"{"providerName":"AWS","regionName":"US_EAST_1","atlasCidrBlock":"10.8.0.0/21"}"#;
    let mut check = Checker {
        checked: 0,
        failures: Vec::new(),
    };
    check.union::<CloudProviderContainer>(
        "providerName",
        &[("Azure", "AWS", false, sample)],
        name_of,
        forgetful,
    );
    check.union::<CloudProviderContainer>(
        "providerName",
        &[("Aws", "AWS", false, sample)],
        name_of,
        forgetful,
    );
    assert_eq!(check.checked, 2);
    assert_eq!(check.failures.len(), 2, "{:?}", check.failures);
    assert!(
        check.failures[0].contains("decodes as `Aws`"),
        "{}",
        check.failures[0]
    );
    assert!(
        check.failures[1].contains("built from its payload, encodes differently at $.regionName"),
        "{}",
        check.failures[1]
    );
}
