/**
 * The library's public entry point (package.json `exports["."]`, built to dist/index.js): what
 * `import { … } from "aerchip"` gives. Re-exports only; each name is documented where it is defined.
 *
 * - models: loadModel (aerchip-model-1 / snnref-1 JSON), loadNirModel (NIR HDF5), loadSanafe and
 *   loadSanafeArch (SANA-FE YAML);
 * - chips: loadPreset, listPresetNames, loadChipSpecJson;
 * - compile and run: compileModel, compileAndRun / compileAndRunAsync (compile + simulate + report, the
 *   CLI's own path, so the numbers are the CLI's), runCompiled, simulate and SimulateOptions
 *   (recordVoltages, learningInput, …), buildRunReport;
 * - data sets: evaluateDataset (a NIR graph over a data set, one inference per sample: the document
 *   `aerchip evaluate` writes as dataset.json), and its renderers datasetMarkdown, datasetLatex, datasetCsv;
 * - event data: readEventsForInput, convertEventFile, writeSpikes, and every reader and writer of
 *   core/io/events as the `events` namespace (docs/events.md);
 * - errors: AerchipError (every failure, with a stable `code`).
 */
export { AerchipError, type Diagnostic } from "./core/diagnostics.ts";
export { loadPreset, listPresetNames, loadChipSpecJson, parseChipSpecJson } from "./chip/spec/load.ts";
export type { ChipSpec } from "./chip/spec/types.ts";
export type { ChipProgram, ChipStimulus } from "./chip/program/types.ts";
export { simulate, type SimulateOptions, type SimResult, type ThirdFactorSchedule } from "./chip/sim/run.ts";
export { buildRunReport, type Provenance, type RunReport } from "./chip/report/run-report.ts";
export { compileModel, type CompileOptions, type CompileResult, type MappingReport } from "./compiler/compile.ts";
export type { LoadedModel } from "./compiler/frontends/snnref.ts";
export type { ModelGraph } from "./compiler/ir/types.ts";
export { loadNirModel, readNirDocument, lowerNirDocument, selectNirInput, type LoadedNirModel, type NirLoadOptions } from "./compiler/frontends/nir/index.ts";
export { loadSanafe, loadSanafeArch, type SanafeArch, type SanafeModel } from "./compiler/frontends/sanafe/index.ts";
export { readEventsForInput, convertEventFile, writeSpikes } from "./core/io/events/index.ts";
export * as events from "./core/io/events/index.ts";
export { loadModel, compileAndRun, compileAndRunAsync, runCompiled, type RunOutcome, type RunHooks, type TimingModelName } from "./cli/pipeline.ts";
export { evaluateDataset, type EvaluateDatasetOptions, type EvaluateHooks, type DatasetEvaluation } from "./cli/commands/evaluate.ts";
export { summariseDataset, sampleStat, BatchActivity, type DatasetDocument, type DatasetSampleResult, type DatasetSummary } from "./chip/report/dataset.ts";
export { datasetMarkdown, datasetLatex, datasetCsv } from "./chip/report/formats/dataset.ts";
