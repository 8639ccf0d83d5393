/**
 * Run a type-engine query; a bug in the engine (an unexpected syntax tree) must cost the typed
 * answer only, never the request: the caller falls back to the untyped answer.
 */
export function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
