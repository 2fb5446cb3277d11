import { EventEmitter } from 'node:events';

/** Things that happened in one module that another reacts to, within this process. */
export interface DomainEventMap {
  /** The relationship between two users changed (request, accept, remove, block, unblock). */
  'contacts.changed': { a: string; b: string };
}

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  emit<K extends keyof DomainEventMap>(name: K, event: DomainEventMap[K]): void {
    this.emitter.emit(name, event);
  }

  on<K extends keyof DomainEventMap>(name: K, listener: (event: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
