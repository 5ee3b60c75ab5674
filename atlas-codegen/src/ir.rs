//! The owned intermediate representation between the spec and the tokens: every type
//! named, every `$ref` resolved, every decision made. `lower` makes it from the
//! spec, `passes` complete it, and the emitter only prints it.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

pub use crate::media::ApiVersion;

/// Index into [`Ir::types`].
pub type TypeId = usize;

#[derive(Debug, Clone)]
pub struct Ir {
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub tags: Vec<Tag>,
    /// Component schema name → its type.
    pub components: IndexMap<String, TypeId>,
    /// Places where the generated type is an untyped JSON value, and why.
    pub fallbacks: Vec<Fallback>,
    /// Parameters the typed requests leave out on purpose, and why (see the report).
    pub left_out: Vec<LeftOutParameter>,
    /// Set by the context pass: fields typed as one branch of their untagged union, because
    /// the tag of the subtype holding them says which (see the report).
    pub narrowed: Vec<NarrowedField>,
    /// Set by the shared-names pass: inline types several types' properties use, renamed
    /// after what the uses share (see the report).
    pub shared_types: Vec<SharedType>,
    /// Set by the families pass: the collections and their items, with the operations
    /// on them (what a fake Atlas keeps state for).
    pub families: Vec<Family>,
    /// The examples of every JSON body of `#/components/responses`, with the body's type, so
    /// that those of a response no operation uses are checked too.
    pub component_response_examples: Vec<TypedExample>,
    pub spec_title: String,
    pub spec_version: String,
    pub spec_sha: Option<String>,
}

impl Ir {
    /// Every API version some operation is available in, oldest first and `preview` last.
    pub fn api_versions(&self) -> Vec<ApiVersion> {
        let versions: std::collections::BTreeSet<&ApiVersion> = self
            .operations
            .iter()
            .flat_map(|o| o.versions.iter().map(|v| &v.version))
            .collect();
        versions.into_iter().cloned().collect()
    }

    /// `ty` with its aliases followed: the generated aliases are type aliases, so a value
    /// of one is a value of its target. A chain longer than there are types is a cycle,
    /// left where it stands.
    pub fn unaliased<'a>(&'a self, mut ty: &'a TypeRef) -> &'a TypeRef {
        for _ in 0..self.types.len() {
            match ty {
                TypeRef::Named(id) => match &self.types[*id].kind {
                    TypeKind::Alias(target) => ty = target,
                    _ => break,
                },
                _ => break,
            }
        }
        ty
    }
}

/// A collection and its items: `POST`/`GET` on `collection`, `GET`/`PATCH`/`PUT`/`DELETE`
/// on `collection/{key_param}`. Each operation is an index into [`Ir::operations`].
#[derive(Debug, Clone)]
pub struct Family {
    /// `/api/atlas/v2/groups/{groupId}/clusters`.
    pub collection: String,
    /// The item's path parameters after the collection, and the field of the item's
    /// answer each names (`clusterName` → `name`), when one does: one for most items, two
    /// for a database user (`{databaseName}/{username}`), none for a singleton, whose
    /// collection is its own path (`…/backupCompliancePolicy`).
    pub keys: Vec<ItemKey>,
    pub create: Option<usize>,
    pub list: Option<usize>,
    pub get: usize,
    /// `PATCH`, then `PUT`, of the item.
    pub update: Vec<usize>,
    pub delete: Option<usize>,
    /// The `errorCode` of a `404` for a missing item: the collection's last word made
    /// singular, `CLUSTER_NOT_FOUND` for `…/clusters`, as Atlas names them.
    pub not_found_code: String,
    /// The read-only fields of the item's answer that the spec gives an example, each with
    /// its first example: what the server fills in, the way the spec shows it.
    pub read_only_examples: Vec<(String, serde_json::Value)>,
    /// The `writeOnly` fields of the item: a create or update takes them, no answer
    /// gives them back.
    pub write_only: Vec<String>,
}

/// A path parameter that addresses an item of its collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    pub param: String,
    pub field: Option<String>,
}

