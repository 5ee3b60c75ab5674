//! Every naming rule of the generator: how wire names (schema, property, parameter, tag and
//! operation names, enum values, discriminator tags) become Rust identifiers, and how the
//! types the spec leaves unnamed are named after where they are.
//!
//! To change how something is named, change it here: the rest of the generator only calls
//! these functions. Each says what it names, with examples (tested as doctests).
//!
//! **Published names are kept.** These rules name what a spec has for the first time. A
//! name the crate has published stays while what it names is in the spec: the generator
//! reads the previous crate's record (`reports/api-surface.json`), and an inline type keeps
//! the name of the published type it shares the most places of the spec with
//! (`passes::published_names`), whatever a new spec adds or reorders: a new use of a shared
//! enum does not rename it, and a new type met first does not take its name (it is
//! [`numbered`]). Component schemas, fields, modules and features are named by their own
//! wire names, which do not move while they exist. When the spec renames one (a type is
//! gone and a new one has its content), the old name stays as a `#[deprecated]` alias of
//! the new (`passes::type_aliases`), as does the request type name of a renamed operation
//! (`passes::request_aliases`), while the thing itself exists.
//!
//! | what | rule | example |
//! | --- | --- | --- |
//! | type | [`type_name`] | `AWSCloudProviderContainer` → `AwsCloudProviderContainer`, `String` → `StringType` |
//! | variant | [`type_ident`] | `SHA-1` → `Sha1` |
//! | field, parameter | [`field_ident`] | `diskSizeGB` → `disk_size_gb`, `type` → `r#type` |
//! | module, file | [`module_ident`] | `Cloud Backups` → `cloud_backups` |
//! | inline type | [`property_type`], [`item_type`], [`map_value_type`], [`parameter_type`], [`request_body_type`], [`response_body_type`], [`component_response_type`], [`untitled_branch_type`] | `ClusterDescriptionTags`, `CreateClusterV20240805Request` |
//! | shared inline type | [`shared_type_names`] | `AwsHardwareSpec20240805.instanceSize` and `AwsCloudProviderSettings.instanceSizeName` → `AwsInstanceSize` |
//! | name taken | [`numbered`] | `Sha1`, `Sha12`, `Sha13` |
//! | operation | [`operation_type`], [`operation_module`], [`operation_types_file`] | `getGroupCluster` → `GetGroupCluster`, `get_group_cluster` |
//! | request type | [`version_type_name`], [`alternate_type_name`], [`success_enum_name`], [`status_variant`] | `GetInvoiceV20230101Csv` |
//! | enum variants | [`enum_variants`], [`is_placeholder`] | `SHA-1` → `Sha1`; catch-all `Unknown`; `<a custom role name>` none |
//! | union variants | [`tagged_variants`], [`untagged_variants`] | `AWSRegionConfig` in `CloudRegionConfig` → `Aws` |
//! | request and model setter | [`setter_name`], [`model_setter_name`] | `items_per_page`, `with_new` |
//! | a branch named for a tag | [`named_for_tag`] | `AWSHardwareSpec20240805` is the `AWS` one |

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::media::ApiVersion;

/// The field of every generated struct that keeps the properties its schema does not
/// declare; a property that would take this name is an error.
pub const UNDECLARED_PROPERTIES_FIELD: &str = "additional_properties";

/// The field of every generated struct with required fields that lists those a response
/// lacked and decoding filled with zero values; a property that would take this name is
/// an error.
pub const FILLED_FIELD: &str = "filled";

/// The variant of every discriminated union that keeps a tag value the spec does not list;
/// no subtype's variant takes this name (see [`tagged_variants`]).
pub const UNKNOWN_TAG_VARIANT: &str = "Unknown";

/// The tag of an operation the spec gives none (its module is `untagged`).
pub const UNTAGGED: &str = "Untagged";

/// The models file holding the inline body types of `#/components/responses`.
pub const COMPONENT_RESPONSES_FILE: &str = "component_responses";

