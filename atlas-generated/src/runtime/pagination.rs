//! List operations: requests that ask for one page, successes that hold one.
//!
//! The generator implements [`Paginated`] for every (operation, version) whose request
//! takes `pageNum` and `itemsPerPage` and whose success body has a `results` array. A
//! client walks the pages with it (`Client::paginate` with the `client` feature).

use super::response::Endpoint;

/// The largest `itemsPerPage` Atlas accepts.
pub const MAX_PAGE_SIZE: i64 = 500;

/// A list operation, one page at a time.
pub trait Paginated: Endpoint + Clone {
    /// One element of the list.
    type Item;

    /// Asks for page `page_num` (from 1) of `items_per_page` items.
    fn set_page(&mut self, page_num: i64, items_per_page: i64);

    /// The items of one page, and what the page says of those that follow.
    fn into_page(success: Self::Success) -> Page<Self::Item>;
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// `totalCount`: how many items the whole list has, when the server says.
    pub total_count: Option<i64>,
    /// Whether `links` has a `next` link; `None` when the page has no `links`.
    pub has_next_link: Option<bool>,
}

/// Where a walk through the pages of a list stands, and whether it goes on.
///
/// It follows what the server says of the pages that follow: a `next` link in `links`
/// when the page has `links`, else `totalCount` when it has one, and only without either
/// whether the page is full, since some endpoints answer with fewer items a page than
/// asked. It stops on an empty page whatever the page says, and after `max_pages` pages,
/// so that no answer makes it loop forever.
#[derive(Debug, Clone)]
pub struct PageCursor {
    page_num: i64,
    page_size: i64,
    seen: i64,
    max_pages: i64,
    done: bool,
    capped: bool,
}

impl PageCursor {
    /// A walk from page 1, `page_size` items a page (clamped to `1..=MAX_PAGE_SIZE`), of
    /// at most `max_pages` pages.
    #[must_use]
    pub fn new(page_size: i64, max_pages: i64) -> Self {
        PageCursor {
            page_num: 1,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            seen: 0,
            max_pages: max_pages.max(1),
            done: false,
            capped: false,
        }
    }

    /// The page to fetch next, and its size; `None` once the walk is over.
    #[must_use]
    pub fn next_page(&self) -> Option<(i64, i64)> {
        (!self.done).then_some((self.page_num, self.page_size))
    }

    /// Whether the walk stopped at `max_pages` while the list said more pages follow.
    #[must_use]
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Takes in a fetched page, returning its items; decides whether another follows.
    pub fn advance<T>(&mut self, page: Page<T>) -> Vec<T> {
        let count = i64::try_from(page.items.len()).unwrap_or(i64::MAX);
        self.seen = self.seen.saturating_add(count);
        let more = match (page.has_next_link, page.total_count) {
            (Some(next), _) => next,
            (None, Some(total)) => self.seen < total,
            (None, None) => count >= self.page_size,
        };
        let ended = count == 0 || !more;
        self.capped = !ended && self.page_num >= self.max_pages;
        self.done = ended || self.capped;
        self.page_num += 1;
        page.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, total: Option<i64>, next: Option<bool>) -> Page<usize> {
        Page {
            items: (0..items).collect(),
            total_count: total,
            has_next_link: next,
        }
    }

    /// Pages fetched until the cursor stops, each answered by `answer(page_num)`.
    fn walk(mut cursor: PageCursor, answer: impl Fn(i64) -> Page<usize>) -> Vec<i64> {
        let mut fetched = Vec::new();
        while let Some((num, _)) = cursor.next_page() {
            fetched.push(num);
            cursor.advance(answer(num));
        }
        fetched
    }

    #[test]
    fn stops_on_a_short_or_empty_page() {
        let short = walk(PageCursor::new(2, 100), |n| {
            page(if n < 3 { 2 } else { 1 }, None, None)
        });
        assert_eq!(short, [1, 2, 3]);
        let empty = walk(PageCursor::new(2, 100), |n| {
            page(if n < 2 { 2 } else { 0 }, None, None)
        });
        assert_eq!(empty, [1, 2]);
    }

    /// An endpoint that gives fewer items a page than asked (100 of 500) says so by its
    /// `next` link or its `totalCount`: the walk goes on past the short page.
    #[test]
    fn follows_the_server_past_a_short_page() {
        let by_total = walk(PageCursor::new(500, 100), |n| {
            page(if n < 3 { 100 } else { 50 }, Some(250), None)
        });
        assert_eq!(by_total, [1, 2, 3]);
        let by_link = walk(PageCursor::new(500, 100), |n| page(100, None, Some(n < 4)));
        assert_eq!(by_link, [1, 2, 3, 4]);
        // The link wins over a count that disagrees, either way.
        let link_says_more = walk(PageCursor::new(2, 100), |n| page(2, Some(2), Some(n < 2)));
        assert_eq!(link_says_more, [1, 2]);
        let link_says_no = walk(PageCursor::new(2, 100), |_| page(2, Some(10), Some(false)));
        assert_eq!(link_says_no, [1]);
        // An empty page ends the walk, whatever the page says.
        let empty = walk(PageCursor::new(2, 100), |n| {
            page(if n < 2 { 2 } else { 0 }, Some(10), Some(true))
        });
        assert_eq!(empty, [1, 2]);
    }

    #[test]
    fn stops_on_total_count_or_a_missing_next_link() {
        assert_eq!(
            walk(PageCursor::new(2, 100), |_| page(2, Some(4), None)),
            [1, 2]
        );
        let links = walk(PageCursor::new(2, 100), |n| page(2, None, Some(n < 3)));
        assert_eq!(links, [1, 2, 3]);
    }

    #[test]
    fn never_loops_forever_and_clamps_the_page_size() {
        // A server that always answers with a full page and a `next` link.
        let mut cursor = PageCursor::new(2, 5);
        let mut pages = 0;
        while cursor.next_page().is_some() {
            pages += 1;
            cursor.advance(page(2, None, Some(true)));
        }
        assert_eq!(pages, 5);
        assert!(cursor.capped(), "stopped by the cap, not by the list");
        let mut ended = PageCursor::new(2, 1);
        ended.advance(page(1, None, None));
        assert!(ended.next_page().is_none() && !ended.capped());
        assert_eq!(
            PageCursor::new(10_000, 1).next_page(),
            Some((1, MAX_PAGE_SIZE))
        );
        assert_eq!(PageCursor::new(0, 1).next_page(), Some((1, 1)));
    }
}
