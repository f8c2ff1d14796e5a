// The composition root: providers, memo, pricing and real leaves behind the engine's ports.
export { createRuntime, leafRouteResolver, type CreateRuntimeOptions, type Runtime, type RuntimeProvider } from './create-runtime.js';
export { ProvidersModelGateway } from './providers-model-gateway.js';
export { workerRunnerFactory, type WorkerLeafRunner, type WorkerRunnerOptions, type WorkerServices } from './worker-runner-factory.js';
export { protectedStatePaths } from './protected-state-paths.js';
export { unusableRoutes, describeUnusableRoutes, type UnusableRoute } from './unusable-routes.js';
