// Gives a component the app store from context and re-renders it whenever the store changes.

import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppStore } from '../data/app-store';
import { storeContext } from '../data/store-context';

type Host = ReactiveControllerHost & HTMLElement;

export class StoreController implements ReactiveController {
  private current: AppStore | undefined;
  private readonly onChange = () => this.host.requestUpdate();

  constructor(private readonly host: Host) {
    host.addController(this);
    new ContextConsumer(host, {
      context: storeContext,
      subscribe: true,
      callback: (store) => this.attach(store),
    });
  }

  get store(): AppStore | undefined {
    return this.current;
  }

  private attach(store: AppStore): void {
    this.current?.removeEventListener('change', this.onChange);
    this.current = store;
    store.addEventListener('change', this.onChange);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.current?.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.current?.removeEventListener('change', this.onChange);
  }
}
