//! A region config's hardware specs are its own provider's: every region config of the
//! recorded traffic and of the spec's examples decodes (as `CloudRegionConfig20240805` and
//! as `CloudRegionConfig`) into the variant its `providerName` names, and each hardware
//! spec it has into that provider's type, which encodes back equal. The hardware spec
//! `oneOf` has no discriminator and an AZURE spec fits the AWS branch too; the region
//! config's tag is what tells them apart (see `reports/completeness.md`, "Fields typed by
//! their context").

mod common;
#[rustfmt::skip]
#[path = "generated/spec_examples.rs"]
mod examples;

use atlas_generated::models::{
    AzureHardwareSpec20240805, AzureRegionConfig20240805, CloudRegionConfig,
    CloudRegionConfig20240805,
};
use atlas_generated::runtime::Json;
use atlas_generated::runtime::json::Path;
use serde_json::Value;

const TRAFFIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/atlas-traffic/terraform.jsonl"
);
const PROVIDERS: [&str; 4] = ["AWS", "AZURE", "GCP", "TENANT"];
const SPEC_KEYS: [&str; 6] = [
    "electableSpecs",
    "readOnlySpecs",
    "analyticsSpecs",
    "effectiveElectableSpecs",
    "effectiveReadOnlySpecs",
    "effectiveAnalyticsSpecs",
];

/// The provider a decoded region config is for, and each hardware spec its type declares
/// (by JSON name), encoded.
type Specs = (&'static str, Vec<(&'static str, Option<Value>)>);

macro_rules! specs {
    ($provider:literal, $region:expr, $($field:ident => $key:literal),*) => {
        ($provider, vec![$(($key, $region.$field.as_ref().map(Json::to_json))),*])
    };
}

fn specs_20240805(region: &CloudRegionConfig20240805) -> Option<Specs> {
    use CloudRegionConfig20240805 as C;
    macro_rules! dedicated {
        ($provider:literal, $r:expr) => {
            specs!($provider, $r, electable_specs => "electableSpecs",
                read_only_specs => "readOnlySpecs", analytics_specs => "analyticsSpecs",
                effective_electable_specs => "effectiveElectableSpecs",
                effective_read_only_specs => "effectiveReadOnlySpecs",
                effective_analytics_specs => "effectiveAnalyticsSpecs")
        };
    }
    Some(match region {
        C::Aws(r) => dedicated!("AWS", r),
        C::Azure(r) => dedicated!("AZURE", r),
        C::Gcp(r) => dedicated!("GCP", r),
        C::Tenant(r) => specs!("TENANT", r, electable_specs => "electableSpecs"),
        // `Unknown`, and providers a newer spec adds (the enum is `#[non_exhaustive]`).
        _ => return None,
    })
}

fn specs_20230201(region: &CloudRegionConfig) -> Option<Specs> {
    use CloudRegionConfig as C;
    macro_rules! dedicated {
        ($provider:literal, $r:expr) => {
            specs!($provider, $r, electable_specs => "electableSpecs",
                read_only_specs => "readOnlySpecs", analytics_specs => "analyticsSpecs")
        };
    }
    Some(match region {
        C::Aws(r) => dedicated!("AWS", r),
        C::Azure(r) => dedicated!("AZURE", r),
        C::Gcp(r) => dedicated!("GCP", r),
        C::Tenant(r) => specs!("TENANT", r, electable_specs => "electableSpecs"),
        // `Unknown`, and providers a newer spec adds (the enum is `#[non_exhaustive]`).
        _ => return None,
    })
}

/// The type says it: an Azure region's electable specs are Azure hardware specs.
#[allow(dead_code)]
fn azure_specs_are_azure(region: &AzureRegionConfig20240805) -> Option<&AzureHardwareSpec20240805> {
    region.electable_specs.as_ref()
}

/// Every object under `value` that is a region config: a known `providerName`, a
/// `regionName` and at least one hardware spec.
fn region_configs<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            let provider = map.get("providerName").and_then(Value::as_str);
            if provider.is_some_and(|p| PROVIDERS.contains(&p))
                && map.contains_key("regionName")
                && SPEC_KEYS.iter().any(|k| map.contains_key(*k))
            {
                out.push(value);
            }
            map.values().for_each(|v| region_configs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| region_configs(v, out)),
        _ => {}
    }
}

/// Why the region config does not decode into its own provider's specs, if it does not.
fn check<U: Json>(region: &Value, specs: fn(&U) -> Option<Specs>) -> Result<(), String> {
    let decoded = U::from_json(region.clone(), &Path::Root).map_err(|e| e.to_string())?;
    let (provider, fields) = specs(&decoded).ok_or("decodes as `Unknown`")?;
    if region["providerName"] != provider {
        return Err(format!("decodes as the {provider} variant"));
    }
    for (key, typed) in fields {
        match (region.get(key), typed) {
            (None, None) => {}
            (Some(sent), Some(typed)) => {
                if let Some(d) = common::first_difference(sent, &typed) {
                    return Err(format!("`{key}` re-encodes differently at {d}"));
                }
            }
            (sent, typed) => {
                return Err(format!("`{key}`: sent {sent:?}, typed {typed:?}"));
            }
        }
    }
    Ok(())
}

