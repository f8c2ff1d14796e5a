export * from './effect.js';
export * from './run-event.js';
export * from './engine-patch.js';
export * from './leaf-runner.js';
export * from './model-gateway.js';
export * from './engine-environment.js';
export * from './interrupted-effect.js';
export * from './memory-port.js';
