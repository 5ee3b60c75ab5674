//! The report as people read it: a text summary for the terminal and a section of
//! `CHANGELOG.md` in the Keep a Changelog layout.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Cause, Change, ChangeKind, Report, Side};

/// Keep a Changelog's sections, in its order.
const SECTIONS: [&str; 4] = ["Added", "Changed", "Deprecated", "Removed"];

fn section(kind: &ChangeKind) -> &'static str {
    use ChangeKind::*;
    match kind {
        FeatureAdded { .. }
        | OperationAdded { .. }
        | VersionAdded { .. }
        | ParameterAdded { .. }
        | SchemaAdded
        | TypeAdded
        | PropertyAdded { .. }
        | EnumValueAdded { .. }
        | DiscriminatorMappingAdded { .. }
        | UnionBranchAdded { .. } => "Added",
        FeatureRemoved { .. }
        | OperationRemoved { .. }
        | VersionRemoved { .. }
        | ParameterRemoved { .. }
        | SchemaRemoved
        | TypeRemoved
        | PropertyRemoved { .. }
        | EnumValueRemoved { .. }
        | DiscriminatorMappingRemoved { .. }
        | UnionBranchRemoved { .. } => "Removed",
        OperationDeprecated | SunsetAnnounced { .. } => "Deprecated",
        OperationRenamed { .. }
        | RequestTypeRenamed { .. }
        | TypeRenamed { .. }
        | DefaultVersionChanged { .. }
        | ParameterChanged { .. }
        | KindChanged { .. }
        | PropertyTypeChanged { .. }
        | PropertyRequiredChanged { .. }
        | DiscriminatorMappingChanged { .. }
        | VariantChanged { .. }
        | RequestBodyChanged { .. }
        | ResponseChanged { .. }
        | DiscriminantsShifted { .. } => "Changed",
    }
}