/// Checks each region config with both region config types; returns the failures and how
/// many region configs there were per provider.
fn check_all(found: &[(String, &Value)]) -> (Vec<String>, Vec<(&'static str, usize)>) {
    let mut failures = Vec::new();
    for (place, region) in found {
        let results = [
            ("CloudRegionConfig20240805", check(region, specs_20240805)),
            ("CloudRegionConfig", check(region, specs_20230201)),
        ];
        for (ty, result) in results {
            if let Err(why) = result {
                failures.push(format!("{place} as {ty}: {why}"));
            }
        }
    }
    let counts = PROVIDERS
        .iter()
        .map(|p| {
            (
                *p,
                found
                    .iter()
                    .filter(|(_, r)| r["providerName"] == *p)
                    .count(),
            )
        })
        .collect();
    (failures, counts)
}

#[test]
fn recorded_region_configs_have_their_own_providers_hardware_specs() {
    let text = std::fs::read_to_string(TRAFFIC).unwrap_or_else(|e| panic!("{TRAFFIC}: {e}"));
    let records: Vec<(usize, Value)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, serde_json::from_str(l).expect("a JSON record")))
        .collect();
    let mut found = Vec::new();
    for (line, record) in &records {
        for side in ["request_body", "response_body"] {
            let mut regions = Vec::new();
            region_configs(&record[side], &mut regions);
            found.extend(
                regions
                    .into_iter()
                    .map(|r| (format!("line {line} {side}"), r)),
            );
        }
    }
    let (failures, counts) = check_all(&found);
    println!("recorded region configs per provider: {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for provider in ["AWS", "AZURE", "TENANT"] {
        let n = counts
            .iter()
            .find(|(p, _)| *p == provider)
            .map_or(0, |c| c.1);
        assert!(
            n >= 5,
            "only {n} {provider} region configs recorded: {counts:?}"
        );
    }
}

/// Collects the examples of the generated example cases instead of checking them.
pub struct Checker {
    examples: Vec<(String, Value)>,
    payloads: usize,
}

// The generated cases name each example's type; only the JSON is wanted here.
#[allow(clippy::extra_unused_type_parameters)]
impl Checker {
    fn example<T>(&mut self, pointer: &str, json: &str) {
        let value = serde_json::from_str(json).expect("the generator writes valid JSON");
        self.examples.push((pointer.to_owned(), value));
    }

    fn payload<E>(&mut self, _pointer: &str, _status: u16, _media_type: &str, _body: &str) {
        self.payloads += 1;
    }

    fn float_integer<T>(&mut self, pointer: &str, integer: &str, _float: &str) {
        self.example::<T>(pointer, integer);
    }
}

#[test]
fn region_configs_of_the_spec_examples_have_their_own_providers_hardware_specs() {
    let mut collect = Checker {
        examples: Vec::new(),
        payloads: 0,
    };
    examples::all(&mut collect);
    assert_eq!(collect.examples.len() + collect.payloads, examples::COUNT);
    let mut found = Vec::new();
    for (pointer, value) in &collect.examples {
        let mut regions = Vec::new();
        region_configs(value, &mut regions);
        found.extend(regions.into_iter().map(|r| (pointer.clone(), r)));
    }
    let (failures, counts) = check_all(&found);
    println!("example region configs per provider: {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(found.len() >= 3, "{counts:?}");
}

#[test]
fn an_azure_spec_in_an_azure_region_is_not_read_as_aws() {
    let region = serde_json::json!({
        "providerName": "AZURE", "regionName": "US_EAST_2", "priority": 7,
        "electableSpecs": {"instanceSize": "M10", "nodeCount": 3},
    });
    assert_eq!(check(&region, specs_20240805), Ok(()));
    // The same spec alone fits every branch of the untagged union.
    let alone: atlas_generated::models::HardwareSpec20240805 =
        serde_json::from_value(region["electableSpecs"].clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&alone).unwrap(),
        region["electableSpecs"]
    );
    // A region config that says AWS is checked as AWS.
    let mut aws = region.clone();
    aws["providerName"] = "AWS".into();
    assert_eq!(check(&aws, specs_20240805), Ok(()));
    assert!(
        check(&aws, |r: &CloudRegionConfig20240805| specs_20240805(r)
            .map(|(_, f)| ("AZURE", f)))
        .is_err()
    );
}
