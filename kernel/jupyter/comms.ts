import type { JsonObject } from './wire';

/**
 * Comm registry (comm_open/comm_msg/comm_close/comm_info). Targets are registered by name;
 * a comm_open for an unknown target is answered with comm_close, as ipykernel does.
 */
export interface CommSender {
  send(data: JsonObject, metadata?: JsonObject): void;
  close(data?: JsonObject): void;
}

export interface CommTarget {
  open(comm: CommSender & { id: string }, data: JsonObject): void;
  message?(comm: CommSender & { id: string }, data: JsonObject): void;
  close?(comm: CommSender & { id: string }, data: JsonObject): void;
}

export interface OpenComm {
  id: string;
  targetName: string;
}

export class CommManager {
  private readonly targets = new Map<string, CommTarget>();
  private readonly comms = new Map<string, OpenComm>();

  registerTarget(name: string, target: CommTarget): void {
    this.targets.set(name, target);
  }

  target(name: string): CommTarget | undefined {
    return this.targets.get(name);
  }

  add(comm: OpenComm): void {
    this.comms.set(comm.id, comm);
  }

  get(id: string): OpenComm | undefined {
    return this.comms.get(id);
  }

  remove(id: string): boolean {
    return this.comms.delete(id);
  }

  /** comm_info_reply content: {comm_id: {target_name}} filtered by target name. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.comms.values()) {
      if (!targetName || c.targetName === targetName) out[c.id] = { target_name: c.targetName };
    }
    return out;
  }
}