/// One line about a change, without its verdict.
pub(super) fn describe(change: &Change) -> String {
    use ChangeKind::*;
    let s = &change.subject;
    match &change.kind {
        FeatureAdded { feature } | FeatureRemoved { feature } => {
            format!("tag `{s}`: cargo feature `{feature}`")
        }
        OperationAdded { operation_id } | OperationRemoved { operation_id } => {
            format!("operation `{operation_id}` (`{s}`)")
        }
        OperationRenamed { from, to } => format!("`{s}`: operation id `{from}` is now `{to}`"),
        RequestTypeRenamed { from, to, aliased } => {
            let kept = if *aliased {
                ", the old names kept as aliases"
            } else {
                ""
            };
            format!("`{s}`: request type `{from}` is now `{to}`{kept}")
        }
        TypeRenamed { from, to, aliased } => {
            let kept = if *aliased {
                ", the old name kept as an alias"
            } else {
                ""
            };
            format!("`{s}`: type `{from}` is now `{to}`, of the same content{kept}")
        }
        VersionAdded { version } | VersionRemoved { version } => {
            format!("`{s}`: API version {version}")
        }
        DefaultVersionChanged { from, to } => {
            format!("`{s}`: the default API version is now {to} (was {from})")
        }
        SunsetAnnounced { version, date } => {
            format!("`{s}`: API version {version} is sunset on {date}")
        }
        OperationDeprecated => format!("`{s}` is deprecated"),
        ParameterAdded {
            parameter,
            required,
        } => {
            format!(
                "`{s}`: {} parameter `{parameter}`",
                required_word(*required)
            )
        }
        ParameterRemoved { parameter } => format!("`{s}`: parameter `{parameter}`"),
        ParameterChanged {
            parameter,
            from,
            to,
        } => format!("`{s}`: parameter `{parameter}` is now `{to}` (was `{from}`)"),
        SchemaAdded | SchemaRemoved => format!("schema `{s}`"),
        TypeAdded | TypeRemoved => format!("type `{s}`"),
        KindChanged { from, to } => format!("`{s}` is now a {to} (was a {from})"),
        PropertyAdded { property, required } => {
            format!("`{s}`: {} property `{property}`", required_word(*required))
        }
        PropertyRemoved { property } => format!("`{s}`: property `{property}`"),
        PropertyTypeChanged { property, from, to } => {
            format!("`{s}.{property}` is now `{to}` (was `{from}`)")
        }
        PropertyRequiredChanged {
            property,
            required,
            from,
            to,
        } => format!(
            "`{s}.{property}` is now {} `{to}` (was `{from}`)",
            required_word(*required)
        ),
        EnumValueAdded { value } | EnumValueRemoved { value } => {
            format!("`{s}`: value `{value}`")
        }
        DiscriminatorMappingAdded { value, schema }
        | DiscriminatorMappingRemoved { value, schema } => {
            format!("`{s}`: tag `{value}` → `{schema}`")
        }
        DiscriminatorMappingChanged { value, from, to } => {
            format!("`{s}`: tag `{value}` now selects `{to}` (was `{from}`)")
        }
        DiscriminantsShifted { variants } => {
            format!(
                "`{s}`: {} variants move ({})",
                variants.len(),
                variants.join(", ")
            )
        }
        RequestBodyChanged { version, from, to } => {
            let body = |b: &Option<String>| {
                b.as_deref()
                    .map_or("no body".to_owned(), |b| format!("`{b}`"))
            };
            format!(
                "`{s}`: API version {version} takes {} (was {})",
                body(to),
                body(from)
            )
        }
        ResponseChanged {
            request_type,
            from,
            to,
        } => format!("`{s}`: `{request_type}` returns `{to}` on success (was `{from}`)"),
        VariantChanged { variant, from, to } => {
            // `Aws(models::AwsSettings)`, `Aws { … }`.
            let shape = |fields: &str| match fields.starts_with('(') {
                true => format!("{variant}{fields}"),
                false => format!("{variant} {fields}"),
            };
            format!("`{s}`: variant `{}` (was `{}`)", shape(to), shape(from))
        }
        UnionBranchAdded { branch } | UnionBranchRemoved { branch } => {
            format!("`{s}`: branch `{branch}`")
        }
    }
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

impl Side {
    /// `MongoDB Atlas Administration API 2.0 (x-xgen-sha f84b8e4…)`: how the report and
    /// the changelog name a document.
    pub fn describe(&self) -> String {
        match &self.sha {
            Some(sha) => format!("{} {} (x-xgen-sha {sha})", self.title, self.version),
            None => format!("{} {}", self.title, self.version),
        }
    }
}

fn entry(change: &Change) -> String {
    let mut line = format!("- {}", describe(change));
    match change.cause {
        Some(Cause::Generator) => line.insert_str(2, "**Breaking, by the generator:** "),
        _ if change.breaking => line.insert_str(2, "**Breaking:** "),
        _ => {}
    }
    if !change.rust.is_empty() {
        let items: Vec<String> = change.rust.iter().map(|r| format!("`{r}`")).collect();
        let _ = write!(line, ": {}", items.join(", "));
    }
    line
}

impl Report {
    /// For the terminal: the verdict, counts, then every change by section, operations
    /// grouped by tag, each breaking change with the rule that makes it so.
    pub fn text(&self) -> String {
        let (breaking, compatible) = self.counts();
        let mut out = String::new();
        let _ = writeln!(out, "from: {}", self.from.describe());
        let _ = writeln!(out, "to:   {}", self.to.describe());
        let v = &self.verdict;
        let ours = match self.generator_breaks().len() {
            0 => String::new(),
            n => format!(" ({n} by the generator)"),
        };
        let _ = writeln!(
            out,
            "{} changes: {breaking} breaking{ours}, {compatible} compatible",
            self.changes.len()
        );
        let _ = writeln!(
            out,
            "verdict: {} → atlas-generated {} → {} ({:?} bump)",
            if v.breaking { "breaking" } else { "compatible" },
            v.current,
            v.next,
            v.bump
        );
        for name in SECTIONS {
            let mut groups: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
            for change in self.changes.iter().filter(|c| section(&c.kind) == name) {
                groups
                    .entry(change.tag.as_deref().unwrap_or("schemas and types"))
                    .or_default()
                    .push(change);
            }
            if groups.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{name}:");
            for (group, changes) in groups {
                let _ = writeln!(out, "  {group}:");
                for change in changes {
                    let _ = writeln!(out, "  {}", entry(change));
                    if change.breaking {
                        let _ = writeln!(out, "      why: {}", change.why);
                    }
                }
            }
        }
        out
    }

    /// A Keep a Changelog section for the next version (`## [0.2.0] - 2026-12-01`), the
    /// spec it was generated from, then Added, Changed, Deprecated and Removed, each entry
    /// marked when it breaks.
    pub fn changelog_section(&self, date: &str) -> String {
        let mut out = format!("## [{}] - {date}\n\n", self.verdict.next);
        let _ = writeln!(
            out,
            "Generated from {} (was {}).",
            self.to.describe(),
            self.from.describe()
        );
        let (breaking, _) = self.counts();
        if breaking > 0 {
            let _ = writeln!(
                out,
                "{breaking} of the {} changes break code that compiles against {}.",
                self.changes.len(),
                self.verdict.current
            );
        }
        for name in SECTIONS {
            let entries: Vec<String> = self
                .changes
                .iter()
                .filter(|c| section(&c.kind) == name)
                .map(entry)
                .collect();
            if !entries.is_empty() {
                let _ = write!(out, "\n### {name}\n\n{}\n", entries.join("\n"));
            }
        }
        out
    }
}
