//! What a caller reads from the error body Atlas answers with: the accessors of
//! [`ApiError`], whose optional and nullable fields are `Option<Option<String>>` on the wire.

use crate::models::ApiError;

/// A text field read as `Option<&str>`, whether the spec makes it nullable
/// (`Option<Option<String>>`) or not (`Option<String>`, as in older documents): these
/// accessors are hand-written and must compile against any spec's `ApiError`.
trait Text {
    fn text(&self) -> Option<&str>;
}

impl Text for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl Text for Option<Option<String>> {
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(|t| t.as_deref())
    }
}

impl ApiError {
    /// The HTTP status the body repeats (`404`).
    #[must_use]
    pub fn status(&self) -> Option<i32> {
        self.error
    }

    /// Atlas's code for the error (`CLUSTER_NOT_FOUND`): what programs should match on.
    #[must_use]
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.text()
    }

    /// What went wrong, in words (`No cluster named Cluster0 exists in group 5f…`).
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        self.detail.text()
    }

    /// The HTTP reason phrase (`Not Found`).
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        self.reason.text()
    }
}

#[cfg(test)]
mod tests {
    use crate::models::ApiError;

    #[test]
    fn accessors_flatten_absent_and_null() {
        let body = br#"{"error":404,"errorCode":"CLUSTER_NOT_FOUND","detail":"No cluster named x.","reason":null}"#;
        let error: ApiError = crate::runtime::from_slice(body).unwrap();
        assert_eq!(error.status(), Some(404));
        assert_eq!(error.error_code(), Some("CLUSTER_NOT_FOUND"));
        assert_eq!(error.detail(), Some("No cluster named x."));
        assert_eq!(error.reason(), None, "null");
        let empty: ApiError = crate::runtime::from_slice(b"{}").unwrap();
        assert_eq!(
            (
                empty.status(),
                empty.error_code(),
                empty.detail(),
                empty.reason()
            ),
            (None, None, None, None)
        );
    }
}