impl Family {
    /// Whether every key of an item is a field of it.
    pub fn keys_are_fields(&self) -> bool {
        self.keys.iter().all(|k| k.field.is_some())
    }

    /// Every operation of the family.
    pub fn operations(&self) -> impl Iterator<Item = usize> + '_ {
        [self.create, self.list, Some(self.get), self.delete]
            .into_iter()
            .flatten()
            .chain(self.update.iter().copied())
    }
}

/// A field of a discriminated subtype typed as the branch of its union that belongs to the
/// subtype's tag: `AwsRegionConfig20240805.electableSpecs` is an `AwsHardwareSpec20240805`.
#[derive(Debug, Clone)]
pub struct NarrowedField {
    pub owner: String,
    pub field: String,
    pub tag: String,
    pub union: String,
    pub branch: String,
}

/// An inline type renamed after the properties that share it.
#[derive(Debug, Clone)]
pub struct SharedType {
    pub name: String,
    /// The name of its first use, which it had before.
    pub previous: String,
    /// `Owner.property`, each use.
    pub uses: Vec<String>,
}

/// A parameter that typed requests do not offer, because setting it would break them.
#[derive(Debug, Clone)]
pub struct LeftOutParameter {
    pub name: String,
    pub location: ParamLocation,
    pub reason: String,
    /// How many operations declare it (0: the rule no longer applies to the spec).
    pub operations: usize,
}

#[derive(Debug, Clone)]
pub struct Fallback {
    pub pointer: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    pub external_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust identifier.
    pub name: String,
    /// JSON pointer of the schema this type comes from.
    pub origin: String,
    /// Every place of the spec (JSON pointer) this type stands for, sorted: its origin, and
    /// the other places of an inline schema of the same content; no two types share one. A
    /// type the generator makes has the places of what it holds: the `mapping` entries of
    /// the tags it is an enum of, or its property's place and `/const` for a tag constant.
    /// What keeps the name a previous crate published for it (`passes::published_names`).
    pub places: Vec<String>,
    /// The component schema whose file holds this type (inline types live with their owner).
    pub file: String,
    pub docs: Docs,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// `example` values of the schema, for round-trip tests.
    pub examples: Vec<Value>,
    /// For a union whose own schema declares properties beside its branches
    /// (`HostMetricAlert`): the examples of those properties. No struct of the union's own
    /// holds them; each branch's field of the same name must accept them.
    pub base_examples: Vec<BaseExample>,
    /// Set by the tags pass: the examples of the discriminator field this struct no longer
    /// has (its unions write the tag), each with its pointer. A tag is a string.
    pub tag_examples: Vec<(String, Value)>,
    /// Set by the zeros pass for a type a required field can have: the value that field
    /// takes when a response lacks it. `None`: no zero (missing stays an error).
    pub zero: Option<Zero>,
    /// Set by the features pass: the cargo features that compile this type.
    pub gate: Gate,
    /// Set by the type-aliases pass: names a previous crate published for a type the spec
    /// renamed, with the same content; each stays a `#[deprecated]` alias of this one.
    pub aliases: Vec<String>,
}

/// Which cargo features compile a model: those of the tags whose operations reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Gate {
    /// Every build: every tag reaches it, or the hand-written runtime uses it.
    #[default]
    Always,
    /// A build with the feature of one of these tags (indices into [`Ir::tags`], sorted).
    Tags(Vec<usize>),
    /// Only `full`: no operation reaches it (a component schema, kept as vocabulary).
    Full,
}

/// Where a type's zero value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zero {
    /// Its own: a struct of zero fields, an enum's or a union's `Unknown`, a tag's first
    /// value, an alias's target's zero.
    Own,
    /// An untagged union's: the zero of the branch at this index.
    Branch(usize),
}

