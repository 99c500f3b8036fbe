// The known contradictions of the phase-1 report (the source of the phase-1 figures), each stated with what this dataset shows.
// A validator that hides them is wrong; each finding says whether the dataset repeats the problem.
import { fmtInt, fmtPct, fmtRange } from "./format.ts";
import type { ParsedProfile } from "./options.ts";
import type { CheckResult, Contradiction, DatasetFacts, MetricResult } from "./types.ts";

/** The phase-1 report's own figures (reference/000_b5b6ce6b3985d5a1.txt). */
export const PHASE1_REPORT = {
  events: 59960,
  sessions: 3659,
  sessionStartEvents: 7318,
  sessionEndEvents: 3504,
  pageViewEvents: 16604,
  productViewEvents: 17422,
  avgPageViews: 7.5,
  mobileShare: 0.5,
  mobileSessions: 1832,
  mobileBenchmark: { min: 0.55, max: 0.6 },
  conversion: 0.157,
  conversionBenchmark: { min: 0.02, max: 0.05 },
  users: 400,
  eventsPerSecond: 40,
  durationS: 1500,
  avgSessionS: 318,
} as const;

function v(metrics: Record<string, MetricResult>, name: string): number {
  return metrics[name]?.value ?? Number.NaN;
}

export function knownContradictions(
  profile: ParsedProfile,
  metrics: Record<string, MetricResult>,
  facts: DatasetFacts,
  checks: readonly CheckResult[],
): Contradiction[] {
  const r = PHASE1_REPORT;
  const out: Contradiction[] = [];

  const mobile = v(metrics, "mobile_share");
  const mobileCi = metrics.mobile_share?.ci;
  const mobileInside = mobile >= r.mobileBenchmark.min && mobile <= r.mobileBenchmark.max;
  out.push({
    id: "mobile_share_claim",
    title: "Mobile share marked as matching 55-60%",
    claim: `The phase-1 report marks mobile ${fmtPct(r.mobileShare, 0)} (${fmtInt(r.mobileSessions)} of ${fmtInt(r.sessions)} sessions) as matching the 55-60% benchmark: it did not, 50% is 5 points below the range.`,
    finding: `This dataset: mobile ${fmtPct(mobile)} of sessions${mobileCi ? ` (95% CI ${fmtRange({ min: mobileCi.low, max: mobileCi.high }, "share")})` : ""}, ${mobileInside ? "inside" : mobile < r.mobileBenchmark.min ? "below" : "above"} 55-60%.`,
    appliesHere: !mobileInside,
  });

  const starts = facts.eventCounts.session_start ?? 0;
  const perSession = facts.sessions > 0 ? facts.events / facts.sessions : Number.NaN;
  const ends = facts.eventCounts.session_end ?? 0;
  out.push({
    id: "session_start_vs_sessions",
    title: "session_start events vs sessions",
    claim: `The report has ${fmtInt(r.sessionStartEvents)} session_start events but ${fmtInt(r.sessions)} sessions in the table, and ${fmtInt(r.sessionEndEvents)} session_end events: with one session_start per session the event counts and the table cannot describe the same sessions.`,
    finding: `This dataset: ${fmtInt(starts)} session_start events, ${fmtInt(facts.sessions)} session rows (${fmtInt(facts.baseSessions)} distinct session_ids), ${fmtInt(ends)} session_end events; ${fmtInt(facts.sessionsEndedBySessionEnd)} sessions ended by session_end and ${fmtInt(facts.sessionsEndedByTimeout)} by the ${facts.sessionTimeoutS} s timeout. ${starts === facts.sessions ? "One session_start per session row: consistent." : `session_start events and session rows differ by ${fmtInt(starts - facts.sessions)}.`} At this dataset's ${perSession.toFixed(1)} events per session, the report's ${fmtInt(r.events)} events would make about ${fmtInt(r.events / perSession)} sessions (the report: ${fmtInt(r.sessionStartEvents)} session_start events, ${fmtInt(r.sessions)} table rows).`,
    appliesHere: starts !== facts.sessions,
  });

  const avgPages = v(metrics, "avg_page_views");
  const pagesPerSession =
    facts.sessions > 0 ? (facts.eventCounts.page_view ?? 0) / facts.sessions : Number.NaN;
  const pagesAgree = Math.abs(avgPages - pagesPerSession) < 0.005;
  out.push({
    id: "page_views_vs_event_mix",
    title: "Average page views vs the event mix",
    claim: `The report's ${r.avgPageViews} page views per session does not follow from its own counts: ${fmtInt(r.pageViewEvents)} page_view events / ${fmtInt(r.sessions)} sessions = ${(r.pageViewEvents / r.sessions).toFixed(2)} (page_view + product_view = ${((r.pageViewEvents + r.productViewEvents) / r.sessions).toFixed(2)}).`,
    finding: `This dataset: average page_views ${avgPages.toFixed(2)} per session; page_view events / session rows = ${pagesPerSession.toFixed(2)}: ${pagesAgree ? "they agree" : "they do NOT agree"}.`,
    appliesHere: !pagesAgree,
  });

  const conversion = v(metrics, "session_conversion_rate");
  const check = checks.find((c) => c.id === "benchmark.session_conversion_rate");
  let verdict: string;
  if (!check) verdict = `profile ${profile.name} has no session conversion range`;
  else if (check.status === "intended")
    verdict = `reported as an intended deviation under profile ${profile.name} (${check.intended?.reason ?? ""})`;
  else if (check.status === "fail")
    verdict = `outside the ${profile.name} range ${fmtRange(check.range, "share")}: reported as a failure${check.intended ? "" : " (this profile documents no intended deviation)"}`;
  else verdict = `inside the ${profile.name} range ${fmtRange(check.range, "share")}`;
  out.push({
    id: "conversion_intended",
    title: "Conversion 15.7% vs a 2-5% benchmark",
    claim: `The report's session conversion ${fmtPct(r.conversion)} is more than three times the top of the 2-5% benchmark; the report states this is intentional (class balance for ML training).`,
    finding: `This dataset: session conversion ${fmtPct(conversion)}; ${verdict}.`,
    appliesHere: conversion > r.conversionBenchmark.max,
  });

  const littles = facts.spanS > 0 ? (facts.sessions * facts.meanDurationS) / facts.spanS : Number.NaN;
  const reportNeeds = (r.sessions * r.avgSessionS) / r.durationS;
  out.push({
    id: "concurrency",
    title: "400 users vs the open sessions 40 events/s needs",
    claim: `40 events/s from sessions of about 8 events lasting about 5.5 minutes needs about 1,600 sessions open at once, but the report names ${r.users} concurrent users; its own figures (${fmtInt(r.sessions)} sessions of ${r.avgSessionS} s over ${fmtInt(r.durationS)} s) already need about ${Math.round(reportNeeds)}.`,
    finding: `This dataset: ${fmtInt(facts.events)} events over ${fmtInt(facts.spanS)} s of event time, ${fmtInt(facts.sessions)} sessions averaging ${facts.meanDurationS.toFixed(0)} s: on average ${littles.toFixed(0)} sessions open at once (peak ${fmtInt(facts.peakOpenSessions)}) from ${fmtInt(facts.users)} users; the most sessions one user had open at once: ${fmtInt(facts.maxOpenSessionsPerUser)}${facts.maxOpenSessionsPerUser > 1 ? " (users hold several sessions, as the documented parameters require)" : ""}.`,
    appliesHere: facts.peakOpenSessions > facts.users,
  });
  return out;
}
