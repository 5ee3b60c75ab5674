//! Untagged unions whose branches overlap choose by what the value says: an event is the
//! branch whose `eventTypeName` enum lists its type, not the first branch whose open enums
//! would take any string.

use atlas_generated::models::EventViewForNdsGroup;
use serde_json::{Value, json};

fn event(type_name: &str, extra: (&str, Value)) -> Value {
    let mut value = json!({
        "id": "6b2f0c1a9e1d4b0012345678",
        "created": "2026-11-30T10:00:00Z",
        "eventTypeName": type_name,
        "groupId": "5f1e2d3c4b5a69788796a5b4",
        "isGlobalAdmin": false,
    });
    value[extra.0] = extra.1;
    value
}

fn branch(event: &EventViewForNdsGroup) -> &'static str {
    use EventViewForNdsGroup as E;
    match event {
        E::Default(_) => "Default",
        E::Team(_) => "Team",
        E::Host(_) => "Host",
        E::Cluster(_) => "Cluster",
        E::HostMetricEvent(_) => "HostMetricEvent",
        _ => "another",
    }
}

#[test]
fn an_event_is_the_branch_that_lists_its_type() {
    for (type_name, extra, expected) in [
        ("JOINED_TEAM", ("teamId", json!("t1")), "Team"),
        ("HOST_DOWN", ("hostname", json!("h0")), "Host"),
        (
            "CLUSTER_MONGOS_IS_MISSING",
            ("clusterName", json!("c0")),
            "Cluster",
        ),
        (
            "OUTSIDE_METRIC_THRESHOLD",
            ("metricName", json!("ASSERT_REGULAR")),
            "HostMetricEvent",
        ),
    ] {
        let value = event(type_name, extra);
        let decoded: EventViewForNdsGroup = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(branch(&decoded), expected, "{value}");
        assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    }
}