#[derive(Debug, Clone)]
pub struct BaseExample {
    /// The property's name in JSON.
    pub property: String,
    pub pointer: String,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct TypedExample {
    pub pointer: String,
    pub ty: TypeRef,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// An open string enum: unknown values are kept.
    Enum(StringEnum),
    /// A closed set of discriminator values: the tags that select one variant of a union,
    /// or the one tag a subtype always has. Nothing else can be built, so a value cannot
    /// disagree with its variant.
    TagValues(Vec<EnumValue>),
    /// A union dispatched on a tag property.
    Tagged(Tagged),
    /// A union whose branch is found by trying each in order.
    Untagged(Vec<UntaggedVariant>),
    /// A component schema that is another type under a new name.
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The schema declares `additionalProperties` (free-form extra keys are part of the contract).
    pub declares_additional: bool,
    /// Set by the defaults pass: every field can start empty, so the struct has `Default`.
    pub derives_default: bool,
}

impl Struct {
    /// Whether a field is required: the struct then has no `Default`, and lists the
    /// required fields a response lacked.
    pub fn has_required(&self) -> bool {
        self.fields.iter().any(|f| f.presence == Presence::Required)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub ident: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub docs: Docs,
    /// JSON pointer of the property's schema.
    pub pointer: String,
    /// The property's examples, each with its JSON pointer: its own `example`, and those of
    /// its array items or map values wrapped into a one-element array or map.
    pub examples: Vec<(String, Value)>,
    /// Set by the cycle pass: the field holds its type behind a `Box`.
    pub boxed: bool,
    /// The `format` of the property's schema as the spec writes it (`password`, `uuid`…).
    pub format: Option<String>,
    /// Set by the secrets pass: why `Debug` hides the value (empty: it shows it).
    pub secret: Vec<SecretReason>,
}

/// Why `Debug` hides a value: the secrets pass's reasons, each listed in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecretReason {
    /// The spec marks the property `writeOnly`: the server takes it and never gives it back.
    WriteOnly,
    /// The spec gives its schema `format: password`.
    PasswordFormat,
    /// Its name says it is a credential, and it holds text.
    CredentialName,
}

/// How a field's absence and `null` map to Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`: the spec requires it, in requests and responses alike.
    Required,
    /// `Option<T>`, serialised as `null` when `None`: required but nullable.
    RequiredNullable,
    /// `Option<T>`, omitted when `None`. Absent and `null` both decode to `None`.
    Optional,
    /// `Option<Option<T>>`: absent (`None`), `null` (`Some(None)`) and a value stay distinct.
    OptionalNullable,
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub values: Vec<EnumValue>,
    /// Variant that keeps a value the spec does not list (`Unknown` unless the spec uses that name).
    pub catch_all: String,
    /// Values the spec lists that stand for others (`<a custom role name>`): no variant of
    /// their own, the catch-all keeps what they stand for.
    pub placeholders: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub wire: String,
    pub ident: String,
}

#[derive(Debug, Clone)]
pub struct Tagged {
    pub property: String,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone)]
pub struct TaggedVariant {
    pub ident: String,
    /// The tag values that select this variant (several values may map to one subtype).
    pub tags: Vec<String>,
    pub ty: TypeId,
    /// The tag the union writes when encoding this variant.
    pub tag: VariantTag,
    /// Set by the tags pass: the payload type has a field for the tag (a subtype also used
    /// on its own), so the tag stays in the object it decodes from.
    pub payload_keeps_tag: bool,
    /// Set by the cycle pass.
    pub boxed: bool,
}

/// Where a variant's tag comes from: the variant is its one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantTag {
    /// One value selects the variant, and the union writes it.
    One(String),
    /// Several values select it: the variant holds which, in a field named `field` of a
    /// [`TypeKind::TagValues`] type of exactly those values.
    Carried { field: String, ty: TypeId },
}

#[derive(Debug, Clone)]
pub struct UntaggedVariant {
    pub ident: String,
    pub ty: TypeRef,
    /// Set by the cycle pass.
    pub boxed: bool,
    /// Set by the shapes pass: the properties the branch declares, when it is an object
    /// and its union has several such branches, to rank them for each value.
    pub shape: Option<Vec<ShapeProperty>>,
}

