// Service: process-wide hardening applied once at startup, before any request is read.

/**
 * removeProtoAccessor deletes Object.prototype's `__proto__` accessor (what node's --disable-proto=delete
 * does), so a key "__proto__" read from any object is an own property or nothing, never Object.prototype.
 * Bodies carrying such keys are already refused (parsers.ts); this is the second wall in case some code
 * walks a path of keys from a request. Object.prototype itself is not frozen: libraries that assign
 * `toString` or `constructor` on their own prototypes would then throw (the "override mistake").
 */
export function removeProtoAccessor(): void {
  Reflect.deleteProperty(Object.prototype, '__proto__');
}
