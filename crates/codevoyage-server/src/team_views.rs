//! Team dynamics and migrations of a repository's latest successful analysis: the reports the
//! insights stage stored as insight rows of their own kinds (`team_report`,
//! `migrations_report`), served as they were computed. Formulas: the `team` and `migrations`
//! modules of `codevoyage-insights`.

use crate::api::parse_id;
use crate::auth::Caller;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

/// One stored report.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub analysis_id: i64,
    pub report: serde_json::Value,
}

async fn report(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    kind: &str,
    what: &str,
) -> Result<ReportView, ApiError> {
    let id = parse_id(raw)?;
    crate::auth::visible_repository(state, caller, id).await?;
    let analysis = state
        .store
        .latest_succeeded_analysis(id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "repository {id} has no finished analysis yet; run `codevoyage analyze` on it"
            ))
        })?;
    let row = state
        .store
        .insights(analysis.id)
        .await?
        .into_iter()
        .find(|r| r.kind == kind)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "analysis {} of repository {id} has no {what} (it predates them); run `codevoyage analyze` on it again",
                analysis.id
            ))
        })?;
    Ok(ReportView {
        analysis_id: analysis.id,
        report: row.evidence,
    })
}

/// `GET /api/v1/repositories/{id}/team`: who works with whom, active contributors per month,
/// arrivals and departures, weekday × hour activity.
pub async fn team(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    Ok(Json(
        report(
            &state,
            &caller,
            &raw,
            codevoyage_insights::TEAM_REPORT_KIND,
            "team dynamics",
        )
        .await?,
    ))
}

/// `GET /api/v1/repositories/{id}/migrations`: language share over time, language migrations,
/// dependency swaps and folder moves.
pub async fn migrations(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    Ok(Json(
        report(
            &state,
            &caller,
            &raw,
            codevoyage_insights::MIGRATIONS_REPORT_KIND,
            "migrations report",
        )
        .await?,
    ))
}