/// A property an untagged union's branch declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeProperty {
    pub wire: String,
    /// The string enum (or closed tag set, or discriminated union's tags) whose listed
    /// values the property takes; `None` when any value fits.
    pub values: Option<TypeId>,
    /// The tag of a discriminated union: without it (or with a tag it does not list) the
    /// branch describes nothing of the value, though it decodes it (as `Unknown`).
    pub essential: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    Named(TypeId),
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    DateTime,
    Date,
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// Any JSON value.
    Any,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    /// The tag's module under `operations`, and the name of its cargo feature.
    pub module: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method a path item can have, in the order OpenAPI lists them.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// As HTTP writes it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// As a path item's key writes it: `get`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// `x-xgen-operation-id-override`, or the operation id.
    pub short_name: String,
    /// UpperCamel name derived from the short name.
    pub type_name: String,
    /// snake_case name derived from the short name.
    pub fn_name: String,
    pub method: Method,
    /// The path template, as the spec writes it: `/api/atlas/v2/groups/{groupId}`.
    pub path: String,
    /// The path template, segment by segment, each parameter resolved.
    pub path_segments: Vec<PathSegment>,
    pub pointer: String,
    pub tag: usize,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub docs_url: Option<String>,
    pub roles: Vec<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body_required: bool,
    pub body_description: Option<String>,
    /// Every API version the operation is available in, oldest first.
    pub versions: Vec<OperationVersion>,
    /// Error and other responses that are not tied to a version (media type `application/json`).
    pub shared_responses: Vec<ResponseCase>,
    /// Set by the endpoint pass: the index in `versions` of the version a caller gets when
    /// naming none (the newest that is not a preview).
    pub default_version: Option<usize>,
    /// Set by the request-aliases pass: each name a previous crate published for one of the
    /// operation's request types or success enums, which the spec renamed since (its
    /// `x-xgen-operation-id-override`) → the name it has now. Each stays as a
    /// `#[deprecated]` alias while the operation exists.
    pub aliases: std::collections::BTreeMap<String, String>,
}

/// One `/`-separated segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text, as written: `clusters`.
    Literal(String),
    /// A path parameter (index into [`Operation::params`]) and the literal text that follows
    /// it inside its segment (`.gz` in `{name}.gz`, `:invite` in `{id}:invite`).
    Param { param: usize, suffix: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire_name: String,
    pub ident: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    /// Where the operation lists it: `#/paths/~1api~1atlas~1v2~1groups/get/parameters/0`.
    pub pointer: String,
    /// Its schema as the spec writes it, for tools that check values against the spec
    /// itself (the request samples).
    pub schema: ReferenceOr<Schema>,
    /// Its examples, each with the pointer of its value: its `example`, the values of its
    /// `examples`, and the `example` of its inline schema.
    pub examples: Vec<(String, Value)>,
    pub default: Option<Value>,
    pub deprecated: bool,
    /// The `format` of its schema as the spec writes it.
    pub format: Option<String>,
    /// Set by the secrets pass: why `Debug` hides the value (empty: it shows it).
    pub secret: Vec<SecretReason>,
}

#[derive(Debug, Clone)]
pub struct OperationVersion {
    pub version: ApiVersion,
    pub request: Option<Body>,
    pub responses: Vec<ResponseCase>,
    /// `x-sunset` of the version's media types.
    pub sunset: Option<String>,
    /// Set by the endpoint pass: the version's request types. The first asks for the
    /// version's main success format; each other one for another format of a success
    /// (`getOrgInvoice` 2023-01-01 answers `+json`, or `+csv` when asked).
    pub endpoints: Vec<Endpoint>,
    /// Set by the pagination pass: whether the version is a list, and how the first of its
    /// request types asks for a page and reads one.
    pub paging: Paging,
    /// Set by the waiters pass: how to wait for the work the version's main request type
    /// starts, when `spec/waiters.yaml` says.
    pub waiter: Option<Waiter>,
}

