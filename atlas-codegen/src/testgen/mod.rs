//! The generated tests of `atlas-generated` (`tests/generated/`), kept apart from the code
//! that generates the crate itself: test tooling that reads the IR and the spec.
//!
//! - `examples`: every `example` of the document, with the type it must round-trip
//!   through; `example_sites` finds the document's examples independently of the IR, so
//!   that one the IR forgets shows up as unchecked.
//! - [`samples`]: a request for every (operation, API version) that a strict validator
//!   accepts, and `requests`: the request each must become.
//! - `tags`: every variant of every discriminated union, with each of its tags.
//! - `recursion`: every type that can hold itself, with the JSON that nests it.
//! - `redaction`: every secret field of the models, which `Debug` must hide.
//! - `waiters`: every long-running request type, for the fake Atlas to walk.

mod example_sites;
mod examples;
mod recursion;
mod redaction;
mod requests;
pub mod samples;
mod tags;
mod waiters;

use openapiv3::OpenAPI;

use crate::emit::Job;
use crate::error::CodegenError;
use crate::ir::Ir;

/// What the generated tests check, prepared before their files are rendered.
pub(crate) struct Tests {
    examples: examples::Plan,
    /// How many example values the document has.
    document_examples: usize,
    samples: Vec<samples::RequestSample>,
    unions: Vec<tags::Union>,
    recursive: Vec<recursion::Recursive>,
}

impl Tests {
    pub fn prepare(spec: &OpenAPI, ir: &Ir) -> Result<Tests, CodegenError> {
        let document = serde_json::to_value(spec).map_err(|e| {
            let message = format!("the document does not serialise back to JSON: {e}");
            CodegenError::at("#", message)
        })?;
        let sites = example_sites::example_pointers(&document);
        Ok(Tests {
            examples: examples::plan(ir, &sites),
            document_examples: sites.len(),
            samples: samples::request_samples(spec, ir)?,
            unions: tags::plan(spec, ir)?,
            recursive: recursion::plan(ir),
        })
    }

    /// The files of `atlas-generated/tests/generated`.
    pub fn jobs<'a>(&'a self, ir: &'a Ir) -> Vec<Job<'a>> {
        vec![
            Job::new(
                "tests/generated/spec_examples.rs",
                "every `example` of the document",
                move || Ok(examples::emit(ir, &self.examples)),
            ),
            Job::new("tests/generated/spec_requests.rs", "#/paths", move || {
                requests::emit(ir, &self.samples)
            }),
            Job::new(
                "tests/generated/spec_tags.rs",
                "every discriminated union",
                move || Ok(tags::emit(ir, &self.unions)),
            ),
            Job::new(
                "tests/generated/spec_recursion.rs",
                "every recursive type",
                move || Ok(recursion::emit(ir, &self.recursive)),
            ),
            Job::new(
                "tests/generated/redaction.rs",
                "every secret field of the models",
                move || Ok(redaction::emit(ir)),
            ),
            Job::new(
                "tests/generated/fake_waiters.rs",
                "spec/waiters.yaml",
                move || Ok(waiters::emit(ir)),
            ),
        ]
    }

    /// Example values in the document.
    pub fn document_examples(&self) -> usize {
        self.document_examples
    }

    /// Checks the generated example test runs.
    pub fn example_checks(&self) -> usize {
        self.examples.checks()
    }

    /// The (variant, tag) pairs the generated tag test checks.
    pub fn tag_checks(&self) -> usize {
        tags::count(&self.unions)
    }

    /// Example values of the document that no check covers.
    pub fn unchecked_examples(&self) -> &[String] {
        &self.examples.unchecked
    }
}
