// Gives a component one data module from its context and renders the component again whenever it changes.

import { type Context, ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement;

export class StoreController<T extends EventTarget> implements ReactiveController {
  private current: T | undefined;
  private readonly onChange = () => this.host.requestUpdate();

  constructor(
    private readonly host: Host,
    context: Context<unknown, T>,
    /** Called once the module is known (and again if the provider replaces it). */
    private readonly onAttach?: (store: T) => void,
  ) {
    host.addController(this);
    new ContextConsumer(host, { context, subscribe: true, callback: (store) => this.attach(store) });
  }

  get value(): T | undefined {
    return this.current;
  }

  private attach(store: T): void {
    if (store === this.current) return;
    this.current?.removeEventListener('change', this.onChange);
    this.current = store;
    store.addEventListener('change', this.onChange);
    this.onAttach?.(store);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.current?.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.current?.removeEventListener('change', this.onChange);
  }
}
