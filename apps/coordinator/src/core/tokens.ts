/** Injection tokens for the resources the coordinator opens before Nest starts. */
export const CONFIG = Symbol('CoordinatorConfig');
export const LOGGER = Symbol('Logger');
export const DATABASE = Symbol('Database');
/** An ioredis client, or null in the embedded mode. */
export const REDIS = Symbol('Redis');
export const METRICS = Symbol('Metrics');
export const DOMAIN_EVENTS = Symbol('DomainEvents');
