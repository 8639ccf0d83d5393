/**
 * Handle tables for DAP ids (frame ids, variablesReference). Ids only grow, so a stale id a client
 * sends after a resume never aliases a new object; the table is cleared on every resume.
 */
export class HandleTable<T> {
  private next: number;
  private readonly byId = new Map<number, T>();
  private readonly byKey = new Map<string, number>();

  constructor(start = 1) {
    this.next = start;
  }

  /** Add a value; with `key`, adding an equal key again returns the same id. */
  add(value: T, key?: string): number {
    if (key !== undefined) {
      const existing = this.byKey.get(key);
      if (existing !== undefined) return existing;
    }
    const id = this.next++;
    this.byId.set(id, value);
    if (key !== undefined) this.byKey.set(key, id);
    return id;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }
}

/** A promise with its resolver, for "wait until configurationDone" style gates. */
export class Gate<T = void> {
  readonly promise: Promise<T>;
  private resolveFn!: (v: T) => void;
  private done = false;

  constructor() {
    this.promise = new Promise<T>((resolve) => (this.resolveFn = resolve));
  }

  open(value: T): void {
    if (this.done) return;
    this.done = true;
    this.resolveFn(value);
  }

  get isOpen(): boolean {
    return this.done;
  }
}
