/**
 * What the view server answers, as the page reads it: the server's own types (type-only imports,
 * erased by the bundler), so the page and the server cannot disagree on a field.
 */
export type { FrameView, GoldenView, ViewedWidget as Widget } from '../../src/view/trace_viewer.js';
export type { ViewSummary as TraceSummary } from '../../src/view/view_server.js';
