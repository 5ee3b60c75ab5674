//! A published Rust name stays while what it names is in the spec: generated with the
//! previous crate's record, an inline type keeps its name whatever the new spec adds or
//! reorders, and a new type that wants a kept name is numbered instead.

use atlas_codegen::diff::{Cause, Surface};

/// A document with the component schemas `schemas` (YAML, indented under `schemas:`).
fn document(schemas: &str) -> String {
    format!(
        "openapi: 3.0.1
info: {{title: names, version: '1.0'}}
paths: {{}}
components:
  schemas:
{schemas}"
    )
}

const STREAMS_REGION: &str = "    StreamsRegion:
      type: object
      properties:
        cloudProvider: {type: string, enum: [AWS, AZURE]}
";

const INVOICE: &str = "    Invoice:
      type: object
      properties:
        cloudProvider: {type: string, enum: [AWS, AZURE]}
";

const KIND: &str = "    Thing:
      type: object
      properties:
        kind: {type: string, enum: [A, B]}
";

fn surface(text: &str, published: Option<&Surface>) -> Surface {
    let spec = atlas_codegen::parse_spec(text).expect("parses");
    atlas_codegen::surface(&spec, published).expect("generates")
}

fn type_names(surface: &Surface) -> Vec<&str> {
    surface.types.keys().map(String::as_str).collect()
}

