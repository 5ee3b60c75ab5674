//! Errors that name the place in the spec they come from.

use std::fmt;

/// Where in the spec a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer into the document, e.g. `#/components/schemas/Foo/properties/bar`.
    Pointer(String),
    /// An operation, by `operationId`, with the pointer to it.
    Operation {
        operation_id: String,
        pointer: String,
    },
    /// A line and column (1-based) in the document's text.
    Text { line: usize, column: usize },
    /// The document as a whole.
    Document,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(p) => write!(f, "{p}"),
            Location::Operation {
                operation_id,
                pointer,
            } => write!(f, "operation `{operation_id}` ({pointer})"),
            Location::Text { line, column } => write!(f, "line {line}, column {column}"),
            Location::Document => write!(f, "the document"),
        }
    }
}

/// A spec the generator cannot turn into Rust, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    pub location: Location,
    pub message: String,
}

impl CodegenError {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        CodegenError {
            location: Location::Pointer(pointer.into()),
            message: message.into(),
        }
    }

    pub fn in_operation(operation_id: &str, pointer: &str, message: impl Into<String>) -> Self {
        CodegenError {
            location: Location::Operation {
                operation_id: operation_id.to_owned(),
                pointer: pointer.to_owned(),
            },
            message: message.into(),
        }
    }
}

impl CodegenError {
    /// The same error, located in operation `operation_id`.
    pub fn within_operation(self, operation_id: &str) -> Self {
        let location = match self.location {
            Location::Pointer(pointer) => Location::Operation {
                operation_id: operation_id.to_owned(),
                pointer,
            },
            other => other,
        };
        CodegenError { location, ..self }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for CodegenError {}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn parse_spec(text: &str) -> Result<openapiv3::OpenAPI, CodegenError> {
    serde_yaml::from_str(text).map_err(|e| {
        // serde_yaml prefixes its message with the location; keep only the message.
        let message = e.to_string();
        let message = match message.split_once(" at line ") {
            Some((head, _)) => head.to_owned(),
            None => message,
        };
        let text_location = e.location().map(|l| (l.line(), l.column()));
        let (location, message) = match (structural_error_pointer(text), text_location) {
            // Well-formed YAML of the wrong shape: the pointer says where, the line helps.
            (Some(pointer), Some((line, column))) => (
                Location::Pointer(pointer),
                format!("{message} (line {line}, column {column})"),
            ),
            (Some(pointer), None) => (Location::Pointer(pointer), message),
            (None, Some((line, column))) => (Location::Text { line, column }, message),
            (None, None) => (Location::Document, message),
        };
        CodegenError {
            location,
            message: format!("not a valid OpenAPI 3.0 document: {message}"),
        }
    })
}

/// For YAML that parses but is no OpenAPI document, the JSON pointer of the deepest node
/// deserialization reached before it failed (`#/components/schemas/Thing`); `None` for
/// malformed YAML or a failure at the root.
fn structural_error_pointer(text: &str) -> Option<String> {
    serde_yaml::from_str::<serde_yaml::Value>(text).ok()?;
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let error = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(deserializer).err()?;
    let mut pointer = String::from("#");
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&pointer_token(key));
            }
            serde_path_to_error::Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Enum { .. } => {}
            serde_path_to_error::Segment::Unknown => break,
        }
    }
    (pointer != "#").then_some(pointer)
}
