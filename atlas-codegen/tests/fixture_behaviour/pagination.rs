//! Behaviour of the `pagination` fixture's generated code: list operations implement
//! `Paginated`, whose `set_page` asks for a page in the request's query and whose
//! `into_page` reads the items, the total and the `next` link of a success. Compiled into
//! the fixture crate by `xtask/tests/fixtures.rs`; not a test target of its own.

use http::HeaderMap;
use serde_json::{Value, json};

use crate::models::Widget;
use crate::operations::{ListGadgets, ListWidgets, ListWidgetsV20230101};
use crate::runtime::{Endpoint, Page, Paginated};

fn query<E: Endpoint>(request: &E) -> String {
    let request = request.to_request().expect("builds");
    request.uri().query().unwrap_or_default().to_owned()
}

fn read_page<E: Paginated<Error = Value>>(body: &Value) -> Page<E::Item> {
    let bytes = serde_json::to_vec(body).unwrap();
    let success = E::decode_response(200, &HeaderMap::new(), &bytes).expect("decodes");
    E::into_page(success)
}

fn widget(name: &str) -> Widget {
    Widget::new(name)
}

#[test]
fn set_page_asks_for_the_page_in_the_query() {
    let mut request = ListWidgetsV20230101::new("g1");
    assert_eq!(query(&request), "");
    request.set_page(2, 3);
    assert_eq!(query(&request), "itemsPerPage=3&pageNum=2");
    assert_eq!(
        (request.page_num, request.items_per_page),
        (Some(2), Some(3))
    );

    // Required parameters, an `i64` and an `i32`.
    let mut request = ListGadgets::new("g1", 1, 100);
    request.set_page(2, 3);
    assert_eq!(query(&request), "pageNum=2&itemsPerPage=3");
}

#[test]
fn set_page_saturates_what_an_i32_parameter_cannot_hold() {
    let mut request = ListGadgets::new("g1", 1, 100);
    request.set_page(i64::MAX, i64::MAX);
    assert_eq!(request.page_num, i64::MAX);
    assert_eq!(request.items_per_page, i32::MAX);
}

#[test]
fn into_page_reads_items_total_and_next_link() {
    let body = json!({
        "results": [{"name": "a"}, {"name": "b", "size": 2}],
        "totalCount": 7,
        "links": [{"rel": "self", "href": "x"}, {"rel": "next", "href": "y"}],
    });
    let page = read_page::<ListWidgetsV20230101>(&body);
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0], widget("a"));
    assert_eq!(page.items[1].size, Some(2));
    assert_eq!(page.total_count, Some(7));
    assert_eq!(page.has_next_link, Some(true));

    let last = json!({"results": [], "links": [{"rel": "self", "href": "x"}]});
    let page = read_page::<ListWidgetsV20230101>(&last);
    assert!(page.items.is_empty());
    assert_eq!(page.total_count, None);
    assert_eq!(page.has_next_link, Some(false));
}

#[test]
fn into_page_of_a_page_without_optional_fields() {
    let page = read_page::<ListWidgetsV20230101>(&json!({}));
    assert_eq!(
        page,
        Page {
            items: Vec::new(),
            total_count: None,
            has_next_link: None
        }
    );

    // The newest version has no `totalCount` or `links`, and `results` may be `null`.
    let page = read_page::<ListWidgets>(&json!({"results": null}));
    assert!(page.items.is_empty());
    let page = read_page::<ListWidgets>(&json!({"results": [{"name": "a"}], "totalCount": 1}));
    assert_eq!(page.items, [widget("a")]);
    assert_eq!((page.total_count, page.has_next_link), (None, None));
}

#[test]
fn into_page_of_required_fields() {
    let body = json!({"results": ["a", "b"], "totalCount": 5, "links": []});
    let page = read_page::<ListGadgets>(&body);
    assert_eq!(page.items, ["a", "b"]);
    assert_eq!(page.total_count, Some(5));
    assert_eq!(page.has_next_link, Some(false));
}