#[test]
fn a_new_use_of_an_inline_type_does_not_rename_it() {
    let old = surface(&document(STREAMS_REGION), None);
    assert!(
        old.types.contains_key("StreamsRegionCloudProvider"),
        "{:?}",
        type_names(&old)
    );
    let text = document(&format!("{INVOICE}{STREAMS_REGION}"));
    // Without the record, the type both properties share is named after what they share.
    let fresh = surface(&text, None);
    assert!(
        fresh.types.contains_key("CloudProvider"),
        "{:?}",
        type_names(&fresh)
    );
    let new = surface(&text, Some(&old));
    assert_eq!(
        type_names(&new),
        ["Invoice", "StreamsRegion", "StreamsRegionCloudProvider"]
    );
    let field = |owner: &str| match &new.types[owner] {
        atlas_codegen::diff::surface::Type::Struct { fields } => {
            fields["cloudProvider"].rust.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field("Invoice"),
        "Option<models::StreamsRegionCloudProvider>"
    );
    assert_eq!(field("StreamsRegion"), field("Invoice"));
}

#[test]
fn a_type_keeps_its_name_when_its_content_changes_in_its_place() {
    let old = surface(&document(KIND), None);
    let text = document(&KIND.replace("[A, B]", "[A, B, C]"));
    let new = surface(&text, Some(&old));
    assert_eq!(type_names(&new), ["Thing", "ThingKind"]);
}

const KINDS: &str = "    Thing:
      type: object
      properties:
        kinds: {type: array, items: {type: string, enum: [A, B]}}
";

/// A component met before `Thing` whose inline enum is also named `ThingKindsItem`.
const THING_KINDS: &str = "    ThingKinds:
      type: object
      properties:
        item: {type: string, enum: [X, Y]}
";

#[test]
fn a_new_type_that_wants_a_kept_name_is_numbered() {
    let old = surface(&document(KINDS), None);
    assert_eq!(type_names(&old), ["Thing", "ThingKindsItem"]);
    let values = |surface: &Surface, name: &str| match &surface.types[name] {
        atlas_codegen::diff::surface::Type::Enum { values } => {
            values.keys().cloned().collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    let text = document(&format!("{THING_KINDS}{KINDS}"));
    // First use wins without the record: the new enum takes the name.
    let fresh = surface(&text, None);
    assert_eq!(values(&fresh, "ThingKindsItem"), ["X", "Y"]);
    let new = surface(&text, Some(&old));
    assert_eq!(values(&new, "ThingKindsItem"), ["A", "B"]);
    assert_eq!(values(&new, "ThingKindsItem2"), ["X", "Y"]);
}

#[test]
fn names_do_not_depend_on_the_order_of_the_spec() {
    let old = surface(&document(STREAMS_REGION), None);
    let one = surface(
        &document(&format!("{INVOICE}{STREAMS_REGION}{KIND}")),
        Some(&old),
    );
    let other = surface(
        &document(&format!("{KIND}{STREAMS_REGION}{INVOICE}")),
        Some(&old),
    );
    assert_eq!(type_names(&one), type_names(&other));
    assert_eq!(one.types, other.types);
}

#[test]
fn generating_with_its_own_record_changes_nothing() {
    for text in [
        document(&format!("{INVOICE}{STREAMS_REGION}{KIND}")),
        document(STREAMS_REGION),
    ] {
        let spec = atlas_codegen::parse_spec(&text).expect("parses");
        let first = atlas_codegen::generate(&spec, None).expect("generates");
        let again = atlas_codegen::generate(&spec, Some(&first.surface)).expect("generates");
        assert_eq!(first.files, again.files);
    }
}

#[test]
fn the_report_blames_the_generator_for_a_name_that_moved_and_the_spec_for_the_rest() {
    let old = surface(&document(&format!("{STREAMS_REGION}{KIND}")), None);
    // The new use shares the enum, and `Thing.kind` is gone from the spec.
    let text = document(&format!("{INVOICE}{STREAMS_REGION}"));
    let moved = atlas_codegen::diff::diff(&old, &surface(&text, None), "0.1.0");
    let blame = |report: &atlas_codegen::diff::Report| -> Vec<(String, Option<Cause>)> {
        let breaking = report.changes.iter().filter(|c| c.breaking);
        breaking.map(|c| (c.subject.clone(), c.cause)).collect()
    };
    let by_generator: Vec<&str> = moved
        .generator_breaks()
        .iter()
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(
        by_generator,
        // The field whose type moved, then the type that moved.
        ["StreamsRegionCloudProvider", "StreamsRegion"],
        "{}",
        moved.text()
    );
    assert!(
        moved.text().contains("(2 by the generator)"),
        "{}",
        moved.text()
    );
    // Kept names: only the spec's own removals break.
    let kept = atlas_codegen::diff::diff(&old, &surface(&text, Some(&old)), "0.1.0");
    assert_eq!(
        blame(&kept),
        [
            ("Thing".to_owned(), Some(Cause::Spec)),
            ("ThingKind".to_owned(), Some(Cause::Spec)),
        ],
        "{}",
        kept.text()
    );
}

#[test]
fn a_value_keeps_its_variant_when_a_new_value_wants_the_name() {
    let algorithms = |list: &str| {
        document(&format!(
            "    Thing:
      type: object
      properties:
        algorithm: {{type: string, enum: [{list}]}}
"
        ))
    };
    let variants = |surface: &Surface| match &surface.types["ThingAlgorithm"] {
        atlas_codegen::diff::surface::Type::Enum { values } => values.clone(),
        other => panic!("{other:?}"),
    };
    let old = surface(&algorithms("SHA-1, SHA-256"), None);
    assert_eq!(variants(&old)["SHA-1"], "Sha1");
    let text = algorithms("SHA1, SHA-1, SHA-256");
    // First met wins without the record: the new value takes `Sha1`.
    let fresh = variants(&surface(&text, None));
    assert_eq!(
        (fresh["SHA1"].as_str(), fresh["SHA-1"].as_str()),
        ("Sha1", "Sha12")
    );
    let kept = variants(&surface(&text, Some(&old)));
    assert_eq!(
        (kept["SHA1"].as_str(), kept["SHA-1"].as_str()),
        ("Sha12", "Sha1")
    );
    assert_eq!(kept["SHA-256"], "Sha256");
}

const TIER: &str = "    Tier:
      type: object
      properties:
        name: {type: string}
        size: {type: integer, format: int32}
";

/// `Tier` renamed `Level`, same content; `Owner` refers to it by its new name.
const LEVEL_AND_OWNER: &str = "    Level:
      type: object
      properties:
        name: {type: string}
        size: {type: integer, format: int32}
    Owner:
      type: object
      properties:
        tier: {$ref: '#/components/schemas/Level'}
";

const TIER_OWNER: &str = "    Owner:
      type: object
      properties:
        tier: {$ref: '#/components/schemas/Tier'}
";

#[test]
fn a_schema_the_spec_renames_stays_as_an_alias_and_the_report_says_so() {
    let old = surface(&document(&format!("{TIER}{TIER_OWNER}")), None);
    let text = document(LEVEL_AND_OWNER);
    let new = surface(&text, Some(&old));
    assert_eq!(
        new.type_aliases,
        [("Tier".to_owned(), "Level".to_owned())].into()
    );
    let report = atlas_codegen::diff::diff(&old, &new, "0.1.0");
    let (breaking, _) = report.counts();
    assert_eq!(breaking, 0, "{}", report.text());
    assert!(
        report.text().contains(
            "`Tier`: type `Tier` is now `Level`, of the same content, the old name kept as an alias"
        ),
        "{}",
        report.text()
    );
    // `Owner.tier` is `Option<models::Level>` now, and `models::Tier` is that type.
    assert!(
        !report.text().contains("Owner"),
        "the field's type did not change: {}",
        report.text()
    );

    // Without the record the old name is gone, and that is the generator's doing.
    let fresh = surface(&text, None);
    assert!(fresh.type_aliases.is_empty());
    let report = atlas_codegen::diff::diff(&old, &fresh, "0.1.0");
    let renames: Vec<(&str, Option<Cause>)> = report
        .changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| (c.subject.as_str(), c.cause))
        .collect();
    assert!(
        renames.contains(&("Tier", Some(Cause::Generator))),
        "{}",
        report.text()
    );
}

#[test]
fn the_alias_of_a_renamed_schema_is_emitted_deprecated_and_outlives_one_generation() {
    let old = surface(&document(&format!("{TIER}{TIER_OWNER}")), None);
    let text = document(LEVEL_AND_OWNER);
    let spec = atlas_codegen::parse_spec(&text).expect("parses");
    let generated = atlas_codegen::generate(&spec, Some(&old)).expect("generates");
    let level = &generated.files["src/generated/models/level.rs"];
    assert!(
        level.contains(
            "#[deprecated(note = \"renamed to `Level` by the Atlas API spec\")]\npub type Tier = Level;"
        ),
        "{level}"
    );
    // The next generation, from the same spec with the newer record, keeps the alias; one
    // that renames `Level` again points it at the newest name.
    let next = surface(&text, Some(&surface(&text, Some(&old))));
    assert_eq!(next.type_aliases["Tier"], "Level");
    let again = document(&LEVEL_AND_OWNER.replace("Level", "Grade"));
    let newest = surface(&again, Some(&next));
    assert_eq!(
        newest.type_aliases,
        [
            ("Level".to_owned(), "Grade".to_owned()),
            ("Tier".to_owned(), "Grade".to_owned())
        ]
        .into()
    );
}

#[test]
fn a_schema_renamed_with_one_it_refers_to_is_found_too() {
    let old = surface(&document(&format!("{TIER}{TIER_OWNER}")), None);
    // Both renamed: `Owner` → `Holder` refers to `Level`, which was `Tier`.
    let text = document(&LEVEL_AND_OWNER.replace("Owner", "Holder"));
    let new = surface(&text, Some(&old));
    assert_eq!(
        new.type_aliases,
        [
            ("Owner".to_owned(), "Holder".to_owned()),
            ("Tier".to_owned(), "Level".to_owned())
        ]
        .into()
    );
    let report = atlas_codegen::diff::diff(&old, &new, "0.1.0");
    assert_eq!(report.counts().0, 0, "{}", report.text());
}

/// The fields or variants of `name` in `surface`: member → its Rust name.
fn members(surface: &Surface, name: &str) -> Vec<(String, String)> {
    use atlas_codegen::diff::surface::Type;
    match &surface.types[name] {
        Type::Struct { fields } => fields
            .iter()
            .map(|(wire, f)| (wire.clone(), f.ident.clone()))
            .collect(),
        Type::Tagged { mappings, .. } => mappings
            .iter()
            .map(|(tag, (_, variant))| (tag.clone(), variant.clone()))
            .collect(),
        Type::Untagged { branches } => branches
            .iter()
            .map(|(branch, variant)| (branch.clone(), variant.clone()))
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Two wire names that make one ident are an error, so a field's ident depends on its
/// wire name alone; what can still move it is a change of the naming rule between
/// generator versions. The published ident wins over today's rule.
#[test]
fn a_field_keeps_its_published_ident_over_the_current_rule() {
    use atlas_codegen::diff::surface::Type;
    let text = document(
        "    Disk:
      type: object
      properties:
        diskSizeGB: {type: number}
        iops: {type: integer}
",
    );
    let mut old = surface(&text, None);
    assert_eq!(
        members(&old, "Disk"),
        pairs(&[("diskSizeGB", "disk_size_gb"), ("iops", "iops")])
    );
    // As an older rule would have named it.
    let Some(Type::Struct { fields }) = old.types.get_mut("Disk") else {
        panic!("a struct");
    };
    fields.get_mut("diskSizeGB").expect("the field").ident = "disk_size_g_b".to_owned();
    let new = surface(&text, Some(&old));
    assert_eq!(
        members(&new, "Disk"),
        pairs(&[("diskSizeGB", "disk_size_g_b"), ("iops", "iops")])
    );
}

#[test]
fn union_variants_keep_their_names_when_a_branch_is_added() {
    let branches = |extra: &str| {
        document(&format!(
            "    RawMetricThresholdView:
      type: object
      properties:
        raw: {{type: string}}
    DataMetricThresholdView:
      type: object
      properties:
        data: {{type: string}}
{extra}    Threshold:
      oneOf:
        - $ref: '#/components/schemas/RawMetricThresholdView'
        - $ref: '#/components/schemas/DataMetricThresholdView'
"
        ))
    };
    let old = surface(&branches(""), None);
    let time = "    TimeThreshold:
      type: object
      properties:
        time: {type: string}
";
    let text = branches(time).replace(
        "        - $ref: '#/components/schemas/DataMetricThresholdView'\n",
        "        - $ref: '#/components/schemas/DataMetricThresholdView'\n        - $ref: '#/components/schemas/TimeThreshold'\n",
    );
    assert_eq!(
        members(&old, "Threshold"),
        pairs(&[
            ("models::DataMetricThresholdView", "Data"),
            ("models::RawMetricThresholdView", "Raw")
        ])
    );
    // Without the record, the new branch changes what the names share, so they move.
    let fresh = surface(&text, None);
    assert_eq!(
        members(&fresh, "Threshold"),
        pairs(&[
            ("models::DataMetricThresholdView", "DataMetricView"),
            ("models::RawMetricThresholdView", "RawMetricView"),
            ("models::TimeThreshold", "Time")
        ])
    );
    let new = surface(&text, Some(&old));
    assert_eq!(
        members(&new, "Threshold"),
        pairs(&[
            ("models::DataMetricThresholdView", "Data"),
            ("models::RawMetricThresholdView", "Raw"),
            ("models::TimeThreshold", "Time")
        ])
    );
    let report = atlas_codegen::diff::diff(&old, &new, "0.1.0");
    assert_eq!(report.counts().0, 0, "{}", report.text());

    // A new branch that wants a kept name is numbered.
    let raw = "    Raw:
      type: object
      properties:
        rawest: {type: string}
";
    let text = branches(raw).replace(
        "        - $ref: '#/components/schemas/DataMetricThresholdView'\n",
        "        - $ref: '#/components/schemas/DataMetricThresholdView'\n        - $ref: '#/components/schemas/Raw'\n",
    );
    let new = surface(&text, Some(&old));
    assert_eq!(
        members(&new, "Threshold"),
        pairs(&[
            ("models::DataMetricThresholdView", "Data"),
            ("models::Raw", "Raw2"),
            ("models::RawMetricThresholdView", "Raw")
        ])
    );
}

#[test]
fn tagged_variants_keep_their_names_when_a_subtype_is_added() {
    let union = |extra_mapping: &str, extra: &str| {
        document(&format!(
            "    AlphaConfig:
      type: object
      properties:
        type: {{type: string}}
        alpha: {{type: string}}
    BetaConfig:
      type: object
      properties:
        type: {{type: string}}
        beta: {{type: string}}
{extra}    Union:
      oneOf:
        - $ref: '#/components/schemas/AlphaConfig'
        - $ref: '#/components/schemas/BetaConfig'
      discriminator:
        propertyName: type
        mapping:
          A1: '#/components/schemas/AlphaConfig'
          A2: '#/components/schemas/AlphaConfig'
          B1: '#/components/schemas/BetaConfig'
          B2: '#/components/schemas/BetaConfig'
{extra_mapping}"
        ))
    };
    let old = surface(&union("", ""), None);
    let gamma = "    GammaSettings:
      type: object
      properties:
        type: {type: string}
        gamma: {type: string}
";
    let text = union(
        "          G1: '#/components/schemas/GammaSettings'\n          G2: '#/components/schemas/GammaSettings'\n",
        gamma,
    )
    .replace(
        "        - $ref: '#/components/schemas/BetaConfig'\n",
        "        - $ref: '#/components/schemas/BetaConfig'\n        - $ref: '#/components/schemas/GammaSettings'\n",
    );
    let alpha_beta = [
        ("A1", "Alpha"),
        ("A2", "Alpha"),
        ("B1", "Beta"),
        ("B2", "Beta"),
    ];
    assert_eq!(members(&old, "Union"), pairs(&alpha_beta));
    // Without the record, the new subtype's name shares no ending with the others, so
    // theirs move.
    let fresh = surface(&text, None);
    assert_eq!(
        members(&fresh, "Union"),
        pairs(&[
            ("A1", "AlphaConfig"),
            ("A2", "AlphaConfig"),
            ("B1", "BetaConfig"),
            ("B2", "BetaConfig"),
            ("G1", "GammaSettings"),
            ("G2", "GammaSettings")
        ])
    );
    let new = surface(&text, Some(&old));
    let mut kept = alpha_beta.to_vec();
    kept.extend([("G1", "GammaSettings"), ("G2", "GammaSettings")]);
    assert_eq!(members(&new, "Union"), pairs(&kept));
    let report = atlas_codegen::diff::diff(&old, &new, "0.1.0");
    assert_eq!(report.counts().0, 0, "{}", report.text());
}
