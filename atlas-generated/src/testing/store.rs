//! The fake Atlas's resources: the items of every family, created, listed a page at a
//! time, read, changed and deleted, and the states long-running ones walk through.
//!
//! Everything here is JSON: the server checks every answer against the operation's
//! success type before it leaves.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::tables::{FAMILIES, Family, Source, WALKS, Walk};

/// An answer the store decided: its status and JSON body (`None`: no body).
pub(crate) type Decided = (u16, Option<Value>);

/// Why the store refuses a request: status, `errorCode`, detail.
pub(crate) type Refusal = (u16, String, String);

/// Whether a body (`None`: no body) decodes as the operation's success type; else the
/// decoding error, which names the offending field (``at `$.roles[0]`: …``).
pub(crate) type Fits<'a> = &'a dyn Fn(Option<&Value>) -> Result<(), String>;

/// The items of every collection, by the collection's concrete path
/// (`/api/atlas/v2/groups/5f1e…/clusters`, parameters decoded), in the order they were
/// created. An item is found by the fields its keys name (`name` for `{clusterName}`), so
/// that families that address one collection by different keys (a search index by id,
/// and by database, collection and name) find the same items.
#[derive(Debug, Default)]
pub(crate) struct Store {
    collections: HashMap<String, Vec<Item>>,
    /// How many reads a resource stays in a passing state.
    pub(crate) reads_in_passing: usize,
    /// Walks end in their first failure state, where they have one.
    pub(crate) walks_fail: bool,
    /// Ids handed out so far.
    next_id: u64,
}

#[derive(Debug, Clone)]
struct Item {
    body: Value,
    /// The value of each key parameter of the family that created it, for the keys that
    /// are no field of the body.
    keys: Map<String, Value>,
    pending: Option<Pending>,
}

impl Item {
    /// Whether `family`'s keys in `params` address this item.
    fn is_at(&self, family: &Family, params: &Map<String, Value>) -> bool {
        family.keys.iter().all(|(param, field)| {
            let wanted = params.get(*param);
            let own = field
                .and_then(|f| self.body.get(f))
                .or_else(|| self.keys.get(*param));
            wanted.is_some() && own == wanted
        })
    }
}

/// A state the item leaves after `reads_left` more reads.
#[derive(Debug, Clone)]
struct Pending {
    reads_left: usize,
    then: Then,
}

#[derive(Debug, Clone)]
enum Then {
    /// Sets the text at `path` (field names) to `value`.
    Set { path: Vec<String>, value: String },
    /// Removes the item: its next read is a `404`.
    Remove,
}

/// What a request asks of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Create,
    List,
    Get,
    Update,
    Delete,
}

/// The family `operation_id` belongs to, and its part in it.
pub(crate) fn family_of(operation_id: &str) -> Option<(&'static Family, Role)> {
    FAMILIES.iter().find_map(|f| {
        let role = if f.create == Some(operation_id) {
            Role::Create
        } else if f.list == Some(operation_id) {
            Role::List
        } else if f.get == operation_id {
            Role::Get
        } else if f.update.contains(&operation_id) {
            Role::Update
        } else if f.delete == Some(operation_id) {
            Role::Delete
        } else {
            return None;
        };
        Some((f, role))
    })
}

/// The walk of an (operation, version) pair, if it is long-running.
pub(crate) fn walk_of(operation_id: &str, version: &str) -> Option<&'static Walk> {
    WALKS
        .iter()
        .find(|w| w.operation_id == operation_id && w.version == version)
}

/// `template` with each `{name}` replaced by its value in `params`.
fn fill(template: &str, params: &Map<String, Value>) -> String {
    let mut out = String::new();
    for segment in template.split('/').skip(1) {
        out.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => out.push_str(params.get(name).and_then(Value::as_str).unwrap_or("")),
            None => out.push_str(segment),
        }
    }
    out
}

impl Store {
    /// An empty store whose resources pass through their states in `reads_in_passing`
    /// reads.
    pub(crate) fn new(reads_in_passing: usize) -> Store {
        Store {
            reads_in_passing,
            ..Store::default()
        }
    }

