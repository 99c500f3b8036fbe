// Public face of the notebooks' helpers. Notebooks load it through load.cjs (see README: tslab cannot import the
// project's ESM TypeScript directly); it imports only the stages' public faces and libraries.
export { CHART_CONFIG, COLORS, svg } from "./charts.ts";
export {
  DATASET_VIEWS,
  type Dataset,
  DEFAULT_DATASET,
  datasetDir,
  openDataset,
  type Row,
} from "./dataset.ts";
export { type Column, escapeHtml, fmt, htmlTable, htmlTableOf, htmlText, type TableOptions } from "./html.ts";
export { contactAllModel, type Impact, type ImpactInputs, reportModel } from "./impact.ts";
export { auc, LEAK_THRESHOLDS, leakFlag, type Separation, separation } from "./separation.ts";