/// Names the generated code writes without a path: a type of one of these names would
/// shadow it in the type's own file.
const PRELUDE_NAMES: &[&str] = &[
    "Box", "Default", "Err", "From", "Into", "None", "Ok", "Option", "Result", "Some", "String",
    "Vec",
];

/// Every keyword of the 2015–2024 editions, strict and reserved (`gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Names of spoken-out symbols, so that enum values like `<` or `>=` get readable variants.
const SYMBOLS: &[(char, &str)] = &[
    ('<', "less than"),
    ('>', "greater than"),
    ('=', "equal"),
    ('!', "not"),
    ('+', "plus"),
    ('*', "star"),
    ('%', "percent"),
    ('&', "and"),
    ('|', "or"),
    ('#', "hash"),
    ('@', "at"),
    ('$', "dollar"),
    ('?', "question"),
    ('~', "tilde"),
];

/// Splits a wire name into words that heck can case: every character but an ASCII letter
/// or digit becomes a word break (identifiers stay ASCII, so that no lint flags them), and
/// symbols that would otherwise vanish are spelled out.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let only_symbols = !raw.chars().any(|c| c.is_ascii_alphanumeric());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some((_, word)) = SYMBOLS
            .iter()
            .find(|(s, _)| *s == c)
            .filter(|_| only_symbols || c == '<' || c == '>' || c == '=')
        {
            out.push(' ');
            out.push_str(word);
            out.push(' ');
        } else {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` identifier for a type or variant. Never empty, never starts with a digit,
/// never `Self`.
///
/// ```
/// use atlas_codegen::names::type_ident;
/// assert_eq!(type_ident("AWSCloudProviderContainer"), "AwsCloudProviderContainer");
/// assert_eq!(type_ident("lucene.arabic"), "LuceneArabic");
/// assert_eq!(type_ident("1000 requests"), "V1000Requests");
/// assert_eq!(type_ident("<="), "LessThanEqual");
/// assert_eq!(type_ident(""), "Empty");
/// assert_eq!(type_ident("self"), "SelfValue");
/// assert_eq!(type_ident("Café"), "Caf");
/// ```
pub fn type_ident(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push_str("Value");
    }
    s
}