    /// A fresh id, 24 hexadecimal digits as Atlas's.
    pub(crate) fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!(
            "{:024x}",
            0x6500_0000_0000_0000_0000_0000_u128 + u128::from(self.next_id)
        )
    }

    /// Creates an item from `body` (a JSON object) in the collection `params` address,
    /// and answers it; a list of objects creates one item each, and answers the first page
    /// of the collection, as Atlas's access lists do.
    pub(crate) fn create(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
        body: Option<Value>,
        fits: Fits<'_>,
    ) -> Result<Value, Refusal> {
        let Some(Value::Array(elements)) = body else {
            return self.create_one(family, params, body, fits);
        };
        for element in elements {
            self.create_one(family, params, Some(element), &|_| Ok(()))?;
        }
        let (results, total) = self.page(family, params, 1, DEFAULT_PAGE_SIZE);
        Ok(page_body(results, total, true, 1, DEFAULT_PAGE_SIZE))
    }

    /// Creates one item from `body`, a JSON object, and answers it: the read-only fields of
    /// the spec's examples, then the fields the request gives that the answer type takes.
    fn create_one(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
        body: Option<Value>,
        fits: Fits<'_>,
    ) -> Result<Value, Refusal> {
        let mut item = Map::new();
        for (name, example) in family.read_only_examples {
            if let Ok(value) = serde_json::from_str(example) {
                item.insert((*name).to_owned(), value);
            }
        }
        for id in ["id", "_id"] {
            if item.get(id).is_some_and(Value::is_string) {
                let fresh = self.new_id();
                item.insert(id.to_owned(), Value::String(fresh));
            }
        }
        if let Some(Value::Object(fields)) = body {
            item.extend(
                fields
                    .into_iter()
                    .filter(|(name, _)| !family.write_only.contains(&name.as_str())),
            );
        }
        for (name, value) in params {
            if item.contains_key(name) {
                item.insert(name.clone(), value.clone());
            }
        }
        drop_misfits(&mut item, family, fits);
        // Every family of the collection finds the item by its own keys (a search index
        // by `indexID`, and by name): each gets its key fields. A key the request gives
        // (a name) is unique in the collection, as Atlas's names are.
        let mut keys = Map::new();
        let mut given = Vec::new();
        for sibling in FAMILIES
            .iter()
            .filter(|f| f.collection == family.collection)
        {
            let (sibling_keys, all_given) = self.keys_of(sibling, &mut item, params);
            keys.extend(sibling_keys);
            if all_given && !sibling.keys.is_empty() {
                given.push(sibling);
            }
        }
        let collection = fill(family.collection, params);
        let mut own_params = params.clone();
        own_params.extend(keys.clone());
        let created = Item {
            body: Value::Object(item),
            keys,
            pending: None,
        };
        let items = self.collections.entry(collection).or_default();
        let taken = |i: &Item| given.iter().any(|f| i.is_at(f, &own_params));
        match items
            .iter()
            .position(|i| i.is_at(family, &own_params) || taken(i))
        {
            // A singleton's create (often a `PUT`) replaces it.
            Some(at) if family.keys.is_empty() => items[at] = created.clone(),
            Some(_) => {
                return Err((
                    409,
                    family
                        .not_found_code
                        .replace("_NOT_FOUND", "_ALREADY_EXISTS"),
                    format!("{} already exists", describe(family, &own_params)),
                ));
            }
            None => items.push(created.clone()),
        }
        Ok(created.body)
    }

    /// The value of each key of `family` for a new item, and whether the request gave them
    /// all: its field; a path parameter of the create of the same name (`POST
    /// …/integrations/{integrationType}`); for a key that names no field, the field named
    /// as the parameter, its `id` or `_id`; else a fresh id. A key with a field is written
    /// into it.
    fn keys_of(
        &mut self,
        family: &Family,
        item: &mut Map<String, Value>,
        params: &Map<String, Value>,
    ) -> (Map<String, Value>, bool) {
        let mut keys = Map::new();
        let mut all_given = true;
        for (param, field) in family.keys {
            let named = |name: &str| item.get(name).filter(|v| v.is_string()).cloned();
            let found = match field {
                Some(field) => named(field),
                None => named(param)
                    .or_else(|| named("id"))
                    .or_else(|| named("_id")),
            };
            let value = match found.or_else(|| params.get(*param).cloned()) {
                Some(value) => value,
                None => {
                    all_given = false;
                    Value::String(self.new_id())
                }
            };
            if let Some(field) = field {
                item.insert((*field).to_owned(), value.clone());
            }
            keys.insert((*param).to_owned(), value);
        }
        (keys, all_given)
    }

    /// The items of a collection, a page of them: `(items, totalCount)`.
    pub(crate) fn page(
        &self,
        family: &Family,
        params: &Map<String, Value>,
        page_num: usize,
        per_page: usize,
    ) -> (Vec<Value>, usize) {
        let collection = fill(family.collection, params);
        let Some(items) = self.collections.get(&collection) else {
            return (Vec::new(), 0);
        };
        let page = items
            .iter()
            .skip(page_num.saturating_sub(1).saturating_mul(per_page))
            .take(per_page)
            .map(|item| item.body.clone())
            .collect();
        (page, items.len())
    }

    /// Reads an item: counts the read against its passing state, which it leaves once
    /// the reads are spent.
    pub(crate) fn read(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
    ) -> Result<Value, Refusal> {
        let (items, at) = self.find(family, params)?;
        let item = &mut items[at];
        let body = item.body.clone();
        if let Some(pending) = &mut item.pending {
            if pending.reads_left > 1 {
                pending.reads_left -= 1;
            } else {
                match item.pending.take().map(|p| p.then) {
                    Some(Then::Set { path, value }) => set_text(&mut item.body, &path, &value),
                    Some(Then::Remove) => {
                        items.remove(at);
                    }
                    None => {}
                }
            }
        }
        Ok(body)
    }

    /// The items of the collection `params` address, and where the item they address is.
    fn find(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
    ) -> Result<(&mut Vec<Item>, usize), Refusal> {
        let collection = fill(family.collection, params);
        let items = self
            .collections
            .get_mut(&collection)
            .ok_or_else(|| not_found(family, params))?;
        let at = items
            .iter()
            .position(|i| i.is_at(family, params))
            .ok_or_else(|| not_found(family, params))?;
        Ok((items, at))
    }

    /// Changes an item: the fields `body` gives replace its own, and those the answer type
    /// rejects are left out.
    pub(crate) fn update(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
        body: Option<Value>,
        fits: Fits<'_>,
    ) -> Result<Value, Refusal> {
        if family.keys.is_empty() && self.exists(family, params).is_err() {
            // A singleton is there from its parent's start (a cluster's process
            // arguments): its first change makes it.
            return self.create(family, params, body, fits);
        }
        let item = self.item_mut(family, params)?;
        if let Value::Object(own) = &mut item.body {
            if let Some(Value::Object(fields)) = body {
                for (name, value) in fields {
                    if !family.write_only.contains(&name.as_str()) && !is_key_field(family, &name) {
                        own.insert(name, value);
                    }
                }
            }
            drop_misfits(own, family, fits);
        }
        Ok(item.body.clone())
    }

    /// Deletes an item at once.
    pub(crate) fn delete(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
    ) -> Result<(), Refusal> {
        let (items, at) = self.find(family, params)?;
        items.remove(at);
        Ok(())
    }

    /// Whether the item exists.
    pub(crate) fn exists(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
    ) -> Result<(), Refusal> {
        self.find(family, params).map(|_| ())
    }

    /// Starts `walk` on the resource it polls: the passing state now, its end after the
    /// reads; without a passing state, the end at once. `request` has the operation's path
    /// parameters, `answer` its answer. Returns the resource's body once changed.
    pub(crate) fn start_walk(
        &mut self,
        walk: &Walk,
        request: &Map<String, Value>,
        answer: Option<&Value>,
    ) -> Option<Value> {
        let family = FAMILIES.iter().find(|f| f.get == walk.poll)?;
        let mut params = Map::new();
        for (name, source) in walk.params {
            let value = match source {
                Source::Input => request.get(*name)?.clone(),
                Source::Answer(path) => {
                    Value::String(text_at(answer?, &alternatives(path)[0])?.to_owned())
                }
            };
            params.insert((*name).to_owned(), value);
        }
        let (reads, walks_fail) = (self.reads_in_passing, self.walks_fail);
        let item = self.item_mut(family, &params).ok()?;
        let end = match walk.state {
            Some(state) => {
                let path = state_path(&item.body, state);
                let end = match walk.failures.first() {
                    Some(failure) if walks_fail => failure,
                    _ => walk.targets.first()?,
                };
                Then::Set {
                    path,
                    value: (*end).to_owned(),
                }
            }
            None => Then::Remove,
        };
        match walk.passing {
            Some((state, value)) if reads > 0 => {
                let path = state_path(&item.body, state);
                set_text(&mut item.body, &path, value);
                item.pending = Some(Pending {
                    reads_left: reads,
                    then: end,
                });
            }
            _ => match end {
                Then::Set { path, value } => {
                    // The end replaces any walk under way (an update of a resource still
                    // being created).
                    item.pending = None;
                    set_text(&mut item.body, &path, &value);
                }
                Then::Remove => {
                    self.delete(family, &params).ok()?;
                    return None;
                }
            },
        }
        Some(item.body.clone())
    }

    fn item_mut(
        &mut self,
        family: &Family,
        params: &Map<String, Value>,
    ) -> Result<&mut Item, Refusal> {
        let (items, at) = self.find(family, params)?;
        Ok(&mut items[at])
    }
}