/// How to wait for a long-running (operation, version): the GET that polls, built from
/// the request and its answer, and what ends the wait. Every fact is checked against the
/// spec.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Where the file declares it: `spec/waiters.yaml#/actions/0`.
    pub place: String,
    /// The polling GET (index into [`Ir::operations`]) and its version (into its
    /// `versions`): the operation's own version when the GET has it, else the file's.
    pub poll: usize,
    pub poll_version: usize,
    /// The arguments of the GET's `new`, in order.
    pub args: Vec<WaitArg>,
    pub expect: WaitExpect,
    /// The operation changes a resource that may already be in a target state.
    pub after_change: bool,
    /// The state at the same path in the operation's own answer, when it has one.
    pub answer_state: Option<FieldPath>,
    /// The state the resource shows while the work runs (`CREATING`, `DELETING`), at a
    /// path of the polled answer, when the spec documents one: what a fake Atlas walks
    /// the resource through before its target (or before the `404`).
    pub passing: Option<PassingState>,
}

/// A state the polled resource goes through on its way to a wait's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassingState {
    /// The JSON path as the file writes it: `$.stateName`, `$.statusName | $.status`.
    pub path: String,
    pub value: String,
}

/// One argument of the polling GET's `new`: text from the request or its answer, given as
/// `&str` to a `String` parameter or converted to the parameter's enum.
#[derive(Debug, Clone)]
pub struct WaitArg {
    /// The GET's path parameter, as the spec names it.
    pub wire_name: String,
    pub source: WaitSource,
    /// The parameter's string enum, when it is one.
    pub into_enum: Option<TypeId>,
}

/// Where a polling GET's path parameter comes from.
#[derive(Debug, Clone)]
pub enum WaitSource {
    /// The request's path parameter of this field.
    Input { ident: String },
    /// A text field of the answer to the request.
    Answer(FieldPath),
}

/// What ends a wait.
#[derive(Debug, Clone)]
pub enum WaitExpect {
    /// `404`: the resource is gone.
    Gone,
    /// A state at `path` of the GET's answer: one of `targets`, or one of `failures`.
    State {
        path: FieldPath,
        targets: Vec<String>,
        failures: Vec<String>,
        /// Every value the state's enum lists, in its order (in every branch of a union);
        /// empty for a state without an enum.
        documented: Vec<String>,
    },
}

/// A JSON path through struct fields, and the branches of unions that all have the rest
/// of it, to a text (a string or a string enum).
#[derive(Debug, Clone)]
pub struct FieldPath {
    /// As the file writes it: `$.stateName`.
    pub json: String,
    pub steps: Vec<FieldStep>,
}

/// A branch of a union on a [`FieldPath`], and the rest of the path in it.
#[derive(Debug, Clone)]
pub struct BranchArm {
    pub variant: String,
    /// The variant holds its tag beside its value (`VariantTag::Carried`): a struct
    /// variant whose payload is `value`.
    pub carries_tag: bool,
    pub text: ArmText,
}

/// Where a union's branch has the text a [`FieldPath`] leads to.
#[derive(Debug, Clone)]
pub enum ArmText {
    /// Below the branch's value.
    Steps(Vec<FieldStep>),
    /// The path names the union's tag property, which the branch's value no longer has:
    /// the one tag that selects it.
    Tag(String),
    /// As [`ArmText::Tag`], for a variant several tags select: its field holding which.
    CarriedTag(String),
}

/// One step of a [`FieldPath`].
#[derive(Debug, Clone)]
pub enum FieldStep {
    /// A struct's field.
    Field { ident: String, presence: Presence },
    /// A union (a [`TypeKind::Tagged`] or [`TypeKind::Untagged`]), each of whose branches
    /// has the rest of the path; the last step.
    Branches {
        union: TypeId,
        arms: Vec<BranchArm>,
        /// A variant keeps values of no branch (a tagged union's `Unknown`): the path
        /// finds nothing in it.
        catch_all: bool,
    },
}