/// `UpperCamelCase` identifier for a type (a model, a request type): [`type_ident`], with
/// `Type` after a name that the generated code uses from the prelude (`String`, `Option`,
/// `Result`…), which the type would shadow.
///
/// ```
/// use atlas_codegen::names::type_name;
/// assert_eq!(type_name("ClusterDescription20240805"), "ClusterDescription20240805");
/// assert_eq!(type_name("string"), "StringType");
/// assert_eq!(type_name("Result"), "ResultType");
/// ```
pub fn type_name(raw: &str) -> String {
    let mut s = type_ident(raw);
    if PRELUDE_NAMES.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// `snake_case` identifier for a field or parameter; keywords become raw identifiers (or
/// get a trailing `_` where a raw identifier is not allowed).
///
/// ```
/// use atlas_codegen::names::field_ident;
/// assert_eq!(field_ident("diskSizeGB"), "disk_size_gb");
/// assert_eq!(field_ident("type"), "r#type");
/// assert_eq!(field_ident("self"), "self_");
/// assert_eq!(field_ident("2dsphereIndexVersion"), "_2dsphere_index_version");
/// assert_eq!(field_ident("_id"), "id");
/// ```
pub fn field_ident(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// A `snake_case` module or file name (no raw identifiers: file names cannot hold `r#`):
/// a tag's module, a component schema's file.
///
/// ```
/// use atlas_codegen::names::module_ident;
/// assert_eq!(module_ident("Cloud Backups"), "cloud_backups");
/// assert_eq!(module_ident("type"), "type_");
/// ```
pub fn module_ident(raw: &str) -> String {
    let s = field_ident(raw);
    match s.strip_prefix("r#") {
        Some(kw) => format!("{kw}_"),
        None => s,
    }
}

/// `base`, or the first of `base2`, `base3`… that `taken` does not hold: how a name that
/// is already used is made unique, in the order names are met.
///
/// ```
/// use atlas_codegen::names::numbered;
/// assert_eq!(numbered("Sha1", |n| n == "Sha1"), "Sha12");
/// assert_eq!(numbered("Tags", |_| false), "Tags");
/// ```
pub fn numbered(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Names for an inline type that several types' properties share, best first, from its
/// `uses` as (owner type, property): the words every property name has in a row
/// (`instanceSize`, `maxInstanceSize` → `InstanceSize`), alone when they make two words or
/// more, then after the words every owner has in a row (`AwsHardwareSpec`,
/// `AwsCloudProviderSettings` → `Aws`). A name that several shared types could take goes to
/// the most general (the enum whose values include the others'), else to none; a type that
/// can take no name keeps that of its first use ([`property_type`]).
///
/// ```
/// use atlas_codegen::names::shared_type_names;
/// let uses = [
///     ("AwsCloudProviderSettings", "instanceSizeName"),
///     ("AwsHardwareSpec20240805", "instanceSize"),
///     ("AwsComputeAutoScaling", "maxInstanceSize"),
/// ];
/// assert_eq!(shared_type_names(&uses), ["InstanceSize", "AwsInstanceSize"]);
/// let uses = [("ClusterSearchIndex", "type"), ("SearchIndexCreateRequest", "type")];
/// assert_eq!(shared_type_names(&uses), ["SearchIndexType"]);
/// let uses = [("Alpha", "kind"), ("Beta", "mode")];
/// assert!(shared_type_names(&uses).is_empty());
/// // Words the owners end with and the property begins with are said once.
/// let uses = [("SqlInterfaceStatusResponse", "status"), ("SqlInterfaceStatusUpdateRequest", "status")];
/// assert_eq!(shared_type_names(&uses), ["SqlInterfaceStatus"]);
/// let uses = [("AwsRegionConfig", "regionName"), ("AzureRegionConfig20240805", "regionName")];
/// assert_eq!(shared_type_names(&uses), ["RegionName", "RegionConfigRegionName"]);
/// ```
pub fn shared_type_names(uses: &[(&str, &str)]) -> Vec<String> {
    let owners: Vec<Vec<String>> = uses.iter().map(|(o, _)| name_words(o)).collect();
    let properties: Vec<Vec<String>> = uses.iter().map(|(_, p)| name_words(p)).collect();
    let property = common_run(&properties);
    if property.is_empty() {
        return Vec::new();
    }
    let camel = |words: &[String]| type_name(&words.join(" "));
    let mut names = Vec::new();
    if property.len() >= 2 {
        names.push(camel(&property));
    }
    let mut owner = common_run(&owners);
    // `SqlInterfaceStatus` + `status` is `SqlInterfaceStatus`, not `…StatusStatus`.
    let overlap = (1..=owner.len().min(property.len()))
        .rev()
        .find(|&n| owner[owner.len() - n..] == property[..n])
        .unwrap_or(0);
    owner.truncate(owner.len() - overlap);
    if !owner.is_empty() || overlap > 0 {
        names.push(camel(&[owner, property].concat()));
    }
    names.dedup();
    names
}

/// The lower-case words of an identifier or wire name, digits apart:
/// `AwsRegionConfig20240805` → `aws region config 20240805`.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for word in name.to_snake_case().split('_').filter(|w| !w.is_empty()) {
        let mut current = String::new();
        for c in word.chars() {
            let boundary = current
                .chars()
                .last()
                .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        words.push(current);
    }
    words
}

/// The longest run of consecutive words every list has (the earliest in the first list
/// among equals).
fn common_run(lists: &[Vec<String>]) -> Vec<String> {
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    let contains = |list: &[String], run: &[String]| list.windows(run.len()).any(|w| w == run);
    for len in (1..=first.len()).rev() {
        for run in first.windows(len) {
            if rest.iter().all(|list| contains(list, run)) {
                return run.to_vec();
            }
        }
    }
    Vec::new()
}

/// The type of an inline property schema: its owner's name, then the property's.
///
/// ```
/// use atlas_codegen::names::property_type;
/// assert_eq!(property_type("ClusterDescription20240805", "tags"), "ClusterDescription20240805Tags");
/// ```
pub fn property_type(owner: &str, property: &str) -> String {
    format!("{owner}{}", type_ident(property))
}

/// The type of the items of an inline array whose own name is `array`.
///
/// ```
/// assert_eq!(atlas_codegen::names::item_type("GroupRoles"), "GroupRolesItem");
/// ```
pub fn item_type(array: &str) -> String {
    format!("{array}Item")
}

/// The type of the values of an inline map whose own name is `map`.
///
/// ```
/// assert_eq!(atlas_codegen::names::map_value_type("Labels"), "LabelsValue");
/// ```
pub fn map_value_type(map: &str) -> String {
    format!("{map}Value")
}

/// The type of a subtype's discriminator field when the subtype always has one tag.
///
/// ```
/// use atlas_codegen::names::constant_tag_type;
/// assert_eq!(constant_tag_type("AwsIamRole", "providerName"), "AwsIamRoleProviderName");
/// ```
pub fn constant_tag_type(subtype: &str, property: &str) -> String {
    format!("{subtype}{}", type_ident(property))
}

/// The closed type of the tags that select one variant of a discriminated union, when
/// several do.
///
/// ```
/// use atlas_codegen::names::variant_tag_type;
/// assert_eq!(variant_tag_type("HostMetricAlert", "Raw", "metricName"), "HostMetricAlertRawMetricName");
/// ```
pub fn variant_tag_type(union: &str, variant: &str, property: &str) -> String {
    format!("{union}{variant}{}", type_ident(property))
}

/// The type of an untitled inline branch of the union `union`, after its shape (see
/// [`branch_shape`]).
///
/// ```
/// use atlas_codegen::names::untitled_branch_type;
/// assert_eq!(untitled_branch_type("Threshold", "WithMetricName"), "ThresholdWithMetricName");
/// ```
pub fn untitled_branch_type(union: &str, shape: &str) -> String {
    format!("{union}{shape}")
}

/// What an untitled inline branch is: for an object `WithEmailAddress`, after its first
/// required (else first) property; `List` for an array; else its type (`String`,
/// `Integer`), or `Value` for a schema without one.
///
/// ```
/// use atlas_codegen::names::branch_shape;
/// assert_eq!(branch_shape(Some("object"), Some("emailAddress")), "WithEmailAddress");
/// assert_eq!(branch_shape(Some("array"), None), "List");
/// assert_eq!(branch_shape(Some("integer"), None), "Integer");
/// assert_eq!(branch_shape(None, None), "Value");
/// ```
pub fn branch_shape(schema_type: Option<&str>, first_property: Option<&str>) -> String {
    match (schema_type, first_property) {
        (_, Some(property)) => format!("With{}", type_ident(property)),
        (Some("array"), None) => "List".to_owned(),
        (Some(ty), None) => type_ident(ty),
        (None, None) => "Value".to_owned(),
    }
}

/// The type of an operation, and of its request type's name stem: its short name (the
/// `x-xgen-operation-id-override` of the Atlas CLI and Go SDK, else its `operationId`).
///
/// ```
/// assert_eq!(atlas_codegen::names::operation_type("getGroupCluster"), "GetGroupCluster");
/// ```
pub fn operation_type(short_name: &str) -> String {
    type_name(short_name)
}

/// The module (and file) of an operation, in its tag's module.
///
/// ```
/// assert_eq!(atlas_codegen::names::operation_module("getGroupCluster"), "get_group_cluster");
/// ```
pub fn operation_module(short_name: &str) -> String {
    module_ident(short_name)
}

/// The models file holding the inline types of an operation's parameters and bodies.
///
/// ```
/// assert_eq!(atlas_codegen::names::operation_types_file("listClusters"), "list_clusters_types");
/// ```
pub fn operation_types_file(short_name: &str) -> String {
    format!("{}_types", module_ident(short_name))
}

/// The type of an inline parameter schema of an operation.
///
/// ```
/// assert_eq!(atlas_codegen::names::parameter_type("ListEvents", "eventType"), "ListEventsEventType");
/// ```
pub fn parameter_type(operation: &str, parameter: &str) -> String {
    format!("{operation}{}", type_ident(parameter))
}

/// The type of an inline request body: the version reads as in the request type's name.
///
/// ```
/// use atlas_codegen::{media::ApiVersion, names::request_body_type};
/// let v = ApiVersion::parse("2024-08-05").unwrap();
/// assert_eq!(request_body_type("CreateCluster", &v), "CreateClusterV20240805Request");
/// ```
pub fn request_body_type(operation: &str, version: &ApiVersion) -> String {
    format!("{operation}V{}Request", version_suffix(version))
}

/// The type of an inline response body of a status, in a version (or in every version,
/// for an `application/json` body).
///
/// ```
/// use atlas_codegen::{media::ApiVersion, names::response_body_type};
/// let v = ApiVersion::parse("2023-01-01").unwrap();
/// assert_eq!(response_body_type("GetThing", Some(&v), 200), "GetThingV20230101Response200");
/// assert_eq!(response_body_type("GetThing", None, 400), "GetThingResponse400");
/// ```
pub fn response_body_type(operation: &str, version: Option<&ApiVersion>, status: u16) -> String {
    match version {
        Some(v) => format!("{operation}V{}Response{status}", version_suffix(v)),
        None => format!("{operation}Response{status}"),
    }
}

/// The type of an inline body of a component response (`#/components/responses/notFound`).
///
/// ```
/// assert_eq!(atlas_codegen::names::component_response_type("notFound"), "NotFoundResponse");
/// ```
pub fn component_response_type(name: &str) -> String {
    format!("{}Response", type_ident(name))
}

/// `2024-10-23` → `20241023`, `preview` → `Preview`: the suffix of per-version names.
///
/// ```
/// use atlas_codegen::{media::ApiVersion, names::version_suffix};
/// assert_eq!(version_suffix(&ApiVersion::parse("2024-10-23").unwrap()), "20241023");
/// assert_eq!(version_suffix(&ApiVersion::parse("preview").unwrap()), "Preview");
/// ```
pub fn version_suffix(version: &ApiVersion) -> String {
    if version.is_preview() {
        "Preview".to_owned()
    } else {
        version.as_str().replace('-', "")
    }
}

/// The request type of an (operation, version) pair.
///
/// ```
/// use atlas_codegen::{media::ApiVersion, names::version_type_name};
/// let v = ApiVersion::parse("2024-10-23").unwrap();
/// assert_eq!(version_type_name("GetCluster", &v), "GetClusterV20241023");
/// ```
pub fn version_type_name(operation_type: &str, version: &ApiVersion) -> String {
    format!("{operation_type}V{}", version_suffix(version))
}

/// The request type asking for another format of a version's success.
///
/// ```
/// use atlas_codegen::names::alternate_type_name;
/// assert_eq!(alternate_type_name("GetInvoiceV20230101", "csv"), "GetInvoiceV20230101Csv");
/// ```
pub fn alternate_type_name(version_type: &str, format: &str) -> String {
    format!("{version_type}{}", format.to_upper_camel_case())
}

/// The enum of a request type's successes, when it has several.
///
/// ```
/// use atlas_codegen::names::success_enum_name;
/// assert_eq!(success_enum_name("CreateRoleMappingV20230101"), "CreateRoleMappingV20230101Success");
/// ```
pub fn success_enum_name(request_type: &str) -> String {
    format!("{request_type}Success")
}

/// The variant of a success status in that enum.
///
/// ```
/// use atlas_codegen::names::status_variant;
/// assert_eq!(status_variant(201), "Created");
/// assert_eq!(status_variant(206), "Status206");
/// ```
pub fn status_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        204 => "NoContent".to_owned(),
        s => format!("Status{s}"),
    }
}