/// Whether `name` is the field of one of the family's keys, which an update leaves.
fn is_key_field(family: &Family, name: &str) -> bool {
    family.keys.iter().any(|(_, field)| *field == Some(name))
}

/// Leaves out the fields of `item` the answer type rejects, one at a time, as the
/// decoding error names them (``at `$.roles[0]` ``), the key field excepted: a request
/// field the answer types otherwise (role names that come back as objects), or a sample
/// field of another branch of a union. Atlas answers only what its type has.
fn drop_misfits(item: &mut Map<String, Value>, family: &Family, fits: Fits<'_>) {
    for _ in 0..=item.len() {
        let Err(error) = fits(Some(&Value::Object(item.clone()))) else {
            return;
        };
        let misfit = error
            .match_indices("at `$.")
            .map(|(at, found)| &error[at + found.len()..])
            .map(|rest| rest.split(['.', '[', '`']).next().unwrap_or_default())
            .find(|name| item.contains_key(*name) && !is_key_field(family, name))
            .map(str::to_owned);
        match misfit {
            Some(name) => item.remove(&name),
            None => return,
        };
    }
}

/// The item `params` address, in words: `clusterName c0`.
fn describe(family: &Family, params: &Map<String, Value>) -> String {
    let keys: Vec<String> = family
        .keys
        .iter()
        .map(|(param, _)| {
            let value = params
                .get(*param)
                .and_then(Value::as_str)
                .unwrap_or_default();
            format!("{param} `{value}`")
        })
        .collect();
    match keys.is_empty() {
        true => format!("the resource at {}", family.collection),
        false => format!("the resource with {}", keys.join(" and ")),
    }
}

