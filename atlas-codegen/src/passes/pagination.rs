//! Which (operation, version) pairs are lists, and how each asks for a page and reads one.
//!
//! This pass owns the decision behind `runtime::Paginated` and the wire names it rests on
//! (the constants below, used by the emitter and the report too). A list is an operation
//! whose request takes the query parameters `pageNum` and `itemsPerPage`; a version of it
//! is paginated when both are integers and the first success of its main request type is
//! a JSON struct with a `results` array. Its item is that array's element; `totalCount`
//! (an integer) and `links` (an array of structs with an optional string `rel`) are used
//! when the struct has them. Every other version of a list is recorded with the reason,
//! for the report.

use crate::ir::{
    Field, Ir, Operation, OperationVersion, PageField, PageLinks, PageParam, Pagination, Paging,
    Param, ParamLocation, Presence, ResponseBody, Struct, Success, TypeKind, TypeRef,
};

/// The query parameter naming the page to return, from 1.
pub(crate) const PAGE_NUM: &str = "pageNum";
/// The query parameter naming the size of a page.
pub(crate) const ITEMS_PER_PAGE: &str = "itemsPerPage";
/// The success body's field holding the page's items.
pub(crate) const RESULTS: &str = "results";
/// The success body's field counting the items of the whole list.
pub(crate) const TOTAL_COUNT: &str = "totalCount";
/// The success body's field listing related resources.
pub(crate) const LINKS: &str = "links";
/// The field of a link naming its relation.
pub(crate) const REL: &str = "rel";
/// The relation of the link to the following page.
pub(crate) const NEXT: &str = "next";

pub fn plan_pagination(ir: &mut Ir) {
    let plans: Vec<Vec<Paging>> = ir
        .operations
        .iter()
        .map(|op| op.versions.iter().map(|v| paging(ir, op, v)).collect())
        .collect();
    for (op, plans) in ir.operations.iter_mut().zip(plans) {
        for (v, paging) in op.versions.iter_mut().zip(plans) {
            v.paging = paging;
        }
    }
}

fn paging(ir: &Ir, op: &Operation, v: &OperationVersion) -> Paging {
    let query = |name: &str| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire_name == name)
    };
    let (Some(page_num), Some(items_per_page)) = (query(PAGE_NUM), query(ITEMS_PER_PAGE)) else {
        return Paging::NotAList;
    };
    match pagination(ir, v, page_num, items_per_page) {
        Ok(pagination) => Paging::Paginated(Box::new(pagination)),
        Err(reason) => Paging::Unpaginated(reason),
    }
}

fn pagination(
    ir: &Ir,
    v: &OperationVersion,
    page_num: &Param,
    items_per_page: &Param,
) -> Result<Pagination, String> {
    let page_num = page_param(page_num)?;
    let items_per_page = page_param(items_per_page)?;
    let body = success_struct(ir, v)?;
    let field = |name: &str| body.fields.iter().find(|f| f.wire_name == name && !f.boxed);
    let (results, item) = field(RESULTS)
        .and_then(|f| match ir.unaliased(&f.ty) {
            TypeRef::Array(item) => Some((
                page_field(f, TypeRef::Array(item.clone())),
                (**item).clone(),
            )),
            _ => None,
        })
        .ok_or_else(|| format!("the success body has no `{RESULTS}` array"))?;
    let total_count = field(TOTAL_COUNT).and_then(|f| match ir.unaliased(&f.ty) {
        ty @ (TypeRef::I32 | TypeRef::I64) => Some(page_field(f, ty.clone())),
        _ => None,
    });
    let links = field(LINKS).and_then(|f| {
        let TypeRef::Array(link) = ir.unaliased(&f.ty) else {
            return None;
        };
        let rel = struct_of(ir, link)?.fields.iter().find(|r| {
            r.wire_name == REL
                && !r.boxed
                && *ir.unaliased(&r.ty) == TypeRef::String
                && matches!(r.presence, Presence::Optional | Presence::RequiredNullable)
        })?;
        Some(PageLinks {
            field: page_field(f, TypeRef::Array(link.clone())),
            rel: rel.ident.clone(),
        })
    });
    Ok(Pagination {
        page_num,
        items_per_page,
        item,
        results,
        total_count,
        links,
    })
}

fn page_param(p: &Param) -> Result<PageParam, String> {
    match p.ty {
        TypeRef::I32 | TypeRef::I64 => Ok(PageParam {
            ident: p.ident.clone(),
            required: p.required,
            ty: p.ty.clone(),
        }),
        _ => Err(format!(
            "the query parameter `{}` is not an integer",
            p.wire_name
        )),
    }
}

fn page_field(f: &Field, ty: TypeRef) -> PageField {
    PageField {
        ident: f.ident.clone(),
        presence: f.presence,
        ty,
    }
}

/// The struct the first success of the version's main request type decodes to.
fn success_struct<'a>(ir: &'a Ir, v: &OperationVersion) -> Result<&'a Struct, String> {
    let case = match v.endpoints.first().map(|e| &e.success) {
        Some(Success::One(case)) => case,
        Some(Success::Many { .. }) => {
            return Err("the success is one of several statuses".to_owned());
        }
        Some(Success::Undeclared) | None => return Err("no success is declared".to_owned()),
    };
    match &case.body {
        ResponseBody::Json(ty) => {
            struct_of(ir, ty).ok_or_else(|| "the success body is not an object".to_owned())
        }
        ResponseBody::None | ResponseBody::Bytes => Err("the success body is not JSON".to_owned()),
    }
}

fn struct_of<'a>(ir: &'a Ir, ty: &TypeRef) -> Option<&'a Struct> {
    match ir.unaliased(ty) {
        TypeRef::Named(id) => match &ir.types[*id].kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}
