//! Waiters (`spec/waiters.yaml`): a good file gives every version of each operation its
//! `Waitable`, and each mistake in one fails the generation at its place in the file.
//! `tests/waiters/` holds a small API with long-running operations and its waiters.

use atlas_codegen::{CodegenError, Generated, generate_with, parse_spec, waiters};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/waiters/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn generate(waiters_text: &str) -> Result<Generated, CodegenError> {
    let spec = parse_spec(&fixture("spec.yaml")).expect("the fixture parses");
    let waiters = waiters::parse(waiters_text)?;
    generate_with(&spec, None, &waiters)
}

#[test]
fn every_version_of_a_long_running_operation_gets_its_waiter() {
    let generated = generate(&fixture("waiters.yaml")).expect("generates");
    let waiters: Vec<(String, String)> = generated
        .ir
        .operations
        .iter()
        .flat_map(|op| op.versions.iter())
        .filter_map(|v| {
            let w = v.waiter.as_ref()?;
            let poll = &generated.ir.operations[w.poll].versions[w.poll_version];
            Some((
                v.endpoints[0].type_name.clone(),
                poll.endpoints[0].type_name.clone(),
            ))
        })
        .collect();
    let pairs = [
        // The GET has no 2023-01-01: the file's version polls.
        ("CreateClusterV20230101", "GetClusterV20240805"),
        ("CreateClusterV20240805", "GetClusterV20240805"),
        ("DeleteClusterV20240805", "GetClusterV20240805"),
        ("UpdateClusterV20240805", "GetClusterV20240805"),
        ("CreateEndpointV20230101", "GetEndpointV20230101"),
        ("CreateIndexV20230101", "GetIndexV20230101"),
    ];
    let expected: Vec<(String, String)> = pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(waiters, expected);
    let folder = |tag: &str| {
        let prefix = format!("src/generated/operations/{tag}/");
        let files = generated
            .files
            .iter()
            .filter(|(path, _)| path.starts_with(&prefix));
        files
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (clusters, endpoints) = (folder("clusters"), folder("endpoints"));
    insta::assert_snapshot!("waiters_clusters", waitable_impls(&clusters));
    insta::assert_snapshot!("waiters_endpoints", waitable_impls(&endpoints));
    assert!(
        clusters.contains("Long-running: `Client::send_and_wait` sends it, then polls [`GetClusterV20240805`](crate::operations::GetClusterV20240805) until `$.stateName` is `IDLE`, once the change has begun"),
        "the update's docs say how its wait ends"
    );
}

/// The `impl crate::runtime::Waitable` blocks of a generated file.
fn waitable_impls(file: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in file.lines() {
        if line.starts_with("impl crate::runtime::Waitable") {
            inside = true;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
            if line == "}" {
                inside = false;
            }
        }
    }
    out
}

/// Each mistake (a replacement in the good file) and the place and words of its error.
#[test]
fn a_mistake_fails_at_its_place_in_the_file() {
    const W: &str = "spec/waiters.yaml#/actions";
    const X: &str = "update/x-atlas-generated-waiter";
    let cases: &[(&str, &str, String, &str)] = &[
        (
            "clusters'].post",
            "clusters'].put",
            format!("{W}/0/target"),
            "no operation `PUT /api/atlas/v2/groups/{groupId}/clusters`",
        ),
        (
            "operation-id: getEndpoint",
            "operation-id: getWidget",
            format!("{W}/3/{X}/get/operation-id"),
            "no operation `getWidget`",
        ),
        (
            "operation-id: getEndpoint",
            "operation-id: createCluster",
            format!("{W}/3/{X}/get/operation-id"),
            "is a POST, not a GET",
        ),
        (
            "operation-id: getEndpoint",
            "operation-id: getCluster",
            format!("{W}/3/{X}/get/operation-id"),
            "in the tag `Clusters`, not `Endpoints`",
        ),
        (
            "getEndpoint\n          version: \"2023-01-01\"",
            "getEndpoint\n          version: \"2025-01-01\"",
            format!("{W}/3/{X}/get/version"),
            "`getEndpoint` has no version `2025-01-01`; it has 2023-01-01",
        ),
        (
            "clusterName: body:$.name",
            "clusterName: body:$.title",
            format!("{W}/0/{X}/get/params/clusterName"),
            "`Cluster` has no field `title`",
        ),
        (
            "clusterName: body:$.name",
            "clusterName: body:$.paused",
            format!("{W}/0/{X}/get/params/clusterName"),
            "`$.paused` is not a string",
        ),
        (
            "clusterName: body:$.name",
            "clusterName: input:clusterName",
            format!("{W}/0/{X}/get/params/clusterName"),
            "`createCluster` has no path parameter `clusterName`",
        ),
        (
            "clusterName: body:$.name",
            "clusterName: $.name",
            format!("{W}/0/{X}/get/params/clusterName"),
            "neither `input:<path parameter>` nor `body:$.<field>`",
        ),
        (
            "            clusterName: body:$.name\n",
            "",
            format!("{W}/0/{X}/get/params"),
            "needs its path parameter `clusterName`",
        ),
        (
            "            clusterName: body:$.name\n",
            "            clusterName: body:$.name\n            region: input:groupId\n",
            format!("{W}/0/{X}/get/params/region"),
            "`getCluster` has no path parameter `region`",
        ),
        (
            "path: $.stateName\n            values: [IDLE]\n  - target: $.paths['/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch",
            "path: $.state\n            values: [IDLE]\n  - target: $.paths['/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch",
            format!("{W}/0/{X}/expect/match/path"),
            "`Cluster` has no field `state`",
        ),
        (
            "path: $.stateName\n            values: [IDLE]\n  - target: $.paths['/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch",
            "path: $.comment\n            values: [IDLE]\n  - target: $.paths['/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch",
            format!("{W}/0/{X}/expect/match/path"),
            "a string without an enum",
        ),
        (
            "values: [AVAILABLE]",
            "values: [READY]",
            format!("{W}/3/{X}/expect/match/values"),
            "`READY` is not a value of `$.status.phase`, which lists AVAILABLE, DELETING, FAILED, INITIATING",
        ),
        (
            "[AVAILABLE]\n          failure: [FAILED]",
            "[AVAILABLE]\n          failure: [BROKEN]",
            format!("{W}/3/{X}/expect/failure"),
            "`BROKEN` is not a value",
        ),
        (
            "          http-code: 404",
            "          http-code: 200",
            format!("{W}/2/{X}/expect"),
            "either `match` or `http-code: 404`",
        ),
        (
            "endpointId: body:$.id",
            "endpointId: body:$.status",
            format!("{W}/3/{X}/get/params/endpointId"),
            "`$.status` is not a string",
        ),
        (
            "values: [READY]",
            "values: [DONE]",
            format!("{W}/4/{X}/expect/match/values"),
            "`DONE` is not a value of `$.status`, which lists BUILDING, FAILED, PENDING, READY, STALE",
        ),
        (
            "indexId: body:$.indexID",
            "indexId: body:$.analyzer",
            format!("{W}/4/{X}/get/params/indexId"),
            "the branch `Vector` of `Index`: `$.analyzer`: `VectorIndex` has no field `analyzer`",
        ),
        (
            "'/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].delete",
            "'/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch",
            format!("{W}/2/target"),
            "`spec/waiters.yaml#/actions/1` already has a waiter for this operation",
        ),
    ];
    let good = fixture("waiters.yaml");
    for (from, to, place, words) in cases {
        assert_eq!(good.matches(from).count(), 1, "`{from}` names one place");
        let Err(error) = generate(&good.replacen(from, to, 1)) else {
            panic!("`{to}` generates");
        };
        assert_eq!(&error.location.to_string(), place, "{error}");
        assert!(error.message.contains(words), "{error}");
    }
}

#[test]
fn a_delete_has_no_answer_to_take_parameters_from() {
    let good = fixture("waiters.yaml");
    let from = "          operation-id: getCluster\n          version: \"2024-08-05\"\n          params:\n            groupId: input:groupId\n            clusterName: input:clusterName\n        expect:\n          http-code: 404";
    let to = from.replace("clusterName: input:clusterName", "clusterName: body:$.name");
    assert_eq!(good.matches(from).count(), 1);
    let Err(error) = generate(&good.replacen(from, &to, 1)) else {
        panic!("a delete has no body");
    };
    assert_eq!(
        error.location.to_string(),
        "spec/waiters.yaml#/actions/2/update/x-atlas-generated-waiter/get/params/clusterName"
    );
    assert!(
        error.message.contains("answers with no JSON body"),
        "{error}"
    );
}

/// A path may list alternatives, the first each type (or union branch) has; a state the
/// spec gives no enum is taken only with `values-source`, and one with an enum never.
#[test]
fn alternative_paths_and_documented_values() {
    let good = fixture("waiters.yaml");
    let create = "path: $.stateName\n            values: [IDLE]\n  - target: $.paths['/api/atlas/v2/groups/{groupId}/clusters/{clusterName}'].patch";
    assert_eq!(good.matches(create).count(), 1);
    let alternatives = create.replace("$.stateName", "$.state | $.stateName");
    let generated = generate(&good.replacen(create, &alternatives, 1)).expect("generates");
    let op = &generated.ir.operations[0];
    let Some(atlas_codegen::ir::WaitExpect::State { path, .. }) =
        op.versions[0].waiter.as_ref().map(|w| &w.expect)
    else {
        panic!("a state wait");
    };
    assert_eq!(path.json, "$.state | $.stateName");
    assert!(
        matches!(&path.steps[..], [atlas_codegen::ir::FieldStep::Field { ident, .. }] if ident == "state_name"),
        "{path:?}"
    );

    let documented = create.replace(
        "values: [IDLE]",
        "values: [IDLE]\n          values-source: the docs",
    );
    let Err(error) = generate(&good.replacen(create, &documented, 1)) else {
        panic!("an enum needs no values-source");
    };
    assert!(error.message.contains("has an enum"), "{error}");
    let comment = documented.replace("$.stateName", "$.comment");
    generate(&good.replacen(create, &comment, 1)).expect("a documented string state generates");

    let union = "values: [READY]";
    let Err(error) = generate(&good.replacen(union, "values: [STALE]", 1)) else {
        panic!("only the vector branch lists STALE");
    };
    assert_eq!(
        error.location.to_string(),
        "spec/waiters.yaml#/actions/4/update/x-atlas-generated-waiter/expect/match/values"
    );
    assert!(
        error
            .message
            .contains("a branch of `$.status` lists none of the targets"),
        "{error}"
    );
    generate(&good.replacen(union, "values: [READY, STALE]", 1))
        .expect("a value one branch lists is a value of the union");
}
