/**
 * Every property of the OS the project checks, in the order `gpuos check` runs them
 * (docs/PROPERTIES.md describes each, its oracle and what it cannot see).
 */
import { damageMatchesFullRedraw, scheduleIndependent } from './frame_properties.js';
import { inputMatchesModel } from './input_property.js';
import { layoutMatchesModel, modelMatchesChromium } from './layout_properties.js';
import { phasesHoldAtBarriers } from './phase_properties.js';
import type { AnyOsProperty } from './property.js';

export const PROPERTIES: readonly AnyOsProperty[] = [layoutMatchesModel, modelMatchesChromium, inputMatchesModel, damageMatchesFullRedraw, scheduleIndependent, phasesHoldAtBarriers];

export { assertProperty } from './assert_property.js';
export { formatFailure, runProperty, type PropertyRunResult, type RunPropertyOptions } from './run_property.js';
export { PropertyViolation, type OsProperty, type PropertyScale } from './property.js';