/// Whether an enum value of the spec is a placeholder for other values, written for
/// people (`<a custom role name>`), not a value sent on the wire: such a value gets no
/// variant, and the enum's catch-all keeps what it stands for.
///
/// ```
/// use atlas_codegen::names::is_placeholder;
/// assert!(is_placeholder("<a custom role name>"));
/// assert!(!is_placeholder("readWriteAnyDatabase"));
/// assert!(!is_placeholder("<"));
/// assert!(!is_placeholder("<="));
/// ```
pub fn is_placeholder(value: &str) -> bool {
    value.len() > 2
        && value.starts_with('<')
        && value.ends_with('>')
        && value[1..value.len() - 1].chars().any(char::is_alphabetic)
}

/// The variants of an open string enum, one per value in order (a clash numbered, see
/// [`numbered`]), and the catch-all variant that keeps values the spec does not list:
/// `Unknown`, unless a value already has that name.
///
/// ```
/// use atlas_codegen::names::enum_variants;
/// let values = ["SHA-1", "SHA1", "sha_1", "Unknown"].map(String::from);
/// let (variants, catch_all) = enum_variants(&values);
/// assert_eq!(variants, ["Sha1", "Sha12", "Sha13", "Unknown"]);
/// assert_eq!(catch_all, "Unrecognized");
/// ```
pub fn enum_variants(values: &[String]) -> (Vec<String>, String) {
    let mut variants: Vec<String> = Vec::with_capacity(values.len());
    for wire in values {
        let ident = numbered(&type_ident(wire), |n| variants.iter().any(|v| v == n));
        variants.push(ident);
    }
    let catch_all = ["Unknown", "Unrecognized", "UnknownValue"]
        .into_iter()
        .find(|c| !variants.iter().any(|v| v == c))
        .unwrap_or("UnlistedValue")
        .to_owned();
    (variants, catch_all)
}