impl OperationVersion {
    /// The type of the first success of the version's main request type, when it is JSON:
    /// what a caller of the main request type gets.
    pub fn main_success_json(&self) -> Option<&TypeRef> {
        match &self.endpoints.first()?.success.cases().first()?.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// Whether an (operation, version) is a list: its request takes `pageNum` and
/// `itemsPerPage` query parameters.
#[derive(Debug, Clone, Default)]
pub enum Paging {
    #[default]
    NotAList,
    /// A list whose pages the generator cannot read (see the report), and why.
    Unpaginated(String),
    /// A list whose main request type implements `runtime::Paginated`.
    Paginated(Box<Pagination>),
}

/// How a list asks for a page (its request's parameters) and where its success body holds
/// one (the fields of the struct it decodes to).
#[derive(Debug, Clone)]
pub struct Pagination {
    /// `pageNum`.
    pub page_num: PageParam,
    /// `itemsPerPage`.
    pub items_per_page: PageParam,
    /// The element type of `results`: the list's item.
    pub item: TypeRef,
    /// `results`, an array of [`Pagination::item`].
    pub results: PageField,
    /// `totalCount`, an integer (`I32` or `I64`), when the body has one.
    pub total_count: Option<PageField>,
    /// `links`, an array of structs with an optional string `rel`, when the body has one.
    pub links: Option<PageLinks>,
}

/// An integer query parameter that asks for a page.
#[derive(Debug, Clone)]
pub struct PageParam {
    /// The request type's field.
    pub ident: String,
    /// Whether the field is the integer itself rather than an `Option`.
    pub required: bool,
    /// `I32` or `I64`.
    pub ty: TypeRef,
}

/// A field of a list's success body.
#[derive(Debug, Clone)]
pub struct PageField {
    pub ident: String,
    pub presence: Presence,
    /// The field's type, aliases resolved.
    pub ty: TypeRef,
}

/// The `links` of a list's success body: a page has a next one when a link's `rel` is `next`.
#[derive(Debug, Clone)]
pub struct PageLinks {
    pub field: PageField,
    /// The field of each link holding its `rel`, an `Option<String>`.
    pub rel: String,
}

/// A request type: what it is called, what it asks for and how it reads the answer.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `GetClusterV20241023`; `GetInvoiceV20230101Csv` for another format.
    pub type_name: String,
    /// The `Accept` header it sends.
    pub accept: String,
    /// Whether it asks for another format than the version's main one.
    pub alternate: bool,
    pub success: Success,
    /// The body type of the error responses when they all have the same; else any JSON.
    pub error: Option<TypeRef>,
}

/// How a request type reads a 2xx answer.
#[derive(Debug, Clone)]
pub enum Success {
    /// No success declared: every 2xx is `NoContent`.
    Undeclared,
    /// One: every 2xx decodes as it, declared or not.
    One(SuccessCase),
    /// Several statuses: the enum `name`, a variant per status; an undeclared 2xx decodes
    /// as the first.
    Many {
        name: String,
        cases: Vec<SuccessCase>,
    },
}

impl Success {
    pub fn cases(&self) -> &[SuccessCase] {
        match self {
            Success::Undeclared => &[],
            Success::One(case) => std::slice::from_ref(case),
            Success::Many { cases, .. } => cases,
        }
    }
}

/// One success status of a request type.
#[derive(Debug, Clone)]
pub struct SuccessCase {
    pub status: u16,
    /// Its variant in [`Success::Many`]: `Ok`, `Created`, `Status206`.
    pub variant: String,
    pub description: String,
    pub media_type: Option<String>,
    pub body: ResponseBody,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub media_type: String,
    pub ty: TypeRef,
    /// The pointer of its media type where it is defined:
    /// `#/paths/~1api~1atlas~1v2~1groups/post/requestBody/content/application~1vnd.atlas.2023-01-01+json`.
    pub pointer: String,
    /// Its schema as the spec writes it (see [`Param::schema`]).
    pub schema: ReferenceOr<Schema>,
    /// Its examples (`example`, and the values of `examples`), each with its pointer.
    pub examples: Vec<(String, Value)>,
}

#[derive(Debug, Clone)]
pub struct ResponseCase {
    /// `None` for `default`.
    pub status: Option<u16>,
    pub description: String,
    pub media_type: Option<String>,
    pub body: ResponseBody,
    /// Each with the JSON pointer of its value.
    pub examples: Vec<(String, Value)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    None,
    Json(TypeRef),
    /// Gzip, CSV and other non-JSON payloads: bytes plus media type.
    Bytes,
}
