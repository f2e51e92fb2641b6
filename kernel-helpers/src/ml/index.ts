// Machine learning for notebook 05: an SVC on libsvm (WebAssembly), scikit-learn's data generator,
// stratified K-fold and a grid search that runs serially, on a pool, or as a task graph.
export { SVC, resolveGamma, type SVCParams, type SVCKernel, type ResolvedSVCParams } from "./svc";
export { NotFittedError, LibsvmError } from "./errors";
export { loadLibsvm } from "./libsvm";
export { RandomState, checkRandomState, type RandomStateLike } from "./random";
export {
  makeClassification,
  makeColors,
  type Dataset,
  type ColorDataset,
  type MakeClassificationOptions,
  type MakeColorsOptions,
} from "./datasets";
export {
  StratifiedKFold,
  parameterGrid,
  formatParams,
  type StratifiedKFoldOptions,
  type Split,
  type ParamGrid,
  type ParamSet,
} from "./model-selection";
export {
  GridSearchCV,
  gridSearch,
  formatFitLine,
  type GridSearchOptions,
  type CvResults,
  type CvResultRow,
} from "./grid-search";
export { fitTaskModule, type SearchBackend, type FitTaskPool } from "./search-backends";
export { shutdownReusablePools } from "./reusable-pool";
export { fitAndScore, type FitTask, type FitResult } from "./fit-task";
export type { Matrix } from "./validation";
