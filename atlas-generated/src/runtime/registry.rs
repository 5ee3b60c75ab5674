//! Descriptions of operations, for tools that work by operation id (see the generated
//! `registry::OPERATIONS` table).

/// One operation of the Atlas Administration API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The spec's `operationId`, e.g. `createGroupCluster`.
    pub operation_id: &'static str,
    /// The short name the Atlas CLI and the Go SDK use (`x-xgen-operation-id-override`), e.g. `createCluster`.
    pub short_name: &'static str,
    /// The spec's one-line `summary`, e.g. `Create One Cluster in One Project`.
    pub summary: Option<&'static str>,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/api/atlas/v2/groups/{groupId}/clusters`.
    pub path: &'static str,
    /// The operation's tag.
    pub tag: &'static str,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The version used when none is named: the newest that is not a preview.
    pub default_version: Option<&'static str>,
    /// Every API version of the operation, oldest first.
    pub versions: &'static [VersionInfo],
}

/// One API version of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionInfo {
    /// `YYYY-MM-DD`, or `preview`.
    pub version: &'static str,
    /// The `Content-Type` of the request body in this version, if it has one.
    pub request_media_type: Option<&'static str>,
    /// The `Accept` media type of this version: that of its success body (JSON when
    /// the success comes in several formats).
    pub response_media_type: &'static str,
    /// Other formats the success comes in, each with its own request type (suffix
    /// `Csv`…): `application/vnd.atlas.2023-01-01+csv` for `getOrgInvoice`.
    pub other_response_media_types: &'static [&'static str],
    /// The `x-sunset` date of this version, if any.
    pub sunset: Option<&'static str>,
    /// Whether this is the preview version (used only when asked for by name).
    pub preview: bool,
}

impl OperationInfo {
    /// The named version, or the default one for `None`.
    pub fn version(&self, version: Option<&str>) -> Option<&'static VersionInfo> {
        let wanted = version.or(self.default_version)?;
        self.versions.iter().find(|v| v.version == wanted)
    }
}