fn not_found(family: &Family, params: &Map<String, Value>) -> Refusal {
    (
        404,
        family.not_found_code.to_owned(),
        format!("{} does not exist.", describe(family, params)),
    )
}

/// `$.statusName | $.status` → `[["statusName"], ["status"]]`.
fn alternatives(path: &str) -> Vec<Vec<String>> {
    path.split('|')
        .map(|one| {
            one.trim()
                .trim_start_matches('$')
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The first alternative of `path` that `body` has, else the first.
fn state_path(body: &Value, path: &str) -> Vec<String> {
    let all = alternatives(path);
    all.iter()
        .find(|p| text_at(body, p).is_some())
        .unwrap_or(&all[0])
        .clone()
}

fn text_at<'a>(body: &'a Value, path: &[String]) -> Option<&'a str> {
    path.iter()
        .try_fold(body, |value, name| value.get(name))?
        .as_str()
}

/// Sets the text at `path`, making the objects on the way.
fn set_text(body: &mut Value, path: &[String], value: &str) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = body;
    for name in parents {
        let Value::Object(map) = at else { return };
        at = map
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = at {
        map.insert(last.clone(), Value::String(value.to_owned()));
    }
}

/// The page size of a list that names none, Atlas's.
const DEFAULT_PAGE_SIZE: usize = 100;

/// Answers a request of `family` in `role`, with Atlas's paging of lists; `fits` tells
/// whether a body decodes as the operation's success type.
pub(crate) fn answer(
    store: &mut Store,
    family: &Family,
    role: Role,
    params: &Map<String, Value>,
    body: Option<Value>,
    query: impl Fn(&str) -> Option<String>,
    fits: Fits<'_>,
) -> Result<Option<Value>, Refusal> {
    match role {
        Role::Create => store.create(family, params, body, fits).map(Some),
        Role::Get => {
            let item = store.read(family, params)?;
            // A view shows only the items of its shape (the sharded snapshots of a
            // cluster's snapshots).
            if fits(Some(&item)).is_err() {
                return Err(not_found(family, params));
            }
            Ok(Some(item))
        }
        Role::Update => store.update(family, params, body, fits).map(Some),
        Role::Delete => {
            store.exists(family, params)?;
            // No body, unless the success type has one: `{}` (`RequestAccepted`).
            let empty = Value::Object(Map::new());
            Ok((fits(None).is_err() && fits(Some(&empty)).is_ok()).then_some(empty))
        }
        Role::List => {
            let number = |name: &str, default: usize| -> Result<usize, Refusal> {
                match query(name) {
                    None => Ok(default),
                    Some(text) => text.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        (
                            400,
                            "INVALID_QUERY_PARAMETER".to_owned(),
                            format!("`{name}` must be a whole number of at least 1, not `{text}`"),
                        )
                    }),
                }
            };
            let page_num = number("pageNum", 1)?;
            let per_page = number("itemsPerPage", DEFAULT_PAGE_SIZE)?;
            if per_page > crate::runtime::MAX_PAGE_SIZE as usize {
                return Err((
                    400,
                    "INVALID_QUERY_PARAMETER".to_owned(),
                    format!("`itemsPerPage` is at most 500, not {per_page}"),
                ));
            }
            let include_count = query("includeCount").is_none_or(|v| v != "false");
            let (results, total) = store.page(family, params, page_num, per_page);
            let page = page_body(results, total, include_count, page_num, per_page);
            if fits(Some(&page)).is_ok() {
                return Ok(Some(page));
            }
            // A list the spec does not page is a bare array: every item at once.
            let all = Value::Array(store.page(family, params, 1, usize::MAX).0);
            Ok(Some(if fits(Some(&all)).is_ok() { all } else { page }))
        }
    }
}

/// `{"links": [...], "results": [...], "totalCount": n}`, as Atlas pages lists.
fn page_body(
    results: Vec<Value>,
    total: usize,
    include_count: bool,
    page_num: usize,
    per_page: usize,
) -> Value {
    let mut links = vec![
        serde_json::json!({"rel": "self", "href": format!("?pageNum={page_num}&itemsPerPage={per_page}")}),
    ];
    if page_num > 1 {
        links.push(serde_json::json!({"rel": "previous", "href": format!("?pageNum={}&itemsPerPage={per_page}", page_num - 1)}));
    }
    if page_num.saturating_mul(per_page) < total {
        links.push(serde_json::json!({"rel": "next", "href": format!("?pageNum={}&itemsPerPage={per_page}", page_num + 1)}));
    }
    let mut page = Map::new();
    page.insert("links".to_owned(), Value::Array(links));
    page.insert("results".to_owned(), Value::Array(results));
    if include_count {
        page.insert("totalCount".to_owned(), Value::from(total));
    }
    Value::Object(page)
}