/// The variants of a discriminated union named `union`, one per subtype, given as the
/// subtype's type name and the tag values that select it. A subtype selected by one tag is
/// named after the tag; one selected by several, after what its name does not share with
/// the others and the union; a clash (or `Unknown`, the catch-all) takes the full type name.
///
/// ```
/// use atlas_codegen::names::tagged_variants;
/// let subtypes = [
///     ("AwsRegionConfig".to_owned(), vec!["AWS".to_owned()]),
///     ("GcpRegionConfig".to_owned(), vec!["GCP".to_owned()]),
///     ("TenantRegionConfig".to_owned(), vec!["TENANT".to_owned(), "FREE".to_owned()]),
/// ];
/// assert_eq!(tagged_variants(&subtypes, "CloudRegionConfig"), ["Aws", "Gcp", "Tenant"]);
/// ```
pub fn tagged_variants(subtypes: &[(String, Vec<String>)], union: &str) -> Vec<String> {
    let types: Vec<String> = subtypes.iter().map(|(ty, _)| ty.clone()).collect();
    let stripped = strip_common_affixes(&types, union);
    let mut variants: Vec<String> = Vec::with_capacity(subtypes.len());
    for (i, (ty, tags)) in subtypes.iter().enumerate() {
        let mut ident = match tags.as_slice() {
            [tag] => type_ident(tag),
            _ => stripped[i].clone(),
        };
        if ident == UNKNOWN_TAG_VARIANT || variants.contains(&ident) {
            ident = ty.clone();
        }
        variants.push(ident);
    }
    variants
}

