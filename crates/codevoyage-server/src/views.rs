//! Read views of a repository's latest successful analysis: insights, hotspots, coupling,
//! contributors and monthly activity. Each is computed from stored rows; the ones that
//! aggregate many rows are cached per analysed revision.

use crate::api::parse_id;
use crate::auth::Caller;
use crate::time::rfc3339;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use codevoyage_store::{AnalysisRow, CouplingRecord, InsightRecord};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Deserialize)]
pub struct Limit {
    limit: Option<u32>,
}

impl Limit {
    fn get(&self, default: u32) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(default),
            Some(0) => Err(ApiError::BadRequest("limit must be at least 1".into())),
            Some(n) if n > 10_000 => {
                Err(ApiError::BadRequest("limit must be at most 10000".into()))
            }
            Some(n) => Ok(n),
        }
    }
}

async fn latest_analysis(
    state: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<(i64, AnalysisRow), ApiError> {
    let id = parse_id(raw)?;
    if state
        .store
        .visible_repository(caller.viewer(), id)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound(format!(
            "no repository with id {id}; list them at /api/v1/repositories"
        )));
    }
    let analysis = state
        .store
        .latest_succeeded_analysis(id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "repository {id} has no finished analysis yet; run `codevoyage analyze` on it"
            ))
        })?;
    Ok((id, analysis))
}

#[derive(Serialize)]
pub struct InsightsView {
    analysis_id: i64,
    items: Vec<InsightRecord>,
}

pub async fn insights(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<InsightsView>, ApiError> {
    let (_, analysis) = latest_analysis(&state, &caller, &raw).await?;
    let mut items = state.store.insights(analysis.id).await?;
    // Ranks below 1 hold the team and migrations reports (served by `team_views`), not findings.
    items.retain(|i| i.rank >= 1);
    Ok(Json(InsightsView {
        analysis_id: analysis.id,
        items,
    }))
}

#[derive(Serialize)]
pub struct HotspotsView {
    analysis_id: i64,
    formula: &'static str,
    items: Vec<codevoyage_insights::Hotspot>,
}

pub async fn hotspots(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Query(limit): Query<Limit>,
) -> Result<Json<HotspotsView>, ApiError> {
    let limit = limit.get(100)?;
    let (id, analysis) = latest_analysis(&state, &caller, &raw).await?;
    let (_, files) = state.store.latest_tree(id).await?.unwrap_or_default();
    let activity: Vec<codevoyage_insights::FileActivity<'_>> = files
        .iter()
        .map(|f| codevoyage_insights::FileActivity {
            path: &f.path,
            revisions: f.revisions,
            cyclomatic: u64::from(f.cyclomatic),
        })
        .collect();
    let items = codevoyage_insights::hotspots(&activity, limit as usize);
    Ok(Json(HotspotsView {
        analysis_id: analysis.id,
        formula: codevoyage_insights::HOTSPOT_FORMULA,
        items,
    }))
}

#[derive(Serialize)]
pub struct CouplingView {
    analysis_id: i64,
    items: Vec<CouplingRecord>,
}

pub async fn coupling(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Query(limit): Query<Limit>,
) -> Result<Json<CouplingView>, ApiError> {
    let limit = limit.get(500)?;
    let (_, analysis) = latest_analysis(&state, &caller, &raw).await?;
    let items = state.store.coupling(analysis.id, limit).await?;
    Ok(Json(CouplingView {
        analysis_id: analysis.id,
        items,
    }))
}

#[derive(Serialize)]
struct ContributorView {
    id: i64,
    name: String,
    email: String,
    commits: u64,
    lines_added: u64,
    lines_removed: u64,
    first_commit_at: String,
    last_commit_at: String,
    is_bot: bool,
}

#[derive(Serialize)]
pub struct Page<T> {
    items: Vec<T>,
}

pub async fn contributors(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (id, _) = latest_analysis(&state, &caller, &raw).await?;
    let mut rows = state.store.contributors(id).await?;
    rows.sort_by(|a, b| {
        b.commits
            .cmp(&a.commits)
            .then_with(|| a.email.cmp(&b.email))
    });
    let items: Vec<ContributorView> = rows
        .into_iter()
        .map(|c| ContributorView {
            id: c.id,
            name: c.name,
            email: c.email,
            commits: c.commits,
            lines_added: c.lines_added,
            lines_removed: c.lines_removed,
            first_commit_at: rfc3339(c.first_commit_at),
            last_commit_at: rfc3339(c.last_commit_at),
            is_bot: c.is_bot,
        })
        .collect();
    Ok(Json(Page { items }).into_response())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Month {
    month: String,
    commits: u64,
    authors: u64,
}

/// Commits and distinct authors per calendar month (UTC), every month from the first commit
/// to the last, months without commits included.
pub fn monthly(times: &[(i64, String)]) -> Vec<Month> {
    let mut buckets: BTreeMap<(i64, u32), (u64, HashSet<&str>)> = BTreeMap::new();
    for (t, email) in times {
        let day = rfc3339(*t);
        let (year, month) = (
            day[..4].parse::<i64>().unwrap_or(1970),
            day[5..7].parse::<u32>().unwrap_or(1),
        );
        let b = buckets.entry((year, month)).or_default();
        b.0 += 1;
        b.1.insert(email.as_str());
    }
    let (Some(first), Some(last)) = (
        buckets.keys().next().copied(),
        buckets.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let (commits, authors) = buckets
            .get(&(y, m))
            .map(|(c, a)| (*c, a.len() as u64))
            .unwrap_or((0, 0));
        out.push(Month {
            month: format!("{y:04}-{m:02}"),
            commits,
            authors,
        });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

pub async fn activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (id, analysis) = latest_analysis(&state, &caller, &raw).await?;
    let key = format!("activity:{id}:{}", analysis.id);
    let body = match state.cache.get(&key).await {
        Some(hit) => hit,
        None => {
            let times = state.store.commit_times(id).await?;
            let body = serde_json::to_vec(&Page {
                items: monthly(&times),
            })
            .map_err(|e| ApiError::Internal(e.to_string()))?;
            state.cache.set(&key, &body, state.cache_ttl).await;
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_zero_filled_and_count_distinct_authors() {
        let jan = 1_609_459_200; // 2021-01-01
        let mar = 1_614_556_800; // 2021-03-01
        let times = vec![
            (jan, "a".to_string()),
            (jan + 60, "a".to_string()),
            (jan + 120, "b".to_string()),
            (mar, "c".to_string()),
        ];
        let m = monthly(&times);
        assert_eq!(
            m,
            vec![
                Month {
                    month: "2021-01".into(),
                    commits: 3,
                    authors: 2
                },
                Month {
                    month: "2021-02".into(),
                    commits: 0,
                    authors: 0
                },
                Month {
                    month: "2021-03".into(),
                    commits: 1,
                    authors: 1
                },
            ]
        );
        assert!(monthly(&[]).is_empty());
    }

    #[test]
    fn december_rolls_over_to_january() {
        let dec = 1_638_316_800; // 2021-12-01
        let feb = 1_643_673_600; // 2022-02-01
        let m = monthly(&[(dec, "a".into()), (feb, "a".into())]);
        assert_eq!(
            m.iter().map(|x| x.month.as_str()).collect::<Vec<_>>(),
            ["2021-12", "2022-01", "2022-02"]
        );
    }
}
