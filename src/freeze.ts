// Data read once per process and shared (the demo fleet, the bundled price book) is frozen, so that code
// that changed it by mistake fails at once instead of changing what every later reader sees. Typed
// arrays (utilization series) cannot be frozen and are left as they are.
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