/// The variants of an untagged union named `union`, one per branch, given as each
/// branch's type name: what each does not share with the others and the union; on a
/// clash the full name; two untitled branches of one shape are told apart by position
/// (`Branch3` for the third), the only use of position.
///
/// ```
/// use atlas_codegen::names::untagged_variants;
/// let branches = ["RawMetricThresholdView", "DataMetricThresholdView"].map(String::from);
/// assert_eq!(untagged_variants(&branches, "AppServiceMetricThreshold"), ["Raw", "Data"]);
/// let same = ["ThresholdString", "ThresholdString"].map(String::from);
/// assert_eq!(untagged_variants(&same, "Threshold"), ["ThresholdString", "ThresholdStringBranch2"]);
/// ```
pub fn untagged_variants(branches: &[String], union: &str) -> Vec<String> {
    let stripped = strip_common_affixes(branches, union);
    let mut variants: Vec<String> = Vec::with_capacity(branches.len());
    for (i, branch) in branches.iter().enumerate() {
        let mut ident = stripped[i].clone();
        if variants.contains(&ident) {
            ident = branch.clone();
        }
        if variants.contains(&ident) {
            ident = format!("{ident}Branch{}", i + 1);
        }
        variants.push(ident);
    }
    variants
}

/// Variant names without what all of them (and the union's own name) share:
/// `AWSCloudProviderContainer` in `CloudProviderContainer` becomes `Aws`.
fn strip_common_affixes(idents: &[String], union_name: &str) -> Vec<String> {
    let union_words = split_camel(union_name);
    let without_union: Vec<String> = idents
        .iter()
        .map(|full| {
            let mut w = split_camel(full);
            // Drop the union's name where it appears as a run of words inside the variant's.
            if union_words.len() < w.len()
                && let Some(pos) = (0..=w.len() - union_words.len())
                    .find(|&p| w[p..p + union_words.len()] == union_words[..])
            {
                w.drain(pos..pos + union_words.len());
            }
            if w.is_empty() {
                full.clone()
            } else {
                w.concat()
            }
        })
        .collect();
    strip_shared(without_union, idents)
}

