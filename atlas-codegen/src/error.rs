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
        let location = match e.location() {
            Some(l) => Location::Text {
                line: l.line(),
                column: l.column(),
            },
            None => Location::Document,
        };
        // serde_yaml prefixes its message with the location; keep only the message.
        let message = e.to_string();
        let message = match message.split_once(" at line ") {
            Some((head, _)) => head.to_owned(),
            None => message,
        };
        CodegenError {
            location,
            message: format!("not a valid OpenAPI 3.0 document: {message}"),
        }
    })
}
