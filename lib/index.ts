export * from '../constructs/governed-endpoint';
export * from '../constructs/governance-foundation';
export * from '../constructs/evidence-store';
export * from '../constructs/execution-role';
export * from './governance';
export * from './model-source';
export { INSTANCE_STORE_FAMILIES, supportsVolumeEncryption } from './instance-types';
export { IMPORTED_KEY_WARNING, WARNING_PREFIX } from './warnings';
