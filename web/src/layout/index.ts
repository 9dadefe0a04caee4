/**
 * Pure city layout: squarified treemap, building heights and colours. No three.js or DOM here,
 * so everything is unit-tested in Node.
 */
export * from './squarify';
export * from './city';
export * from './metrics';
export * from './colors';
export * from './search';
export * from './pick';
