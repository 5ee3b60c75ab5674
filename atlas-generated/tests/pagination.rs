//! List operations implement `Paginated`: `set_page` asks for a page in the request's query,
//! and `into_page` reads the items, the total and the `next` link of a decoded page. The
//! number of request types that implement it is the one `reports/completeness.md` gives.

use std::path::{Path, PathBuf};

use atlas_generated::models::Group;
use atlas_generated::operations::ListGroups;
use atlas_generated::runtime::{Endpoint, Page, Paginated};
use http::HeaderMap;

/// Compiles only for a list of `Group`s.
fn lists_groups<P: Paginated<Item = Group>>() {}

#[test]
fn list_groups_is_a_list_of_groups() {
    lists_groups::<ListGroups>();
}

#[test]
fn set_page_asks_for_the_page_in_the_query() {
    let mut request = ListGroups::new();
    request.set_page(2, 3);
    assert_eq!(
        (request.page_num, request.items_per_page),
        (Some(2), Some(3))
    );
    let request = request.to_request().expect("builds");
    let query = request.uri().query().expect("a query");
    let mut pairs: Vec<&str> = query.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(pairs, ["itemsPerPage=3", "pageNum=2"], "{query}");
}

#[test]
fn into_page_reads_items_total_and_next_link() {
    let body = br#"{"results":[{"name":"a","orgId":"o"}],"totalCount":3,"links":[{"rel":"next","href":"x"}]}"#;
    let success = ListGroups::decode_response(200, &HeaderMap::new(), body).expect("decodes");
    let Page {
        items,
        total_count,
        has_next_link,
    } = ListGroups::into_page(success);
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].name.as_str(), items[0].org_id.as_str()),
        ("a", "o")
    );
    assert_eq!(total_count, Some(3));
    assert_eq!(has_next_link, Some(true));
}

#[test]
fn into_page_of_an_empty_body() {
    let success = ListGroups::decode_response(200, &HeaderMap::new(), b"{}").expect("decodes");
    let page = ListGroups::into_page(success);
    assert_eq!(
        page,
        Page {
            items: Vec::new(),
            total_count: None,
            has_next_link: None,
        }
    );
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The report's (paginated, lists) counts of the row `what` of its pagination section.
fn reported(report: &str, what: &str) -> (usize, usize) {
    let section = report
        .split_once("## Paginated lists")
        .expect("the report has a pagination section")
        .1;
    let row = section
        .lines()
        .find(|line| line.starts_with(&format!("| {what} |")))
        .unwrap_or_else(|| panic!("no row `{what}` in the pagination section"));
    let cells: Vec<usize> = row
        .split('|')
        .filter_map(|cell| cell.trim().parse().ok())
        .collect();
    let [paginated, lists] = cells[..] else {
        panic!("row `{row}`: two counts expected");
    };
    (paginated, lists)
}

#[test]
fn the_generated_impls_are_those_the_report_counts() {
    let report = std::fs::read_to_string(crate_dir().join("reports/completeness.md"))
        .expect("reports/completeness.md");
    let (pairs, list_pairs) = reported(&report, "(operation, API version) pairs");
    let (operations, list_operations) = reported(&report, "operations");
    let mut files = Vec::new();
    rust_files(&crate_dir().join("src/generated/operations"), &mut files);
    let impls: Vec<usize> = files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("readable");
            text.matches("impl crate::runtime::Paginated for ").count()
        })
        .filter(|&count| count > 0)
        .collect();
    assert_eq!(impls.iter().sum::<usize>(), pairs, "paginated pairs");
    // A file per operation.
    assert_eq!(impls.len(), operations, "paginated operations");
    assert!(
        pairs >= 90,
        "only {pairs} paginated (operation, version) pairs"
    );
    assert!(pairs <= list_pairs && operations <= list_operations);
}
