//! Finding an operation of the generated registry by method and path template.
//!
//! Between spec versions an operation can keep its method and path but change its
//! `operationId` (`getCluster` became `getGroupCluster`), so tests name an operation by
//! method and path and ask the registry for the id of the spec the crate was built from.

// Every test that includes `common` compiles this module; not all of them look up.
#![allow(dead_code)]

use atlas_generated::registry::OPERATIONS;
use atlas_generated::runtime::OperationInfo;

/// The operation with this method (any case) and path template, if the registry has it.
/// Parameter names do not count: OpenAPI holds `/a/{x}` and `/a/{y}` to be the same path.
pub fn find(method: &str, path_template: &str) -> Option<&'static OperationInfo> {
    let wanted = unnamed(path_template);
    let mut found = OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method) && unnamed(op.path) == wanted);
    let first = found.next()?;
    if let Some(other) = found.next() {
        panic!(
            "{method} {path_template} is both `{}` ({}) and `{}` ({})",
            first.operation_id, first.path, other.operation_id, other.path
        );
    }
    Some(first)
}

/// The `operationId` of the operation with this method and path template; panics, naming
/// both, when the registry has no such operation.
pub fn operation_id(method: &str, path_template: &str) -> &'static str {
    find(method, path_template)
        .unwrap_or_else(|| {
            panic!("the registry has no operation {method} {path_template} (is its tag compiled?)")
        })
        .operation_id
}

/// `template` with every `{parameter}` written `{}`.
fn unnamed(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_name = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_by_method_and_template_whatever_the_parameter_names() {
        let op = find("get", "/api/atlas/v2/groups/{g}/clusters/{c}").expect("the cluster GET");
        assert_eq!(
            (op.method, op.path),
            (
                "GET",
                "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}"
            )
        );
        assert!(find("GET", "/api/atlas/v2/groups/{groupId}/nothing").is_none());
        assert!(
            find(
                "PUT",
                "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}"
            )
            .is_none()
        );
    }
}
