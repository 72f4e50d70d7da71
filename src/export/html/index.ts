// The HTML report: the folder's public API.
export { esc, scriptJson } from './escape.ts';
export { htmlExploreReport } from './explore-page.ts';
export { htmlCompareReport, htmlConformanceReport, htmlRunReport } from './page.ts';
export type {
  ConformanceRow,
  ExploreCounterexample,
  ExploreRow,
  ExploreView,
  ReportHeader,
  ReportRun,
  TracedRun,
} from './report.ts';
export { buildWaveform, MAX_RECORDS, type Waveform } from './waveform.ts';