/// Removes the word prefix and suffix every name shares (when each keeps at least one word).
fn strip_shared(names: Vec<String>, fallback: &[String]) -> Vec<String> {
    if names.len() < 2 {
        return names;
    }
    let split: Vec<Vec<String>> = names.iter().map(|n| split_camel(n)).collect();
    let min = split.iter().map(Vec::len).min().unwrap_or(0);
    let mut prefix = 0;
    while prefix < min && split.iter().all(|w| w[prefix] == split[0][prefix]) {
        prefix += 1;
    }
    let mut suffix = 0;
    while suffix < min - prefix.min(min)
        && split
            .iter()
            .all(|w| w[w.len() - 1 - suffix] == split[0][split[0].len() - 1 - suffix])
    {
        suffix += 1;
    }
    split
        .iter()
        .zip(fallback)
        .map(|(w, full)| {
            let core = &w[prefix.min(w.len())..w.len() - suffix.min(w.len())];
            if core.is_empty() {
                full.clone()
            } else {
                core.concat()
            }
        })
        .collect()
}

/// Splits an UpperCamel identifier into its words (`AwsRegionConfig` → `Aws`, `Region`, `Config`).
fn split_camel(ident: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in ident.chars() {
        let start = c.is_ascii_uppercase()
            || (c.is_ascii_digit()
                && words
                    .last()
                    .is_some_and(|w| !w.ends_with(|d: char| d.is_ascii_digit())));
        match words.last_mut() {
            Some(w) if !start => w.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

/// The chainable setter of a request type's optional parameter or a model's optional field:
/// the field's name, unless that is a method the type already has (`new`, `body`, or one of
/// its traits', which an inherent method would shadow), then `with_` and the name.
///
/// ```
/// use atlas_codegen::names::setter_name;
/// assert_eq!(setter_name("items_per_page"), "items_per_page");
/// assert_eq!(setter_name("r#type"), "r#type");
/// assert_eq!(setter_name("new"), "with_new");
/// assert_eq!(setter_name("to_request"), "with_to_request");
/// assert_eq!(setter_name("from"), "with_from");
/// ```
pub fn setter_name(field: &str) -> String {
    // `new`, the body's setter, the methods of `runtime::Endpoint`, `runtime::Paginated`,
    // `dynamic::DynamicEndpoint` and `runtime::Json`, and those of the derived and
    // conversion traits every model has, which a one-argument inherent method would shadow
    // in callers' code.
    const TAKEN: [&str; 24] = [
        "new",
        "body",
        "to_request",
        "to_request_with_base",
        "decode_response",
        "decode_response_strict",
        "decode_response_corrected",
        "set_page",
        "into_page",
        "from_args",
        "decode_request_body",
        "read",
        "from_json",
        "encode",
        "encode_members",
        "zero",
        "clone",
        "eq",
        "ne",
        "fmt",
        "default",
        "into",
        "from",
        "serialize",
    ];
    if TAKEN.contains(&field) {
        format!("with_{field}")
    } else {
        field.to_owned()
    }
}

/// Inherent methods written by hand on generated models (`atlas-generated/src/api_error.rs`),
/// whose names a model's setter must not take.
const HAND_WRITTEN_METHODS: &[(&str, &[&str])] =
    &[("ApiError", &["status", "error_code", "detail", "reason"])];

/// The chainable setter of the optional field `field` of the model `type_name`:
/// [`setter_name`], and `with_` before a name a hand-written method of the model has.
///
/// ```
/// use atlas_codegen::names::model_setter_name;
/// assert_eq!(model_setter_name("ClusterDescription20240805", "paused"), "paused");
/// assert_eq!(model_setter_name("Group", "default"), "with_default");
/// assert_eq!(model_setter_name("ApiError", "error_code"), "with_error_code");
/// ```
pub fn model_setter_name(type_name: &str, field: &str) -> String {
    let hand_written = HAND_WRITTEN_METHODS
        .iter()
        .any(|(ty, methods)| *ty == type_name && methods.contains(&field));
    if hand_written {
        format!("with_{field}")
    } else {
        setter_name(field)
    }
}

/// Whether the schema `name` is the one named for the discriminator `tag`: compared
/// without case or punctuation, the name begins with the tag. This is how the spec names
/// the per-provider schemas of one union (`AWSHardwareSpec20240805`, `AzureHardwareSpec20240805`
/// for the tags `AWS`, `AZURE`), and what lets a subtype's field take its own branch.
///
/// ```
/// use atlas_codegen::names::named_for_tag;
/// assert!(named_for_tag("AWSHardwareSpec20240805", "AWS"));
/// assert!(named_for_tag("AzureHardwareSpec20240805", "AZURE"));
/// assert!(named_for_tag("TenantHardwareSpec", "TENANT"));
/// assert!(!named_for_tag("GCPHardwareSpec", "AWS"));
/// assert!(!named_for_tag("AWSHardwareSpec", ""));
/// ```
pub fn named_for_tag(name: &str, tag: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let tag = squash(tag);
    !tag.is_empty() && squash(name).starts_with(&tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_idents_read_naturally() {
        assert_eq!(
            type_ident("ClusterDescription20240805"),
            "ClusterDescription20240805"
        );
        assert_eq!(type_ident(".avro.gz"), "AvroGz");
        assert_eq!(type_ident("SHA-1"), "Sha1");
        assert_eq!(type_ident("<"), "LessThan");
        assert_eq!(type_ident("dls:aws"), "DlsAws");
        assert_eq!(type_ident("Self"), "SelfValue");
        assert_eq!(type_ident("é"), "Empty");
    }

    #[test]
    fn field_idents_avoid_keywords() {
        assert_eq!(field_ident("match"), "r#match");
        assert_eq!(field_ident("gen"), "r#gen");
    }

    #[test]
    fn variant_names_drop_the_union_name() {
        let idents = [
            "AwsCloudProviderContainer",
            "AzureCloudProviderContainer",
            "GcpCloudProviderContainer",
        ]
        .map(String::from);
        assert_eq!(
            strip_common_affixes(&idents, "CloudProviderContainer"),
            ["Aws", "Azure", "Gcp"]
        );
        let idents = [
            "DiskBackupOnDemandCopyPolicyItem",
            "DiskBackupTimeBasedCopyPolicyItem",
        ]
        .map(String::from);
        assert_eq!(
            strip_common_affixes(&idents, "DiskBackupCopyPolicyItem"),
            ["OnDemand", "TimeBased"]
        );
    }

    #[test]
    fn a_tag_named_unknown_or_a_clash_takes_the_type_name() {
        let subtypes = [
            ("UnknownThing".to_owned(), vec!["UNKNOWN".to_owned()]),
            ("FirstThing".to_owned(), vec!["same".to_owned()]),
            ("SecondThing".to_owned(), vec!["SAME".to_owned()]),
        ];
        assert_eq!(
            tagged_variants(&subtypes, "Thing"),
            ["UnknownThing", "Same", "SecondThing"]
        );
    }
}
