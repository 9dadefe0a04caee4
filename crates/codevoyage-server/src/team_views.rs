//! Team dynamics, migrations and the executive summary of a repository's latest successful
//! analysis: the reports the insights stage stored as insight rows of their own kinds
//! (`team_report`, `migrations_report`), served as they were computed (formulas: the `team`
//! and `migrations` modules of `codevoyage-insights`), and the summary a language model wrote
//! (`executive_summary`) or, without one, the deterministic summary of the findings.

use crate::api::parse_id;
use crate::auth::Caller;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

/// Which executive summary `/summary` returns, for the UI to say so.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    pub analysis_id: i64,
    /// `model` or `deterministic`.
    pub source: &'static str,
    /// The model's name, for a model summary.
    pub model: Option<String>,
    /// A sentence naming which summary this is.
    pub label: String,
    pub text: String,
}

/// One stored report.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub analysis_id: i64,
    pub report: serde_json::Value,
}

async fn latest(state: &AppState, caller: &Caller, raw: &str) -> Result<(i64, i64), ApiError> {
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
    Ok((id, analysis.id))
}

/// The deterministic summary of stored findings, in the terminal's layout
/// (`codevoyage_insights::summary_text`): counts by severity, then each finding with its
/// explanation and suggested action.
pub fn deterministic_text(findings: &[codevoyage_store::InsightRecord]) -> String {
    use std::fmt::Write as _;
    if findings.is_empty() {
        return "No findings: the history is too small to say anything yet.\n".into();
    }
    let count = |s: &str| findings.iter().filter(|f| f.severity == s).count();
    let mut out = format!(
        "{} findings: {} critical, {} warning, {} info\n",
        findings.len(),
        count("critical"),
        count("warning"),
        count("info")
    );
    for (i, f) in findings.iter().enumerate() {
        let body = f.body.replace("\n\nSuggested action: ", "\n   → ");
        let _ = write!(
            out,
            "\n{}. [{}] {}\n   {}\n",
            i + 1,
            f.severity,
            f.title,
            body
        );
    }
    out
}

/// `GET /api/v1/repositories/{id}/summary`: the executive summary stored with the latest
/// analysis when a language model was configured (the model's, or the deterministic one when
/// the model failed), else the deterministic summary of its findings; `source` and `label` say
/// which.
pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<SummaryView>, ApiError> {
    let (_, analysis_id) = latest(&state, &caller, &raw).await?;
    let rows = state.store.insights(analysis_id).await?;
    if let Some(m) = rows
        .iter()
        .find(|r| r.kind == codevoyage_insights::EXECUTIVE_SUMMARY_KIND)
    {
        // A stored row is the model's summary, or (when the model failed during the analysis)
        // the deterministic one with the reason in its label.
        let deterministic = m.evidence["source"] == "deterministic";
        return Ok(Json(SummaryView {
            analysis_id,
            source: if deterministic {
                "deterministic"
            } else {
                "model"
            },
            model: m.evidence["model"].as_str().map(str::to_string),
            label: m.title.clone(),
            text: m.body.clone(),
        }));
    }
    let findings: Vec<_> = rows.into_iter().filter(|r| r.rank >= 1).collect();
    Ok(Json(SummaryView {
        analysis_id,
        source: "deterministic",
        model: None,
        label: "Deterministic summary (no language model summary for this analysis)".into(),
        text: deterministic_text(&findings),
    }))
}

async fn report(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    kind: &str,
    what: &str,
) -> Result<ReportView, ApiError> {
    let (id, analysis_id) = latest(state, caller, raw).await?;
    let row = state
        .store
        .insights(analysis_id)
        .await?
        .into_iter()
        .find(|r| r.kind == kind)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "analysis {analysis_id} of repository {id} has no {what} (it predates them); run `codevoyage analyze` on it again"
            ))
        })?;
    Ok(ReportView {
        analysis_id,
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
